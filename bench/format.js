// @ts-check
'use strict';
/** Number and table formatting shared by the bench's report and its progress lines. */

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
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** A figure that may be missing (NaN: not measured) prints as a dash. @param {number} bytes */
const mibOrDash = (bytes) => (Number.isFinite(bytes) ? mib(bytes) : '–');

/** @param {number[]} values */
function median(values) {
	const sorted = [...values].sort((x, y) => x - y);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** @param {string[]} header @param {Array<Array<string | number>>} rows */
function markdownTable(header, rows) {
	const line = (/** @type {Array<string | number>} */ cells) => `| ${cells.join(' | ')} |`;
	return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** @param {unknown} error */
const message = (error) => String(error instanceof Error ? error.message : error);

/** Load averages as printed in the report. */
const loadAverage = () =>
	require('node:os')
		.loadavg()
		.map((/** @type {number} */ x) => x.toFixed(2))
		.join(' / ');

module.exports = { progress, int, duration, mib, mibOrDash, median, markdownTable, message, loadAverage };
