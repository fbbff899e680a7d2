// @ts-check
'use strict';
/**
 * "The node's own cost, network taken out", for any operation: a minimal fake
 * IExecuteFunctions whose HTTP helper answers at once, and a measuring loop (median CPU per
 * item over several runs after a warm-up, memory of the first measured run). Used from a
 * scenario file's worker, inside the worker process.
 */
const { performance } = require('node:perf_hooks');
const { median } = require('./format');

/**
 * @param {{
 *   node: any,
 *   parameter: (name: string, itemIndex: number, fallback: unknown, items: any[]) => unknown,
 *   answer: (request: any) => string,
 *   sampleEvery: number,
 *   credentials: Record<string, unknown>,
 * }} spec `answer` gives the response body text for a request; `sampleEvery` requests the
 *   memory is sampled (the run never yields to timers, so it is sampled from the fake).
 */
function fakeHost(spec) {
	const memory = { peakHeap: 0, peakRss: 0, calls: 0 };
	const sample = () => {
		const m = process.memoryUsage();
		if (m.heapUsed > memory.peakHeap) memory.peakHeap = m.heapUsed;
		if (m.rss > memory.peakRss) memory.peakRss = m.rss;
	};
	/** @param {any[]} items @returns {any} */
	const context = (items) => ({
		getNodeParameter: (/** @type {string} */ name, /** @type {number} */ i, /** @type {unknown} */ fallback) => spec.parameter(name, i, fallback, items),
		continueOnFail: () => false,
		getNode: () => spec.node,
		getExecutionCancelSignal: () => undefined,
		getInputData: () => items,
		getCredentials: async () => spec.credentials,
		helpers: {
			async httpRequestWithAuthentication(/** @type {string} */ _type, /** @type {any} */ request) {
				if (++memory.calls % spec.sampleEvery === 0) sample();
				return { statusCode: 200, headers: {}, body: spec.answer(request) };
			},
		},
	});
	return { memory, sample, context };
}

/**
 * Runs `execute(items)` `reps` times on the same input and reports per-item figures.
 * @param {{ gc: () => void, host: ReturnType<typeof fakeHost>, items: any[], reps: number,
 *   execute: (items: any[]) => Promise<any[]> }} spec
 */
async function measureRuns({ gc, host, items, reps, execute }) {
	const n = items.length;
	const { memory, sample } = host;
	gc();
	const base = process.memoryUsage();
	memory.peakHeap = base.heapUsed;
	memory.peakRss = base.rss;
	/** @type {number[]} */
	const cpuPerItem = [];
	/** @type {number[]} */
	const wallPerItem = [];
	const figures = { requests: 0, heapGrowth: 0, rssGrowth: 0, retainedHeap: 0 };
	for (let rep = 0; rep < reps; rep++) {
		if (rep > 0) gc();
		memory.calls = 0;
		const cpuBefore = process.cpuUsage();
		const started = performance.now();
		let output = await execute(items);
		const wall = performance.now() - started;
		const cpu = process.cpuUsage(cpuBefore);
		cpuPerItem.push((cpu.user + cpu.system) / n);
		wallPerItem.push((wall * 1000) / n);
		figures.requests = memory.calls;
		if (rep === 0) {
			// Memory of the first measured run: what it needed at its peak, and what its output keeps.
			sample();
			figures.heapGrowth = memory.peakHeap - base.heapUsed;
			figures.rssGrowth = memory.peakRss - base.rss;
			gc();
			figures.retainedHeap = process.memoryUsage().heapUsed - base.heapUsed;
		}
		output = [];
	}
	return { ...figures, cpuUsPerItem: median(cpuPerItem), cpuUsPerItemAll: cpuPerItem, wallUsPerItem: median(wallPerItem) };
}

module.exports = { fakeHost, measureRuns };
