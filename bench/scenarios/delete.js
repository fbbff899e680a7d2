// @ts-check
'use strict';
/**
 * Record → Delete: N items with one id each, (a) Batch Across Items on (Max IDs per Request
 * 100, other options at their defaults) against (b) one request per item (Batch Across Items
 * off, Concurrent Requests 1: what an HTTP Request node does), at each latency; and the node's
 * own CPU cost with the network taken out. The interface is described in bench/runner.js.
 */
const fs = require('node:fs');
const path = require('node:path');
const { int, mib } = require('../format');
const { fakeHost, measureRuns } = require('../own-cost');
const { nodeWorkflow, NODE_NAME } = require('../workflow');

const OPERATION = 'bulk';
const MODULE = 'contacts';
const WARMUP_MODULE = 'warmup';
const DELETE_PATH = '/server/API/v2/custom/delete.php';
const MAX_IDS = 100;
/** Warm-up items per run (two runs) before each measured sandbox scenario, by mode. */
const WARMUP_ITEMS = { a: 200, b: 20 };
const WARMUP_RECORDS = 2 * Math.max(WARMUP_ITEMS.a, WARMUP_ITEMS.b);
const MODE_NAME = { a: '(a) batched, 100 ids/request', b: '(b) 1 request/item' };
const MODES = /** @type {const} */ (['a', 'b']);

/** @param {'a' | 'b'} mode */
const deleteOptions = (mode) => (mode === 'a' ? { batchAcrossItems: true, maxIdsPerRequest: MAX_IDS } : { batchAcrossItems: false, concurrency: 1 });
/** @param {'a' | 'b'} mode @param {number} n */
const wantRequests = (mode, n) => (mode === 'a' ? Math.ceil(n / MAX_IDS) : n);

/**
 * Record → Delete with these options, one item per id.
 * @param {Record<string, unknown>} options @param {string} module @param {string[]} ids
 */
const deleteWorkflow = (options, module, ids) =>
	nodeWorkflow({
		parameters: { resource: 'record', operation: 'delete', crmOperation: OPERATION, module, multiple: false, recordIds: '={{ $json.id }}', options },
		items: ids.map((id) => ({ id })),
	});

/** What the sandbox saw for one scenario: requests, deletions, and anything else touched. */
async function sandboxCheck(/** @type {{ n: number, mode: 'a' | 'b', ids: string[], total: number }} */ s, /** @type {any} */ sandbox) {
	/** @type {any[]} */
	const log = await sandbox.get('/__sandbox/log');
	const stats = await sandbox.get('/__sandbox/stats');
	/** @type {any[]} */
	const remaining = await sandbox.get(`/__sandbox/records?operation=${OPERATION}&module=${MODULE}`);
	const measured = log.filter((entry) => entry.path === DELETE_PATH && entry.module === MODULE);
	const warmup = log.filter((entry) => entry.path === DELETE_PATH && entry.module === WARMUP_MODULE);
	const asked = new Set(s.ids);
	const deleted = new Set(measured.flatMap((entry) => entry.deleted ?? []));
	const left = new Set(remaining.map((record) => record.wolkvox_id));
	const allDeleted = deleted.size === s.n && s.ids.every((id) => deleted.has(id) && !left.has(id));
	const othersKept = remaining.length === s.total - s.n && remaining.every((record) => !asked.has(record.wolkvox_id));
	const idsIn = (/** @type {any} */ entry) => (entry.ids ? entry.ids.length : 0);
	const maxIds = Math.max(0, ...measured.map(idsIn));
	const maxInFlight = Math.max(0, ...measured.map((entry) => entry.inFlightAtStart + 1));
	const non200 = measured.filter((entry) => entry.status !== 200).length;
	const problems = [];
	if (!allDeleted) problems.push('not every asked-for record was deleted');
	if (!othersKept) problems.push('records that were not asked for are gone');
	const statsDeletes = stats.byPath[DELETE_PATH] ?? 0;
	if (statsDeletes !== measured.length + warmup.length) problems.push(`stats count ${statsDeletes} delete requests, the log ${measured.length + warmup.length}`);
	return {
		requests: measured.length,
		expectedRequests: wantRequests(s.mode, s.n),
		checks: `all ${int(s.n)} deleted, others kept, ${non200} errors, max ${maxIds} ids/request, max ${maxInFlight} in flight`,
		problems,
	};
}

