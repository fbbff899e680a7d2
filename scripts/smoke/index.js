#!/usr/bin/env node
'use strict';
/**
 * End-to-end smoke check of the PACKED package in a real n8n, the way a user installs it.
 *
 *   node scripts/smoke/index.js --n8n 2.41.1 [--node 24] [--npm 11] [--cache DIR] [--dir DIR]
 *                               [--repo DIR] [--worktree] [--clean-install] [--keep] [--timeout 3600]
 *                               [--queue [--workers 2]]
 *
 * Node.js and npm come from the npm registry, n8n is installed with --ignore-scripts (only
 * sqlite3 is built, from source), this repository is built and packed and installed into
 * <N8N_USER_FOLDER>/.n8n/nodes; then the sandbox on 127.0.0.1, `n8n import`, `n8n execute`
 * for every example (scripts/smoke/examples.js), `n8n start` with REST checks, a manual run,
 * and the sandbox's records and n8n's logs checked. Needs Linux, git, tar, python3, make, g++
 * and a host npm; --queue also redis-server (queue mode: Redis, `n8n start` and
 * `n8n worker`s on one user folder, the editor's and the trigger's runs executed by the workers). Exit 0 = SMOKE PASS, 1 = SMOKE FAIL, 2 = bad arguments. Results: scripts/n8n-smoke.md.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const install = require('./install');
const { n8nHost, freePort } = require('./n8n');
const queue = require('./queue');
const { startSandbox } = require('./sandbox');
const { prepareExamples } = require('./prepare');
const { serverChecks, logChecks } = require('./checks');
const { editorChecks } = require('./editor');
const { checkRecords } = require('./expect');
const { listRuns, createRunner, wholeRun } = require('./runs');
const { createResults, Fatal } = require('./results');
const { stop } = require('./proc');

const USAGE = 'node scripts/smoke/index.js --n8n VERSION [--node 24] [--npm 11] [--cache DIR] [--dir DIR] [--repo DIR] [--worktree] [--clean-install] [--keep] [--timeout SECONDS] [--queue [--workers 2]]\n';

function parseArgs(argv) {
	const o = { repo: path.join(__dirname, '..', '..'), n8n: '2.41.1', node: '24', npm: '11', cache: process.env.SMOKE_CACHE, dir: undefined, source: 'head', cleanInstall: false, keep: false, timeout: 3600, queue: false, workers: 2 };
	const value = (i, flag) => {
		if (argv[i] === undefined || argv[i].startsWith('--')) throw new Error(`${flag} needs a value`);
		return argv[i];
	};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--n8n') o.n8n = value(++i, a);
		else if (a === '--node') o.node = value(++i, a);
		else if (a === '--npm') o.npm = value(++i, a);
		else if (a === '--repo') o.repo = path.resolve(value(++i, a));
		else if (a === '--cache') o.cache = path.resolve(value(++i, a));
		else if (a === '--dir') o.dir = path.resolve(value(++i, a));
		else if (a === '--timeout') o.timeout = Number(value(++i, a));
		else if (a === '--worktree') o.source = 'worktree';
		else if (a === '--keep') o.keep = true;
		else if (a === '--queue') o.queue = true;
		else if (a === '--workers') o.workers = Number(value(++i, a));
		else if (a === '--clean-install') o.cleanInstall = true;
		else if (a === '--help' || a === '-h') return process.stdout.write(USAGE), process.exit(0);
		else throw new Error(`unknown argument ${a}`);
	}
	if (!/^\d+\.\d+\.\d+$/.test(o.n8n)) throw new Error(`--n8n wants an exact version such as 2.41.1, not ${o.n8n}`);
	if (!(o.timeout > 0)) throw new Error('--timeout wants seconds');
	if (!(Number.isInteger(o.workers) && o.workers >= 1)) throw new Error('--workers wants a whole number >= 1');
	return o;
}

async function smoke(o, r, state) {
	const work = state.work;
	const logs = path.join(work, 'logs');
	fs.mkdirSync(logs, { recursive: true });
	const cache = o.cache ?? path.join(work, 'cache');
	if (o.queue && !queue.findRedis()) throw new Fatal(queue.REDIS_MISSING);
	r.say(`work dir ${work} (installs cached in ${cache}), logs in ${logs}`);

	r.phase(`Node.js ${o.node} + npm ${o.npm} from the npm registry`);
	const tools = await install.toolchain({ cache, nodeSpec: o.node, npmSpec: o.npm, workDir: work, logs });
	const { env } = tools;
	r.version(`Node.js ${tools.nodeVersion}, npm ${tools.npmVersion} (${tools.describe}); host: node ${process.version} (untouched)`);

	r.phase(`n8n ${o.n8n} (npm install --ignore-scripts, sqlite3 from source)`);
	const n8n = await install.n8n({ version: o.n8n, cache, env, nodeVersion: tools.nodeVersion, logs, say: r.say });
	r.version(`n8n ${n8n.version} (n8n-core ${n8n.core}, n8n-workflow ${n8n.workflow}), SQLite, in ${n8n.dir}`);
	for (const [name, v] of Object.entries(n8n.overrides)) r.note(`n8n ${o.n8n} installed with an npm override ${name} -> ${v} (its own ${name} comes from a URL outside the registry)`);
	r.pass(`n8n ${n8n.version} installed with Node.js ${tools.nodeVersion}`);

	r.phase(`${o.cleanInstall ? 'npm ci, ' : ''}npm run build, npm pack (this repository)`);
	const pkg = await install.packRepo({ repo: o.repo, source: o.source, cleanInstall: o.cleanInstall, workDir: work, env, logs });
	r.version(`package ${pkg.name}@${pkg.version} from ${pkg.describe}: ${path.basename(pkg.tarball)} (${fs.statSync(pkg.tarball).size} bytes)`);
	r.pass(`packed ${path.basename(pkg.tarball)}`);
	// What n8n must load: the files package.json lists (a node's type name is its class name, lower camel case).
	const manifest = JSON.parse(fs.readFileSync(path.join(pkg.src, 'package.json'), 'utf8')).n8n;
	const typeOf = (file) => path.basename(file).replace(/\..*$/, '').replace(/^./, (c) => c.toLowerCase());
	pkg.contents = { nodes: manifest.nodes.map(typeOf), credentials: manifest.credentials.map(typeOf) };

	r.phase('npm install <tarball> in <N8N_USER_FOLDER>/.n8n/nodes');
	const userFolder = path.join(work, 'user');
	const placed = await install.installIntoN8n({ tarball: pkg.tarball, name: pkg.name, userFolder, env, logs });
	r.pass(`installed into ${placed.nodesDir}/node_modules/${pkg.name}`);
	if (placed.peerCopy) r.warn(`npm also installed the peer dependency n8n-workflow@${placed.peerCopy} next to the package (n8n's own is ${n8n.workflow}): the node then uses a second copy of n8n-workflow`);

	r.phase('sandbox, examples, n8n import');
	const sandbox = await startSandbox({ src: pkg.src, logs, env, ttlSec: o.timeout });
	state.sandbox = sandbox.child;
	const first = await sandbox.records();
	const examplesDir = path.join(pkg.src, 'examples');
	const files = fs.readdirSync(examplesDir).filter((f) => f.endsWith('.workflow.json'));
	const credential = { id: 'wolkvoxSmokeCred1', name: 'Wolkvox CRM account (smoke)', type: 'wolkvoxCrmApi', data: { server: sandbox.url, token: sandbox.token, crmOperation: 'demo' } };
	const load = (f) => JSON.parse(fs.readFileSync(path.join(examplesDir, f), 'utf8'));
	const { missing, prepared } = prepareExamples({ files, load, credential, records: first });
	r.check(missing.length === 0, `every example has a smoke entry (${files.join(', ')})${missing.length ? `; missing in scripts/smoke/examples.js: ${missing.join(', ')}` : ''}`);
	let extraEnv = {};
	if (o.queue) {
		state.redis = await queue.startRedis({ port: await freePort(), logs });
		r.version(`queue mode: ${state.redis.version} on 127.0.0.1:${state.redis.port} (no persistence), ${o.workers} worker(s), SQLite shared by all n8n processes`);
		extraEnv = queue.queueEnv(state.redis.port);
	}
	const host = await n8nHost({ install: n8n, userFolder, env, logs, extraEnv });
	const write = (name, value) => fs.writeFileSync(path.join(work, name), JSON.stringify(value, null, 1));
	write('credential.json', [credential]);
	const imp = await host.cli('import-credentials', ['import:credentials', `--input=${path.join(work, 'credential.json')}`]);
	r.check(imp.code === 0 && /Successfully imported 1 credential/.test(fs.readFileSync(host.logOf('import-credentials'), 'utf8')), 'n8n import:credentials (type wolkvoxCrmApi)');
	for (const { wf, ex } of prepared) {
		// An array, as `n8n export:workflow` writes it: n8n before 1.85 reads no single object.
		write(`wf-${ex.id}.json`, [wf]);
		const w = await host.cli(`import-${ex.id}`, ['import:workflow', `--input=${path.join(work, `wf-${ex.id}.json`)}`]);
		r.check(w.code === 0 && /Successfully imported 1 workflow/.test(fs.readFileSync(host.logOf(`import-${ex.id}`), 'utf8')), `n8n import:workflow ${ex.id} ("${ex.name}")`);
	}

	const runs = listRuns(prepared);
	const major = Number(n8n.version.split('.')[0]);
	const runner = createRunner({ host, sandbox, r, major });
	r.phase('n8n execute --id (CLI)');
	for (const item of runs.filter((x) => x.run.how === 'cli')) await runner.cli(item);

	r.phase('n8n start + REST checks, manual runs');
	const ready = await host.start();
	state.n8n = host;
	if (ready === undefined) throw new Fatal(`n8n start did not become ready on ${host.url}`);
	r.pass(`n8n start: ready on ${host.url} after ${ready} s`);
	for (let index = 1; o.queue && index <= o.workers; index++) {
		const worker = await queue.startWorker({ host, index, concurrency: 10 });
		state.workers.push(worker);
		r.pass(`n8n worker ${index} (--concurrency=10, the same user folder): ready after ${worker.ready} s`);
	}
	if (!(await serverChecks({ host, r, credential, sandbox, expected: pkg.contents }))) throw new Fatal('no REST session: the manual runs and the execution checks were not done');
	await editorChecks({ host, r, credential, sandbox });
	for (const item of runs.filter((x) => x.run.how === 'manual')) await runner.manual(item);
	if (runs.some((x) => x.run.how === 'active')) r.phase('activated workflows (polling triggers, at most one poll a minute)');
	for (const item of runs.filter((x) => x.run.how === 'active')) await runner.activated(item);
	await runner.results(runs);
	r.check(await host.stop(), 'n8n stopped on SIGTERM');
	state.n8n = undefined;
	if (o.queue) queue.queueChecks({ r, runs, workers: state.workers, mainLog: host.logOf('start'), offloadsManual: major >= 2 });
	for (const worker of state.workers.splice(0)) r.check(await stop(worker.child), `${worker.name} stopped on SIGTERM`);

	r.phase('sandbox records and n8n logs');
	r.check(...checkRecords('whole run: sandbox records', first, await sandbox.records(), wholeRun(runs)));
	const failing = runs.filter((x) => x.run.how === 'cli' && x.run.exit !== 0).map((x) => ({ name: `n8n-execute-${x.ex.id}`, error: x.run.error }));
	logChecks({ logs, r, failingRuns: failing, expected: pkg.contents });
}

async function main() {
	let o;
	try {
		o = parseArgs(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`${error.message}\n${USAGE}`);
		process.exit(2);
	}
	const r = createResults();
	const state = { work: o.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-smoke-')), workers: [] };
	fs.mkdirSync(state.work, { recursive: true });
	const cleanUp = async () => {
		if (state.n8n) await state.n8n.stop();
		for (const worker of state.workers.splice(0)) await stop(worker.child);
		if (state.redis) await state.redis.stop();
		if (state.sandbox) await stop(state.sandbox, 5);
		state.n8n = state.sandbox = state.redis = undefined;
	};
	const watchdog = setTimeout(() => {
		r.fail(`the whole run exceeded --timeout ${o.timeout} s`);
		cleanUp().finally(() => finish(1));
	}, o.timeout * 1000);
	const finish = (code) => {
		clearTimeout(watchdog);
		process.stdout.write(`${r.summary(state.work)}\n`);
		const fails = r.count('FAIL');
		if (code === 0 && fails === 0) {
			process.stdout.write(`SMOKE PASS (${r.count('WARN')} warning(s)) with n8n ${o.n8n}${o.queue ? ` in queue mode (${o.workers} workers)` : ''}\n`);
			if (!o.keep && !o.dir) fs.rmSync(state.work, { recursive: true, force: true });
			process.exit(0);
		}
		process.stdout.write(`SMOKE FAIL (${fails} failed check(s)) with n8n ${o.n8n}; logs kept in ${path.join(state.work, 'logs')}\n`);
		process.exit(1);
	};
	for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => (r.fail(`interrupted (${signal})`), cleanUp().finally(() => finish(1))));
	try {
		await smoke(o, r, state);
		await cleanUp();
		finish(0);
	} catch (error) {
		r.fail(error instanceof Fatal ? error.message : `unexpected: ${error.stack}`);
		await cleanUp();
		finish(1);
	}
}

if (require.main === module) main();
