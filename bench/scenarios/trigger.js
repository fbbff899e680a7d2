// @ts-check
'use strict';
/**
 * What the Wolkvox CRM Trigger costs in API calls (the token's daily quota), counted (not
 * timed) against a sandbox in the worker process, with the built trigger polled through
 * n8n-core's PollContext (test/engine's Poller):
 *   1. activation, for modules with N records created over the last week;
 *   2. a manual run ("Fetch Test Event") on the same modules;
 *   3. one poll after M records were created since the last one;
 *   4. bursts of B records (10 a second) on CRMs whose answers hold 150 (reporting totals) or
 *      200: the calls of the polls that emit them, then of 5 polls with nothing new.
 * Answers hold at most 200 records unless a row says otherwise (the sandbox's default cap, the
 * node's default Max Records per Answer). One 'worker' scenario; the interface is described in
 * bench/runner.js.
 */
const path = require('node:path');
const { markdownTable } = require('../format');

const ROOT = path.join(__dirname, '..', '..');
const TYPE = 'n8n-nodes-wolkvox-crm.wolkvoxCrmTrigger';
const NAME = 'Wolkvox CRM Trigger';
const WEEK = 7 * 24 * 3600;
const ACTIVATION_SIZES = [0, 150, 2000, 20000];
const FRESH_SIZES = [0, 1, 150, 199, 500, 2000, 10000];
const BURST_SIZES = [200, 1000, 5000];
/** The CRMs the bursts arrive on: [label, sandbox options, the trigger's Max Records per Answer]. */
const BURST_CRMS = [
	['150 per answer, totals reported', { maxRecordsPerAnswer: 150, reportsTotal: true }, 200],
	['150 per answer, no totals, setting 150', { maxRecordsPerAnswer: 150 }, 150],
	['200 per answer, no totals', { maxRecordsPerAnswer: 200 }, 200],
];
const QUIET_POLLS = 5;

/** @param {any} options */
function plan(options) {
	if (!options.sandbox) return { scenarios: [] };
	return { scenarios: [{ kind: 'worker', key: 'calls', label: 'API calls per poll', short: 'API calls per poll', job: { worker: 'triggerCalls' }, timeoutMs: 600_000 }] };
}