/** @param {any} options */
function plan(options) {
	const operationJs = path.join(options.dist, 'nodes/WolkvoxCrm/actions/record/delete.operation.js');
	if (!fs.existsSync(operationJs) || !fs.readFileSync(operationJs, 'utf8').includes('batchAcrossItems')) {
		throw new Error(`${operationJs} is missing or has no Batch Across Items: run "npm run build" first (npm run bench does)`);
	}
	const scenarios = [];
	let seed;
	let seedNote;
	const sizes = options.sizes;
	if (options.sandbox && sizes.length > 0) {
		const { generateRecords } = require(path.join(__dirname, '..', '..', 'sandbox', 'server.js'));
		const total = sizes[sizes.length - 1];
		const contacts = generateRecords(total, { seed: 7 });
		const warmup = generateRecords(WARMUP_RECORDS, { seed: 8, prefix: 'ffff' });
		seed = { operations: { [OPERATION]: { [MODULE]: contacts, [WARMUP_MODULE]: warmup } } };
		seedNote = `${total} generated contacts + ${WARMUP_RECORDS} warm-up records`;
		const contactIds = contacts.map((/** @type {any} */ r) => r.wolkvox_id);
		const warmupIds = warmup.map((/** @type {any} */ r) => r.wolkvox_id);
		for (const latencyMs of options.latencies) {
			for (const [index, n] of sizes.entries()) {
				for (const mode of MODES) {
					const s = { kind: 'engine', key: `${latencyMs}/${n}/${mode}`, latencyMs, n, mode, label: MODE_NAME[mode], short: `(${mode})`, total };
					const baseline = mode === 'b' ? `${latencyMs}/${n}/a` : undefined;
					if (options.quick && mode === 'b' && index === sizes.length - 1 && index > 0) {
						scenarios.push({ ...s, baseline, estimate: { from: `${latencyMs}/${sizes[index - 1]}/b` } });
						continue;
					}
					const ids = contactIds.slice(0, n);
					const warm = WARMUP_ITEMS[mode];
					const expectedMs = wantRequests(mode, n) * (latencyMs + 10);
					scenarios.push({
						...s,
						baseline,
						job: {
							workflow: deleteWorkflow(deleteOptions(mode), MODULE, ids),
							// Warm-up on another module: same code paths, records the measured run does not touch.
							warmups: [0, 1].map((round) => deleteWorkflow(deleteOptions(mode), WARMUP_MODULE, warmupIds.slice(round * warm, (round + 1) * warm))),
							nodeName: NODE_NAME,
							crmOperation: OPERATION,
						},
						timeoutMs: 120_000 + 4 * expectedMs,
						check: (/** @type {any} */ _answer, /** @type {any} */ sandbox) => sandboxCheck({ n, mode, ids, total }, sandbox),
					});
				}
			}
		}
	}
	if (options.cpu) {
		for (const n of options.cpuSizes) {
			for (const mode of MODES) {
				const job = { worker: 'ownCost', mode, n, reps: n >= 100_000 ? 3 : 5 };
				scenarios.push({ kind: 'own-cost', key: `own/${n}/${mode}`, n, mode, label: MODE_NAME[mode], short: `(${mode})`, job, timeoutMs: 120_000 + n * 2 });
			}
		}
	}
	return { seed, seedNote, scenarios };
}

/** A run counts as deleted only where the API said so, item by item. @param {any} item */
const itemOk = (item) => item.json && item.json.code === 200 && !('details' in item.json);

/**
 * Worker: `execute` of the built delete operation with a fake IExecuteFunctions that answers
 * at once with the documented success answer of custom/delete.php.
 * @param {{ mode: 'a' | 'b', n: number, reps: number, dist: string }} job @param {any} tools
 */
