'use strict';
// The workflows the smoke check imports into n8n and runs, and what each run must do: the
// delete requests the sandbox must see, the records that must be gone afterwards (every
// other record must be unchanged), and what n8n must record as the run's result.
//
// Every examples/*.workflow.json must have an entry here. A new operation's example is one
// more entry: `file`, an `id` for n8n, and its `runs`:
//   how:      'cli' (n8n execute --id; pinned data is ignored there) or 'manual' (the editor's
//             "Execute workflow" button over REST; uses the pinned items)
//   exit:     for 'cli': 0 or 'nonzero'
//   requests: (ex) => [{ status, module, multiple, ids, deleted }] the sandbox's log, in order
//   gone:     (ex) => { 'operation/module': [ids] } records the run removes
//   result:   (ex, execution) => [ok, text] what n8n recorded (execution with .run parsed)
// `ex` describes the imported workflow: { id, name, node (the Wolkvox CRM node), module,
// operation, recordIds (its Record IDs field, split), pinnedIds, trigger }.

const NODE_TYPE = 'n8n-nodes-wolkvox-crm.wolkvoxCrm';
const UNKNOWN_ID = '000000000000000000000000';

const sameIds = (a, b) => JSON.stringify([...(a || [])].map(String).sort()) === JSON.stringify([...(b || [])].map(String).sort());
/** Output items of the node in an execution (first run, first output). */
const itemsOf = (execution, nodeName) => {
	const r = execution && execution.run.resultData.runData[nodeName];
	return (r && r[0] && r[0].data && r[0].data.main[0]) || [];
};
const brief = (items) => JSON.stringify(items.map((it) => it.json)).slice(0, 400);

/** The node said, item by item, that it deleted these ids (and each output item is paired to its input). */
const deletedItems = (ex, execution, perItemIds) => {
	const items = itemsOf(execution, ex.node.name);
	const ok =
		execution.status === 'success' &&
		items.length === perItemIds.length &&
		items.every((it, i) => it.json.code === 200 && sameIds(it.json.data && it.json.data.wolkvox_id, perItemIds[i]) && it.pairedItem && it.pairedItem.item === i);
	return [ok, `${items.length} output item(s): ${brief(items)}`];
};

const EXAMPLES = [
	{
		file: 'delete-many-leads.workflow.json',
		id: 'smokeLeads000001',
		runs: [
			{
				how: 'cli',
				exit: 0,
				requests: (ex) => [{ status: 200, module: ex.module, multiple: true, ids: ex.recordIds, deleted: ex.recordIds }],
				gone: (ex) => ({ [`${ex.operation}/${ex.module}`]: ex.recordIds }),
				result: (ex, execution) => deletedItems(ex, execution, [ex.recordIds]),
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
				gone: () => ({}),
				result: (ex, execution) => {
					const items = itemsOf(execution, ex.node.name);
					return [execution.status === 'success' && items.length === 1 && Boolean(items[0].json.error) && !items[0].json.code, `CLI runs ignore pinned data: ${brief(items)}`];
				},
			},
			{
				how: 'manual',
				requests: (ex) => ex.pinnedIds.map((id) => ({ status: 200, module: ex.module, multiple: false, ids: [id], deleted: [id] })),
				gone: (ex) => ({ [`${ex.operation}/${ex.module}`]: ex.pinnedIds }),
				result: (ex, execution) => deletedItems(ex, execution, ex.pinnedIds.map((id) => [id])),
			},
		],
	},
	{
		// A refused delete: one existing lead that no other example deletes, plus an unknown ID.
		// The whole request is refused (404 RECORD NOT FOUND), nothing is deleted, the run fails.
		from: 'delete-many-leads.workflow.json',
		id: 'smokeRefused0001',
		name: 'smoke: refused delete (unknown ID)',
		vary(wf, node, { records, taken }) {
			const keep = records[node.parameters.crmOperation][node.parameters.module].map((r) => r.wolkvox_id).find((id) => !taken.includes(id));
			node.parameters.recordIds = [keep, UNKNOWN_ID].join('\n');
			delete node.onError;
		},
		runs: [
			{
				how: 'cli',
				exit: 'nonzero',
				requests: (ex) => [{ status: 404, module: ex.module, multiple: true, ids: ex.recordIds, deleted: [] }],
				gone: () => ({}),
				result: (ex, execution) => {
					const err = execution.run.resultData.error;
					const text = err ? `${err.name}: ${err.message} | ${String(err.description).slice(0, 250)}` : 'no error';
					return [execution.status === 'error' && Boolean(err) && /RECORD NOT FOUND/.test(`${err.message} ${err.description}`), `the refused delete fails the run: ${text}`];
				},
			},
		],
	},
];

/** The IDs a workflow's node is given: its Record IDs field (if not an expression) and the pinned items. */
function describe(wf) {
	const node = wf.nodes.find((n) => n.type === NODE_TYPE);
	const trigger = wf.nodes.find((n) => /trigger/i.test(n.type));
	const field = String(node.parameters.recordIds ?? '');
	const pinned = (wf.pinData || {})[trigger && trigger.name] || [];
	return {
		id: wf.id,
		name: wf.name,
		node,
		trigger,
		module: node.parameters.module,
		operation: node.parameters.crmOperation,
		recordIds: field.startsWith('=') ? [] : field.split(/[\s,]+/).filter(Boolean),
		pinnedIds: pinned.map((item) => item.json.wolkvox_id).filter(Boolean),
	};
}

/**
 * Builds the workflows to import: every entry, pointed at the smoke credential.
 * @returns {{ missing: string[], prepared: Array<{ entry, wf, ex }> }} missing: example files with no entry
 */
function prepareExamples({ files, load, credential, records }) {
	const missing = files.filter((f) => !EXAMPLES.some((e) => e.file === f));
	const prepared = [];
	const taken = [];
	for (const entry of EXAMPLES.filter((e) => !e.vary)) prepared.push(build(entry));
	for (const entry of EXAMPLES.filter((e) => e.vary)) prepared.push(build(entry));
	// Variants are built last so they can keep clear of the records the plain examples delete.
	prepared.sort((a, b) => EXAMPLES.indexOf(a.entry) - EXAMPLES.indexOf(b.entry));
	return { missing, prepared };

	function build(entry) {
		const wf = load(entry.file ?? entry.from);
		wf.id = entry.id;
		// n8n 1.x's import wants the field an editor export has (NOT NULL in its database).
		wf.active ??= false;
		if (entry.name) wf.name = entry.name;
		for (const n of wf.nodes) if (n.credentials && n.credentials.wolkvoxCrmApi) n.credentials.wolkvoxCrmApi = { id: credential.id, name: credential.name };
		if (entry.vary) entry.vary(wf, wf.nodes.find((n) => n.type === NODE_TYPE), { records, taken });
		const ex = describe(wf);
		taken.push(...ex.recordIds, ...ex.pinnedIds);
		return { entry, wf, ex };
	}
}

module.exports = { EXAMPLES, prepareExamples, sameIds };
