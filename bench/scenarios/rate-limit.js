// @ts-check
'use strict';
/**
 * Record → Delete against a rate-limited server (issue 10): the sandbox answers after 50 ms,
 * accepts 10 requests per second per IP (sliding window) and answers 429 with Retry-After
 * beyond. Side by side:
 *   (a) 10,000 ids, Batch Across Items, Max Requests per Second 10 (the fixed cap);
 *   (b) the same with no Max Requests per Second: the node has to learn the pace from the 429s;
 *   (c) 1,000 ids, default options (one request per item, no cap);
 *   (d) 1,000 ids, one request per item, Max Requests per Second 10: the fixed cap for (c).
 * The floor is the requests a run needs divided by 10 per second. No timed assertions: the
 * goals are printed as met or not. The interface is described in bench/runner.js.
 */
const path = require('node:path');
const { int, duration, markdownTable } = require('../format');
const { deleteWorkflow, itemOk, NODE_NAME, OPERATION, DELETE_PATH } = require('./delete');

const MODULE = 'limited';
const WARMUP_MODULE = 'limitedwarmup';
const LATENCY_MS = 50;
const PER_SECOND = 10;
const RATE_LIMIT = `${PER_SECOND}/1000/429`;
const MAX_IDS = 100;
/** Goals of issue 10. */
const FLOOR_FACTOR = 1.15;
const MAX_429_SHARE = 0.05;
/** "No slower than the fixed cap", with this much room for run-to-run noise. */
const NOISE = 1.05;

const SCENARIOS = [
	{ id: 'a', n: 10_000, options: { batchAcrossItems: true, maxRequestsPerSecond: PER_SECOND }, label: '(a) Batch Across Items, Max Requests per Second 10' },
	{ id: 'b', n: 10_000, options: { batchAcrossItems: true }, label: '(b) Batch Across Items, no Max Requests per Second', fixedCap: 'a' },
	{ id: 'c', n: 1_000, options: {}, label: '(c) default options (one request per item)', fixedCap: 'd' },
	{ id: 'd', n: 1_000, options: { maxRequestsPerSecond: PER_SECOND }, label: '(d) one request per item, Max Requests per Second 10 (reference for c)' },
];
/** Requests each run needs: one per 100 ids batched, else one per item. @param {{ n: number, options: any }} s */
const needed = (s) => (s.options.batchAcrossItems ? Math.ceil(s.n / MAX_IDS) : s.n);

/** @param {any} options */
function plan(options) {
	if (!options.sandbox) return { scenarios: [] };
	const { generateRecords } = require(path.join(__dirname, '..', '..', 'sandbox', 'server.js'));
	const records = generateRecords(10_000, { seed: 21, prefix: 'aaaa' });
	const warmup = generateRecords(400, { seed: 22, prefix: 'bbbb' });
	const ids = records.map((/** @type {any} */ r) => r.wolkvox_id);
	const warmupIds = warmup.map((/** @type {any} */ r) => r.wolkvox_id);
	const sandbox = {
		key: 'rate-limited',
		args: ['--rate-limit', RATE_LIMIT],
		seed: { operations: { [OPERATION]: { [MODULE]: records, [WARMUP_MODULE]: warmup } } },
		seedNote: '10000 generated contacts + 400 warm-up records',
	};
	const scenarios = SCENARIOS.map((s) => {
		// Warm-ups well under the limit (4 batched or 8 per-item requests), then 1.5 s for the window to forget them.
		const warm = s.options.batchAcrossItems ? 200 : 4;
		return {
			...s,
			key: s.id,
			kind: 'engine',
			latencyMs: LATENCY_MS,
			short: s.label.slice(0, 3),
			sandbox,
			needed: needed(s),
			job: {
				workflow: deleteWorkflow(s.options, MODULE, ids.slice(0, s.n)),
				warmups: [0, 1].map((round) => deleteWorkflow(s.options, WARMUP_MODULE, warmupIds.slice(round * warm, (round + 1) * warm))),
				settleMs: 1500,
				nodeName: NODE_NAME,
				crmOperation: OPERATION,
			},
			timeoutMs: 120_000 + 3 * (needed(s) / PER_SECOND) * 1000,
			check: (/** @type {any} */ _answer, /** @type {any} */ box) => sandboxCheck(s, ids.slice(0, s.n), box),
		};
	});
	return { scenarios };
}

