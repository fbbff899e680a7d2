#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm run demo`: the package doing its job with no wolkvox account. It starts the local sandbox
 * with its sample records, runs the example workflows from examples/ through n8n's engine with
 * the built node (dist/), prints what the node returned and the sandbox's records before and
 * after, and exits non-zero if anything did not go as it should.
 */
const path = require('node:path');

const { startSandbox } = require('../sandbox/server');
const { runWorkflow } = require('../test/engine');

const root = path.join(__dirname, '..');
const { WolkvoxCrm } = require(path.join(root, 'dist/nodes/WolkvoxCrm/WolkvoxCrm.node.js'));
const { WolkvoxCrmApi } = require(path.join(root, 'dist/credentials/WolkvoxCrmApi.credentials.js'));

const NODE_TYPE = 'n8n-nodes-wolkvox-crm.wolkvoxCrm';

/** @param {string} file */
const example = (file) => require(path.join(root, 'examples', file));

/** @param {any[]} records @param {string} nameField */
function printRecords(records, nameField) {
	for (const record of records) console.log(`    ${record.wolkvox_id}  ${record[nameField]}`);
	console.log(`    (${records.length} records)`);
}

/** @param {string} title */
function heading(title) {
	console.log(`\n== ${title}`);
}

/**
 * 4. Create, update, create or update, then delete: the example runs first with its Delete node
 * disabled (n8n passes the items through), so the records it wrote can be shown; then its Delete
 * node runs on what Create or Update returned.
 * @param {(workflow: any) => Promise<any>} run @param {any} sandbox @param {string[]} problems
 */
async function roundTrip(run, sandbox, problems) {
	const workflow = example('create-update-upsert-delete.workflow.json');
	const people = workflow.pinData['Contacts to write'].map((/** @type {any} */ item) => item.json);
	const before = sandbox.records('demo', 'contacts');
	heading(`running "${workflow.name}" without its Delete node (${people.length} items)`);
	const written = await run({
		...workflow,
		nodes: workflow.nodes.map((/** @type {any} */ node) => (node.name === 'Delete contact' ? { ...node, disabled: true } : node)),
	});
	for (const name of ['Create contact', 'Update contact', 'Create or update contact']) {
		written.outputOf(name).forEach((/** @type {any} */ item, /** @type {number} */ index) => console.log(`  ${name}, output ${index}: ${JSON.stringify(item.json)}`));
	}
	const ids = written.outputOf('Create contact').map((/** @type {any} */ item) => item.json.wolkvox_id);
	const upserted = written.outputOf('Create or update contact');
	const records = sandbox.records('demo', 'contacts').filter((/** @type {any} */ record) => ids.includes(record.wolkvox_id));
	heading('the contacts written');
	for (const record of records) console.log(`    ${JSON.stringify(record)}`);

	if (written.status !== 'success') problems.push(`the round trip ended with status ${written.status}`);
	if (sandbox.records('demo', 'contacts').length !== before.length + people.length) problems.push('Create or Update created a record instead of updating it');
	if (upserted.some((/** @type {any} */ item, /** @type {number} */ index) => item.json.action !== 'updated' || item.json.wolkvox_id !== ids[index])) {
		problems.push('Create or Update did not update the records just created');
	}
	people.forEach((/** @type {any} */ person, /** @type {number} */ index) => {
		const record = records.find((/** @type {any} */ candidate) => candidate.wolkvox_id === ids[index]);
		const expected = {
			namecontact: person.namecontact,
			idcontact: person.idcontact,
			emailcontact: person.emailcontact,
			telephonecontact: { value: person.telephone, country: 'Colombia', code: '57' },
			'Tipo de cliente': 'VIP',
			Direccion: person.address,
			'Etapa del ciclo de vida ': 'Cliente',
		};
		for (const [field, value] of Object.entries(expected)) {
			if (JSON.stringify(record?.[field]) !== JSON.stringify(value)) problems.push(`contact ${index}: "${field}" is ${JSON.stringify(record?.[field])}, not ${JSON.stringify(value)}`);
		}
	});

	heading('running its Delete node on what Create or Update returned');
	const deleteNode = workflow.nodes.find((/** @type {any} */ node) => node.name === 'Delete contact');
	const cleanup = await run({
		nodes: [{ ...workflow.nodes[0], name: 'Written contacts' }, deleteNode],
		connections: { 'Written contacts': { main: [[{ node: 'Delete contact', type: 'main', index: 0 }]] } },
		pinData: { 'Written contacts': upserted.map((/** @type {any} */ item) => ({ json: item.json })) },
	});
	cleanup.outputOf('Delete contact').forEach((/** @type {any} */ item, /** @type {number} */ index) => console.log(`  output ${index}: ${JSON.stringify(item.json)}`));
	if (cleanup.status !== 'success' || JSON.stringify(sandbox.records('demo', 'contacts')) !== JSON.stringify(before)) {
		problems.push('after the delete, the contacts are not exactly the ones there before the round trip');
	}
	const counts = ['insert', 'update', 'query', 'delete'].map((kind) => `${sandbox.log.filter((/** @type {any} */ entry) => entry.path.endsWith(`custom/${kind}.php`)).length} ${kind}`);
	console.log(`  requests so far: ${counts.join(', ')}`);
}

