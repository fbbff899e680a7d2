'use strict';
// A real n8n for the smoke check: its environment (everything on 127.0.0.1, SQLite, a user
// folder in the work dir, nothing phoned home), its CLI, `n8n start` and REST calls as the
// editor makes them.
const crypto = require('node:crypto');
const net = require('node:net');
const path = require('node:path');
const { run, start, stop } = require('./proc');
const { getJson } = require('./http');

const freePort = () =>
	new Promise((resolve, reject) => {
		const server = net.createServer().listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
		server.once('error', reject);
	});

async function n8nHost({ install, userFolder, env, logs, extraEnv = {} }) {
	const port = await freePort();
	const brokerPort = await freePort();
	const n8nEnv = { ...env, HOME: userFolder, N8N_USER_FOLDER: userFolder };
	delete n8nEnv.N8N_CUSTOM_EXTENSIONS;
	Object.assign(n8nEnv, {
		N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('hex'),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_HOST: '127.0.0.1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		N8N_PORT: String(port),
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		DB_TYPE: 'sqlite',
		N8N_LOG_LEVEL: 'debug',
		N8N_LOG_OUTPUT: 'console',
		NO_COLOR: '1',
	}, extraEnv);
	// `n8n execute` runs in its own process, never through the queue: 2.x falls back to regular
	// mode by itself, 1.49 fails to enqueue ("Cannot read properties of undefined (reading 'add')").
	const cliEnv = { ...n8nEnv };
	delete cliEnv.EXECUTIONS_MODE;
	const url = `http://127.0.0.1:${port}`;
	const logOf = (name) => path.join(logs, `n8n-${name}.log`);
	let server;
	let cookie = '';

	/** One REST call with the session cookie (set by login). */
	async function api(method, route, body) {
		const r = await getJson(url + route, {
			method,
			headers: { 'content-type': 'application/json', cookie, 'browser-id': 'smoke' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		for (const c of r.headers.getSetCookie ? r.headers.getSetCookie() : []) if (c.startsWith('n8n-auth=')) cookie = c.split(';')[0];
		return r;
	}

	return {
		url,
		logOf,
		/** `n8n ARGS` with its output in logs/n8n-NAME.log. */
		cli: (name, args, timeoutSec = 300) => run('node', [install.bin, ...args], { cwd: userFolder, env: args[0] === 'execute' ? cliEnv : n8nEnv, log: logOf(name), timeoutSec }),
		/** `n8n start`; resolves with the seconds it took to become ready, or undefined. */
		async start(timeoutSec = 180) {
			const t0 = Date.now();
			server = start('node', [install.bin, 'start'], { cwd: userFolder, env: n8nEnv, log: logOf('start') });
			while (Date.now() - t0 < timeoutSec * 1000 && server.exitCode === null) {
				// Ready when the REST API answers: n8n 1.x reports /healthz/readiness before its routes exist.
				const r = await getJson(`${url}/rest/settings`).catch(() => undefined);
				if (r && r.status === 200 && r.json) return Math.round((Date.now() - t0) / 1000);
				await new Promise((res) => setTimeout(res, 1000));
			}
			return undefined;
		},
		stop: () => stop(server),
		/** Another long-running n8n process (`n8n worker`) with its own task-runner broker port. */
		async spawn(name, args) {
			const env = { ...n8nEnv, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
			return start('node', [install.bin, ...args], { cwd: userFolder, env, log: logOf(name) });
		},
		api,
		/** Owner setup and login, as the editor's first screen does. */
		async login(owner) {
			const setup = await api('POST', '/rest/owner/setup', owner);
			// n8n 1.x logs in with `email`, 2.x with `emailOrLdapLoginId`.
			const login = await api('POST', '/rest/login', { email: owner.email, emailOrLdapLoginId: owner.email, password: owner.password });
			return { ok: login.status === 200 && cookie !== '', setup, login };
		},
		/** n8n stores run data "flatted"; read it with n8n's own copy of flatted. */
		parseRunData: (text) => require(require.resolve('flatted', { paths: [path.join(install.dir, 'node_modules', 'n8n')] })).parse(text),
	};
}

module.exports = { n8nHost, freePort };
