// @ts-check
'use strict';
/**
 * Record → Search by Date Range with Return All over capped answers (200 records each):
 * 12,345 records as generateRecords spaces them (about 37 s apart), the range once as a month
 * and once from the first record to the last, and the same records bunched so that groups of
 * 199 share one second (ties just below the cap), and the month once more with the sandbox's
 * answers newest first. It reports the records returned, whether
 * each came exactly once, the requests, how long the sandbox itself took to answer, and the
 * memory (the generic columns). The interface is described in bench/runner.js.
 */
const path = require('node:path');
const { int, mib } = require('../format');
const { nodeWorkflow } = require('../workflow');

const NODE_NAME = 'Search';
const OPERATION = 'bench';
const COUNT = 12_345;
const CAP = 200;
const QUERY_PATH = /custom\/queryDates\.php$/;

/** "YYYY-MM-DD HH:MM:SS" (UTC) of epoch seconds. @param {number} seconds */
const stamp = (seconds) => new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');

/** Record → Search by Date Range, Return All. @param {string} operation @param {string} module @param {string} from @param {string} to */
const searchWorkflow = (operation, module, from, to) =>
	nodeWorkflow({
		nodeName: NODE_NAME,
		parameters: { resource: 'record', operation: 'search', crmOperation: operation, module, searchBy: 'dateRange', from, to, returnAll: true, options: { maxRecordsPerAnswer: CAP } },
		settings: { timezone: 'UTC' },
	});

/** In the worker: whether every wanted record came exactly once, and the output's size. @param {any[]} output @param {any} job */
function summarize(output, job) {
	const ids = new Set(output.map((item) => item.json.wolkvox_id));
	const missing = job.wantIds.filter((/** @type {string} */ id) => !ids.has(id)).length;
	return { records: output.length, distinct: ids.size, missing, outputJsonBytes: Buffer.byteLength(JSON.stringify(output)) };
}

/** @param {any} answer @param {any} sandbox */
async function sandboxCheck(answer, sandbox) {
	/** @type {any[]} */
	const queries = (await sandbox.get('/__sandbox/log')).filter((/** @type {any} */ e) => QUERY_PATH.test(e.path));
	const answering = queries.reduce((sum, e) => sum + (e.end - e.start), 0);
	const s = answer.summary ?? { records: 0, distinct: 0, missing: COUNT, outputJsonBytes: 0 };
	const once = s.records === COUNT && s.distinct === COUNT && s.missing === 0;
	return {
		requests: queries.length,
		checks: `${int(s.records)} records, each exactly once: ${once ? 'yes' : 'NO'}; the sandbox answering ${(answering / 1000).toFixed(2)} s; output ${mib(s.outputJsonBytes)} as JSON`,
		problems: once ? [] : [`${int(s.records)} records, ${int(s.distinct)} distinct, ${int(s.missing)} missing (want ${int(COUNT)} once each)`],
	};
}

/** @param {any} options */
function plan(options) {
	if (!options.sandbox) return { scenarios: [] };
	const { generateRecords } = require(path.join(__dirname, '..', '..', 'sandbox', 'server.js'));
	const spread = generateRecords(COUNT, { seed: 11 });
	const first = Date.parse(`${spread[0].wolkvox_fecha_creacion}Z`) / 1000;
	const ties = spread.map((/** @type {any} */ record, /** @type {number} */ index) => ({ ...record, wolkvox_fecha_creacion: stamp(first + Math.floor(index / (CAP - 1)) * 600), wolkvox_id: `f${record.wolkvox_id.slice(1)}` }));
	// The sandbox wants ids unique across modules: the bunched copy's start with f.
	const idsOf = (/** @type {any[]} */ records) => records.map((r) => r.wolkvox_id);
	/** @param {number} latencyMs @param {boolean} [newestFirst] the sandbox's answers newest first (oldest first by default) */
	const sandbox = (latencyMs, newestFirst = false) => ({
		key: `search-${latencyMs}${newestFirst ? '-newest' : ''}`,
		args: ['--max-records', String(CAP), ...(newestFirst ? ['--newest-first'] : [])],
		seed: { operations: { [OPERATION]: { spread, ties } } },
		seedNote: `${COUNT} generated contacts, spread and bunched`,
	});
	const cases = [
		{ key: 'month', module: 'spread', wantIds: idsOf(spread), label: 'spread (about one record per 37 s), a month', from: '2023-09-01 00:00', to: '2023-09-30 23:59' },
		{ key: 'exact', module: 'spread', wantIds: idsOf(spread), label: 'spread, from the first record to the last', from: spread[0].wolkvox_fecha_creacion, to: spread[spread.length - 1].wolkvox_fecha_creacion },
		{ key: 'ties', module: 'ties', wantIds: idsOf(ties), label: `ties (${CAP - 1} records per second, 10 min apart), a month`, from: '2023-09-01 00:00', to: '2023-09-30 23:59' },
		{ key: 'newest', module: 'spread', wantIds: idsOf(spread), label: 'spread, a month, answers newest first', from: '2023-09-01 00:00', to: '2023-09-30 23:59', newestFirst: true },
	];
	const scenarios = options.latencies.flatMap((/** @type {number} */ latencyMs) =>
		cases.map((c) => ({
			kind: 'engine',
			key: `${latencyMs}/${c.key}`,
			latencyMs,
			n: COUNT,
			label: c.label,
			short: c.key,
			sandbox: sandbox(latencyMs, c.newestFirst),
			perItemOutput: false,
			job: { workflow: searchWorkflow(OPERATION, c.module, c.from, c.to), warmups: [], nodeName: NODE_NAME, crmOperation: OPERATION, wantIds: c.wantIds },
			timeoutMs: 300_000,
			check: sandboxCheck,
		})),
	);
	return { scenarios };
}

module.exports = {
	title: 'Record → Search (Date Range, Return All)',
	engineNote:
		'Each scenario runs in a fresh worker process (`--expose-gc`), without warm-up (as before the split). "N items" is the records the search must return; wall time is the whole workflow run; CPU is the worker\'s user+system time during it; memory is the growth of the worker over its baseline (sampled every 20 ms), and what is still held after the run (the output) after a GC.',
	plan,
	summarize,
};
