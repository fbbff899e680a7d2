/**
 * Workflows saved with 0.2.0 (node version 1) run unchanged now that version 2 exists: every
 * example 0.2.0 shipped, as stored (frozen copies in test/fixtures/examples-0.2.0, so that later
 * edits of examples/ cannot hide a break), through n8n's engine against the sandbox, with the
 * outputs and the sandbox's records afterwards; and a v1 node that stored no operation still deletes (Delete
 * was version 1's default, and n8n stores only values that differ from the default).
 */
import { WolkvoxCrmApi } from '../credentials/WolkvoxCrmApi.credentials';
import createUpdateUpsertDelete from './fixtures/examples-0.2.0/create-update-upsert-delete.workflow.json';
import deleteContacts from './fixtures/examples-0.2.0/delete-contacts.workflow.json';
import deleteManyLeads from './fixtures/examples-0.2.0/delete-many-leads.workflow.json';
import newContactTrigger from './fixtures/examples-0.2.0/new-contact-trigger.workflow.json';
import searchThenDelete from './fixtures/examples-0.2.0/search-then-delete.workflow.json';
import { WolkvoxCrmTrigger } from '../nodes/WolkvoxCrmTrigger/WolkvoxCrmTrigger.node';
import { startSandbox } from '../sandbox/server';
import { Poller } from './engine';
import { deleteWorkflow, run } from './helpers/node';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
type Json = Record<string, unknown>;
let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({});
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

