#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * Benchmark: Record → Search by Date Range with Return All over capped answers.
 *
 * The sandbox runs as a child process (its records and CPU are not counted) with answers
 * capped at --cap records; the node (the build in dist/) runs in this process through
 * test/engine. For each scenario it prints the records returned, whether each was returned
 * exactly once, the requests sent, the wall time, and this process's peak RSS and heap over
 * its baseline (sampled every 20 ms) next to the heap the output alone holds.
 *
 *   npm run build && node bench/search.bench.js [--records 12345] [--cap 200] [--latency 0]
 *
 * Prints figures only; it asserts nothing about time. Exits non-zero if a record is missing
 * or repeated.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const { generateRecords } = require('../sandbox/server');
const { runWorkflow } = require('../test/engine');

const root = path.join(__dirname, '..');
const { WolkvoxCrm } = require(path.join(root, 'dist/nodes/WolkvoxCrm/WolkvoxCrm.node.js'));
const { WolkvoxCrmApi } = require(path.join(root, 'dist/credentials/WolkvoxCrmApi.credentials.js'));

const NODE_TYPE = 'n8n-nodes-wolkvox-crm.wolkvoxCrm';
const OPERATION = 'bench';

/** @param {string} name @param {number} fallback */
function numberArg(name, fallback) {
	const at = process.argv.indexOf(`--${name}`);
	return at === -1 ? fallback : Number(process.argv[at + 1]);
}

const COUNT = numberArg('records', 12_345);
const CAP = numberArg('cap', 200);
const LATENCY = numberArg('latency', 0);

/** "YYYY-MM-DD HH:MM:SS" (UTC) of epoch seconds. */
const stamp = (/** @type {number} */ seconds) => new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');

/**
 * The scenarios: records as generateRecords spaces them (about 37 s apart), and the same
 * records bunched so that groups of `cap - 1` share one second (ties just below the cap).
 */
function scenarios() {
	const spread = generateRecords(COUNT, { seed: 11 });
	const first = Date.parse(`${spread[0].wolkvox_fecha_creacion}Z`) / 1000;
	const bunched = spread.map((record, index) => ({
		...record,
		wolkvox_fecha_creacion: stamp(first + Math.floor(index / (CAP - 1)) * 600),
	}));
	const last = spread[spread.length - 1].wolkvox_fecha_creacion;
	return [
		{ name: 'spread (about one record per 37 s)', records: spread, from: '2023-09-01 00:00', to: '2023-09-30 23:59' },
		{ name: 'spread, range from the first record to the last', records: spread, from: spread[0].wolkvox_fecha_creacion, to: last },
		{ name: `ties (${CAP - 1} records per second, 10 min apart)`, records: bunched, from: '2023-09-01 00:00', to: '2023-09-30 23:59' },
	];
}

/**
 * Starts `node sandbox/server.js` with these records; resolves with its URL, token and process.
 * @param {any[]} records @returns {Promise<{ url: string, token: string, child: import('node:child_process').ChildProcess }>}
 */
async function startSandbox(records) {
	const seedFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'search-bench-')), 'seed.json');
	fs.writeFileSync(seedFile, JSON.stringify({ operations: { [OPERATION]: { contacts: records } } }));
	const args = ['sandbox/server.js', '--port', '0', '--ttl', '600', '--quota', '100000000', '--latency', String(LATENCY), '--max-records', String(CAP), '--seed', seedFile];
	const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
	return await new Promise((resolve, reject) => {
		let printed = '';
		// Keep reading its output to the end: a closed pipe would stop the sandbox.
		child.stdout.on('data', (chunk) => {
			printed += chunk;
			const match = /listening on (http:\/\/\S+) \(token: ([^)]+)\)/.exec(printed);
			if (match) resolve({ url: match[1], token: match[2], child });
		});
		child.once('exit', (code) => reject(new Error(`the sandbox exited (${code}) before it was ready: ${printed}`)));
	});
}

