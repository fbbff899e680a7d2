// @ts-check
'use strict';
/**
 * Record → Create: N records through n8n's engine against a sandbox with 20 ms latency and a
 * per-IP rate limit of 100 requests per second (429 beyond), side by side:
 *   (a) Batch Across Items, Max Records per Request 100 (custom/insertMany.php);
 *   (b) one request per item (custom/insert.php), what an HTTP Request node does.
 * It reports requests, the answers refused by the rate limit (retried), and checks that the
 * sandbox holds every record exactly once and that every output item has its wolkvox_id.
 * With --quick, (b) runs at N / 10 and is extrapolated to N. The interface: bench/runner.js.
 */
const { int } = require('../format');
const { nodeWorkflow, NODE_NAME } = require('../workflow');

const OPERATION = 'bench';
const MODULE = 'created';
const WARMUP_MODULE = 'createdwarmup';
const MAX_RECORDS = 100;
const N = 10_000;
const LATENCY_MS = 20;
const RATE_LIMIT = '100/1000/429';
const WRITE_PATH = /custom\/insert(Many)?\.php$/;
const MODES = {
	a: { options: { batchAcrossItems: true, maxRecordsPerRequest: MAX_RECORDS }, label: `(a) batched, ${MAX_RECORDS} records/request`, want: (/** @type {number} */ n) => Math.ceil(n / MAX_RECORDS) },
	b: { options: { concurrency: 1 }, label: '(b) 1 request/item', want: (/** @type {number} */ n) => n },
};

/** Record → Create of n contacts, fields mapped automatically. */
const createWorkflow = (/** @type {string} */ module, /** @type {number} */ n, /** @type {Record<string, unknown>} */ options, /** @type {string} */ prefix) =>
	nodeWorkflow({
		parameters: { resource: 'record', operation: 'create', crmOperation: OPERATION, module, fieldsToSend: 'mapAutomatically', options },
		items: Array.from({ length: n }, (_, i) => ({ idcontact: `${prefix}${String(i).padStart(7, '0')}`, namecontact: `Contact ${i}` })),
	});

/** What the sandbox holds and logged after one run. */
async function sandboxCheck(/** @type {number} */ n, /** @type {'a' | 'b'} */ mode, /** @type {any} */ sandbox) {
	/** @type {any[]} */
	const writes = (await sandbox.get('/__sandbox/log')).filter((/** @type {any} */ e) => WRITE_PATH.test(e.path) && e.module === MODULE);
	/** @type {any[]} */
	const records = (await sandbox.get(`/__sandbox/records?operation=${OPERATION}&module=${MODULE}`)) ?? [];
	const distinct = new Set(records.map((record) => record.idcontact)).size;
	const refused = writes.filter((e) => e.rateLimited).length;
	const problems = [];
	if (records.length !== n || distinct !== n) problems.push(`${records.length} records in the sandbox, ${distinct} distinct (want ${n})`);
	return {
		requests: writes.length - refused,
		expectedRequests: MODES[mode].want(n),
		refused,
		checks: `${int(records.length)} records in the sandbox, ${records.length - distinct} duplicates, ${refused} answers refused by the rate limit (retried)`,
		problems,
	};
}

/** @param {any} options */
function plan(options) {
	if (!options.sandbox) return { scenarios: [] };
	const sandbox = { key: 'create', args: ['--rate-limit', RATE_LIMIT], seed: { operations: { [OPERATION]: { [MODULE]: [], [WARMUP_MODULE]: [] } } }, seedNote: 'empty modules' };
	const scenarios = [];
	/** @param {'a' | 'b'} mode @param {number} n */
	const scenario = (mode, n) => ({
		kind: 'engine',
		key: `${mode}/${n}`,
		latencyMs: LATENCY_MS,
		n,
		mode,
		label: MODES[mode].label,
		short: `(${mode})`,
		sandbox,
		baseline: mode === 'b' ? `a/${N}` : undefined,
		job: {
			workflow: createWorkflow(MODULE, n, MODES[mode].options, 'b'),
			// One warm-up of 200 records (2 batched or 200 single requests), as before the split.
			warmups: [createWorkflow(WARMUP_MODULE, mode === 'a' ? 200 : 20, MODES[mode].options, 'w')],
			settleMs: 1100,
			nodeName: NODE_NAME,
			crmOperation: OPERATION,
		},
		timeoutMs: 120_000 + 4 * MODES[mode].want(n) * (LATENCY_MS + 10),
		check: (/** @type {any} */ _answer, /** @type {any} */ box) => sandboxCheck(n, mode, box),
	});
	scenarios.push(scenario('a', N));
	if (options.quick) {
		scenarios.push({ ...scenario('b', N / 10), baseline: undefined });
		scenarios.push({ ...scenario('b', N), job: undefined, estimate: { from: `b/${N / 10}` } });
	} else scenarios.push(scenario('b', N));
	return { scenarios };
}

/** A record counts as created only where the answer gave its wolkvox_id. @param {any} item */
const itemOk = (item) => typeof item.json?.wolkvox_id === 'string';

module.exports = {
	title: 'Record → Create',
	ratioHeader: '(b)/(a) wall',
	engineNote:
		'Each scenario runs in a fresh worker process (`--expose-gc`) after one warm-up run on another module (200 records batched, or 20 one by one) and a 1.1 s pause so that the rate limit\'s window forgets it. Wall time is the whole workflow run (engine + node + HTTP); CPU is the worker\'s user+system time during it; memory is the growth of the worker over its baseline (sampled every 20 ms), and what is still held after the run (output included) after a GC. "Requests sent" counts the accepted ones; the refused ones are in the last column.',
	plan,
	itemOk,
};
