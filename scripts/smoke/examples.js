'use strict';
// The workflows the smoke check imports into n8n and runs, and what each run must do.
//
// Every examples/*.workflow.json must have an entry here (`file`); a variant of one (`from`,
// with `vary(wf, node, { records, taken })`) is an entry too. Each entry has an `id` for n8n
// and its `runs`:
//   how:      'cli'    n8n execute --id (pinned data is ignored there)
//             'manual' the editor's "Execute workflow" button over REST (uses pinned items)
//             'active' the workflow activated over REST: its trigger polls once at activation,
//                      then `prepare` runs, then it stays active until a poll emitted and one
//                      more poll followed; then it is deactivated
//   exit:     for 'cli': 0 or 'nonzero'; `error`: the start of the error message of a failing run
//   sandbox:  sandbox options for this run only (e.g. { deleteMode: 'partial' }), then restored
//   prepare:  (ex) => [{ module, fields, as: '@name' }] records the smoke itself creates through
//             the API (insert.php) during the run; their ids are bound to the placeholders
//   requests: (ex, ctx) => request patterns, in order (see expect.js checkRequests)
//   records:  (ex, ctx) => { 'operation/module': { created, changed, removed } } (expect.js checkRecords)
//   result:   (ex, execution, ctx) => [ok, text] what n8n recorded (execution.run parsed)
// `ex` describes the imported workflow: { id, name, nodes (by name), node (its first node of this
// package), trigger, module, operation (CRM operation), recordIds, pinned (items' json), pinnedIds }.
// `ctx` is { before (the sandbox records before the run), bound (placeholder -> value) }.
// Exactly one execution per run must be recorded (per workflow and mode).

const { PACKAGE } = require('./verdicts');
const UNKNOWN_ID = '000000000000000000000000';
const DELETE = 'custom/delete.php';
const QUERY = 'custom/query.php';
const QUERY_DATES = 'custom/queryDates.php';
const INSERT = 'custom/insert.php';
const UPDATE = 'custom/update.php';

const { itemsOf, brief, paired, nodeFor, sameIds, deletedItems, failedWith, emitted } = require('./verdicts');

/** A delete.php request the sandbox must see; `deleted`: the ids it removed. */
const deleteRequest = (module, ids, { multiple = false, status = 200, deleted = ids } = {}) => ({ path: DELETE, status, module, multiple, ids, deleted });

/** The seeded records of a module that a Search by field value finds. */
const found = (ex, before) => {
	const { field, value } = ex.node.parameters;
	return ((before[ex.operation] || {})[ex.module] || []).filter((r) => String(r[field]) === String(value)).map((r) => r.wolkvox_id);
};

/** Leads no other example deletes. */
const freeIds = (records, node, taken, n, operation) =>
	records[node.parameters.crmOperation || operation][node.parameters.module]
		.map((r) => r.wolkvox_id)
		.filter((id) => !taken.includes(id))
		.slice(0, n);

const smokeContact = (name) => ({ namecontact: name, emailcontact: `${name.toLowerCase().replace(/\W+/g, '.')}@example.com` });

/** What the example's field mapping writes for a pinned contact (its node parameters say so). */
const writtenContact = (pin, id) => ({
	wolkvox_id: id,
	namecontact: pin.namecontact,
	idcontact: pin.idcontact,
	emailcontact: pin.emailcontact,
	telephonecontact: { value: pin.telephone, country: 'Colombia', code: '57' },
	'Tipo de cliente': 'VIP',
	Direccion: pin.address,
	'Etapa del ciclo de vida ': 'Cliente',
});

/**
 * The manual run of create-update-upsert-delete: every pinned contact created, updated, matched
 * by e-mail and updated again, then deleted; with `kept` (the variant without the Delete node)
 * the contacts stay and must hold every field written.
 */
const writesRun = (kept) => ({
	how: 'manual',
	requests: (ex) => {
		const ids = ex.pinned.map((_, i) => `@contact${i}`);
		const update = (id) => ({ path: UPDATE, status: 200, module: ex.module, ids: [id], updated: [id] });
		return [
			...ids.map((id) => ({ path: INSERT, status: 200, module: ex.module, inserted: id })),
			...ids.map(update),
			...ids.flatMap((id) => [{ path: QUERY, status: 200, module: ex.module, recordsReturned: 1 }, update(id)]),
			...(kept ? [] : ids.map((id) => deleteRequest(ex.module, [id]))),
		];
	},
	records: (ex) => (kept ? { [`${ex.operation}/${ex.module}`]: { created: ex.pinned.map((pin, i) => writtenContact(pin, `@contact${i}`)) } } : {}),
	result: (ex, execution, { bound }) => {
		const ids = ex.pinned.map((_, i) => bound[`@contact${i}`]);
		const out = (op) => itemsOf(execution, nodeFor(ex, op).name);
		const same = (op, extra = () => true) => out(op).length === ids.length && paired(out(op)) && out(op).every((it, i) => it.json.wolkvox_id === ids[i] && extra(it.json));
		const deleted = kept || deletedItems(execution, nodeFor(ex, 'delete').name, ids.map((id) => [id]))[0];
		const ok = execution.status === 'success' && same('create') && same('update') && same('upsert', (j) => j.action === 'updated') && deleted;
		const ops = kept ? ['create', 'update', 'upsert'] : ['create', 'update', 'upsert', 'delete'];
		return [ok, ops.map((op) => `${op}: ${brief(out(op)).slice(0, 160)}`).join(' | ')];
	},
});

