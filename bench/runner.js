// @ts-check
'use strict';
/**
 * The bench's parent side, shared by every scenario file: starts the sandbox as a separate
 * process (one per latency, so its CPU is not in the figures), runs each scenario in a fresh
 * worker process (bench/worker.js), reads back what the sandbox saw, and fills in the rows
 * that --quick estimates instead of running. Children and temp files are cleaned up however
 * the bench ends; the sandbox also stops by itself after its --ttl.
 *
 * A scenario file (bench/scenarios/*.js) exports { title, plan(options) -> { seed, seedNote,
 * scenarios }, targets?(rows, options), ownCostNote?, itemOk?(item), summarize?(output, job),
 * workers?, engineTable?(rows), workerTable?(rows) }. A scenario:
 *   engine:   { kind: 'engine', key, latencyMs, n, label, short, job: { workflow, warmups,
 *               nodeName, settleMs? }, timeoutMs, check(answer, sandbox) -> { requests,
 *               expectedRequests, checks, problems }, baseline?: key, estimate?: { from: key },
 *               sandbox?: { key, args, seed?, seedNote? }, perItemOutput?: false }
 *   own-cost: { kind: 'own-cost', key, n, label, short, job: { worker, ... }, timeoutMs }
 *   worker:   { kind: 'worker', key, label, short, job: { worker, ... }, timeoutMs } (any figures,
 *               shown by the file's workerTable)
 * An engine scenario runs against the shared sandbox of its latency (seeded with every file's
 * `seed`) unless it names a sandbox of its own: extra CLI arguments (e.g. a rate limit) and
 * optionally its own seed; scenarios naming the same `sandbox.key` share one. Without
 * `perItemOutput: false` the run must give N successful output items paired one to one.
 * `job` goes to the worker as it is (JSON), the rest stays here.
 */
