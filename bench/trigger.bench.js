#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * What the Wolkvox CRM Trigger costs in API calls (the token's daily quota), measured against
 * the local sandbox (in this process: calls are counted, not timed) with the built node from
 * dist/, polled through n8n-core's PollContext (test/engine's Poller):
 *
 *  1. activation, for modules with N records created over the last week;
 *  2. one poll after M records were created since the last one;
 *  3. a manual run ("Fetch Test Event").
 *
 * Answers hold at most 200 records (the sandbox's default cap, the node's default Max Records
 * per Answer). Prints a markdown table; no assertions.
 *
 *   npm run build && node bench/trigger.bench.js
 */
const path = require('node:path');

const { Poller } = require('../test/engine');
const { generateRecords, startSandbox } = require('../sandbox/server');

const DIST = path.join(__dirname, '..', 'dist');
const { WolkvoxCrmTrigger } = require(path.join(DIST, 'nodes/WolkvoxCrmTrigger/WolkvoxCrmTrigger.node.js'));
const { WolkvoxCrmApi } = require(path.join(DIST, 'credentials/WolkvoxCrmApi.credentials.js'));

const TYPE = 'n8n-nodes-wolkvox-crm.wolkvoxCrmTrigger';
const NAME = 'Wolkvox CRM Trigger';
const WEEK = 7 * 24 * 3600;
const now = () => Math.floor(Date.now() / 1000);

/** `count` contacts spread evenly over `seconds` seconds ending `endsAgo` seconds ago. */
const spread = (count, seconds, endsAgo, prefix) =>
	generateRecords(count, {
		prefix,
		baseTime: now() - endsAgo - seconds,
		spacingSeconds: count > 0 ? Math.max(1, Math.floor(seconds / count)) : 1,
		jitterSeconds: 0,
	});

/** A sandbox with these contacts, and a trigger pointed at it. */
async function setUp(records) {
	const sandbox = await startSandbox({ dailyQuota: 1e9, seed: { operations: { demo: { contacts: records } } } });
	const poller = new Poller({
		workflow: {
			nodes: [
				{
					id: 't',
					name: NAME,
					type: TYPE,
					typeVersion: 1,
					position: [0, 0],
					parameters: { crmOperation: 'demo', module: 'contacts' },
					credentials: { wolkvoxCrmApi: { id: '1', name: 'sandbox' } },
				},
			],
		},
		nodeName: NAME,
		nodeTypes: { [TYPE]: new WolkvoxCrmTrigger() },
		credentialTypes: { wolkvoxCrmApi: new WolkvoxCrmApi() },
		credentials: { wolkvoxCrmApi: { server: sandbox.url, token: sandbox.token, crmOperation: '' } },
	});
	return { sandbox, poller };
}

const callsOf = (sandbox) => sandbox.stats().requests;

async function main() {
	const rows = [];

	for (const count of [0, 150, 2000, 20000]) {
		const { sandbox, poller } = await setUp(spread(count, WEEK - 3600, 60, 'a1'));
		const result = await poller.poll();
		rows.push([`activation, ${count.toLocaleString('en')} records in the last week`, callsOf(sandbox), result.items?.length ?? 0]);
		sandbox.reset();
		const manual = await poller.poll('manual');
		rows.push([`manual run, ${count.toLocaleString('en')} records in the last week`, callsOf(sandbox), manual.items?.length ?? 0]);
		await sandbox.close();
	}

	for (const fresh of [0, 1, 150, 199, 500, 2000, 10000]) {
		// The trigger starts on a module whose newest record is 10 minutes old; then `fresh` records
		// arrive within the last 5 minutes, and one poll runs.
		const old = spread(50, 3600, 600, 'b1');
		const first = await setUp(old);
		await first.poller.poll();
		const state = first.poller.staticData;
		await first.sandbox.close();
		const { sandbox, poller } = await setUp([...old, ...spread(fresh, 300, 1, 'c1')]);
		Object.assign(poller.workflow.getStaticData('node', poller.node), state);
		const result = await poller.poll();
		if (result.error) throw result.error;
		rows.push([`poll after ${fresh.toLocaleString('en')} new records`, callsOf(sandbox), result.items?.length ?? 0]);
		await sandbox.close();
	}

	console.log('| scenario | API calls | items emitted |');
	console.log('|---|---:|---:|');
	for (const [scenario, calls, items] of rows) console.log(`| ${scenario} | ${calls} | ${items} |`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
