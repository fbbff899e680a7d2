'use strict';
// The local wolkvox CRM stand-in (sandbox/server.js of the packed source), on 127.0.0.1.
const fs = require('node:fs');
const path = require('node:path');
const { start, stop, tail } = require('./proc');
const { Fatal } = require('./results');
const { getJson } = require('./http');

async function startSandbox({ src, logs, env, ttlSec }) {
	const log = path.join(logs, 'sandbox.log');
	// The seed's own (old) creation times: the trigger's manual run then finds only the contact the smoke creates.
	const child = start('node', [path.join(src, 'sandbox', 'server.js'), '--port', '0', '--seed-times', 'as-is', '--ttl', String(ttlSec)], { cwd: src, env, log });
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
		/** The options in force (without the token). */
		config: async () => (await getJson(`${url}/__sandbox/config`)).json,
		/** Changes options of the running sandbox (e.g. { deleteMode: 'partial' }, as --partial-deletes). */
		configure: async (options) => (await getJson(`${url}/__sandbox/configure`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(options) })).json,
		/** One API call as a client makes it (the token in its header): the smoke's own records. */
		api: async (endpoint, body) =>
			getJson(`${url}/server/API/v2/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json', 'wolkvox-token': match[2] }, body: JSON.stringify(body) }),
	};
}

module.exports = { startSandbox };
