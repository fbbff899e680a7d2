#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm run bench`: how fast Record → Delete gets through many records, side by side in one run.
 *
 *  1. Against the local sandbox (a separate child process per latency, so its CPU is not in the
 *     measurement), through n8n's engine (test/engine), for N items with one id each:
 *       (a) Batch Across Items on, Max IDs per Request 100, other options at their defaults;
 *       (b) one request per item (Batch Across Items off, Concurrent Requests 1): the pattern of
 *           an HTTP Request node.
 *     Every scenario runs in a fresh worker process (started with --expose-gc), after a warm-up
 *     on a separate module; the sandbox's request log says what was sent and what was deleted.
 *  2. The node's own CPU cost per item with the network taken out: the delete operation's
 *     `execute` from dist/ called directly with a fake IExecuteFunctions whose HTTP helper
 *     answers at once with the documented success answer. Also memory at two sizes.
 *
 * Prints progress on stderr and the results as markdown tables on stdout. Bounded: every
 * scenario has a time limit, the whole run has one, and the sandbox children are killed on
 * exit and on errors (they also stop by themselves after --ttl as a backstop).
 *
 *   node bench/delete.bench.js [--quick] [--sizes 100,1000,10000] [--latencies 0,50]
 *                              [--cpu-sizes 10000,100000,300000] [--skip-sandbox] [--skip-cpu]
 *                              [--dist DIR]
 *
 * No timed assertions: the figures are reported, and the targets are stated as met or not.
 */
