'use strict';
// The smoke runs of the Case and Activity resources and Record → Get (issue 21), in the format
// of examples.js: the example contact-case-call (manual, with its pinned call) and variants of
// it run by the CLI, where pinned data is ignored, so their expressions become literals.

const { itemsOf, brief, paired, failedWith } = require('./verdicts');

const FILE = 'contact-case-call.workflow.json';
const QUERY = 'custom/query.php';
const INSERT = 'custom/insert.php';
// sandbox/seed.json, operation "demo"
const MARIANA = '659eb138fceaf2d7688b098a';
const CASE2 = '6570a1b2c3d4e5f601234562';

/** The call the example's trigger pins. */
const callOf = (ex) => ex.pinned[0] || {};

/** Requests of the whole flow: find the contact, open the case, log the call on it. */
const flowRequests = (ex) => [
	{ path: QUERY, status: 200, module: 'contacts', recordsReturned: 1 },
	{ path: 'cases/insert.php', status: 200, inserted: '@case' },
	{ path: INSERT, status: 200, module: 'wolkvox_activities', inserted: '@call' },
];

/** The case and the activity the flow must leave in the sandbox. */
const flowRecords = (ex) => ({
	'demo/cases': {
		created: [{ wolkvox_id: '@case', 'type case': 'Complaints', 'email contact': callOf(ex).email, description: callOf(ex).summary, status: 'open', priority: 'high', 'responsible user': 'lmora_@demo', 'owner user': 'ADMIN_@demo', form: { Canal: 'Teléfono' } }],
	},
	'demo/wolkvox_activities': {
		created: [
			{
				wolkvox_id: '@call', type: 'call', name: 'Call with Mariana López Castaño', status: 'created', priority: 'high', completion_date: callOf(ex).endedAt,
				description: callOf(ex).summary, name_module: 'cases', id_record: '@case', phone: { value: callOf(ex).phone, country: 'Colombia', code: '57' },
			},
		],
	},
});

/** Each node gave one item, paired; the case and the call are the ones the sandbox made. */
const flowResult = (ex, execution, { bound }) => {
	const out = (name) => itemsOf(execution, name);
	const ok = execution.status === 'success' && ['Find contact', 'Open case', 'Log call'].every((name) => out(name).length === 1 && paired(out(name))) &&
		out('Open case')[0].json.wolkvox_id === bound['@case'] && out('Open case')[0].json.caseIdReturned === true && out('Log call')[0].json.wolkvox_id === bound['@call'];
	return [ok, ['Find contact', 'Open case', 'Log call'].map((name) => `${name}: ${brief(out(name)).slice(0, 160)}`).join(' | ')];
};

/** The pinned call's values written into the nodes, for CLI runs (they ignore pinned data). */
function withCallLiterals(wf) {
	const call = wf.pinData['Call ended'][0].json;
	const literal = (text) => (typeof text === 'string' ? text.replace(/^=/, '').replace(/\{\{ \$\('Call ended'\)\.item\.json\.(\w+) \}\}/g, (_m, key) => call[key]) : text);
	const nodes = Object.fromEntries(wf.nodes.map((n) => [n.name, n.parameters]));
	nodes['Find contact'].value = call.email;
	nodes['Open case'].description = literal(nodes['Open case'].description);
	for (const key of ['completionDate', 'description', 'phone']) nodes['Log call'].additionalFields[key] = literal(nodes['Log call'].additionalFields[key]);
	return nodes;
}

const CASE_EXAMPLES = [
	{
		file: FILE,
		id: 'smokeCaseCall001',
		runs: [{ how: 'manual', requests: flowRequests, records: flowRecords, result: flowResult }],
	},
	{
		from: FILE,
		id: 'smokeCaseCallCli',
		name: 'smoke: find contact, open case, log call (CLI)',
		vary: (wf) => withCallLiterals(wf),
		runs: [{ how: 'cli', exit: 0, requests: flowRequests, records: flowRecords, result: flowResult }],
	},
	{
		// Record → Get, Case → Search, Case → Update: the update reads the case and sends it all back.
		from: FILE,
		id: 'smokeCaseUpdate1',
		name: 'smoke: Record → Get, Case → Search, Case → Update (CLI)',
		vary(wf) {
			const nodes = withCallLiterals(wf);
			Object.assign(wf.nodes.find((n) => n.name === 'Find contact'), {
				parameters: { resource: 'record', operation: 'get', crmOperation: '', module: 'contacts', recordIds: MARIANA, ifNotFound: 'error', simplify: true, options: {} },
			});
			wf.nodes.find((n) => n.name === 'Open case').parameters = { resource: 'case', operation: 'search', crmOperation: '', field: 'email contact', value: 'santiago.ramirez@hotmail.com', returnAll: true, simplify: true, options: {} };
			wf.nodes.find((n) => n.name === 'Log call').parameters = { resource: 'case', operation: 'update', crmOperation: '', caseId: '={{ $json.wolkvox_id }}', updateFields: { status: 'reopened' }, options: {} };
			return nodes;
		},
		runs: [
			{
				how: 'cli',
				exit: 0,
				requests: () => [
					{ path: QUERY, status: 200, module: 'contacts', recordsReturned: 1 },
					{ path: 'cases/queryCases.php', status: 200, recordsReturned: 1 },
					{ path: 'cases/queryCases.php', status: 200, recordsReturned: 1 },
					{ path: 'cases/update.php', status: 200, ids: [CASE2], updated: [CASE2] },
				],
				records: () => ({
					'demo/cases': { changed: [{ wolkvox_id: CASE2, status: 'reopened', 'type case': 'Request', 'email contact': 'santiago.ramirez@hotmail.com', description: 'Change of billing address', solution: 'Address updated', 'owner user': 'ADMIN_@demo', form: { Canal: 'WhatsApp' } }] },
				}),
				result: (ex, execution) => {
					const got = itemsOf(execution, 'Find contact');
					const updated = itemsOf(execution, 'Log call');
					const ok = execution.status === 'success' && got.length === 1 && got[0].json.wolkvox_id === MARIANA && updated.length === 1 && paired(updated) && updated[0].json.wolkvox_id === CASE2;
					return [ok, `get: ${brief(got).slice(0, 120)} | update: ${brief(updated)}`];
				},
			},
		],
	},
	{
		// Case → Get Notes with the smoke's (Internal) token: the API refuses it; the error must say why.
		from: FILE,
		id: 'smokeCaseNotes01',
		name: 'smoke: Case → Get Notes with an Internal token (refused)',
		vary(wf) {
			wf.nodes = wf.nodes.filter((n) => n.name === 'Call ended' || n.name === 'Find contact');
			wf.connections = { 'Call ended': wf.connections['Call ended'] };
			wf.nodes[1].parameters = { resource: 'case', operation: 'getNotes', crmOperation: '', field: 'wolkvox-id', value: CASE2, limit: 5, options: {} };
		},
		runs: [
			{
				how: 'cli',
				exit: 'nonzero',
				error: 'The API refused the token for case notes',
				requests: () => [{ path: 'cases/listHistoryNote.php', status: 403 }],
				records: () => ({}),
				result: (ex, execution) => failedWith(execution, ['The API refused the token for case notes', 'accepts only an External token']),
			},
		],
	},
];

module.exports = { CASE_EXAMPLES };
