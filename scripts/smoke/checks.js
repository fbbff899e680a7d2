'use strict';
// The checks that do not depend on one example: what the running n8n serves about the package,
// the credential test, and n8n's own logs. (A run's requests and records: expect.js.)
const fs = require('node:fs');
const path = require('node:path');
const { PACKAGE } = require('./verdicts');

/** What the running n8n serves about the package, and the credential test (the editor's Test button). False: no login. */
/** The node's icon (light, if themed) is a packaged SVG that n8n serves. */
async function checkIcon(host, r, node) {
	const iconRef = node.iconUrl || node.icon;
	const iconPath = iconRef && (iconRef.light || iconRef);
	if (typeof iconPath !== 'string' || !iconPath.startsWith('icons/')) return r.fail(`${node.name}: icon is not a packaged file: ${JSON.stringify(iconRef)}`);
	const icon = await host.api('GET', `/${iconPath}`);
	r.check(icon.status === 200 && /svg/.test(icon.headers.get('content-type') || ''), `icon /${iconPath}: HTTP ${icon.status} ${icon.headers.get('content-type')}`);
}

/** expected: { nodes: [type names], credentials: [type names] } of the package. */
async function serverChecks({ host, r, credential, sandbox, expected }) {
	const owner = { email: 'smoke@example.com', firstName: 'Smoke', lastName: 'Test', password: 'Smoke-Test-Passw0rd1' };
	const login = await host.login(owner);
	if (!login.ok) {
		r.fail(`owner setup HTTP ${login.setup.status}, login HTTP ${login.login.status}: ${login.login.text.slice(0, 200)}`);
		return false;
	}
	r.pass('owner set up and logged in over REST (no browser)');
	// Logged in: n8n 1.x (later minors) shows only public settings without a session.
	const settings = await host.api('GET', '/rest/settings');
	const enabled = settings.json && settings.json.data && settings.json.data.communityNodesEnabled;
	r.check(Boolean(enabled), `GET /rest/settings: communityNodesEnabled=${enabled}`);

	const types = (await host.api('GET', '/types/nodes.json')).json || [];
	for (const name of expected.nodes) {
		const node = types.find((t) => t.name === `${PACKAGE}.${name}`);
		const creds = node ? (node.credentials || []).map((c) => c.name) : [];
		r.check(node && expected.credentials.every((c) => creds.includes(c)), `/types/nodes.json lists ${PACKAGE}.${name}` + (node ? ` ("${node.displayName}", version ${node.version}, credential ${creds})` : ' — missing'));
		if (node) await checkIcon(host, r, node);
	}
	const tools = types.filter((t) => t.name.startsWith(`${PACKAGE}.`) && /Tool$/.test(t.name));
	if (tools.length) r.note(`n8n also registered ${tools.map((t) => `"${t.displayName}" (${t.name})`).join(', ')}: usable as an AI-agent tool, so an agent can search, write and delete CRM records`);
	else r.note(`n8n registered no AI-tool variant of ${PACKAGE}.wolkvoxCrm (this n8n makes none for community nodes)`);
	for (const name of expected.credentials) {
		const ct = ((await host.api('GET', '/types/credentials.json')).json || []).find((t) => t.name === name);
		r.check(ct, `/types/credentials.json lists ${name}` + (ct ? ` ("${ct.displayName}": ${ct.properties.map((p) => p.name).join(', ')})` : ' — missing'));
	}
	const creds = await host.api('GET', '/rest/credentials');
	const mine = ((creds.json && creds.json.data) || []).find((c) => c.id === credential.id);
	r.check(mine && mine.type === 'wolkvoxCrmApi', `imported credential ${credential.id} is listed (type ${mine && mine.type})`);

	// The sandbox counts each credential test as one tokenInformation call.
	const before = (await sandbox.log()).length;
	const test = (data) => host.api('POST', '/rest/credentials/test', { credentials: { id: credential.id, name: credential.name, type: 'wolkvoxCrmApi', data } });
	const good = await test(credential.data);
	const bad = await test({ ...credential.data, token: 'not-the-sandbox-token' });
	const g = good.json && good.json.data;
	const b = bad.json && bad.json.data;
	r.check(g && g.status === 'OK', `credential test with the sandbox token: ${JSON.stringify(g || good.text.slice(0, 200))}`);
	r.check(b && b.status === 'Error' && !String(b.message).includes('not-the-sandbox-token'), `credential test with a wrong token fails, token not echoed: ${JSON.stringify(b || bad.text.slice(0, 200))}`);
	const tlog = (await sandbox.log()).slice(before);
	r.check(
		tlog.length === 2 && tlog.every((e) => /tokenInformation/.test(e.path)) && tlog[0].status === 200 && tlog[1].status >= 400,
		`credential tests reached the sandbox as ${tlog.map((e) => `${e.path.replace(/^.*\/v2\//, '')} ${e.status}`).join(', ')}`,
	);
	return true;
}

const LOAD_RE = new RegExp(`Loaded all credentials and nodes from ${PACKAGE}(?: \\{ "credentials": (\\d+), "nodes": (\\d+))?`);
const PROBLEM_RE = /^(error|warn) .*(wolkvox|Skipping package|Failed to load|Unrecognized node type|Unknown credential|is not known|Could not load|Class could not be found)/;
/**
 * A log line as "LEVEL message": n8n 2.x and later 1.x print "21:10:12.490   error   message",
 * older 1.x "2026-12-01T21:47:12.927Z | error | message" with colours whatever NO_COLOR says.
 */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const normalise = (line) => line.replace(ANSI, '').replace(/^(?:[0-9:.]+|\S+Z \|) +(\w+) +(?:\| )?/, '$1 ');
/** Lines of an n8n log, normalised. */
const logLines = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').map(normalise) : []);

/**
 * Every n8n command loaded the package (its nodes and credentials, as many as package.json
 * lists) and logged no error or warning about it. failingRuns: [{ name, error }] the logs of
 * runs meant to fail, and the start of the error message they must log.
 */
function logChecks({ logs, r, failingRuns, expected }) {
	const counts = { credentials: expected.credentials.length, nodes: expected.nodes.length };
	const said = `${counts.nodes} node(s), ${counts.credentials} credential(s)`;
	for (const file of fs.readdirSync(logs).filter((f) => /^n8n-.*\.log$/.test(f)).sort()) {
		const name = file.replace(/\.log$/, '');
		const lines = logLines(path.join(logs, file));
		const loaded = LOAD_RE.exec(lines.join('\n'));
		// Older 1.x logs the line without the counts.
		if (!loaded || (loaded[1] && (Number(loaded[1]) !== counts.credentials || Number(loaded[2]) !== counts.nodes))) {
			r.fail(`${name}: n8n did not log loading ${PACKAGE} (${said})${loaded ? `: ${loaded[0]}` : ''}`);
			continue;
		}
		// Runs that are meant to fail log their error; elsewhere any error line is a problem.
		const failing = failingRuns.find((f) => f.name === name);
		const expectErrors = Boolean(failing) || name === 'n8n-start';
		const meant = (l) => Boolean(failing) && l.includes(failing.error);
		const problems = lines.filter((l) => (PROBLEM_RE.test(l) || (!expectErrors && /^error /.test(l))) && !meant(l));
		r.check(problems.length === 0, `${name}: ${PACKAGE} loaded (${loaded[1] ? said : 'no counts in this n8n\'s line'})${problems.length ? `, but with problems: ${problems.slice(0, 3).map((l) => l.slice(0, 300)).join(' ')}` : ', no error or warning about it'}`);
		if (!failing) continue;
		if (lines.some((l) => /^error NodeApiError$/.test(l))) {
			r.warn(`${name}: n8n-core did not recognise the node's NodeApiError as an n8n error (logged as an unexpected error with a stack): the node uses a second copy of n8n-workflow`);
		} else if (lines.some((l) => l.startsWith(`error ${failing.error}`))) {
			r.pass(`${name}: n8n-core recognised the node error "${failing.error}" as an n8n NodeApiError (no stack)`);
		} else r.note(`${name}: no log line names the node's error "${failing.error}" (this n8n logs run errors differently)`);
	}
	// n8n start's own error lines: the wrong-token credential test (asked for), lookups of
	// n8n's servers (no internet here), and anything else, said as it is.
	const start = path.join(logs, 'n8n-start.log');
	const errors = logLines(start).filter((l) => /^error /.test(l));
	const kinds = [
		// n8n logs that refusal (the sandbox's only 403) as its own message or as the HTTP error.
		['from the wrong-token credential test', (l) => /Forbidden - perhaps check your credentials|Request failed with status code 403/.test(l)],
		["from n8n's own lookups of its servers (no internet here)", (l) => /ENOTFOUND|EAI_AGAIN|getaddrinfo/.test(l)],
	];
	const rest = errors.filter((l) => !kinds.some(([, match]) => match(l)));
	const counted = kinds.map(([what, match]) => [errors.filter(match).length, what]).filter(([n]) => n > 0);
	if (errors.length) r.note(`n8n-start.log has ${errors.length} error line(s): ${[...counted.map(([n, what]) => `${n} ${what}`), ...(rest.length ? [`${rest.length} other, e.g. ${rest[0].slice(0, 160)}`] : [])].join('; ')}`);
}

module.exports = { serverChecks, logChecks };
