'use strict';
// The workflows to import: every entry of examples.js, loaded from examples/ (or varied from
// one), pointed at the smoke credential, and described for the entries' expectations.
const { EXAMPLES } = require('./examples');
const { PACKAGE } = require('./verdicts');

/**
 * What the smoke needs to know of a workflow: its nodes, target, Record IDs field (if not an expression) and pinned items.
 * The examples leave CRM Operation empty, so the credential's (`operation`) is the one used.
 */
function describe(wf, operation) {
	const node = wf.nodes.find((n) => n.type.startsWith(`${PACKAGE}.`));
	const trigger = wf.nodes.find((n) => /trigger/i.test(n.type));
	const field = String(node.parameters.recordIds ?? '');
	const pinned = ((wf.pinData || {})[trigger && trigger.name] || []).map((item) => item.json);
	return {
		id: wf.id,
		name: wf.name,
		nodes: Object.fromEntries(wf.nodes.map((n) => [n.name, n])),
		node,
		trigger,
		module: node.parameters.module,
		operation: node.parameters.crmOperation || operation,
		recordIds: field.startsWith('=') ? [] : field.split(/[\s,]+/).filter(Boolean),
		pinned,
		pinnedIds: pinned.map((json) => json.wolkvox_id).filter(Boolean),
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
		if (entry.vary) entry.vary(wf, wf.nodes.find((n) => n.type.startsWith(`${PACKAGE}.`)), { records, taken, operation: credential.data.crmOperation });
		const ex = describe(wf, credential.data.crmOperation);
		taken.push(...ex.recordIds, ...ex.pinnedIds);
		return { entry, wf, ex };
	}
}

module.exports = { prepareExamples };
