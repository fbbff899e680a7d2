#!/usr/bin/env node
'use strict';
/**
 * Many executions on one token in n8n's queue mode (issue 23). Redis, `n8n start` and 2
 * `n8n worker`s share one user folder with the PACKED package installed (as scripts/smoke/index.js
 * --queue); a sandbox on 127.0.0.1 enforces 2 simultaneous requests per token and a per-IP rate
 * (403 with Retry-After beyond), with a latency. For each N, N copies of one workflow start at once
 * (the editor's "Execute workflow", offloaded to the workers), each on its own records:
 * Manual Trigger (ITEMS pinned) → Delete (batched, 50 ids/request), → Create (batched, 50
 * records/request), → Limit 10 → Search (one request per item). All nodes at their defaults
 * otherwise (Concurrent Requests 1, no Max Requests per Second, Max Retries 5).
 * It prints, per N: executions ended successfully, ids deleted/lost, records created/missing/
 * duplicated (the sandbox's records), searches answered, requests sent and refused (simultaneous,
 * per IP), and the time from the first start to the last end against the floor (accepted
 * requests ÷ rate). A benchmark: it prints figures, no test depends on it.
 *
 *   node scripts/smoke/queue-bench.js --n8n 2.41.1 --cache /work/smoke-cache [--worktree] [--repo DIR]
 *     [--ns 1,4,8] [--items 300] [--rate 10] [--simultaneous 2] [--latency 50] [--workers 2]
 *     [--worker-concurrency 10] [--node-mps 0] [--node 24] [--npm 11] [--dir DIR] [--keep]
 * --node-mps X sets every node's Max Requests per Second to X (default 0: the node's default, none).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const install = require('./install');
const { n8nHost, freePort } = require('./n8n');
const queue = require('./queue');
const { createResults, Fatal } = require('./results');

const OPERATION = 'qbench';
const TRIGGER = 'When clicking Execute';
const SEARCHES = 10;
const BATCH = 50;
const VALUE_FLAGS = { '--n8n': 'n8n', '--node': 'node', '--npm': 'npm', '--repo': 'repo', '--cache': 'cache', '--dir': 'dir', '--ns': 'ns', '--items': 'items', '--rate': 'rate', '--simultaneous': 'simultaneous', '--latency': 'latency', '--workers': 'workers', '--worker-concurrency': 'workerConcurrency', '--node-mps': 'nodeMps' };
const NUMBERS = new Set(['items', 'rate', 'simultaneous', 'latency', 'workers', 'workerConcurrency', 'nodeMps']);

function parseArgs(argv) {
	const o = { repo: path.join(__dirname, '..', '..'), n8n: '2.41.1', node: '24', npm: '11', cache: process.env.SMOKE_CACHE, source: 'head', keep: false, ns: [1, 4, 8], items: 300, rate: 10, simultaneous: 2, latency: 50, workers: 2, workerConcurrency: 10, nodeMps: 0 };
	for (let i = 0; i < argv.length; i++) {
		const key = VALUE_FLAGS[argv[i]];
		if (key) {
			const v = argv[++i];
			if (v === undefined || v.startsWith('--')) throw new Error(`${argv[i - 1]} needs a value`);
			o[key] = ['repo', 'cache', 'dir'].includes(key) ? path.resolve(v) : key === 'ns' ? v.split(',').map(Number) : NUMBERS.has(key) ? Number(v) : v;
		} else if (argv[i] === '--worktree') o.source = 'worktree';
		else if (argv[i] === '--keep') o.keep = true;
		else throw new Error(`unknown argument ${argv[i]}`);
	}
	if (!o.ns.every((n) => Number.isInteger(n) && n >= 1)) throw new Error('--ns wants whole numbers, e.g. 1,4,8');
	return o;
}

const idOf = (e, k) => (0xb0000000 + e * 100_000 + k).toString(16).padStart(24, '0');
const wfId = (e) => `qbenchExec${String(e).padStart(6, '0')}`;

/** Execution e's workflow: its ITEMS pinned; each item names a record to delete, one to create, one to search. */
function workflow(e, items, credential, mps) {
	const creds = { wolkvoxCrmApi: { id: credential.id, name: credential.name } };
	const node = (name, x, { options = {}, ...parameters }) => ({
		id: name, name, type: 'n8n-nodes-wolkvox-crm.wolkvoxCrm', typeVersion: 1, position: [x, 0], credentials: creds,
		parameters: { resource: 'record', crmOperation: OPERATION, ...parameters, options: mps ? { ...options, maxRequestsPerSecond: mps } : options },
	});
	const pinned = Array.from({ length: items }, (_, k) => ({ json: { id: idOf(e, k), idcontact: `qb-${e}-${k}`, namecontact: `Bench ${e}/${k}`, search: `keep-${(e * 7 + k) % 50}` } }));
	return {
		id: wfId(e),
		name: `queue bench: execution ${e}`,
		active: false,
		nodes: [
			{ id: 'trigger', name: TRIGGER, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			node('Delete', 220, { operation: 'delete', module: 'contacts', multiple: false, recordIds: '={{ $json.id }}', options: { batchAcrossItems: true, maxIdsPerRequest: BATCH } }),
			node('Create', 220, { operation: 'create', module: 'created', fieldsToSend: 'mapAutomatically', fieldsToExclude: 'id, search', options: { batchAcrossItems: true, maxRecordsPerRequest: BATCH } }),
			{ id: 'limit', name: 'Limit', type: 'n8n-nodes-base.limit', typeVersion: 1, position: [220, 200], parameters: { maxItems: SEARCHES } },
			node('Search', 440, { operation: 'search', module: 'kept', searchBy: 'fieldValue', field: 'idcontact', value: '={{ $json.search }}' }),
		],
		connections: {
			[TRIGGER]: { main: [[{ node: 'Delete', type: 'main', index: 0 }, { node: 'Create', type: 'main', index: 0 }, { node: 'Limit', type: 'main', index: 0 }]] },
			Limit: { main: [[{ node: 'Search', type: 'main', index: 0 }]] },
		},
		pinData: { [TRIGGER]: pinned },
		settings: { executionOrder: 'v1' },
	};
}

/** Records to delete (every execution's own) and 50 to search, which stay. */
function seed(generateRecords, executions, items) {
	const contacts = generateRecords(executions * items, { seed: 23 }).map((record, i) => ({ ...record, wolkvox_id: idOf(Math.floor(i / items), i % items) }));
	const kept = generateRecords(50, { seed: 24, prefix: 'cc' }).map((record, i) => ({ ...record, idcontact: `keep-${i}` }));
	return { operations: { [OPERATION]: { contacts, kept, created: [] } } };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the N executions at once (the editor's button); resolves with each as n8n stored it. */
async function runAtOnce(host, executions) {
	const started = await Promise.all(executions.map((e) => host.api('POST', `/rest/workflows/${wfId(e)}/run`, { triggerToStartFrom: { name: TRIGGER } })));
	const ids = started.map((res, i) => {
		const id = res.json?.data?.executionId;
		if (!id) throw new Fatal(`run of ${wfId(executions[i])}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
		return id;
	});
	const done = {};
	for (let t = 0; t < 1200 && Object.keys(done).length < ids.length; t++) {
		for (const id of ids.filter((x) => !done[x])) {
			const e = (await host.api('GET', `/rest/executions/${id}`)).json?.data;
			if (e && !['running', 'new', 'waiting', 'queued'].includes(e.status) && e.stoppedAt) done[id] = { ...e, run: host.parseRunData(e.data) };
		}
		await sleep(500);
	}
	if (Object.keys(done).length < ids.length) throw new Fatal(`executions ${ids.filter((x) => !done[x]).join(', ')} did not end within 10 minutes`);
	return ids.map((id) => done[id]);
}

/** One N: the sandbox's log and records read against what every execution had to do. */
function measure({ o, n, executions, sandbox, workerLogs }) {
	const log = sandbox.log;
	const refusedSim = log.filter((e) => e.simultaneous).length;
	const refusedIp = log.filter((e) => e.rateLimited && !e.simultaneous).length;
	const deleted = new Map();
	for (const e of log) for (const id of e.deleted ?? []) deleted.set(id, (deleted.get(id) || 0) + 1);
	const created = new Map();
	for (const record of sandbox.records(OPERATION, 'created')) created.set(record.idcontact, (created.get(record.idcontact) || 0) + 1);
	let lost = 0;
	let missing = 0;
	let duplicates = 0;
	for (let e = 0; e < n; e++) {
		for (let k = 0; k < o.items; k++) {
			if (!deleted.has(idOf(e, k))) lost++;
			const c = created.get(`qb-${e}-${k}`) || 0;
			if (c === 0) missing++;
			duplicates += Math.max(0, c - 1);
		}
	}
	const searches = log.filter((e) => /custom\/query\.php$/.test(e.path) && e.status === 200 && e.recordsReturned === 1).length;
	const failed = executions.filter((x) => x.status !== 'success');
	const errors = failed.map((x) => x.run.resultData.error?.message ?? x.status);
	const start = Math.min(...executions.map((x) => Date.parse(x.startedAt)));
	const end = Math.max(...executions.map((x) => Date.parse(x.stoppedAt)));
	const accepted = log.length - refusedSim - refusedIp;
	const byWorker = workerLogs.map((file) => executions.filter((x) => new RegExp(`Worker started execution ${x.id} \\(job`).test(fs.readFileSync(file, 'utf8'))).length);
	return { n, ok: executions.length - failed.length, errors, deletedIds: deleted.size, lost, createdRecords: created.size, missing, duplicates, searches, sent: log.length, refusedSim, refusedIp, wallMs: end - start, floorMs: (accepted / o.rate) * 1000, byWorker };
}

function table(rows, o) {
	const pct = (x, of) => `${((100 * x) / Math.max(1, of)).toFixed(1)} %`;
	const lines = [
		'| N | executions ok | by worker | deleted / lost | created / missing / duplicates | searches (1 record) | requests | refused: simultaneous + per IP (share) | time | floor | ÷ floor |',
		'|---|---|---|---|---|---|---|---|---|---|---|',
	];
	for (const r of rows) {
		lines.push(`| ${r.n} | ${r.ok} of ${r.n} | ${r.byWorker.join(' + ')} | ${r.deletedIds} / ${r.lost} | ${r.createdRecords} / ${r.missing} / ${r.duplicates} | ${r.searches} of ${r.n * SEARCHES} | ${r.sent} | ${r.refusedSim} + ${r.refusedIp} (${pct(r.refusedSim + r.refusedIp, r.sent)}) | ${(r.wallMs / 1000).toFixed(1)} s | ${(r.floorMs / 1000).toFixed(1)} s | ${(r.wallMs / r.floorMs).toFixed(2)}× |`);
	}
	lines.push('', `Each execution: ${o.items} items → ${Math.ceil(o.items / BATCH)} deletes + ${Math.ceil(o.items / BATCH)} creates (${BATCH} per request) + ${SEARCHES} searches. Sandbox: ${o.simultaneous} simultaneous requests per token, ${o.rate} requests/s per IP (403 with Retry-After beyond), ${o.latency} ms latency. Nodes: Concurrent Requests 1, Max Requests per Second ${o.nodeMps || 'none (default)'}.`);
	for (const r of rows) if (r.errors.length) lines.push(`- N=${r.n}: failed: ${r.errors.map((m) => `“${m.slice(0, 200)}”`).join('; ')}`);
	return lines.join('\n');
}

const running = [];

async function bench(o, r, work) {
	const logs = path.join(work, 'logs');
	fs.mkdirSync(logs, { recursive: true });
	if (!queue.findRedis()) throw new Fatal(queue.REDIS_MISSING);
	const cache = o.cache ?? path.join(work, 'cache');
	r.phase(`Node.js ${o.node}, n8n ${o.n8n}, the packed package, Redis`);
	const tools = await install.toolchain({ cache, nodeSpec: o.node, npmSpec: o.npm, workDir: work, logs });
	const n8n = await install.n8n({ version: o.n8n, cache, env: tools.env, nodeVersion: tools.nodeVersion, logs, say: r.say });
	const pkg = await install.packRepo({ repo: o.repo, source: o.source, cleanInstall: false, workDir: work, env: tools.env, logs });
	const userFolder = path.join(work, 'user');
	await install.installIntoN8n({ tarball: pkg.tarball, name: pkg.name, userFolder, env: tools.env, logs });
	const redis = await queue.startRedis({ port: await freePort(), logs });
	running.push(() => redis.stop());
	const { startSandbox, generateRecords } = require(path.join(pkg.src, 'sandbox', 'server.js'));
	const maxN = Math.max(...o.ns);
	const limits = { latencyMs: o.latency, maxSimultaneousPerToken: o.simultaneous, rateLimit: { max: o.rate, windowMs: 1000 } };
	const sandbox = await startSandbox({ seed: seed(generateRecords, maxN, o.items), ...limits, dailyQuota: 1e8 });
	running.push(() => sandbox.close());
	const credential = { id: 'wolkvoxQBenchCred', name: 'Wolkvox CRM (queue bench)', type: 'wolkvoxCrmApi', data: { server: sandbox.url, token: sandbox.token, crmOperation: OPERATION } };
	const host = await n8nHost({ install: n8n, userFolder, env: tools.env, logs, extraEnv: { ...queue.queueEnv(redis.port), N8N_LOG_LEVEL: 'info' } });
	const file = (name, value) => (fs.writeFileSync(path.join(work, name), JSON.stringify(value)), path.join(work, name));
	if ((await host.cli('import-credentials', ['import:credentials', `--input=${file('credential.json', [credential])}`])).code !== 0) throw new Fatal('n8n import:credentials failed');
	const all = Array.from({ length: maxN }, (_, e) => workflow(e, o.items, credential, o.nodeMps));
	if ((await host.cli('import-workflows', ['import:workflow', `--input=${file('workflows.json', all)}`])).code !== 0) throw new Fatal('n8n import:workflow failed');
	r.phase('n8n start, workers');
	running.push(() => host.stop());
	if ((await host.start()) === undefined) throw new Fatal(`n8n start did not become ready on ${host.url}`);
	const login = await host.login({ email: 'bench@example.com', firstName: 'Queue', lastName: 'Bench', password: 'Queue-Bench-Passw0rd1' });
	if (!login.ok) throw new Fatal(`owner setup/login failed: HTTP ${login.login.status}`);
	const workers = [];
	for (let index = 1; index <= o.workers; index++) {
		const worker = await queue.startWorker({ host, index, concurrency: o.workerConcurrency });
		workers.push(worker);
		running.push(() => require('./proc').stop(worker.child));
	}
	const rows = [];
	for (const n of o.ns) {
		sandbox.reset();
		sandbox.configure(limits);
		await sleep(1500); // an empty per-IP window
		r.phase(`N = ${n}: ${n} execution(s) at once (load average ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')})`);
		const executions = await runAtOnce(host, Array.from({ length: n }, (_, e) => e));
		const row = measure({ o, n, executions, sandbox, workerLogs: workers.map((w) => w.log) });
		rows.push(row);
		r.check(row.ok === n && row.lost === 0 && row.missing === 0 && row.duplicates === 0 && row.searches === n * SEARCHES, `N=${n}: ${row.ok} of ${n} executions ok, ${row.lost} lost, ${row.missing} missing, ${row.duplicates} duplicates, ${row.refusedSim + row.refusedIp} of ${row.sent} requests refused, ${(row.wallMs / 1000).toFixed(1)} s`);
	}
	return { rows, describe: `n8n ${n8n.version} queue mode (${o.workers} workers, --concurrency=${o.workerConcurrency}, SQLite), ${redis.version.split(' ').slice(0, 3).join(' ')}, Node.js ${tools.nodeVersion}, ${pkg.name}@${pkg.version} (${pkg.describe})` };
}

async function main(o) {
	const r = createResults();
	const work = o.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-bench-'));
	fs.mkdirSync(work, { recursive: true });
	let code = 1;
	try {
		const { rows, describe } = await bench(o, r, work);
		process.stdout.write(`\n${describe}; ${os.availableParallelism()} cores, ${new Date().toISOString()}\n\n${table(rows, o)}\n\n`);
		code = rows.every((row) => row.ok === row.n && row.lost + row.missing + row.duplicates === 0) ? 0 : 1;
	} catch (error) {
		r.fail(error instanceof Fatal ? error.message : `unexpected: ${error.stack}`);
	}
	for (const stop of running.reverse()) await stop();
	if (code === 0 && !o.keep && !o.dir) fs.rmSync(work, { recursive: true, force: true });
	else process.stdout.write(`work dir and logs kept in ${work}\n`);
	return code;
}

if (require.main === module) {
	let options;
	try {
		options = parseArgs(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`${error.message}\n`);
		process.exit(2);
	}
	for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => Promise.all(running.map((stop) => stop())).finally(() => process.exit(1)));
	main(options).then((code) => process.exit(code));
}
