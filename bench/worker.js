// @ts-check
'use strict';
/**
 * The bench's worker process (started by runner.js with --expose-gc, one per scenario): runs
 * one job and sends back its figures.
 *   role 'engine': the job's workflow through n8n's engine (test/engine) with the built node
 *                  from dist/, against the sandbox, after the job's warm-up workflows;
 *   any other role: the worker of that name exported by the job's scenario file.
 */
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const ROOT = path.join(__dirname, '..');
const NODE_TYPE = 'n8n-nodes-wolkvox-crm.wolkvoxCrm';
const SAMPLE_EVERY_MS = 20;

/** A full collection (twice, so weak references and finalizers are done too). */
function requireGc() {
	const gc = /** @type {any} */ (globalThis).gc;
	if (typeof gc !== 'function') throw new Error('the worker needs --expose-gc');
	return () => {
		gc();
		gc();
	};
}

/** The node and credential types as n8n would load them from the package. @param {string} dist */
function loadPackage(dist) {
	const { WolkvoxCrm } = require(path.join(dist, 'nodes/WolkvoxCrm/WolkvoxCrm.node.js'));
	const { WolkvoxCrmApi } = require(path.join(dist, 'credentials/WolkvoxCrmApi.credentials.js'));
	return { nodeTypes: { [NODE_TYPE]: new WolkvoxCrm() }, credentialTypes: { wolkvoxCrmApi: new WolkvoxCrmApi() } };
}

/**
 * @param {{ file: string, dist: string, url: string, token: string, crmOperation: string,
 *   workflow: any, warmups: any[], nodeName: string, settleMs?: number }} job settleMs: a pause
 *   after the warm-ups (a rate-limited sandbox forgets them before the measured run)
 */
async function engineWorker(job) {
	const gc = requireGc();
	const { runWorkflow } = require(path.join(ROOT, 'test', 'engine'));
	const file = require(job.file);
	const itemOk = file.itemOk ?? (() => true);
	const types = loadPackage(job.dist);
	const credentials = { wolkvoxCrmApi: { server: job.url, token: job.token, crmOperation: job.crmOperation } };
	const run = (/** @type {any} */ workflow) => runWorkflow({ workflow, ...types, credentials });

	for (const warmup of job.warmups) {
		const result = await run(warmup);
		if (result.status !== 'success') throw new Error(`warm-up run ended with status ${result.status}`);
	}
	if (job.settleMs) await new Promise((resolve) => setTimeout(resolve, job.settleMs));

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
	const result = await run(job.workflow);
	const wallMs = performance.now() - started;
	const cpu = process.cpuUsage(cpuBefore);
	sample();
	clearInterval(sampler);
	gc();
	const retainedHeap = process.memoryUsage().heapUsed - base.heapUsed;

	const output = result.status === 'success' ? result.outputOf(job.nodeName) : [];
	const task = result.run.data.resultData.runData[job.nodeName]?.[0];
	return {
		// The node's own execution time as n8n records it (what the editor shows under the node).
		nodeMs: task?.executionTime,
		hints: (task?.hints ?? []).map((/** @type {{ message: string }} */ hint) => hint.message),
		summary: file.summarize ? file.summarize(output, job) : undefined,
		status: result.status,
		error: result.status === 'success' ? undefined : String(result.error?.message ?? result.status),
		wallMs,
		cpuUs: cpu.user + cpu.system,
		rssGrowth: peakRss - base.rss,
		heapGrowth: peakHeap - base.heapUsed,
		retainedHeap,
		outputItems: output.length,
		okItems: output.filter(itemOk).length,
		pairedOk: output.filter((/** @type {any} */ item, /** @type {number} */ i) => item.pairedItem && item.pairedItem.item === i).length,
	};
}

/** @param {any} job */
function work(job) {
	if (job.role === 'engine') return engineWorker(job);
	const worker = require(job.file).workers?.[job.role];
	if (typeof worker !== 'function') throw new Error(`${job.file} exports no worker "${job.role}"`);
	return worker(job, { requireGc, NODE_TYPE });
}

// The bench went away (killed): nobody wants the answer any more.
process.once('disconnect', () => process.exit(1));
process.once('message', (/** @type {any} */ job) => {
	Promise.resolve()
		.then(() => work(job))
		.then((answer) => process.send?.(answer, () => process.exit(0)))
		.catch((error) => process.send?.({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () => process.exit(1)));
});