/**
 * A variant of delete-many-leads whose Record IDs are `known` leads no other example deletes,
 * then an unknown ID; one CLI run that must fail (`run`: its error, requests, records, result).
 */
const unknownIdVariant = ({ id, name, known, ...run }) => ({
	from: 'delete-many-leads.workflow.json',
	id,
	name,
	vary(wf, node, { records, taken, operation }) {
		node.parameters.recordIds = [...freeIds(records, node, taken, known, operation), UNKNOWN_ID].join('\n');
	},
	runs: [{ how: 'cli', exit: 'nonzero', ...run }],
});

const EXAMPLES = [
	{
		file: 'delete-many-leads.workflow.json',
		id: 'smokeLeads000001',
		runs: [
			{
				how: 'cli',
				exit: 0,
				requests: (ex) => [deleteRequest(ex.module, ex.recordIds, { multiple: true })],
				records: (ex) => ({ [`${ex.operation}/${ex.module}`]: { removed: ex.recordIds } }),
				result: (ex, execution) => deletedItems(execution, ex.node.name, [ex.recordIds]),
			},
		],
	},
	{
		file: 'delete-contacts.workflow.json',
		id: 'smokeContacts001',
		runs: [
			{
				// n8n uses pinned data only in manual mode: from the CLI the trigger gives one empty
				// item, and the node returns its "no record IDs" error item (Continue On Fail).
				how: 'cli',
				exit: 0,
				requests: () => [],
				records: () => ({}),
				result: (ex, execution) => {
					const items = itemsOf(execution, ex.node.name);
					return [execution.status === 'success' && items.length === 1 && Boolean(items[0].json.error) && !items[0].json.code, `CLI runs ignore pinned data: ${brief(items)}`];
				},
			},
			{
				how: 'manual',
				requests: (ex) => ex.pinnedIds.map((id) => deleteRequest(ex.module, [id])),
				records: (ex) => ({ [`${ex.operation}/${ex.module}`]: { removed: ex.pinnedIds } }),
				result: (ex, execution) => deletedItems(execution, ex.node.name, ex.pinnedIds.map((id) => [id])),
			},
		],
	},
	{
		// Manual only, after delete-contacts: a CLI run (they come first) would delete a contact
		// that delete-contacts deletes. What it finds is read from the sandbox before the run.
		file: 'search-then-delete.workflow.json',
		id: 'smokeSearchDel01',
		runs: [
			{
				how: 'manual',
				requests: (ex, { before }) => [{ path: QUERY, status: 200, module: ex.module, recordsReturned: found(ex, before).length }, ...found(ex, before).map((id) => deleteRequest(ex.module, [id]))],
				records: (ex, { before }) => ({ [`${ex.operation}/${ex.module}`]: { removed: found(ex, before) } }),
				result: (ex, execution, { before }) => {
					const ids = found(ex, before);
					const hits = itemsOf(execution, ex.node.name);
					const [ok, text] = deletedItems(execution, nodeFor(ex, 'delete').name, ids.map((id) => [id]));
					return [ok && ids.length > 0 && sameIds(hits.map((it) => it.json.wolkvox_id), ids), `search found ${JSON.stringify(hits.map((it) => it.json.wolkvox_id))}; delete: ${text}`];
				},
			},
		],
	},
	{
		// The sandbox ends as it began; the log shows every step on the two new ids.
		file: 'create-update-upsert-delete.workflow.json',
		id: 'smokeWrites00001',
		runs: [writesRun(false)],
	},
	{
		// Manual run: the newest records of the last days; the smoke creates one just before.
		file: 'new-contact-trigger.workflow.json',
		id: 'smokeTrigger0001',
		runs: [
			{
				how: 'manual',
				prepare: (ex) => [{ module: ex.module, fields: smokeContact('Smoke Newest Contact'), as: '@newest' }],
				requests: (ex) => [
					{ path: INSERT, status: 200, module: ex.module, inserted: '@newest' },
					{ path: QUERY_DATES, status: 200, module: ex.module, recordsReturned: 1 },
				],
				records: (ex) => ({ [`${ex.operation}/${ex.module}`]: { created: [{ wolkvox_id: '@newest', ...smokeContact('Smoke Newest Contact') }] } }),
				result: (ex, execution, { bound }) => emitted(ex, execution, bound['@newest']),
			},
		],
	},
	{
		// Activated, polling every minute: a contact created after activation is emitted once.
		from: 'new-contact-trigger.workflow.json',
		id: 'smokeTriggerAct1',
		name: 'smoke: trigger activated, polling every minute',
		vary(wf) {
			wf.nodes.find((n) => n.type === `${PACKAGE}.wolkvoxCrmTrigger`).parameters.pollTimes = { item: [{ mode: 'everyMinute' }] };
		},
		runs: [
			{
				how: 'active',
				prepare: (ex) => [{ module: ex.module, fields: smokeContact('Smoke Polled Contact'), as: '@polled' }],
				requests: (ex) => [
					{ path: QUERY_DATES, status: 200, module: ex.module, count: '+' },
					{ path: INSERT, status: 200, module: ex.module, inserted: '@polled' },
					{ path: QUERY_DATES, status: 200, module: ex.module, count: '+' },
				],
				records: (ex) => ({ [`${ex.operation}/${ex.module}`]: { created: [{ wolkvox_id: '@polled', ...smokeContact('Smoke Polled Contact') }] } }),
				result: (ex, execution, { bound }) => emitted(ex, execution, bound['@polled']),
			},
		],
	},
	// A refused delete: the whole request is refused (404 RECORD NOT FOUND), nothing is deleted.
	unknownIdVariant({
		id: 'smokeRefused0001',
		name: 'smoke: refused delete (unknown ID)',
		known: 1,
		error: 'The wolkvox CRM API refused the request: RECORD NOT FOUND',
		requests: (ex) => [deleteRequest(ex.module, ex.recordIds, { multiple: true, status: 404, deleted: [] })],
		records: () => ({}),
		result: (ex, execution) => failedWith(execution, ['RECORD NOT FOUND', UNKNOWN_ID]),
	}),
	// Issue 8: a server that deletes the known ids and lists only those in its HTTP 200 (the
	// sandbox's --partial-deletes). The node must name the unknown id as not deleted, the others as deleted.
	unknownIdVariant({
		id: 'smokePartial0001',
		name: 'smoke: partial delete (sandbox --partial-deletes)',
		known: 2,
		sandbox: { deleteMode: 'partial' },
		error: '1 of 3 record IDs were not deleted',
		requests: (ex) => [deleteRequest(ex.module, ex.recordIds, { multiple: true, deleted: ex.recordIds.slice(0, 2) })],
		records: (ex) => ({ [`${ex.operation}/${ex.module}`]: { removed: ex.recordIds.slice(0, 2) } }),
		result: (ex, execution) => failedWith(execution, ['1 of 3 record IDs were not deleted', `not deleted: ${UNKNOWN_ID}`, `deleted: ${ex.recordIds.slice(0, 2).join(', ')}`]),
	}),
	{
		// Token → Get Usage (no example of its own): one tokenInformation.php call, one item.
		from: 'delete-many-leads.workflow.json',
		id: 'smokeTokenUsage1',
		name: 'smoke: Token → Get Usage',
		vary(wf, node) {
			node.name = 'Get token usage';
			node.parameters = { resource: 'token', operation: 'getUsage', crmOperation: node.parameters.crmOperation };
			for (const c of Object.values(wf.connections)) for (const to of c.main[0]) to.node = node.name;
		},
		runs: [
			{
				how: 'cli',
				exit: 0,
				requests: () => [{ path: 'token/tokenInformation.php', status: 200 }],
				records: () => ({}),
				result: (ex, execution) => {
					const items = itemsOf(execution, ex.node.name);
					const u = (items[0] || {}).json || {};
					// The sandbox's default quota; the calls used so far depend on the runs before.
					const ok = execution.status === 'success' && items.length === 1 && paired(items) && u.limit === 4800 && u.usedToday >= 1 && u.remaining === u.limit - u.usedToday && u.hoursUntilReset >= 1;
					return [ok, `${items.length} output item(s): ${brief(items)}`];
				},
			},
		],
	},
	{
		// Without its Delete node: the two contacts stay, and must hold what the workflow wrote
		// (item-linked expressions such as $('Contacts to write').item resolved by this n8n).
		from: 'create-update-upsert-delete.workflow.json',
		id: 'smokeWritesKept1',
		name: 'smoke: create, update, create or update (kept: no Delete node)',
		vary(wf) {
			const last = wf.nodes.find((n) => n.parameters.operation === 'delete');
			wf.nodes = wf.nodes.filter((n) => n !== last);
			for (const [from, c] of Object.entries(wf.connections)) if (c.main[0].some((to) => to.node === last.name)) delete wf.connections[from];
		},
		runs: [writesRun(true)],
	},
	// Cases, activities and Record → Get (scripts/smoke/caseExamples.js).
	...require('./caseExamples').CASE_EXAMPLES,
	// Node version 2 (issue 20): Create through the field mapper, by CLI.
	require('./editor').VERSION2_EXAMPLE,
];

module.exports = { EXAMPLES };
