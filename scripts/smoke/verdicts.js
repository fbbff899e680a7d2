'use strict';
// What n8n recorded for a run, read from its execution: the output items of a node, and the
// verdicts the examples (examples.js) use on them. Each verdict is [ok, text].

const PACKAGE = 'n8n-nodes-wolkvox-crm';

const sameIds = (a, b) => JSON.stringify([...(a || [])].map(String).sort()) === JSON.stringify([...(b || [])].map(String).sort());
/** Output items of a node in an execution (first run, first output). */
const itemsOf = (execution, nodeName) => {
	const r = execution && execution.run.resultData.runData[nodeName];
	return (r && r[0] && r[0].data && r[0].data.main[0]) || [];
};
const brief = (items) => JSON.stringify(items.map((it) => it.json)).slice(0, 400);
const paired = (items) => items.every((it, i) => it.pairedItem && it.pairedItem.item === i);
/** The node of a workflow that runs this operation. */
const nodeFor = (ex, operation) => Object.values(ex.nodes).find((n) => n.type === `${PACKAGE}.wolkvoxCrm` && n.parameters.operation === operation);
/** The id list of a delete answer (a string or a list). */
const answeredIds = (json) => [].concat((json.data && json.data.wolkvox_id) || []);

/** The node said, item by item, that it deleted these ids (and each output item is paired to its input). */
const deletedItems = (execution, nodeName, perItemIds) => {
	const items = itemsOf(execution, nodeName);
	const ok = execution.status === 'success' && items.length === perItemIds.length && paired(items) && items.every((it, i) => it.json.code === 200 && sameIds(answeredIds(it.json), perItemIds[i]));
	return [ok, `${items.length} output item(s): ${brief(items)}`];
};

/** The run failed with the node's error, and its text says all of `parts`. */
const failedWith = (execution, parts) => {
	const err = execution.run.resultData.error;
	const text = err ? `${err.name}: ${err.message} | ${String(err.description)}` : 'no error';
	return [execution.status === 'error' && Boolean(err) && parts.every((p) => text.includes(p)), `the run fails: ${text.slice(0, 400)}`];
};

/** The trigger workflow's output: exactly one record, the placeholder's, passed on by the Set node. */
const emitted = (ex, execution, id) => {
	const items = itemsOf(execution, ex.trigger.name);
	const next = Object.keys(execution.run.resultData.runData).find((name) => name !== ex.trigger.name);
	const set = itemsOf(execution, next);
	const ok = execution.status === 'success' && items.length === 1 && items[0].json.wolkvox_id === id && set.length === 1 && set[0].json.contactId === id;
	return [ok, `${ex.trigger.name}: ${brief(items)}; ${next}: ${brief(set)}`];
};

module.exports = { PACKAGE, sameIds, itemsOf, brief, paired, nodeFor, answeredIds, deletedItems, failedWith, emitted };
