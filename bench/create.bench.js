#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * Record → Create benchmark: N records through n8n's engine against the sandbox (a separate
 * process, with latency and a per-IP rate limit), side by side in one run:
 *   (a) Batch Across Items, Max Records per Request 100 (custom/insertMany.php);
 *   (b) one request per item (custom/insert.php), what an HTTP Request node does.
 * It prints wall time, requests, rate-limit refusals and checks that the sandbox holds every
 * record exactly once. No timed assertions: figures only.
 *
 *   npm run build && node bench/create.bench.js [--n 10000] [--latency 20] [--rate-limit 100/1000/429] [--skip-b]
 */
const { spawn } = require('node:child_process');
const path = require('node:path');

const { runWorkflow } = require('../test/engine');

const ROOT = path.join(__dirname, '..');
const NODE_TYPE = 'n8n-nodes-wolkvox-crm.wolkvoxCrm';
const NODE_NAME = 'Wolkvox CRM';
const TRIGGER = 'When clicking Execute';
const MAX_RECORDS = 100;

/** @param {string[]} argv */
function parseArgs(argv) {
	const options = { n: 10_000, latency: 20, rateLimit: '100/1000/429', skipB: false };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--n') options.n = Number(argv[++i]);
		else if (argv[i] === '--latency') options.latency = Number(argv[++i]);
		else if (argv[i] === '--rate-limit') options.rateLimit = String(argv[++i]);
		else if (argv[i] === '--skip-b') options.skipB = true;
		else throw new Error(`unknown option ${argv[i]}`);
	}
	return options;
}

/** The sandbox as a child process, so its CPU is not the node's. @param {string[]} args */
async function startSandbox(args) {
	const child = spawn(process.execPath, [path.join(ROOT, 'sandbox/server.js'), '--port', '0', '--ttl', '3600', '--quota', '100000000', ...args], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const { url, token } = await new Promise((resolve, reject) => {
		let out = '';
		child.stdout.on('data', (chunk) => {
			out += chunk;
			const match = /listening on (http:\/\/\S+) \(token: ([^)]+)\)/.exec(out);
			if (match) resolve({ url: match[1], token: match[2] });
		});
		child.once('exit', (code) => reject(new Error(`the sandbox exited (${code}): ${out}`)));
	});
	const get = async (/** @type {string} */ route) => (await fetch(`${url}${route}`)).json();
	return { url, token, get, reset: () => fetch(`${url}/__sandbox/reset`, { method: 'POST' }), stop: () => child.kill('SIGTERM') };
}

/** @param {number} n @param {Record<string, unknown>} options */
function createWorkflow(n, options) {
	return {
		nodes: [
			{ id: 't', name: TRIGGER, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'w',
				name: NODE_NAME,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters: { resource: 'record', operation: 'create', crmOperation: 'bench', module: 'contacts', fieldsToSend: 'mapAutomatically', options },
				credentials: { wolkvoxCrmApi: { id: '1', name: 'bench' } },
			},
		],
		connections: { [TRIGGER]: { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] } },
		pinData: { [TRIGGER]: Array.from({ length: n }, (_, i) => ({ json: { idcontact: `b${String(i).padStart(7, '0')}`, namecontact: `Contact ${i}` } })) },
	};
}

/** @param {any} sandbox @param {number} n @param {Record<string, unknown>} options @param {string} label */
async function scenario(sandbox, n, options, label) {
	await sandbox.reset();
	const { WolkvoxCrm } = require(path.join(ROOT, 'dist/nodes/WolkvoxCrm/WolkvoxCrm.node.js'));
	const { WolkvoxCrmApi } = require(path.join(ROOT, 'dist/credentials/WolkvoxCrmApi.credentials.js'));
	const started = process.hrtime.bigint();
	const result = await runWorkflow({
		workflow: createWorkflow(n, options),
		nodeTypes: { [NODE_TYPE]: new WolkvoxCrm() },
		credentialTypes: { wolkvoxCrmApi: new WolkvoxCrmApi() },
		credentials: { wolkvoxCrmApi: { server: sandbox.url, token: sandbox.token, crmOperation: 'bench' } },
	});
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	/** @type {any[]} */
	const log = await sandbox.get('/__sandbox/log');
	const writes = log.filter((entry) => /custom\/insert(Many)?\.php$/.test(entry.path));
	/** @type {any[]} */
	const records = (await sandbox.get('/__sandbox/records?operation=bench&module=contacts')) ?? [];
	const contacts = new Set(records.map((record) => record.idcontact));
	const output = result.outputOf(NODE_NAME);
	const confirmed = output.filter((/** @type {any} */ item) => typeof item.json.wolkvox_id === 'string').length;
	return {
		label,
		n,
		seconds,
		requests: writes.filter((entry) => !entry.rateLimited).length,
		refusedByRateLimit: writes.filter((entry) => entry.rateLimited).length,
		records: records.length,
		duplicates: records.length - contacts.size,
		confirmed,
		status: result.status,
	};
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	const sandbox = await startSandbox(['--latency', String(options.latency), '--rate-limit', options.rateLimit, '--seed', path.join(__dirname, 'create.seed.json')]);
	try {
		const rows = [];
		// Warm-up: the same code paths, small.
		await scenario(sandbox, 200, { batchAcrossItems: true, maxRecordsPerRequest: MAX_RECORDS }, 'warm-up');
		rows.push(await scenario(sandbox, options.n, { batchAcrossItems: true, maxRecordsPerRequest: MAX_RECORDS }, `(a) batched, ${MAX_RECORDS} records/request`));
		if (!options.skipB) rows.push(await scenario(sandbox, options.n, { concurrency: 1 }, '(b) 1 request/item'));
		console.log(`Record → Create, N = ${options.n}, sandbox latency ${options.latency} ms, rate limit ${options.rateLimit} (max/window ms/status), Node.js ${process.version}`);
		console.log('| mode | requests (want) | refused by the rate limit, retried | time | records/s | records in the sandbox | duplicates | outputs with wolkvox_id |');
		console.log('|---|---|---|---|---|---|---|---|');
		for (const row of rows) {
			const want = row.label.startsWith('(a)') ? Math.ceil(row.n / MAX_RECORDS) : row.n;
			console.log(
				`| ${row.label} | ${row.requests} (${want}) | ${row.refusedByRateLimit} | ${row.seconds.toFixed(1)} s | ${Math.round(row.n / row.seconds)} | ${row.records} | ${row.duplicates} | ${row.confirmed} |`,
			);
		}
		if (rows.length === 2) console.log(`(b) / (a) wall time: ${(rows[1].seconds / rows[0].seconds).toFixed(1)}×`);
	} finally {
		sandbox.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