async function ownCost(job, tools) {
	const gc = tools.requireGc();
	const operation = require(path.join(job.dist, 'nodes/WolkvoxCrm/actions/record/delete.operation.js'));
	const transport = require(path.join(job.dist, 'nodes/WolkvoxCrm/transport/index.js'));
	const params = { crmOperation: OPERATION, module: MODULE, multiple: false, options: deleteOptions(job.mode) };
	// The documented success answer, listing exactly the ids asked for (the node checks that).
	const [before, after] = JSON.stringify({ code: 200, error: 'null', msg: 'Have been succesfully removed', data: { wolkvox_id: '@ids' } }).split('"@ids"');
	const host = fakeHost({
		// The node's raw parameters as in the workflow: the node reads plain ones once, expressions per item.
		node: { id: 'wolkvox', name: NODE_NAME, type: tools.NODE_TYPE, typeVersion: 1, position: [0, 0], parameters: { ...params, recordIds: '={{ $json.id }}' } },
		parameter: (name, i, fallback, items) => (name === 'recordIds' ? items[i].json.id : name in params ? params[/** @type {keyof typeof params} */ (name)] : fallback),
		answer(request) {
			const asked = request.body['wolkvox-id'];
			return before + JSON.stringify(Array.isArray(asked) ? asked : [asked]) + after;
		},
		sampleEvery: job.mode === 'a' ? 4 : 256,
		credentials: { server: 'http://127.0.0.1:9', token: 'bench-token-0123456789abcdef', crmOperation: OPERATION },
	});
	const makeItems = (/** @type {number} */ n, /** @type {number} */ offset) =>
		Array.from({ length: n }, (_, i) => ({ json: { id: (offset + i).toString(16).padStart(24, '0') } }));
	const execute = async (/** @type {any[]} */ items) => {
		const ctx = host.context(items);
		const output = await operation.execute.call(ctx, await transport.getConnection.call(ctx), items);
		if (output.length !== items.length) throw new Error(`${output.length} output items for ${items.length} input items`);
		output.forEach((/** @type {any} */ item, /** @type {number} */ i) => {
			if (item.json.code !== 200 || item.pairedItem.item !== i) throw new Error(`output item ${i} is not a success paired to item ${i}`);
		});
		return output;
	};
	// Warm-up: the same code paths, smaller.
	for (let round = 0; round < 3; round++) await execute(makeItems(2000, 0x10000000 + round * 2000));
	const figures = await measureRuns({ gc, host, items: makeItems(job.n, 0), reps: job.reps, execute });
	if (figures.requests !== wantRequests(job.mode, job.n)) throw new Error(`${figures.requests} requests for ${job.n} items (want ${wantRequests(job.mode, job.n)})`);
	return figures;
}

/**
 * The issue's targets, each stated as met or not.
 * @param {{ engineRows: any[], ownRows: any[] }} rows @param {any} options @returns {string[]}
 */