/** Worker: every case in turn; the figures are calls counted by the sandbox. @param {{ dist: string }} job */
async function triggerCalls(job) {
	const { Poller } = require(path.join(ROOT, 'test', 'engine'));
	const { generateRecords, startSandbox } = require(path.join(ROOT, 'sandbox', 'server.js'));
	const { WolkvoxCrmTrigger } = require(path.join(job.dist, 'nodes/WolkvoxCrmTrigger/WolkvoxCrmTrigger.node.js'));
	const { WolkvoxCrmApi } = require(path.join(job.dist, 'credentials/WolkvoxCrmApi.credentials.js'));
	const now = () => Math.floor(Date.now() / 1000);
	/** `count` contacts spread evenly over `seconds` seconds ending `endsAgo` seconds ago. */
	const spread = (/** @type {number} */ count, /** @type {number} */ seconds, /** @type {number} */ endsAgo, /** @type {string} */ prefix) =>
		generateRecords(count, { prefix, baseTime: now() - endsAgo - seconds, spacingSeconds: count > 0 ? Math.max(1, Math.floor(seconds / count)) : 1, jitterSeconds: 0 });
	/** A sandbox with these contacts, and a trigger pointed at it. @param {any[]} records */
	const setUp = async (records, sandboxOptions = {}, maxRecordsPerAnswer = 200) => {
		const sandbox = await startSandbox({ ...sandboxOptions, dailyQuota: 1e9, seed: { operations: { demo: { contacts: records } } } });
		const parameters = { crmOperation: 'demo', module: 'contacts', options: { maxRecordsPerAnswer } };
		const poller = new Poller({
			workflow: { nodes: [{ id: 't', name: NAME, type: TYPE, typeVersion: 1, position: [0, 0], parameters, credentials: { wolkvoxCrmApi: { id: '1', name: 'sandbox' } } }] },
			nodeName: NAME,
			nodeTypes: { [TYPE]: new WolkvoxCrmTrigger() },
			credentialTypes: { wolkvoxCrmApi: new WolkvoxCrmApi() },
			credentials: { wolkvoxCrmApi: { server: sandbox.url, token: sandbox.token, crmOperation: '' } },
		});
		return { sandbox, poller };
	};
	/** @type {Array<[string, number, number]>} */
	const rows = [];
	const count = (/** @type {number} */ n) => n.toLocaleString('en');
	for (const n of ACTIVATION_SIZES) {
		const { sandbox, poller } = await setUp(spread(n, WEEK - 3600, 60, 'a1'));
		const result = await poller.poll();
		rows.push([`activation, ${count(n)} records in the last week`, sandbox.stats().requests, result.items?.length ?? 0]);
		sandbox.reset();
		const manual = await poller.poll('manual');
		rows.push([`manual run, ${count(n)} records in the last week`, sandbox.stats().requests, manual.items?.length ?? 0]);
		await sandbox.close();
	}
	for (const fresh of FRESH_SIZES) {
		// The trigger starts on a module whose newest record is 10 minutes old; then `fresh`
		// records arrive within the last 5 minutes, and one poll runs.
		const old = spread(50, 3600, 600, 'b1');
		const first = await setUp(old);
		await first.poller.poll();
		const state = first.poller.staticData;
		await first.sandbox.close();
		const { sandbox, poller } = await setUp([...old, ...spread(fresh, 300, 1, 'c1')]);
		Object.assign(poller.workflow.getStaticData('node', poller.node), state);
		const result = await poller.poll();
		if (result.error) throw result.error;
		rows.push([`poll after ${count(fresh)} new records`, sandbox.stats().requests, result.items?.length ?? 0]);
		await sandbox.close();
	}
	for (const [label, sandboxOptions, setting] of BURST_CRMS) {
		for (const burst of BURST_SIZES) {
			const old = spread(50, 3600, 600, 'd1');
			const { sandbox, poller } = await setUp(old, sandboxOptions, setting);
			await poller.poll();
			// The burst: 10 records a second, the newest a few seconds old (reset also zeroes the count).
			sandbox.reset({ operations: { demo: { contacts: [...old, ...spread(burst, burst / 10, 5, 'e1')] } } });
			let emitted = 0;
			let polls = 0;
			for (let result = await poller.poll(); result.items || result.error; result = await poller.poll()) {
				if (result.error) throw result.error;
				emitted += result.items.length;
				polls++;
			}
			// The last poll of that loop emitted nothing: it is the first quiet one.
			const burstCalls = sandbox.stats().requests - 1;
			const quiet = [1];
			for (let i = 1; i < QUIET_POLLS; i++) {
				sandbox.reset();
				const result = await poller.poll();
				if (result.items || result.error) throw new Error(`a quiet poll emitted or failed after the burst of ${burst}`);
				quiet.push(sandbox.stats().requests);
			}
			const lost = burst - emitted;
			rows.push([`burst of ${count(burst)} (${label}): ${polls} poll(s) emitting it${lost ? `, ${lost} NOT emitted` : ''}`, burstCalls, emitted]);
			rows.push([`then each of ${QUIET_POLLS} quiet polls (${label}, after ${count(burst)})`, Math.max(...quiet), 0]);
			await sandbox.close();
		}
	}
	return { rows };
}

/** @param {any[]} rows */
function workerTable(rows) {
	const row = rows[0];
	if (!row || row.problem) return `**failed: ${row?.problem ?? 'no figures'}**`;
	return markdownTable(['scenario', 'API calls', 'items emitted'], row.rows);
}

module.exports = {
	title: 'Wolkvox CRM Trigger: API calls per poll',
	workerNote: 'Calls counted by a sandbox in the worker process (answers of at most 200 records); polled through n8n-core\'s PollContext. Not timed.',
	plan,
	workers: { triggerCalls },
	workerTable,
};
