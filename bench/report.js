// @ts-check
'use strict';
/** The bench's markdown report: per scenario file, its tables and its targets. */
const { int, duration, mib, mibOrDash, markdownTable } = require('./format');

const SAMPLE_NOTE =
	'Each scenario runs in a fresh worker process (`--expose-gc`) after two warm-up runs on another module. Wall time is the whole workflow run (engine + node + HTTP); CPU is the worker\'s user+system time during it; memory is the growth of the worker over its baseline (sampled every 20 ms), and what is still held after the run (output included) after a GC.';

/** @param {any} row @param {string} text */
const est = (row, text) => (row.estimated ? `≈ ${text} (extrapolated)` : text);

/** The default engine table (a file may show its rows its own way). @param {any[]} rows @param {string} ratioHeader */
function engineTable(rows, ratioHeader) {
	return markdownTable(
		['latency', 'N items', 'mode', 'requests sent', 'wall time', 'items/s', 'worker CPU µs/item', 'peak RSS growth', 'peak heap growth', 'heap held after run', ratioHeader, 'checks (sandbox log and records)'],
		rows.map((row) => [
			`${row.latencyMs} ms`,
			int(row.n),
			row.label,
			row.estimated ? `≈ ${int(row.requests)} (not run)` : `${int(row.requests)}${row.expectedRequests === undefined ? '' : ` (want ${int(row.expectedRequests)})`}`,
			est(row, duration(row.wallMs)),
			est(row, int((row.n * 1000) / row.wallMs)),
			est(row, (row.cpuUs / row.n).toFixed(1)),
			mibOrDash(row.rssGrowth),
			mibOrDash(row.heapGrowth),
			mibOrDash(row.retainedHeap),
			row.ratio === undefined ? '' : est(row, `${row.ratio.toFixed(1)}×`),
			row.estimated ? 'not run' : row.problem ? `**${row.problem}**` : row.checks,
		]),
	);
}

/** @param {any[]} rows */
function ownCostTable(rows) {
	return markdownTable(
		['mode', 'N items', 'requests', 'CPU µs/item (median)', 'CPU µs/item, each run', 'wall µs/item', 'peak heap growth', 'per item', 'heap held by output', 'per item', 'peak RSS growth'],
		rows.map((r) => {
			if (r.problem) return [r.label, int(r.n), '–', `**failed: ${r.problem}**`, '', '', '', '', '', '', ''];
			return [
				r.label,
				int(r.n),
				int(r.requests),
				r.cpuUsPerItem.toFixed(2),
				r.cpuUsPerItemAll.map((/** @type {number} */ x) => x.toFixed(2)).join(', '),
				r.wallUsPerItem.toFixed(2),
				mib(r.heapGrowth),
				`${int(r.heapGrowth / r.n)} B`,
				mib(r.retainedHeap),
				`${int(r.retainedHeap / r.n)} B`,
				mib(r.rssGrowth),
			];
		}),
	);
}

/**
 * @param {any} options
 * @param {{ files: Array<{ module: any, rows: any[] }> }} result
 * @returns {string[]}
 */
function report(options, { files }) {
	const out = [];
	for (const { module: file, rows } of files) {
		const engineRows = rows.filter((row) => row.kind === 'engine');
		const ownRows = rows.filter((row) => row.kind === 'own-cost');
		const workerRows = rows.filter((row) => row.kind === 'worker');
		if (engineRows.length) {
			const commands = [...new Set(engineRows.map((row) => row.sandboxCommand).filter(Boolean))];
			out.push(`### ${file.title}: against the sandbox (loopback, separate process), through n8n's engine`);
			out.push('');
			out.push(`Sandbox: ${commands.map((c) => `\`${c}\``).join(', ')}; reset before each scenario. ${file.engineNote ?? SAMPLE_NOTE}`);
			out.push('');
			out.push(file.engineTable ? file.engineTable(engineRows) : engineTable(engineRows, file.ratioHeader ?? 'wall vs baseline'));
			out.push('');
		}
		if (workerRows.length && file.workerTable) out.push(`### ${file.title}`, '', ...(file.workerNote ? [file.workerNote, ''] : []), file.workerTable(workerRows), '');
		if (ownRows.length) {
			out.push(`### ${file.title}: the node's own cost, network taken out`);
			out.push('');
			if (file.ownCostNote) out.push(file.ownCostNote, '');
			out.push(ownCostTable(ownRows));
			out.push('');
		}
		const targets = file.targets ? file.targets({ engineRows, ownRows }, options) : [];
		if (targets.length) out.push(`### ${file.title}: targets`, '', ...targets, '');
	}
	return out;
}

module.exports = { report };
