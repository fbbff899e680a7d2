'use strict';
// The local wolkvox CRM stand-in (sandbox/server.js of the packed source), on 127.0.0.1.
const fs = require('node:fs');
const path = require('node:path');
const { start, stop, tail } = require('./proc');
const { Fatal } = require('./results');
const { getJson } = require('./http');

async function startSandbox({ src, logs, env, ttlSec }) {
	const log = path.join(logs, 'sandbox.log');
	const child = start('node', [path.join(src, 'sandbox', 'server.js'), '--port', '0', '--ttl', String(ttlSec)], { cwd: src, env, log });
	let match;
	for (let i = 0; i < 60 && !match; i++) {
		await new Promise((r) => setTimeout(r, 500));
		match = /listening on (http:\/\/127\.0\.0\.1:\d+) \(token: ([^)]+)\)/.exec(fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '');
		if (child.exitCode !== null) break;
	}
	if (!match) {
		await stop(child);
		throw new Fatal(`the sandbox did not start\n${tail(log)}`);
	}
	const url = match[1];
	return {
		url,
		token: match[2],
		child,
		/** Every request the sandbox answered, in order. */
		log: async () => (await getJson(`${url}/__sandbox/log`)).json,
		/** All records: { operation: { module: [record] } }. */
		records: async () => (await getJson(`${url}/__sandbox/records`)).json,
	};
}

module.exports = { startSandbox };