const { fork, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const ROOT = path.join(__dirname, '..');
const SANDBOX_JS = path.join(ROOT, 'sandbox', 'server.js');
const NODE_TYPE = 'n8n-nodes-wolkvox-crm.wolkvoxCrm';
const NODE_NAME = 'Wolkvox CRM';
const TRIGGER_NAME = 'When clicking Execute';
const OPERATION = 'bulk';
const MODULE = 'contacts';
const WARMUP_MODULE = 'warmup';
const DELETE_PATH = '/server/API/v2/custom/delete.php';
const MAX_IDS = 100;
/** Warm-up items per run (two runs) before each measured sandbox scenario, by mode. */
const WARMUP_ITEMS = { a: 200, b: 20 };
const WARMUP_RECORDS = 2 * Math.max(WARMUP_ITEMS.a, WARMUP_ITEMS.b);
const SAMPLE_EVERY_MS = 20;

/** The documented success answer of custom/delete.php. */
const deletedAnswer = (/** @type {string[]} */ ids) => ({
	code: 200,
	error: 'null',
	msg: 'Have been succesfully removed',
	data: { wolkvox_id: ids },
});

// ------------------------------------------------------------------------------------------
// options

/**
 * @typedef {object} BenchOptions
 * @property {boolean} quick        skip (b) at the largest N; extrapolate it from the next size
 * @property {number[]} sizes
 * @property {number[]} latencies
 * @property {number[]} cpuSizes
 * @property {boolean} sandbox
 * @property {boolean} cpu
 * @property {string} dist
 */

/** @param {string[]} argv @returns {BenchOptions} */
function parseArgs(argv) {
	/** @type {BenchOptions} */
	const o = {
		quick: false,
		sizes: [100, 1000, 10000],
		latencies: [0, 50],
		cpuSizes: [10000, 100000, 300000],
		sandbox: true,
		cpu: true,
		dist: path.join(ROOT, 'dist'),
	};
	/** @param {string | undefined} v @param {string} flag */
	const list = (v, flag) => {
		const values = String(v ?? '').split(',').map((s) => Number(s.trim()));
		if (values.length === 0 || values.some((n) => !Number.isSafeInteger(n) || n < 0)) {
			throw new Error(`${flag} wants a comma separated list of whole numbers`);
		}
		return values;
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		switch (arg) {
			case '--quick':
				o.quick = true;
				break;
			case '--sizes':
				o.sizes = list(argv[++i], arg).filter((n) => n > 0);
				break;
			case '--latencies':
				o.latencies = list(argv[++i], arg);
				break;
			case '--cpu-sizes':
				o.cpuSizes = list(argv[++i], arg).filter((n) => n > 0);
				break;
			case '--skip-sandbox':
				o.sandbox = false;
				break;
			case '--skip-cpu':
				o.cpu = false;
				break;
			case '--dist':
				o.dist = path.resolve(String(argv[++i]));
				break;
			case '--help':
			case '-h':
				process.stdout.write(
					'node bench/delete.bench.js [--quick] [--sizes 100,1000,10000] [--latencies 0,50]\n' +
						'                           [--cpu-sizes 10000,100000,300000] [--skip-sandbox] [--skip-cpu] [--dist DIR]\n',
				);
				process.exit(0);
				break;
			default:
				throw new Error(`unknown option ${arg} (see --help)`);
		}
	}
	o.sizes.sort((x, y) => x - y);
	return o;
}

// ------------------------------------------------------------------------------------------
// small helpers

/** @param {string} message */
const progress = (message) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/** @param {number} n */
const int = (n) => Math.round(n).toLocaleString('en-US');

/** @param {number} ms */
function duration(ms) {
	if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
	if (ms < 120_000) return `${(ms / 1000).toFixed(2)} s`;
	return `${(ms / 60_000).toFixed(1)} min`;
}

/** @param {number} bytes */
function mib(bytes) {
	return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** @param {number[]} values */
function median(values) {
	const sorted = [...values].sort((x, y) => x - y);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** @param {string} url @param {RequestInit} [init] */
async function getJson(url, init) {
	const response = await fetch(url, init);
	const text = await response.text();
	if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${response.status} ${text.slice(0, 200)}`);
	return JSON.parse(text);
}

/** @param {string[]} header @param {Array<Array<string | number>>} rows */
function markdownTable(header, rows) {
	const line = (/** @type {Array<string | number>} */ cells) => `| ${cells.join(' | ')} |`;
	return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

// ------------------------------------------------------------------------------------------
// children: sandboxes and workers, all killed when the bench ends for whatever reason

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();

/** Temporary directories to remove when the bench ends, however it ends. */
/** @type {Set<string>} */
const tempDirs = new Set();

function killChildren() {
	for (const child of children) {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
	}
	children.clear();
	for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
	tempDirs.clear();
}

/** @param {import('node:child_process').ChildProcess} child */
function track(child) {
	children.add(child);
	child.once('exit', () => children.delete(child));
	return child;
}

/**
 * Starts `node sandbox/server.js` as a child process and reads the URL and token it prints.
 * @param {{ latencyMs: number, seedFile: string, ttlSeconds: number }} options
 */
async function startSandboxChild({ latencyMs, seedFile, ttlSeconds }) {
	const args = [
		SANDBOX_JS,
		'--port', '0',
		'--ttl', String(ttlSeconds),
		'--latency', String(latencyMs),
		'--seed', seedFile,
		'--quota', '100000000',
	];
	const child = track(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
	/** @type {{ url: string, token: string }} */
	const started = await new Promise((resolve, reject) => {
		let out = '';
		let err = '';
		const timer = setTimeout(() => reject(new Error(`the sandbox did not start within 30 s: ${out}${err}`)), 30_000);
		child.stdout?.on('data', (chunk) => {
			out += chunk;
			const match = /listening on (http:\/\/\S+) \(token: ([^)]+)\)/.exec(out);
			if (match) {
				clearTimeout(timer);
				resolve({ url: match[1], token: match[2] });
			}
		});
		child.stderr?.on('data', (chunk) => {
			err += chunk;
		});
		child.once('exit', (code, signal) => {
			clearTimeout(timer);
			reject(new Error(`the sandbox exited (${code ?? signal}) before it was ready: ${out}${err}`));
		});
	});
	child.stdout?.resume();
	child.stderr?.on('data', (chunk) => process.stderr.write(`[sandbox ${latencyMs} ms] ${chunk}`));
	return {
		...started,
		latencyMs,
		command: `node sandbox/server.js ${args.slice(1).join(' ')}`,
		child,
		stop() {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
		},
	};
}

/**
 * Runs one job in a fresh worker process (this file with --worker) and resolves with its answer.
 * @param {any} job @param {number} timeoutMs
 * @returns {Promise<any>}
 */
function runWorker(job, timeoutMs) {
	return new Promise((resolve, reject) => {
		const child = track(
			fork(__filename, ['--worker'], {
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
		child.on('message', (message) => {
			answer = message;
		});
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

// ------------------------------------------------------------------------------------------
// worker: one sandbox scenario through n8n's engine

/**
 * @param {'a' | 'b'} mode @param {string} module @param {string[]} ids one item per id
 */
function deleteWorkflow(mode, module, ids) {
	const options =
		mode === 'a' ? { batchAcrossItems: true, maxIdsPerRequest: MAX_IDS } : { batchAcrossItems: false, concurrency: 1 };
	return {
		name: `bench ${mode}`,
		nodes: [
			{
				id: 'trigger',
				name: TRIGGER_NAME,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'wolkvox',
				name: NODE_NAME,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					resource: 'record',
					operation: 'delete',
					crmOperation: OPERATION,
					module,
					multiple: false,
					recordIds: '={{ $json.id }}',
					options,
				},
				credentials: { wolkvoxCrmApi: { id: '1', name: 'Wolkvox CRM account' } },
				onError: 'stopWorkflow',
			},
		],
		connections: { [TRIGGER_NAME]: { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] } },
		pinData: { [TRIGGER_NAME]: ids.map((id) => ({ json: { id } })) },
	};
}

/** @returns {() => void} */
function requireGc() {
	const gc = /** @type {any} */ (globalThis).gc;
	if (typeof gc !== 'function') throw new Error('the worker needs --expose-gc');
	return () => {
		gc();
		gc();
	};
}

/**
 * @param {{ url: string, token: string, mode: 'a' | 'b', ids: string[], warmupIds: string[], dist: string }} job
 */
async function sandboxWorker(job) {
	const gc = requireGc();
	const { runWorkflow } = require(path.join(ROOT, 'test', 'engine'));
	const { WolkvoxCrm } = require(path.join(job.dist, 'nodes/WolkvoxCrm/WolkvoxCrm.node.js'));
	const { WolkvoxCrmApi } = require(path.join(job.dist, 'credentials/WolkvoxCrmApi.credentials.js'));
	const run = (/** @type {any} */ workflow) =>
		runWorkflow({
			workflow,
			nodeTypes: { [NODE_TYPE]: new WolkvoxCrm() },
			credentialTypes: { wolkvoxCrmApi: new WolkvoxCrmApi() },
			credentials: { wolkvoxCrmApi: { server: job.url, token: job.token, crmOperation: OPERATION } },
		});

	// Warm-up on another module (same code paths, records the measured run does not touch).
	const warm = WARMUP_ITEMS[job.mode];
	for (let round = 0; round < 2; round++) {
		const result = await run(deleteWorkflow(job.mode, WARMUP_MODULE, job.warmupIds.slice(round * warm, (round + 1) * warm)));
		if (result.status !== 'success') throw new Error(`warm-up run ended with status ${result.status}`);
	}

	const workflow = deleteWorkflow(job.mode, MODULE, job.ids);
	gc();
	const base = process.memoryUsage();
	let peakRss = base.rss;
	let peakHeap = base.heapUsed;
	const sample = () => {
		const m = process.memoryUsage();
		if (m.rss > peakRss) peakRss = m.rss;
		if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
	};
	const sampler = setInterval(sample, SAMPLE_EVERY_MS);
	const cpuBefore = process.cpuUsage();
	const started = performance.now();
	const result = await run(workflow);
	const wallMs = performance.now() - started;
	const cpu = process.cpuUsage(cpuBefore);
	sample();
	clearInterval(sampler);
	gc();
	const retainedHeap = process.memoryUsage().heapUsed - base.heapUsed;

	const output = result.status === 'success' ? result.outputOf(NODE_NAME) : [];
	let okItems = 0;
	let pairedOk = 0;
	output.forEach((/** @type {any} */ item, /** @type {number} */ index) => {
		if (item.json && item.json.code === 200 && !('details' in item.json)) okItems++;
		if (item.pairedItem && item.pairedItem.item === index) pairedOk++;
	});
	return {
		status: result.status,
		error: result.status === 'success' ? undefined : String(result.error?.message ?? result.status),
		wallMs,
		cpuUs: cpu.user + cpu.system,
		rssGrowth: peakRss - base.rss,
		heapGrowth: peakHeap - base.heapUsed,
		retainedHeap,
		outputItems: output.length,
		okItems,
		pairedOk,
	};
}

// ------------------------------------------------------------------------------------------
// worker: the node's own cost, network taken out

/**
 * @param {{ mode: 'a' | 'b', n: number, reps: number, dist: string }} job
 */
async function cpuWorker(job) {
	const gc = requireGc();
	const operation = require(path.join(job.dist, 'nodes/WolkvoxCrm/actions/record/delete.operation.js'));
	const transport = require(path.join(job.dist, 'nodes/WolkvoxCrm/transport/index.js'));

	const node = {
		id: 'wolkvox',
		name: NODE_NAME,
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const options =
		job.mode === 'a' ? { batchAcrossItems: true, maxIdsPerRequest: MAX_IDS } : { batchAcrossItems: false, concurrency: 1 };
	/** @type {Map<number, string>} canned answer text by the number of ids asked for */
	const canned = new Map();
	const memory = { peakHeap: 0, peakRss: 0, calls: 0 };
	// Sample memory now and then from inside the fake (the run never yields to timers).
	const sampleEvery = job.mode === 'a' ? 4 : 256;
	const sample = () => {
		const m = process.memoryUsage();
		if (m.heapUsed > memory.peakHeap) memory.peakHeap = m.heapUsed;
		if (m.rss > memory.peakRss) memory.peakRss = m.rss;
	};

	/** @param {Array<{ json: { id: string } }>} items @returns {any} */
	const context = (items) => ({
		getNodeParameter(/** @type {string} */ name, /** @type {number} */ itemIndex, /** @type {unknown} */ fallback) {
			switch (name) {
				case 'crmOperation':
					return OPERATION;
				case 'module':
					return MODULE;
				case 'multiple':
					return false;
				case 'recordIds':
					return items[itemIndex].json.id;
				case 'options':
					return options;
				default:
					return fallback;
			}
		},
		continueOnFail: () => false,
		getNode: () => node,
		getExecutionCancelSignal: () => undefined,
		getInputData: () => items,
		getCredentials: async () => ({ server: 'http://127.0.0.1:9', token: 'bench-token-0123456789abcdef', crmOperation: OPERATION }),
		helpers: {
			async httpRequestWithAuthentication(/** @type {string} */ _type, /** @type {any} */ request) {
				if (++memory.calls % sampleEvery === 0) sample();
				const asked = request.body['wolkvox-id'];
				const count = Array.isArray(asked) ? asked.length : 1;
				let text = canned.get(count);
				if (text === undefined) {
					text = JSON.stringify(deletedAnswer(Array.isArray(asked) ? asked : [asked]));
					canned.set(count, text);
				}
				return { statusCode: 200, headers: {}, body: text };
			},
		},
	});

	/** @param {number} n @param {number} offset */
	const makeItems = (n, offset) =>
		Array.from({ length: n }, (_, i) => ({ json: { id: (offset + i).toString(16).padStart(24, '0') } }));

	/** @param {Array<{ json: { id: string } }>} items */
	const execute = async (items) => {
		const ctx = context(items);
		const connection = await transport.getConnection.call(ctx);
		const output = await operation.execute.call(ctx, connection, items);
		if (output.length !== items.length) throw new Error(`${output.length} output items for ${items.length} input items`);
		for (let i = 0; i < output.length; i++) {
			if (output[i].json.code !== 200 || output[i].pairedItem.item !== i) throw new Error(`output item ${i} is not a success paired to item ${i}`);
		}
		return output;
	};

	// Warm-up: the same code paths, smaller.
	for (let round = 0; round < 3; round++) await execute(makeItems(2000, 0x10000000 + round * 2000));
	canned.clear();

	const items = makeItems(job.n, 0);
	gc();
	const base = process.memoryUsage();
	memory.peakHeap = base.heapUsed;
	memory.peakRss = base.rss;
	memory.calls = 0;
	/** @type {number[]} */
	const cpuPerItem = [];
	/** @type {number[]} */
	const wallPerItem = [];
	let requests = 0;
	let heapGrowth = 0;
	let rssGrowth = 0;
	let retainedHeap = 0;
	for (let rep = 0; rep < job.reps; rep++) {
		if (rep > 0) gc();
		memory.calls = 0;
		const cpuBefore = process.cpuUsage();
		const started = performance.now();
		let output = await execute(items);
		const wall = performance.now() - started;
		const cpu = process.cpuUsage(cpuBefore);
		cpuPerItem.push((cpu.user + cpu.system) / job.n);
		wallPerItem.push((wall * 1000) / job.n);
		requests = memory.calls;
		if (rep === 0) {
			// Memory of the first measured run: what it needed at its peak, and what its output keeps.
			sample();
			heapGrowth = memory.peakHeap - base.heapUsed;
			rssGrowth = memory.peakRss - base.rss;
			gc();
			retainedHeap = process.memoryUsage().heapUsed - base.heapUsed;
		}
		output = [];
	}
	return {
		requests,
		cpuUsPerItem: median(cpuPerItem),
		cpuUsPerItemAll: cpuPerItem,
		wallUsPerItem: median(wallPerItem),
		heapGrowth,
		rssGrowth,
		retainedHeap,
	};
}

// ------------------------------------------------------------------------------------------
// the bench

/**
 * @typedef {object} SandboxRow
 * @property {number} latencyMs
 * @property {number} n
 * @property {'a' | 'b'} mode
 * @property {boolean} extrapolated
 * @property {number} requests
 * @property {number} expectedRequests
 * @property {number} idsSent
 * @property {number} maxIdsInRequest
 * @property {number} maxInFlight
 * @property {number} non200
 * @property {boolean} allDeleted
 * @property {boolean} othersKept
 * @property {number} wallMs
 * @property {number} cpuUs
 * @property {number} rssGrowth
 * @property {number} heapGrowth
 * @property {number} retainedHeap
 * @property {string} [problem]
 */

/**
 * One scenario: reset the sandbox, run the worker, read what the sandbox saw.
 * @param {Awaited<ReturnType<typeof startSandboxChild>>} sandbox
 * @param {'a' | 'b'} mode @param {number} n
 * @param {{ contacts: string[], warmup: string[], dist: string, total: number }} data
 * @returns {Promise<SandboxRow>}
 */
async function sandboxScenario(sandbox, mode, n, data) {
	await getJson(`${sandbox.url}/__sandbox/reset`, { method: 'POST' });
	const ids = data.contacts.slice(0, n);
	const perRequestMs = sandbox.latencyMs + 10;
	const expectedMs = mode === 'a' ? Math.ceil(n / MAX_IDS) * perRequestMs : n * perRequestMs;
	const timeoutMs = 120_000 + 4 * expectedMs;
	const answer = await runWorker(
		{ role: 'sandbox', url: sandbox.url, token: sandbox.token, mode, ids, warmupIds: data.warmup, dist: data.dist },
		timeoutMs,
	);

	/** @type {any[]} */
	const log = await getJson(`${sandbox.url}/__sandbox/log`);
	const stats = await getJson(`${sandbox.url}/__sandbox/stats`);
	/** @type {any[]} */
	const remaining = await getJson(`${sandbox.url}/__sandbox/records?operation=${OPERATION}&module=${MODULE}`);
	const measured = log.filter((entry) => entry.path === DELETE_PATH && entry.module === MODULE);
	const warmup = log.filter((entry) => entry.path === DELETE_PATH && entry.module === WARMUP_MODULE);
	const asked = new Set(ids);
	const deleted = new Set(measured.flatMap((entry) => entry.deleted ?? []));
	const left = new Set(remaining.map((record) => record.wolkvox_id));
	const allDeleted = deleted.size === n && ids.every((id) => deleted.has(id) && !left.has(id));
	const othersKept = remaining.length === data.total - n && remaining.every((record) => !asked.has(record.wolkvox_id));

	const problems = [];
	if (answer.status !== 'success') problems.push(`run status ${answer.status}: ${answer.error}`);
	if (answer.outputItems !== n || answer.okItems !== n || answer.pairedOk !== n) {
		problems.push(`${answer.outputItems} output items, ${answer.okItems} successes, ${answer.pairedOk} paired right (want ${n})`);
	}
	if (!allDeleted) problems.push('not every asked-for record was deleted');
	if (!othersKept) problems.push('records that were not asked for are gone');
	const statsDeletes = stats.byPath[DELETE_PATH] ?? 0;
	if (statsDeletes !== measured.length + warmup.length) {
		problems.push(`stats count ${statsDeletes} delete requests, the log ${measured.length + warmup.length}`);
	}
	return {
		latencyMs: sandbox.latencyMs,
		n,
		mode,
		extrapolated: false,
		requests: measured.length,
		expectedRequests: mode === 'a' ? Math.ceil(n / MAX_IDS) : n,
		idsSent: measured.reduce((sum, entry) => sum + (entry.ids ? entry.ids.length : 0), 0),
		maxIdsInRequest: Math.max(0, ...measured.map((entry) => (entry.ids ? entry.ids.length : 0))),
		maxInFlight: Math.max(0, ...measured.map((entry) => entry.inFlightAtStart + 1)),
		non200: measured.filter((entry) => entry.status !== 200).length,
		allDeleted,
		othersKept,
		wallMs: answer.wallMs,
		cpuUs: answer.cpuUs,
		rssGrowth: answer.rssGrowth,
		heapGrowth: answer.heapGrowth,
		retainedHeap: answer.retainedHeap,
		problem: problems.length ? problems.join('; ') : undefined,
	};
}

/** @param {BenchOptions} options */
async function bench(options) {
	const startedAt = new Date();
	for (const file of ['nodes/WolkvoxCrm/WolkvoxCrm.node.js', 'nodes/WolkvoxCrm/actions/record/delete.operation.js']) {
		if (!fs.existsSync(path.join(options.dist, file))) {
			throw new Error(`${path.join(options.dist, file)} is missing: run "npm run build" first (npm run bench does)`);
		}
	}
	const operationSource = fs.readFileSync(path.join(options.dist, 'nodes/WolkvoxCrm/actions/record/delete.operation.js'), 'utf8');
	if (!operationSource.includes('batchAcrossItems')) {
		throw new Error(`${options.dist} holds a build without Batch Across Items: run "npm run build" first`);
	}

	const out = [];
	out.push(`## Record → Delete benchmark, ${startedAt.toISOString()}`);
	out.push('');
	const cpuModel = os.cpus()[0]?.model ?? 'unknown CPU';
	out.push(
		`Machine: ${os.availableParallelism()} cores (${cpuModel}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, ` +
			`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at start; Node.js ${process.version}, ${process.platform} ${os.release()}.`,
	);
	out.push(`Command: \`${['node bench/delete.bench.js', ...process.argv.slice(2)].join(' ')}\`${options.quick ? ' (quick mode)' : ' (full run)'}`);
	out.push('');

	/** @type {SandboxRow[]} */
	const rows = [];
	/** @type {string[]} */
	const commands = [];
	let failed = false;
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wolkvox-bench-'));
	tempDirs.add(tmp);
	try {
		if (options.sandbox && options.sizes.length > 0) {
			const { generateRecords } = require(SANDBOX_JS);
			const total = options.sizes[options.sizes.length - 1];
			const contacts = generateRecords(total, { seed: 7 });
			const warmup = generateRecords(WARMUP_RECORDS, { seed: 8, prefix: 'ffff' });
			const seedFile = path.join(tmp, 'seed.json');
			fs.writeFileSync(seedFile, JSON.stringify({ operations: { [OPERATION]: { [MODULE]: contacts, [WARMUP_MODULE]: warmup } } }));
			const data = {
				contacts: contacts.map((/** @type {any} */ record) => record.wolkvox_id),
				warmup: warmup.map((/** @type {any} */ record) => record.wolkvox_id),
				dist: options.dist,
				total,
			};
			// A backstop in case this process is killed without a chance to stop its children.
			const ttlSeconds = 3 * 3600;
			for (const latencyMs of options.latencies) {
				const sandbox = await startSandboxChild({ latencyMs, seedFile, ttlSeconds });
				commands.push(sandbox.command.replace(seedFile, '<temp seed: ' + total + ' generated contacts + ' + WARMUP_RECORDS + ' warm-up records>'));
				progress(`sandbox at ${latencyMs} ms latency on ${sandbox.url} (pid ${sandbox.child.pid})`);
				try {
					for (const n of options.sizes) {
						for (const mode of /** @type {const} */ (['a', 'b'])) {
							if (options.quick && mode === 'b' && n === total && options.sizes.length > 1) {
								progress(`latency ${latencyMs} ms, N=${n}, (b): skipped (--quick), extrapolated`);
								continue;
							}
							progress(`latency ${latencyMs} ms, N=${int(n)}, (${mode}) ...`);
							try {
								const row = await sandboxScenario(sandbox, mode, n, data);
								rows.push(row);
								if (row.problem) failed = true;
								progress(
									`  ${duration(row.wallMs)}, ${row.requests} requests, ${int((n * 1000) / row.wallMs)} items/s${row.problem ? `, PROBLEM: ${row.problem}` : ''}`,
								);
							} catch (error) {
								failed = true;
								progress(`  FAILED: ${error instanceof Error ? error.message : error}`);
								rows.push(failedRow(latencyMs, n, mode, error));
							}
						}
					}
				} finally {
					sandbox.stop();
				}
			}
			if (options.quick && options.sizes.length > 1) {
				const previous = options.sizes[options.sizes.length - 2];
				for (const latencyMs of options.latencies) {
					const from = rows.find((row) => row.latencyMs === latencyMs && row.n === previous && row.mode === 'b' && !row.problem);
					if (!from) continue;
					const factor = total / previous;
					rows.push({
						...from,
						n: total,
						extrapolated: true,
						requests: total,
						expectedRequests: total,
						idsSent: total,
						wallMs: from.wallMs * factor,
						cpuUs: from.cpuUs * factor,
						rssGrowth: NaN,
						heapGrowth: NaN,
						retainedHeap: NaN,
					});
				}
			}
		}

		/** @type {Array<{ mode: 'a' | 'b', n: number, result?: any, error?: string }>} */
		const cpuRows = [];
		if (options.cpu) {
			for (const n of options.cpuSizes) {
				for (const mode of /** @type {const} */ (['a', 'b'])) {
					progress(`node's own cost, (${mode}), ${int(n)} items ...`);
					try {
						const reps = n >= 100_000 ? 3 : 5;
						const result = await runWorker({ role: 'cpu', mode, n, reps, dist: options.dist }, 120_000 + n * 2);
						cpuRows.push({ mode, n, result });
						progress(`  ${result.cpuUsPerItem.toFixed(2)} µs/item CPU (runs: ${result.cpuUsPerItemAll.map((/** @type {number} */ x) => x.toFixed(2)).join(', ')})`);
					} catch (error) {
						failed = true;
						progress(`  FAILED: ${error instanceof Error ? error.message : error}`);
						cpuRows.push({ mode, n, error: String(error instanceof Error ? error.message : error) });
					}
				}
			}
		}

		out.push(...report(options, rows, cpuRows, commands));
		out.push('');
		out.push(`Finished ${new Date().toISOString()} (${duration(Date.now() - startedAt.getTime())}); load average ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at the end.`);
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
		tempDirs.delete(tmp);
	}
	process.stdout.write(`${out.join('\n')}\n`);
	return failed;
}

/** @param {number} latencyMs @param {number} n @param {'a' | 'b'} mode @param {unknown} error @returns {SandboxRow} */
function failedRow(latencyMs, n, mode, error) {
	return {
		latencyMs, n, mode, extrapolated: false, requests: NaN, expectedRequests: mode === 'a' ? Math.ceil(n / MAX_IDS) : n,
		idsSent: NaN, maxIdsInRequest: NaN, maxInFlight: NaN, non200: NaN, allDeleted: false, othersKept: false,
		wallMs: NaN, cpuUs: NaN, rssGrowth: NaN, heapGrowth: NaN, retainedHeap: NaN,
		problem: String(error instanceof Error ? error.message : error),
	};
}

/**
 * The markdown report: tables and the targets, met or not.
 * @param {BenchOptions} options @param {SandboxRow[]} rows
 * @param {Array<{ mode: 'a' | 'b', n: number, result?: any, error?: string }>} cpuRows @param {string[]} commands
 */
function report(options, rows, cpuRows, commands) {
	const out = [];
	const est = (/** @type {SandboxRow} */ row, /** @type {string} */ text) => (row.extrapolated ? `≈ ${text} (extrapolated)` : text);
	const modeName = { a: '(a) batched, 100 ids/request', b: '(b) 1 request/item' };
	/** @type {Array<{ latencyMs: number, n: number, ratio: number, extrapolated: boolean }>} */
	const ratios = [];

	if (rows.length) {
		out.push('### Against the sandbox (loopback, separate process), through n8n\'s engine');
		out.push('');
		out.push(`Sandbox: ${commands.map((c) => `\`${c}\``).join(', ')}; reset before each scenario. Each scenario runs in a fresh worker process (\`--expose-gc\`) after two warm-up runs on another module. Wall time is the whole workflow run (engine + node + HTTP); CPU is the worker's user+system time during it; memory is the growth of the worker over its baseline (sampled every ${SAMPLE_EVERY_MS} ms), and what is still held after the run (output included) after a GC.`);
		out.push('');
		const tableRows = [];
		for (const row of [...rows].sort((x, y) => x.latencyMs - y.latencyMs || x.n - y.n || x.mode.localeCompare(y.mode))) {
			const partner = rows.find((other) => other.latencyMs === row.latencyMs && other.n === row.n && other.mode === 'a');
			let ratio = '';
			if (row.mode === 'b' && partner && Number.isFinite(row.wallMs) && Number.isFinite(partner.wallMs)) {
				const value = row.wallMs / partner.wallMs;
				ratios.push({ latencyMs: row.latencyMs, n: row.n, ratio: value, extrapolated: row.extrapolated });
				ratio = est(row, `${value.toFixed(1)}×`);
			}
			const checks = row.extrapolated
				? 'not run'
				: row.problem
					? `**${row.problem}**`
					: `all ${int(row.n)} deleted, others kept, ${row.non200} errors, max ${row.maxIdsInRequest} ids/request, max ${row.maxInFlight} in flight`;
			tableRows.push([
				`${row.latencyMs} ms`,
				int(row.n),
				modeName[row.mode],
				row.extrapolated ? `≈ ${int(row.requests)} (not run)` : `${int(row.requests)} (want ${int(row.expectedRequests)})`,
				est(row, duration(row.wallMs)),
				est(row, int((row.n * 1000) / row.wallMs)),
				est(row, ((row.cpuUs / row.n)).toFixed(1)),
				Number.isFinite(row.rssGrowth) ? mib(row.rssGrowth) : '–',
				Number.isFinite(row.heapGrowth) ? mib(row.heapGrowth) : '–',
				Number.isFinite(row.retainedHeap) ? mib(row.retainedHeap) : '–',
				ratio,
				checks,
			]);
		}
		out.push(
			markdownTable(
				['latency', 'N items', 'mode', 'requests sent', 'wall time', 'items/s', 'worker CPU µs/item', 'peak RSS growth', 'peak heap growth', 'heap held after run', '(b)/(a) wall', 'checks (sandbox log and records)'],
				tableRows,
			),
		);
		out.push('');
	}

	/** @type {Map<string, any>} */
	const cpuBy = new Map(cpuRows.filter((row) => row.result).map((row) => [`${row.mode}:${row.n}`, row.result]));
	if (cpuRows.length) {
		out.push('### The node\'s own cost, network taken out');
		out.push('');
		out.push('`execute` of `dist/nodes/WolkvoxCrm/actions/record/delete.operation.js` called directly, with a connection from `getConnection` of `dist/.../transport`, and a fake `IExecuteFunctions` (parameters returned as they are, no n8n expression engine; `httpRequestWithAuthentication` answers at once `{statusCode: 200, headers: {}, body: <documented success answer as JSON text>}`). Fresh worker per row, three warm-up runs of 2,000 items, then the median of 5 runs (3 from 100,000 items on) of `process.cpuUsage()` (user+system). Memory: the first measured run, over a baseline taken after a GC with the input items already built; peak sampled from inside the fake HTTP helper.');
		out.push('');
		out.push(
			markdownTable(
				['mode', 'N items', 'requests', 'CPU µs/item (median)', 'CPU µs/item, each run', 'wall µs/item', 'peak heap growth', 'per item', 'heap held by output', 'per item', 'peak RSS growth'],
				cpuRows.map((row) => {
					const r = row.result;
					if (!r) return [modeName[row.mode], int(row.n), '–', `**failed: ${row.error}**`, '', '', '', '', '', '', ''];
					return [
						modeName[row.mode],
						int(row.n),
						int(r.requests),
						r.cpuUsPerItem.toFixed(2),
						r.cpuUsPerItemAll.map((/** @type {number} */ x) => x.toFixed(2)).join(', '),
						r.wallUsPerItem.toFixed(2),
						mib(r.heapGrowth),
						`${int(r.heapGrowth / row.n)} B`,
						mib(r.retainedHeap),
						`${int(r.retainedHeap / row.n)} B`,
						mib(r.rssGrowth),
					];
				}),
			),
		);
		out.push('');
	}

	// Targets.
	out.push('### Targets');
	out.push('');
	const targets = [];
	const batched = rows.filter((row) => row.mode === 'a');
	if (batched.length) {
		const wrong = batched.filter((row) => row.requests !== Math.ceil(row.n / MAX_IDS) || row.problem);
		targets.push(
			`- **(a) sends exactly ceil(N / 100) requests: ${wrong.length === 0 ? 'met' : 'NOT met'}.** ` +
				batched.map((row) => `N=${int(row.n)} at ${row.latencyMs} ms: ${row.requests} (want ${Math.ceil(row.n / MAX_IDS)})`).join('; ') +
				(wrong.length ? `. Problems: ${wrong.map((row) => `N=${row.n} ${row.latencyMs} ms: ${row.problem ?? 'wrong count'}`).join('; ')}` : '') +
				'.',
		);
	}
	const largest = options.sizes[options.sizes.length - 1];
	const speedup = ratios.find((r) => r.latencyMs === 50 && r.n === 10000);
	if (speedup) {
		targets.push(
			`- **At 50 ms and 10,000 items (a) is ≥ 50× faster than (b): ${speedup.ratio >= 50 ? 'met' : 'NOT met'}** — (b)/(a) wall time = ${speedup.ratio.toFixed(1)}×${speedup.extrapolated ? ' (**(b) extrapolated** from N=1,000, --quick)' : ' (both measured)'}.`,
		);
	} else if (options.sandbox) {
		targets.push(`- At 50 ms and 10,000 items (a) ≥ 50× faster than (b): not measured in this run (sizes ${options.sizes.join(', ')}, latencies ${options.latencies.join(', ')}; largest N ${largest}).`);
	}
	const own = cpuRows.filter((row) => row.result);
	if (own.length) {
		const worst = Math.max(...own.map((row) => row.result.cpuUsPerItem));
		targets.push(
			`- **The node's own cost < 50 µs per item: ${worst < 50 ? 'met' : 'NOT met'}** — ` +
				own.map((row) => `${row.mode === 'a' ? '(a)' : '(b)'} ${int(row.n)}: ${row.result.cpuUsPerItem.toFixed(2)} µs`).join('; ') +
				'.',
		);
	}
	/** @type {string[]} */
	const linear = [];
	let linearOk = true;
	const cpuSizes = [...options.cpuSizes].sort((x, y) => x - y);
	if (cpuSizes.length >= 2) {
		for (const mode of /** @type {const} */ (['a', 'b'])) {
			const points = cpuSizes.map((n) => ({ n, r: cpuBy.get(`${mode}:${n}`) })).filter((p) => p.r);
			if (points.length < 2) continue;
			// Linear: every further item costs about the same memory, whatever N already is.
			// Marginal heap held per item between consecutive sizes (the fixed part cancels out)...
			const marginal = points.slice(1).map((p, i) => (p.r.retainedHeap - points[i].r.retainedHeap) / (p.n - points[i].n));
			// ...and the peak per item must not grow with N.
			const peakPerItem = points.map((p) => p.r.heapGrowth / p.n);
			const marginalSpread = Math.max(...marginal) / Math.min(...marginal);
			const peakGrowth = peakPerItem[peakPerItem.length - 1] / peakPerItem[0];
			const ok =
				Math.min(...marginal) > 0 &&
				// With two sizes only there is one step: nothing to compare it with.
				(marginal.length === 1 || marginalSpread < 1.25) &&
				peakGrowth < 1.5;
			if (!ok) linearOk = false;
			linear.push(
				`${mode === 'a' ? '(a)' : '(b)'}: heap held by the output ${points.map((p) => mib(p.r.retainedHeap)).join(' / ')} at ` +
					`${points.map((p) => int(p.n)).join(' / ')} items, i.e. ${marginal.map((m) => `${int(m)}`).join(' then ')} B per extra item; ` +
					`peak heap per item ${peakPerItem.map((x) => int(x)).join(' / ')} B`,
			);
		}
	}
	const engineRows = rows.filter((row) => !row.extrapolated && !row.problem && row.latencyMs === Math.min(...options.latencies));
	const engineLine = ['a', 'b']
		.map((mode) => {
			const byN = engineRows.filter((row) => row.mode === mode).sort((x, y) => x.n - y.n);
			if (byN.length < 2) return '';
			return `${mode === 'a' ? '(a)' : '(b)'} through the engine at ${byN[0].latencyMs} ms: heap held ${byN.map((row) => `${int(row.retainedHeap / row.n)}`).join(' / ')} B/item at N=${byN.map((row) => int(row.n)).join(' / ')}`;
		})
		.filter(Boolean);
	if (linear.length) {
		targets.push(`- **Memory grows linearly with N: ${linearOk ? 'met' : 'NOT met'}** — ${linear.join('; ')}.${engineLine.length ? ` (For scale: ${engineLine.join('; ')}.)` : ''}`);
	}
	out.push(...targets);
	return out;
}

// ------------------------------------------------------------------------------------------
// entry points

if (process.argv[2] === '--worker') {
	// The bench went away (killed): nobody wants the answer any more.
	process.once('disconnect', () => process.exit(1));
	process.once('message', (/** @type {any} */ job) => {
		const work = job.role === 'cpu' ? cpuWorker(job) : sandboxWorker(job);
		work
			.then((answer) => process.send?.(answer, () => process.exit(0)))
			.catch((error) => process.send?.({ error: error instanceof Error ? error.stack ?? error.message : String(error) }, () => process.exit(1)));
	});
} else {
	let options;
	try {
		options = parseArgs(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
		process.exit(2);
	}
	process.on('exit', killChildren);
	for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
		process.on(signal, () => {
			progress(`${signal}: stopping`);
			killChildren();
			process.exit(130);
		});
	}
	// The whole run is bounded, whatever happens inside it.
	const deadlineMs = (options.quick ? 20 : 60) * 60_000;
	const deadline = setTimeout(() => {
		progress(`the bench did not finish within ${duration(deadlineMs)}: stopping`);
		killChildren();
		process.exit(3);
	}, deadlineMs);
	deadline.unref();
	bench(options)
		.then((failed) => {
			killChildren();
			if (failed) {
				progress('some scenarios failed or did not delete what they should (see the tables)');
				process.exitCode = 1;
			}
		})
		.catch((error) => {
			progress(`bench failed: ${error instanceof Error ? error.stack : error}`);
			killChildren();
			process.exitCode = 1;
		});
}