/** The workflow: Manual Trigger → Search by Date Range, Return All. */
function workflow(/** @type {string} */ from, /** @type {string} */ to) {
	return {
		nodes: [
			{ id: 't', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 's',
				name: 'Search',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					resource: 'record', operation: 'search', crmOperation: OPERATION, module: 'contacts',
					searchBy: 'dateRange', from, to, returnAll: true, options: { maxRecordsPerAnswer: CAP },
				},
				credentials: { wolkvoxCrmApi: { id: '1', name: 'bench' } },
			},
		],
		connections: { Start: { main: [[{ node: 'Search', type: 'main', index: 0 }]] } },
		settings: { timezone: 'UTC' },
	};
}

const MB = 1024 * 1024;
const gc = /** @type {() => void} */ (globalThis.gc ?? (() => {}));

async function runScenario(/** @type {ReturnType<typeof scenarios>[number]} */ scenario) {
	const sandbox = await startSandbox(scenario.records);
	try {
		gc();
		const base = process.memoryUsage();
		const peak = { rss: base.rss, heap: base.heapUsed };
		const sampler = setInterval(() => {
			const now = process.memoryUsage();
			peak.rss = Math.max(peak.rss, now.rss);
			peak.heap = Math.max(peak.heap, now.heapUsed);
		}, 20);
		const started = process.hrtime.bigint();
		const result = await runWorkflow({
			workflow: workflow(scenario.from, scenario.to),
			nodeTypes: { [NODE_TYPE]: new WolkvoxCrm() },
			credentialTypes: { wolkvoxCrmApi: new WolkvoxCrmApi() },
			credentials: { wolkvoxCrmApi: { server: sandbox.url, token: sandbox.token, crmOperation: '' } },
		});
		const seconds = Number(process.hrtime.bigint() - started) / 1e9;
		clearInterval(sampler);
		const output = result.outputOf('Search');
		gc();
		const held = process.memoryUsage().heapUsed - base.heapUsed;
		const log = await (await fetch(`${sandbox.url}/__sandbox/log`)).json();
		const queries = log.filter((/** @type {any} */ entry) => entry.path.endsWith('custom/queryDates.php'));
		// How long the sandbox itself took to answer: the rest of the time is the node, n8n and HTTP.
		const sandboxSeconds = queries.reduce((sum, /** @type {any} */ entry) => sum + (entry.end - entry.start), 0) / 1000;
		const ids = new Set(output.map((item) => item.json.wolkvox_id));
		const wanted = new Set(scenario.records.map((record) => record.wolkvox_id));
		const complete = result.status === 'success' && ids.size === output.length && ids.size === wanted.size && [...wanted].every((id) => ids.has(id));
		return {
			scenario: scenario.name,
			records: output.length,
			once: complete ? 'yes' : 'NO',
			requests: queries.length,
			seconds: seconds.toFixed(2),
			sandboxSeconds: sandboxSeconds.toFixed(2),
			peakRssMb: ((peak.rss - base.rss) / MB).toFixed(1),
			peakHeapMb: ((peak.heap - base.heapUsed) / MB).toFixed(1),
			heldMb: (held / MB).toFixed(1),
			outputJsonMb: (Buffer.byteLength(JSON.stringify(output)) / MB).toFixed(1),
		};
	} finally {
		sandbox.child.kill();
	}
}

async function main() {
	console.log(`Record → Search, Date Range, Return All: ${COUNT} records, ${CAP} per answer, latency ${LATENCY} ms, Node.js ${process.version}${globalThis.gc ? '' : ' (run with --expose-gc for steadier memory figures)'}`);
	console.log('| scenario | records | each once | requests | time (s) | of which the sandbox answering (s) | peak RSS +MB | peak heap +MB | heap held after (output) MB | output as JSON MB |');
	console.log('|---|---|---|---|---|---|---|---|---|---|');
	let failed = false;
	for (const scenario of scenarios()) {
		const row = await runScenario(scenario);
		failed ||= row.once !== 'yes';
		console.log(`| ${Object.values(row).join(' | ')} |`);
	}
	if (failed) process.exitCode = 1;
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