// The files as stored (a fresh copy per run, so that no test sees another's changes).
const STORED: Record<string, unknown> = {
	'create-update-upsert-delete': createUpdateUpsertDelete,
	'delete-contacts': deleteContacts,
	'delete-many-leads': deleteManyLeads,
	'new-contact-trigger': newContactTrigger,
	'search-then-delete': searchThenDelete,
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const example = (name: string): any => JSON.parse(JSON.stringify(STORED[name]));
const credentials = () => ({ server: sandbox.url, token: sandbox.token, crmOperation: '' });
const contactIds = () => (sandbox.records('demo', 'contacts') ?? []).map((record: Json) => record.wolkvox_id);
const apiPaths = () => sandbox.log.filter((entry: { path: string }) => entry.path.includes('/API/')).map((entry: { path: string }) => entry.path.replace(/^.*\/v2\//, ''));

test('every example is stored with node version 1', () => {
	for (const name of Object.keys(STORED)) {
		const nodes = example(name).nodes as Array<{ type: string; typeVersion: number }>;
		const ours = nodes.filter((candidate) => candidate.type.startsWith('n8n-nodes-wolkvox-crm.'));
		expect(ours.length).toBeGreaterThan(0);
		for (const node of ours) expect(node.typeVersion).toBe(1);
	}
});

describe('the 0.2.0 examples, as stored, against the sandbox', () => {
	test('create-update-upsert-delete: two contacts created, updated, found by e-mail and updated, then deleted', async () => {
		const before = contactIds();
		const result = await run(example('create-update-upsert-delete'), credentials());
		expect(result.status).toBe('success');
		const created = result.outputOf('Create contact').map((item) => item.json.wolkvox_id);
		expect(created).toHaveLength(2);
		expect(result.outputOf('Create contact').map((item) => [item.json.msg, item.pairedItem])).toStrictEqual([
			['Record created successfully', { item: 0 }],
			['Record created successfully', { item: 1 }],
		]);
		expect(result.outputOf('Update contact').map((item) => [item.json.wolkvox_id, item.json.msg])).toStrictEqual(created.map((id) => [id, 'Record updated successfully']));
		expect(result.outputOf('Create or update contact').map((item) => [item.json.wolkvox_id, item.json.action])).toStrictEqual(created.map((id) => [id, 'updated']));
		expect(result.outputOf('Delete contact').map((item) => item.json.data)).toStrictEqual(created.map((id) => ({ wolkvox_id: [id] })));
		expect(apiPaths()).toStrictEqual([
			'custom/insert.php', 'custom/insert.php',
			'custom/update.php', 'custom/update.php',
			'custom/query.php', 'custom/update.php', 'custom/query.php', 'custom/update.php',
			'custom/delete.php', 'custom/delete.php',
		]);
		expect(contactIds()).toStrictEqual(before);
	});

	test('delete-contacts: the three pinned contacts are deleted, one request each', async () => {
		const result = await run(example('delete-contacts'), credentials());
		expect(result.status).toBe('success');
		const gone = ['647f8371e5c917f858c55c2c', '64b7ef5c1573221af8ba34d7', '64cacd336543c320853e308a'];
		expect(result.outputOf('Delete contact').map((item) => [item.json.data, item.pairedItem])).toStrictEqual(gone.map((id, item) => [{ wolkvox_id: [id] }, { item }]));
		expect(contactIds().filter((id: unknown) => gone.includes(id as string))).toStrictEqual([]);
		expect(contactIds()).toHaveLength(9);
	});

	test('delete-many-leads: both leads in one multiple delete', async () => {
		const result = await run(example('delete-many-leads'), credentials());
		expect(result.status).toBe('success');
		expect(result.outputOf('Delete leads').map((item) => item.json.data)).toStrictEqual([{ wolkvox_id: ['67222b10bcfa63c848d2c78c', '6751fb8662134b45fa623aef'] }]);
		expect(apiPaths()).toStrictEqual(['custom/delete.php']);
		expect(sandbox.records('demo', 'leads')).toHaveLength(4);
	});

	test('search-then-delete: the contacts of Medellín are found (simplified) and deleted', async () => {
		const result = await run(example('search-then-delete'), credentials());
		expect(result.status).toBe('success');
		const found = result.outputOf('Find contacts in Medellín');
		expect(found.map((item) => [item.json.namecontact, item.json.telephonecontact])).toStrictEqual([
			['Valentina Ospina Restrepo', '3004567812'],
			['Mateo Gómez Salazar', '3209981134'],
			['Luciana Castro Bermúdez', '3045559012'],
		]);
		expect(result.outputOf('Delete found contacts')).toHaveLength(3);
		expect((sandbox.records('demo', 'contacts') ?? []).filter((record: Json) => record.Ciudad === 'Medellín')).toStrictEqual([]);
	});

	test('new-contact-trigger: the stored trigger polls module contacts of operation demo', async () => {
		const stored = example('new-contact-trigger');
		// The trigger node as stored; the Set node after it is n8n's and plays no part in a poll.
		const trigger = stored.nodes.find((node: { name: string }) => node.name === 'New contact');
		expect(trigger.typeVersion).toBe(1);
		const poller = new Poller({
			workflow: { ...stored, nodes: [trigger], connections: {} },
			nodeName: 'New contact',
			nodeTypes: { 'n8n-nodes-wolkvox-crm.wolkvoxCrmTrigger': new WolkvoxCrmTrigger() },
			credentialTypes: { wolkvoxCrmApi: new WolkvoxCrmApi() },
			credentials: { wolkvoxCrmApi: credentials() },
		});
		const { error } = await poller.poll('manual');
		expect(error).toBeUndefined();
		const bodies = poller.authenticatedRequests.map((request) => request.body as Json);
		expect(bodies.length).toBeGreaterThan(0);
		for (const body of bodies) expect([body.operation, body.module]).toStrictEqual(['demo', 'contacts']);
	});
});

describe('the default operation', () => {
	test('a version 1 node with no operation stored still deletes (0.2.0\'s default)', async () => {
		const workflow = deleteWorkflow({ crmOperation: 'demo', module: 'contacts', recordIds: '647f8371e5c917f858c55c2c' });
		const node = workflow.nodes[1];
		delete (node.parameters as Json).operation;
		expect(node.typeVersion).toBe(1);
		const result = await run(workflow, credentials());
		expect(result.status).toBe('success');
		expect(apiPaths()).toStrictEqual(['custom/delete.php']);
		expect(contactIds()).not.toContain('647f8371e5c917f858c55c2c');
	});

	test('a version 2 node with no operation stored searches (nothing is deleted)', async () => {
		const workflow = deleteWorkflow({ crmOperation: 'demo', module: { __rl: true, mode: 'list', value: 'contacts' }, field: 'Ciudad', value: 'Cali' });
		const node = workflow.nodes[1];
		delete (node.parameters as Json).operation;
		node.typeVersion = 2;
		const result = await run(workflow, credentials());
		expect(result.status).toBe('success');
		expect(apiPaths()).toStrictEqual(['custom/query.php']);
		expect(contactIds()).toHaveLength(12);
	});
});