const { fork, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { progress, int, duration, message } = require('./format');

const ROOT = path.join(__dirname, '..');
const SANDBOX_JS = path.join(ROOT, 'sandbox', 'server.js');
const WORKER_JS = path.join(__dirname, 'worker.js');
/** A backstop in case the bench is killed without a chance to stop its sandboxes. */
const SANDBOX_TTL_SECONDS = 3 * 3600;

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
/** @type {Set<string>} */
const tempDirs = new Set();

function cleanUp() {
	for (const child of children) {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
	}
	children.clear();
	for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
	tempDirs.clear();
}

/** @template {import('node:child_process').ChildProcess} C @param {C} child @returns {C} */
function track(child) {
	children.add(child);
	child.once('exit', () => children.delete(child));
	return child;
}

/** @param {string} url @param {RequestInit} [init] */
async function getJson(url, init) {
	const response = await fetch(url, init);
	const text = await response.text();
	if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${response.status} ${text.slice(0, 200)}`);
	return JSON.parse(text);
}

/**
 * `node sandbox/server.js` as a child process; resolves once it printed its URL and token.
 * @param {{ latencyMs: number, seedFile: string, seedNote: string, extraArgs?: string[] }} options
 */
async function startSandbox({ latencyMs, seedFile, seedNote, extraArgs = [] }) {
	const args = ['--port', '0', '--ttl', String(SANDBOX_TTL_SECONDS), '--latency', String(latencyMs), '--seed', seedFile, '--quota', '100000000', ...extraArgs];
	const child = track(spawn(process.execPath, [SANDBOX_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
	/** @type {{ url: string, token: string }} */
	const started = await new Promise((resolve, reject) => {
		let out = '';
		const timer = setTimeout(() => reject(new Error(`the sandbox did not start within 30 s: ${out}`)), 30_000);
		const read = (/** @type {Buffer} */ chunk) => {
			out += chunk;
			const match = /listening on (http:\/\/\S+) \(token: ([^)]+)\)/.exec(out);
			if (match) {
				clearTimeout(timer);
				resolve({ url: match[1], token: match[2] });
			}
		};
		child.stdout.on('data', read);
		child.stderr.on('data', (chunk) => (out += chunk));
		child.once('exit', (code, signal) => {
			clearTimeout(timer);
			reject(new Error(`the sandbox exited (${code ?? signal}) before it was ready: ${out}`));
		});
	});
	child.stdout.removeAllListeners('data').resume();
	child.stderr.removeAllListeners('data').on('data', (chunk) => process.stderr.write(`[sandbox ${latencyMs} ms] ${chunk}`));
	return {
		...started,
		latencyMs,
		command: `node sandbox/server.js ${args.join(' ').replace(seedFile, `<temp seed: ${seedNote}>`)}`,
		pid: child.pid,
		/** @param {string} route e.g. /__sandbox/log */
		get: (route) => getJson(`${started.url}${route}`),
		reset: () => getJson(`${started.url}/__sandbox/reset`, { method: 'POST' }),
		stop: () => child.exitCode === null && child.signalCode === null && child.kill('SIGTERM'),
	};
}
/** @typedef {Awaited<ReturnType<typeof startSandbox>>} Sandbox */

/**
 * One job in a fresh worker process (--expose-gc); resolves with its answer.
 * @param {any} job @param {number} timeoutMs @returns {Promise<any>}
 */
function runWorker(job, timeoutMs) {
	return new Promise((resolve, reject) => {
		const child = track(
			fork(WORKER_JS, [], {
				execArgv: ['--expose-gc'],
				// dist may live outside the repository (--dist): let it find this repository's packages.
				env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
				stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
			}),
		);
		/** @type {any} */
		let answer;
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`the worker took longer than ${duration(timeoutMs)} and was stopped`));
		}, timeoutMs);
		child.on('message', (reply) => (answer = reply));
		child.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.once('exit', (code, signal) => {
			clearTimeout(timer);
			if (answer && answer.error) reject(new Error(`worker: ${answer.error}`));
			else if (answer) resolve(answer);
			else reject(new Error(`the worker exited (${code ?? signal}) without an answer`));
		});
		child.send(job);
	});
}

/**
 * An engine scenario: reset the sandbox, run the workflow in a worker, let the scenario read
 * the sandbox's log and records. Problems are collected in the row, never thrown.
 * @param {any} scenario @param {string} file @param {Sandbox} sandbox @param {string} dist
 */
async function runEngineScenario(scenario, file, sandbox, dist) {
	await sandbox.reset();
	const answer = await runWorker({ ...scenario.job, role: 'engine', file, dist, url: sandbox.url, token: sandbox.token }, scenario.timeoutMs);
	const seen = await scenario.check(answer, sandbox);
	const problems = [...(seen.problems ?? [])];
	if (answer.status !== 'success') problems.unshift(`run status ${answer.status}: ${answer.error}`);
	const n = scenario.n;
	if (scenario.perItemOutput !== false && (answer.outputItems !== n || answer.okItems !== n || answer.pairedOk !== n)) {
		problems.splice(1, 0, `${answer.outputItems} output items, ${answer.okItems} successes, ${answer.pairedOk} paired right (want ${n})`);
	}
	return { ...answer, ...seen, problem: problems.length ? problems.join('; ') : undefined };
}

/**
 * A row that was not run: the `from` row scaled linearly by N (memory is not estimated).
 * @param {any} scenario @param {any} from
 */
function estimateRow(scenario, from) {
	const factor = scenario.n / from.n;
	return {
		...from,
		...scenario,
		estimated: true,
		requests: from.requests * factor,
		expectedRequests: from.expectedRequests * factor,
		wallMs: from.wallMs * factor,
		cpuUs: from.cpuUs * factor,
		rssGrowth: NaN,
		heapGrowth: NaN,
		retainedHeap: NaN,
	};
}

/**
 * The sandboxes the engine scenarios need, in the order they first appear: the shared one per
 * latency (every file's seed side by side), and each one a scenario names for itself.
 * @param {any[]} plans @param {Array<{ entry: any, s: any }>} engine @param {string} tmp
 */
function sandboxGroups(plans, engine, tmp) {
	const operations = /** @type {Record<string, any>} */ ({});
	for (const entry of plans) {
		for (const [op, modules] of Object.entries(entry.plan.seed?.operations ?? {})) Object.assign((operations[op] ??= {}), modules);
	}
	const sharedSeed = path.join(tmp, 'seed.json');
	fs.writeFileSync(sharedSeed, JSON.stringify({ operations }));
	const sharedNote = plans.map((entry) => entry.plan.seedNote).filter(Boolean).join('; ');
	/** @type {Map<string, { latencyMs: number, seedFile: string, seedNote: string, extraArgs: string[], members: Array<{ entry: any, s: any }> }>} */
	const groups = new Map();
	for (const member of engine) {
		const own = member.s.sandbox;
		const key = own ? `own:${own.key}` : `shared:${member.s.latencyMs}`;
		if (!groups.has(key)) {
			let seedFile = sharedSeed;
			if (own?.seed) {
				seedFile = path.join(tmp, `seed-${groups.size}.json`);
				fs.writeFileSync(seedFile, JSON.stringify(own.seed));
			}
			const seedNote = own?.seed ? (own.seedNote ?? 'own seed') : sharedNote;
			groups.set(key, { latencyMs: member.s.latencyMs, seedFile, seedNote, extraArgs: own?.args ?? [], members: [] });
		}
		groups.get(key)?.members.push(member);
	}
	return [...groups.values()];
}

/**
 * Runs every scenario of every file. Rows come back in the order the files list them.
 * @param {any} options @param {Array<{ path: string, module: any }>} files
 * @returns {Promise<{ files: Array<{ module: any, rows: any[] }>, failed: boolean }>}
 */
async function runAll(options, files) {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wolkvox-bench-'));
	tempDirs.add(tmp);
	let failed = false;
	try {
		const plans = files.map((f) => ({ ...f, plan: f.module.plan(options), rows: /** @type {any[]} */ ([]) }));
		const byKey = new Map();
		/** @param {any} entry @param {any} scenario @param {any} row */
		const keep = (entry, scenario, row) => {
			const full = { ...row, ...scenario, key: `${entry.path}:${scenario.key}` };
			byKey.set(full.key, full);
			entry.rows.push(full);
			if (full.problem) failed = true;
		};
		/** @param {any} entry @param {any} scenario @param {() => Promise<any>} run */
		const attempt = async (entry, scenario, run) => {
			try {
				keep(entry, scenario, await run());
			} catch (error) {
				progress(`  FAILED: ${message(error)}`);
				keep(entry, scenario, { problem: message(error), wallMs: NaN, cpuUs: NaN, requests: NaN, rssGrowth: NaN, heapGrowth: NaN, retainedHeap: NaN });
			}
		};
		const ofKind = (/** @type {string} */ kind) =>
			plans.flatMap((entry) => entry.plan.scenarios.filter((/** @type {any} */ s) => s.kind === kind).map((/** @type {any} */ s) => ({ entry, s })));

		const engine = ofKind('engine');
		for (const group of sandboxGroups(plans, engine, tmp)) {
			const sandbox = await startSandbox(group).catch((error) => {
				// Its scenarios fail; the others still run.
				for (const { entry, s } of group.members.filter((m) => !m.s.estimate)) keep(entry, s, { problem: `sandbox: ${message(error)}`, wallMs: NaN, cpuUs: NaN, requests: NaN });
				progress(`  FAILED to start a sandbox: ${message(error)}`);
			});
			if (!sandbox) continue;
			progress(`sandbox at ${group.latencyMs} ms latency ${group.extraArgs.join(' ')} on ${sandbox.url} (pid ${sandbox.pid})`);
			try {
				for (const { entry, s } of group.members.filter((m) => !m.s.estimate)) {
					progress(`${entry.module.title}: latency ${s.latencyMs} ms, N=${int(s.n)}, ${s.short} ...`);
					await attempt(entry, { ...s, sandboxCommand: sandbox.command }, () => runEngineScenario(s, entry.path, sandbox, options.dist));
					const row = entry.rows[entry.rows.length - 1];
					if (Number.isFinite(row.wallMs)) {
						progress(`  ${duration(row.wallMs)}, ${row.requests} requests, ${int((s.n * 1000) / row.wallMs)} items/s${row.problem ? `, PROBLEM: ${row.problem}` : ''}`);
					}
				}
			} finally {
				sandbox.stop();
			}
		}
		for (const { entry, s } of engine.filter((e) => e.s.estimate)) {
			const from = byKey.get(`${entry.path}:${s.estimate.from}`);
			if (from && !from.problem) keep(entry, s, estimateRow(s, from));
			progress(`latency ${s.latencyMs} ms, N=${int(s.n)}, ${s.short}: skipped (--quick), ${from && !from.problem ? 'extrapolated' : 'nothing to extrapolate from'}`);
		}

		for (const { entry, s } of [...ofKind('own-cost'), ...ofKind('worker')]) {
			progress(`${entry.module.title}: ${s.kind === 'own-cost' ? "node's own cost, " : ''}${s.short}${s.n ? `, ${int(s.n)} items` : ''} ...`);
			await attempt(entry, s, () => runWorker({ ...s.job, role: s.job.worker, file: entry.path, dist: options.dist }, s.timeoutMs));
			const row = entry.rows[entry.rows.length - 1];
			if (!row.problem && s.kind === 'own-cost') progress(`  ${row.cpuUsPerItem.toFixed(2)} µs/item CPU (runs: ${row.cpuUsPerItemAll.map((/** @type {number} */ x) => x.toFixed(2)).join(', ')})`);
		}
		// Ratios against a baseline row (e.g. (b) one request per item against (a) batched).
		for (const entry of plans) {
			for (const row of entry.rows) {
				const base = row.baseline && byKey.get(`${entry.path}:${row.baseline}`);
				if (base && Number.isFinite(row.wallMs) && Number.isFinite(base.wallMs)) row.ratio = row.wallMs / base.wallMs;
			}
		}
		// Report in the order the plan lists them (estimated rows were filled in last).
		const order = (/** @type {any} */ entry, /** @type {any} */ row) => entry.plan.scenarios.findIndex((/** @type {any} */ s) => `${entry.path}:${s.key}` === row.key);
		for (const entry of plans) entry.rows.sort((x, y) => order(entry, x) - order(entry, y));
		return { files: plans.map((entry) => ({ module: entry.module, rows: entry.rows })), failed };
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
		tempDirs.delete(tmp);
	}
}

module.exports = { ROOT, runAll, cleanUp };