function targets({ engineRows, ownRows }, options) {
	const lines = [];
	const batched = engineRows.filter((row) => row.mode === 'a');
	if (batched.length) {
		const wrong = batched.filter((row) => row.requests !== wantRequests('a', row.n) || row.problem);
		lines.push(
			`- **(a) sends exactly ceil(N / 100) requests: ${wrong.length === 0 ? 'met' : 'NOT met'}.** ` +
				batched.map((row) => `N=${int(row.n)} at ${row.latencyMs} ms: ${row.requests} (want ${wantRequests('a', row.n)})`).join('; ') +
				(wrong.length ? `. Problems: ${wrong.map((row) => `N=${row.n} ${row.latencyMs} ms: ${row.problem ?? 'wrong count'}`).join('; ')}` : '') +
				'.',
		);
	}
	const speedup = engineRows.find((row) => row.mode === 'b' && row.latencyMs === 50 && row.n === 10000 && row.ratio !== undefined);
	if (speedup) {
		lines.push(
			`- **At 50 ms and 10,000 items (a) is ≥ 50× faster than (b): ${speedup.ratio >= 50 ? 'met' : 'NOT met'}** — (b)/(a) wall time = ${speedup.ratio.toFixed(1)}×${speedup.estimated ? ' (**(b) extrapolated** from N=1,000, --quick)' : ' (both measured)'}.`,
		);
	} else if (options.sandbox) {
		lines.push(`- At 50 ms and 10,000 items (a) ≥ 50× faster than (b): not measured in this run (sizes ${options.sizes.join(', ')}, latencies ${options.latencies.join(', ')}; largest N ${options.sizes[options.sizes.length - 1]}).`);
	}
	const own = ownRows.filter((row) => !row.problem);
	if (own.length) {
		const worst = Math.max(...own.map((row) => row.cpuUsPerItem));
		lines.push(
			`- **The node's own cost < 50 µs per item: ${worst < 50 ? 'met' : 'NOT met'}** — ` +
				own.map((row) => `(${row.mode}) ${int(row.n)}: ${row.cpuUsPerItem.toFixed(2)} µs`).join('; ') +
				'.',
		);
	}
	const linear = MODES.map((mode) => linearMemory(own.filter((row) => row.mode === mode).sort((x, y) => x.n - y.n), mode)).filter((x) => x !== undefined);
	const lowest = Math.min(...options.latencies);
	const engineLine = MODES.map((mode) => {
		const byN = engineRows.filter((row) => row.mode === mode && !row.estimated && !row.problem && row.latencyMs === lowest);
		if (byN.length < 2) return '';
		return `(${mode}) through the engine at ${lowest} ms: heap held ${byN.map((row) => int(row.retainedHeap / row.n)).join(' / ')} B/item at N=${byN.map((row) => int(row.n)).join(' / ')}`;
	}).filter(Boolean);
	if (linear.length) {
		lines.push(
			`- **Memory grows linearly with N: ${linear.every((l) => l.ok) ? 'met' : 'NOT met'}** — ${linear.map((l) => l.text).join('; ')}.${engineLine.length ? ` (For scale: ${engineLine.join('; ')}.)` : ''}`,
		);
	}
	return lines;
}

/**
 * Linear: every further item costs about the same heap, whatever N already is (the marginal
 * heap held per item between consecutive sizes, so the fixed part cancels out), and the peak
 * heap per item does not grow with N.
 * @param {any[]} points own-cost rows of one mode, by N @param {string} mode
 */
function linearMemory(points, mode) {
	if (points.length < 2) return undefined;
	const marginal = points.slice(1).map((p, i) => (p.retainedHeap - points[i].retainedHeap) / (p.n - points[i].n));
	const peakPerItem = points.map((p) => p.heapGrowth / p.n);
	const ok =
		Math.min(...marginal) > 0 &&
		// With two sizes only there is one step: nothing to compare it with.
		(marginal.length === 1 || Math.max(...marginal) / Math.min(...marginal) < 1.25) &&
		peakPerItem[peakPerItem.length - 1] / peakPerItem[0] < 1.5;
	const text =
		`(${mode}): heap held by the output ${points.map((p) => mib(p.retainedHeap)).join(' / ')} at ` +
		`${points.map((p) => int(p.n)).join(' / ')} items, i.e. ${marginal.map((m) => int(m)).join(' then ')} B per extra item; ` +
		`peak heap per item ${peakPerItem.map((x) => int(x)).join(' / ')} B`;
	return { ok, text };
}

module.exports = {
	title: 'Record → Delete',
	ratioHeader: '(b)/(a) wall',
	ownCostNote:
		'`execute` of `dist/nodes/WolkvoxCrm/actions/record/delete.operation.js` called directly, with a connection from `getConnection` of `dist/.../transport`, and a fake `IExecuteFunctions` (parameters returned as they are, no n8n expression engine; `httpRequestWithAuthentication` answers at once `{statusCode: 200, headers: {}, body: <documented success answer as JSON text, listing the ids asked for>}`). Fresh worker per row, three warm-up runs of 2,000 items, then the median of 5 runs (3 from 100,000 items on) of `process.cpuUsage()` (user+system). Memory: the first measured run, over a baseline taken after a GC with the input items already built; peak sampled from inside the fake HTTP helper.',
	plan,
	itemOk,
	workers: { ownCost },
	targets,
	// For other scenario files that delete records (scenarios/rate-limit.js).
	deleteWorkflow,
	NODE_NAME,
	OPERATION,
	DELETE_PATH,
};