/** Requests and 429s as the sandbox logged them, and whether exactly the asked-for records went. */
async function sandboxCheck(/** @type {{ n: number, options: any }} */ s, /** @type {string[]} */ ids, /** @type {any} */ sandbox) {
	/** @type {any[]} */
	const log = (await sandbox.get('/__sandbox/log')).filter((/** @type {any} */ e) => e.path === DELETE_PATH && e.module === MODULE);
	/** @type {any[]} */
	const left = await sandbox.get(`/__sandbox/records?operation=${OPERATION}&module=${MODULE}`);
	const deleted = new Set(log.flatMap((e) => e.deleted ?? []));
	const rateLimited = log.filter((e) => e.rateLimited).length;
	const otherErrors = log.filter((e) => !e.rateLimited && e.status !== 200).length;
	const problems = [];
	if (deleted.size !== s.n || !ids.every((id) => deleted.has(id))) problems.push(`${deleted.size} of ${s.n} records deleted`);
	if (left.length !== 10_000 - s.n) problems.push(`${left.length} records left (want ${10_000 - s.n})`);
	if (otherErrors) problems.push(`${otherErrors} answers other than 200 and 429`);
	return {
		requests: log.length,
		rateLimited,
		expectedRequests: needed(s),
		checks: `all ${int(s.n)} deleted, others kept, ${log.length - rateLimited} accepted (want ${needed(s)}), ${otherErrors} other errors`,
		problems,
	};
}

/** @param {any} row */
const floorMs = (row) => (row.needed / PER_SECOND) * 1000;
/** @param {any} row */
const share = (row) => row.rateLimited / row.requests;

/** @param {any[]} rows */
function engineTable(rows) {
	return markdownTable(
		['scenario', 'N ids', 'node time (n8n)', 'workflow wall time', 'floor (requests / 10 per s)', 'node time ÷ floor', 'requests sent', '429 answers (share)', 'checks (sandbox log and records)'],
		rows.map((row) => [
			row.label,
			int(row.n),
			Number.isFinite(row.nodeMs) ? duration(row.nodeMs) : '–',
			duration(row.wallMs),
			duration(floorMs(row)),
			Number.isFinite(row.nodeMs) ? `${(row.nodeMs / floorMs(row)).toFixed(3)}×` : '–',
			int(row.requests),
			Number.isFinite(row.requests) ? `${int(row.rateLimited)} (${(100 * share(row)).toFixed(1)} %)` : '–',
			row.problem ? `**${row.problem}**` : row.checks,
		]),
	);
}

/** The goals of issue 10, each stated as met or not, and the hints n8n showed. @param {{ engineRows: any[] }} rows */
function targets({ engineRows }) {
	const by = new Map(engineRows.filter((row) => !row.problem && Number.isFinite(row.nodeMs)).map((row) => [row.id, row]));
	const lines = [];
	const a = by.get('a');
	if (a) {
		const ratio = a.nodeMs / floorMs(a);
		lines.push(`- **(a) within ${FLOOR_FACTOR} × the floor: ${ratio <= FLOOR_FACTOR ? 'met' : 'NOT met'}** — ${duration(a.nodeMs)} for a floor of ${duration(floorMs(a))} (${ratio.toFixed(3)}×).`);
	}
	for (const key of ['b', 'c']) {
		const row = by.get(key);
		if (!row) continue;
		lines.push(`- **(${key}) ≤ ${100 * MAX_429_SHARE} % of requests answered 429: ${share(row) <= MAX_429_SHARE ? 'met' : 'NOT met'}** — ${row.rateLimited} of ${row.requests} (${(100 * share(row)).toFixed(1)} %).`);
		const cap = by.get(row.fixedCap);
		if (cap) {
			const ratio = row.nodeMs / cap.nodeMs;
			lines.push(
				`- **(${key}) no slower than the fixed cap (${row.fixedCap}): ${ratio <= NOISE ? 'met' : 'NOT met'}** — ${duration(row.nodeMs)} against ${duration(cap.nodeMs)} (${ratio.toFixed(3)}×; up to ${NOISE}× counts as met, for run-to-run noise).`,
			);
		}
	}
	const failed = engineRows.filter((row) => row.problem);
	if (failed.length) lines.push(`- Not measured: ${failed.map((row) => `${row.label}: ${row.problem}`).join('; ')}.`);
	for (const row of engineRows) {
		if (row.hints?.length) lines.push(`- Hints n8n showed under ${row.label.slice(0, 3)}: ${row.hints.map((/** @type {string} */ h) => `“${h}”`).join(' ')}`);
	}
	return lines;
}

module.exports = {
	title: 'Record → Delete under a rate limit (10 requests/s per IP, 429 beyond)',
	engineNote:
		'Each scenario runs in a fresh worker process after two small warm-up runs on another module (well under the limit) and a 1.5 s pause so that the window forgets them. Node time is the `executionTime` n8n records for the node; the workflow wall time adds the engine around it. Requests and 429 answers are counted from the sandbox log, retries included.',
	plan,
	itemOk,
	engineTable,
	targets,
};