/**
 * 5. The contact centre's flow: find the caller, open a case for them, log the call on the case.
 * @param {(workflow: any) => Promise<any>} run @param {any} sandbox @param {string[]} problems
 */
async function contactCaseCall(run, sandbox, problems) {
	const workflow = example('contact-case-call.workflow.json');
	heading(`running "${workflow.name}"`);
	const result = await run(workflow);
	if (result.status !== 'success') {
		problems.push(`the contact-case-call run ended with status ${result.status}`);
		return;
	}
	const caseId = result.outputOf('Open case')[0]?.json.wolkvox_id;
	const opened = sandbox.records('demo', 'cases').find((/** @type {any} */ c) => c.wolkvox_id === caseId);
	const call = sandbox.records('demo', 'wolkvox_activities').find((/** @type {any} */ a) => a.id_record === caseId);
	console.log(`  case ${caseId}: ${opened?.['type case']}, ${opened?.status}, contact ${opened?.['email contact']}`);
	console.log(`  activity: ${JSON.stringify(call)}`);
	if (!opened || opened['email contact'] !== workflow.pinData['Call ended'][0].json.email) problems.push('the case was not opened for the contact found');
	if (!call || call.type !== 'call' || call.completion_date !== '2026-12-04 15:42:10') problems.push('the call was not logged on the case');
}

