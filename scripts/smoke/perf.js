#!/usr/bin/env node
'use strict';
/**
 * Issue 10's figures in a real n8n: the PACKED package installed as a community node, a
 * sandbox on 127.0.0.1 with 50 ms latency that allows 10 requests per second per IP and
 * answers 429 (with Retry-After) beyond, and three workflows run as the editor runs them
 * (REST, manual mode, ids pinned on the trigger):
 *   (a) 10,000 ids, Batch Across Items, Max Requests per Second 10;
 *   (b) the same with no Max Requests per Second;
 *   (c) 1,000 ids, default options (one request per item);
 *   (e) (b) against the sandbox without latency and rate limit: what reading the items costs;
 *   (f) (b) against the sandbox with its latency but no rate limit.
 * It prints the node's execution time as n8n recorded it, the floor (requests / 10 per s),
 * the requests and 429 answers the sandbox logged, and the load average with each figure.
 *
 *   node scripts/smoke/perf.js --n8n 2.41.1 --cache /work/n8n-cache [--node 24] [--npm 11]
 *                              [--dir DIR] [--repo DIR] [--worktree] [--keep] [--only a,b,c,e,f]
 *                              [--log-level info]
 *
 * n8n logs at --log-level (default info, n8n's own default): the smoke check's debug level
 * writes a line per evaluated expression, which slows the reading of 10,000 items.
 *
 * Installs are shared with scripts/smoke/index.js (same cache layout). Prints figures only.
 * Exit 0 when every run finished and deleted what it should, 1 otherwise.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const install = require('./install');
const { n8nHost } = require('./n8n');
const { createResults, Fatal } = require('./results');

// The workflow is the bench's (Manual Trigger with pinned items → one Wolkvox CRM node).
const { nodeWorkflow, NODE_NAME: NODE, TRIGGER_NAME: TRIGGER } = require('../../bench/workflow');
const OPERATION = 'perf';
const MODULE = 'contacts';
const PER_SECOND = 10;
const RUNS = [
	{ key: 'a', id: 'perfBatchCapped1', n: 10_000, requests: 100, options: { batchAcrossItems: true, maxRequestsPerSecond: PER_SECOND }, label: '10,000 ids, Batch Across Items, Max Requests per Second 10' },
	{ key: 'b', id: 'perfBatchLearns1', n: 10_000, requests: 100, options: { batchAcrossItems: true }, label: '10,000 ids, Batch Across Items, no Max Requests per Second' },
	{ key: 'c', id: 'perfPerItem00001', n: 1_000, requests: 1_000, options: {}, label: '1,000 ids, default options (one request per item)' },
	// What reading the items costs in this n8n: (b) against a sandbox with no latency and no limit;
	// and (b) with the latency but no limit, to tell the two apart.
	{ key: 'e', id: 'perfNoLimit00001', n: 10_000, requests: 100, options: { batchAcrossItems: true }, sandbox: { latencyMs: 0, rateLimit: null }, label: '10,000 ids, Batch Across Items, sandbox without latency or rate limit' },
	{ key: 'f', id: 'perfLatencyOnly1', n: 10_000, requests: 100, options: { batchAcrossItems: true }, sandbox: { latencyMs: 50, rateLimit: null }, label: '10,000 ids, Batch Across Items, sandbox with 50 ms latency, no rate limit' },
];
const USAGE = 'node scripts/smoke/perf.js --n8n VERSION [--cache DIR] [--node 24] [--npm 11] [--dir DIR] [--repo DIR] [--worktree] [--keep] [--only a,b,c,e,f] [--log-level info]\n';

/** Flags that take a value, and the option each sets. */
const VALUE_FLAGS = { '--n8n': 'n8n', '--node': 'node', '--npm': 'npm', '--repo': 'repo', '--cache': 'cache', '--dir': 'dir', '--only': 'only', '--log-level': 'logLevel' };
const PATH_OPTIONS = new Set(['repo', 'cache', 'dir']);

function parseArgs(argv) {
	const o = { repo: path.join(__dirname, '..', '..'), n8n: '2.41.1', node: '24', npm: '11', cache: process.env.SMOKE_CACHE, dir: undefined, source: 'head', keep: false, only: ['a', 'b', 'c'], logLevel: 'info' };
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		const key = VALUE_FLAGS[flag];
		if (key) {
			const v = argv[++i];
			if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
			o[key] = PATH_OPTIONS.has(key) ? path.resolve(v) : key === 'only' ? v.split(',') : v;
		} else if (flag === '--worktree') o.source = 'worktree';
		else if (flag === '--keep') o.keep = true;
		else if (flag === '--help' || flag === '-h') {
			process.stdout.write(USAGE);
			process.exit(0);
		} else throw new Error(`unknown argument ${flag}`);
	}
	if (!/^\d+\.\d+\.\d+$/.test(o.n8n)) throw new Error(`--n8n wants an exact version such as 2.41.1, not ${o.n8n}`);
	return o;
}