async function main() {
	const sandbox = await startSandbox({ port: 0, ttlMs: 120_000 });
	/** @type {string[]} */
	const problems = [];
	try {
		console.log(`wolkvox CRM sandbox on ${sandbox.url} (operation "demo")`);
		const credentials = { wolkvoxCrmApi: { server: sandbox.url, token: sandbox.token, crmOperation: 'demo' } };
		const run = (/** @type {any} */ workflow) =>
			runWorkflow({
				workflow,
				nodeTypes: { [NODE_TYPE]: new WolkvoxCrm() },
				credentialTypes: { wolkvoxCrmApi: new WolkvoxCrmApi() },
				credentials,
			});

		// 1. One contact per input item.
		const perItem = example('delete-contacts.workflow.json');
		const wanted = perItem.pinData['Contacts to delete'].map((/** @type {any} */ item) => item.json.wolkvox_id);
		const contactsBefore = sandbox.records('demo', 'contacts');
		heading('contacts before');
		printRecords(contactsBefore, 'namecontact');

		heading(`running "${perItem.name}" (${wanted.length} items)`);
		const first = await run(perItem);
		const firstOutput = first.outputOf('Delete contact');
		firstOutput.forEach((item, index) => console.log(`  output ${index} (paired to item ${JSON.stringify(item.pairedItem)}): ${JSON.stringify(item.json)}`));

		const contactsAfter = sandbox.records('demo', 'contacts');
		heading('contacts after');
		printRecords(contactsAfter, 'namecontact');

		if (first.status !== 'success') problems.push(`the per-item run ended with status ${first.status}`);
		if (firstOutput.length !== wanted.length) problems.push(`expected ${wanted.length} output items, got ${firstOutput.length}`);
		firstOutput.forEach((item, index) => {
			// An error item (continue on fail) has only error/details; a success is the API's envelope.
			if ('details' in item.json || item.json.code === undefined) problems.push(`item ${index} failed: ${item.json.error}`);
			if (JSON.stringify(item.pairedItem) !== JSON.stringify({ item: index })) problems.push(`output ${index} is not paired to item ${index}`);
		});
		const expectedLeft = contactsBefore.filter((/** @type {any} */ record) => !wanted.includes(record.wolkvox_id));
		if (JSON.stringify(contactsAfter) !== JSON.stringify(expectedLeft)) {
			problems.push('the contacts left in the sandbox are not exactly the ones that were not asked for');
		}

		// 2. Several leads in one request.
		const many = example('delete-many-leads.workflow.json');
		const leadsBefore = sandbox.records('demo', 'leads');
		heading(`running "${many.name}"`);
		const second = await run(many);
		const secondOutput = second.outputOf('Delete leads');
		secondOutput.forEach((item, index) => console.log(`  output ${index}: ${JSON.stringify(item.json)}`));
		const leadsAfter = sandbox.records('demo', 'leads');
		console.log(`  leads: ${leadsBefore.length} before, ${leadsAfter.length} after`);
		const leadIds = String(many.nodes[1].parameters.recordIds).split('\n');
		if (second.status !== 'success') problems.push(`the multiple-delete run ended with status ${second.status}`);
		if (leadsAfter.some((/** @type {any} */ record) => leadIds.includes(record.wolkvox_id)) || leadsAfter.length !== leadsBefore.length - leadIds.length) {
			problems.push('the leads asked for were not deleted exactly');
		}

		// 3. Search, then delete what was found, in one workflow.
		const searchThenDelete = example('search-then-delete.workflow.json');
		const searchNode = searchThenDelete.nodes[1].parameters;
		const beforeSearch = sandbox.records('demo', 'contacts');
		const matching = beforeSearch.filter((/** @type {any} */ record) => record[searchNode.field] === searchNode.value);
		heading(`running "${searchThenDelete.name}"`);
		const third = await run(searchThenDelete);
		const found = third.outputOf(searchThenDelete.nodes[1].name);
		found.forEach((item, index) => console.log(`  found ${index}: ${item.json.wolkvox_id}  ${item.json.namecontact} (${item.json.Ciudad}, phone ${item.json.telephonecontact})`));
		third.outputOf(searchThenDelete.nodes[2].name).forEach((item, index) => console.log(`  deleted ${index}: ${JSON.stringify(item.json)}`));
		const afterSearch = sandbox.records('demo', 'contacts');
		console.log(`  contacts: ${beforeSearch.length} before, ${afterSearch.length} after`);
		if (third.status !== 'success') problems.push(`the search-then-delete run ended with status ${third.status}`);
		if (matching.length === 0) problems.push(`the sandbox has no contact with ${searchNode.field} = ${searchNode.value} to find`);
		if (JSON.stringify(found.map((item) => item.json.wolkvox_id)) !== JSON.stringify(matching.map((/** @type {any} */ record) => record.wolkvox_id))) {
			problems.push('the search did not find exactly the matching contacts');
		}
		const untouched = beforeSearch.filter((/** @type {any} */ record) => record[searchNode.field] !== searchNode.value);
		if (JSON.stringify(afterSearch) !== JSON.stringify(untouched)) problems.push('after search-then-delete, the contacts left are not exactly the non-matching ones');

		// 4. Create, update, create or update, then delete.
		await roundTrip(run, sandbox, problems);

		// 5. After a call: find the contact, open a case, log the call.
		await contactCaseCall(run, sandbox, problems);

		const requests = sandbox.log.filter((/** @type {any} */ entry) => entry.path.endsWith('custom/delete.php'));
		heading(`the sandbox received ${requests.length} delete requests`);
	} finally {
		await sandbox.close();
	}

	if (problems.length) {
		heading('DEMO FAILED');
		for (const problem of problems) console.log(`  - ${problem}`);
		process.exitCode = 1;
		return;
	}
	heading('demo passed: every record was found, written, updated and deleted exactly as asked, every other record is untouched');
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