/** 10,000 records with simple ids (24 hex digits), so the workflows can pin them. */
function seedRecords(generateRecords) {
	return generateRecords(10_000, { seed: 31 }).map((record, i) => ({ ...record, wolkvox_id: (0xa0000000 + i).toString(16).padStart(24, '0') }));
}

/** Manual Trigger with the ids pinned → Record → Delete, Record IDs `{{ $json.id }}`. */
function workflow(run, ids, credential) {
	return {
		id: run.id,
		active: false,
		...nodeWorkflow({
			parameters: { resource: 'record', operation: 'delete', crmOperation: OPERATION, module: MODULE, multiple: false, recordIds: '={{ $json.id }}', options: run.options },
			items: ids.slice(0, run.n).map((id) => ({ id })),
			settings: {},
			credential,
		}),
		name: `perf (${run.key}): ${run.label}`,
	};
}

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' / ');
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The editor's "Execute workflow", then the execution as n8n stored it. */
async function runManually(host, run) {
	const res = await host.api('POST', `/rest/workflows/${run.id}/run`, { triggerToStartFrom: { name: TRIGGER } });
	const id = res.json?.data?.executionId;
	if (!id) throw new Fatal(`manual run of ${run.id}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
	// (c) needs 100 s at the floor; allow five times that.
	for (let i = 0; i < 1000; i++) {
		const e = (await host.api('GET', `/rest/executions/${id}`)).json?.data;
		if (e && e.finished !== undefined && !['running', 'new', 'waiting'].includes(e.status)) return { ...e, run: host.parseRunData(e.data) };
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Fatal(`execution ${id} of ${run.id} did not finish within 500 s`);
}

/** What to stop if the run ends early (n8n runs in its own process group). */
const running = new Set();

async function perf(o, r, work) {
	const logs = path.join(work, 'logs');
	fs.mkdirSync(logs, { recursive: true });
	const cache = o.cache ?? path.join(work, 'cache');
	r.phase(`Node.js ${o.node}, n8n ${o.n8n} (cached in ${cache}), the packed package`);
	const tools = await install.toolchain({ cache, nodeSpec: o.node, npmSpec: o.npm, workDir: work, logs });
	const n8n = await install.n8n({ version: o.n8n, cache, env: tools.env, nodeVersion: tools.nodeVersion, logs, say: r.say });
	r.version(`n8n ${n8n.version} (n8n-core ${n8n.core}) on Node.js ${tools.nodeVersion}`);
	const pkg = await install.packRepo({ repo: o.repo, source: o.source, cleanInstall: false, workDir: work, env: tools.env, logs });
	r.version(`package ${pkg.name}@${pkg.version} from ${pkg.describe}`);
	const userFolder = path.join(work, 'user');
	await install.installIntoN8n({ tarball: pkg.tarball, name: pkg.name, userFolder, env: tools.env, logs });

	r.phase('sandbox (50 ms, 10 requests/s per IP, 429 beyond), import, n8n start');
	// The packed source's sandbox, in this process: n8n runs in its own, so it is not measured here.
	const { startSandbox, generateRecords } = require(path.join(pkg.src, 'sandbox', 'server.js'));
	const records = seedRecords(generateRecords);
	const seed = { operations: { [OPERATION]: { [MODULE]: records } } };
	const limits = { latencyMs: 50, rateLimit: { max: PER_SECOND, windowMs: 1000, status: 429 } };
	const sandbox = await startSandbox({ seed, ...limits, dailyQuota: 1e8 });
	const stopSandbox = () => sandbox.close();
	running.add(stopSandbox);
	try {
		return await measure({ o, r, work, logs, n8n, tools, pkg, userFolder, sandbox, limits, records });
	} finally {
		running.delete(stopSandbox);
		await sandbox.close();
	}
}

async function measure({ o, r, work, logs, n8n, tools, pkg, userFolder, sandbox, limits, records }) {
	r.version(`sandbox ${sandbox.url}: latency 50 ms, rate limit ${PER_SECOND}/1000 ms per IP → 429 with Retry-After`);
	const credential = { id: 'wolkvoxPerfCred1', name: 'Wolkvox CRM (perf)', type: 'wolkvoxCrmApi', data: { server: sandbox.url, token: sandbox.token, crmOperation: OPERATION } };
	// n8nHost starts n8n at the smoke check's debug level: start it through a file that sets ours first.
	const bin = path.join(work, 'n8n-log-level.js');
	fs.writeFileSync(bin, `process.env.N8N_LOG_LEVEL = ${JSON.stringify(o.logLevel)};\nrequire(${JSON.stringify(n8n.bin)});\n`);
	const host = await n8nHost({ install: { ...n8n, bin }, userFolder, env: tools.env, logs });
	const file = (name, value) => {
		fs.writeFileSync(path.join(work, name), JSON.stringify(value));
		return path.join(work, name);
	};
	const runs = RUNS.filter((run) => o.only.includes(run.key));
	const ids = records.map((record) => record.wolkvox_id);
	if ((await host.cli('import-credentials', ['import:credentials', `--input=${file('credential.json', [credential])}`])).code !== 0) throw new Fatal('n8n import:credentials failed');
	for (const run of runs) {
		if ((await host.cli(`import-${run.id}`, ['import:workflow', `--input=${file(`wf-${run.id}.json`, [workflow(run, ids, credential)])}`])).code !== 0) throw new Fatal(`n8n import:workflow ${run.id} failed`);
	}
	const stopN8n = () => host.stop();
	running.add(stopN8n);
	try {
		return await runAll({ o, r, host, sandbox, limits, records, ids, runs, describe: `n8n ${n8n.version} (log level ${o.logLevel}), Node.js ${tools.nodeVersion}, ${pkg.name}@${pkg.version} (${pkg.describe})` });
	} finally {
		running.delete(stopN8n);
		await host.stop();
	}
}

async function runAll({ r, host, sandbox, limits, records, ids, runs, describe }) {
	const ready = await host.start();
	if (ready === undefined) throw new Fatal(`n8n start did not become ready on ${host.url}`);
	const login = await host.login({ email: 'perf@example.com', firstName: 'Perf', lastName: 'Check', password: 'Perf-Check-Passw0rd1' });
	if (!login.ok) throw new Fatal(`owner setup/login failed: HTTP ${login.login.status}`);

	r.phase('runs');
	const rows = [];
	for (const run of runs) {
		sandbox.configure(run.sandbox ?? limits);
		sandbox.reset();
		const loadBefore = load();
		r.say(`(${run.key}) ${run.label} ... (load average ${loadBefore})`);
		const execution = await runManually(host, run);
		const task = execution.run.resultData.runData[NODE]?.[0];
		const deletes = sandbox.log.filter((e) => e.module === MODULE && /custom\/delete\.php$/.test(e.path));
		const limited = deletes.filter((e) => e.rateLimited).length;
		const gone = new Set(deletes.flatMap((e) => e.deleted ?? []));
		const left = sandbox.records(OPERATION, MODULE).length;
		const ok = execution.status === 'success' && gone.size === run.n && ids.slice(0, run.n).every((id) => gone.has(id)) && left === records.length - run.n;
		const row = { ...run, nodeMs: task?.executionTime, status: execution.status, sent: deletes.length, limited, ok, loadBefore, loadAfter: load(), hints: (task?.hints ?? []).map((h) => h.message) };
		rows.push(row);
		r.check(ok, `(${run.key}) execution ${execution.id} ${execution.status}: node ${seconds(row.nodeMs)}, ${row.sent} requests, ${limited} answered 429, ${gone.size} of ${run.n} deleted, ${left} records left`);
	}
	return { rows, versions: describe };
}

function table(rows) {
	const lines = [
		'| workflow | node time | floor | node time ÷ floor | requests | 429 answers (share) | load average before / after |',
		'|---|---|---|---|---|---|---|',
	];
	for (const row of rows) {
		const floorMs = (row.requests / PER_SECOND) * 1000;
		const [floor, ratio] = row.sandbox?.rateLimit === null ? ['–', '–'] : [seconds(floorMs), `${(row.nodeMs / floorMs).toFixed(3)}×`];
		lines.push(
			`| (${row.key}) ${row.label} | ${seconds(row.nodeMs)} | ${floor} | ${ratio} | ${row.sent.toLocaleString('en-US')} | ${row.limited} (${((100 * row.limited) / row.sent).toFixed(1)} %) | ${row.loadBefore} → ${row.loadAfter} |`,
		);
	}
	return lines.join('\n');
}

async function main(o) {
	const r = createResults();
	const work = o.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-perf-'));
	fs.mkdirSync(work, { recursive: true });
	let code = 1;
	try {
		const { rows, versions } = await perf(o, r, work);
		process.stdout.write(`\n${versions}; ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${new Date().toISOString()}\n\n${table(rows)}\n\n`);
		for (const row of rows) if (row.hints.length) process.stdout.write(`- hints under (${row.key}): ${row.hints.map((h) => `“${h}”`).join(' ')}\n`);
		code = rows.every((row) => row.ok) ? 0 : 1;
	} catch (error) {
		r.fail(error instanceof Fatal ? error.message : `unexpected: ${error.stack}`);
	}
	if (code === 0 && !o.keep && !o.dir) fs.rmSync(work, { recursive: true, force: true });
	else process.stdout.write(`work dir and logs kept in ${work}\n`);
	return code;
}

if (require.main === module) {
	let options;
	try {
		options = parseArgs(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`${error.message}\n${USAGE}`);
		process.exit(2);
	}
	for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => Promise.all([...running].map((stop) => stop())).finally(() => process.exit(1)));
	main(options).then((code) => process.exit(code));
}
