/**
 * Node version 2 through n8n's engine against the sandbox: the module as a resource locator
 * (from the list, by name, by expression), the field mapper's values per item and with Batch
 * Across Items (the same `fields` either way, so the same requests as version 1 would send),
 * Map Automatically, Additional Fields, and the errors a user can make.
 */
import type { INodeParameters, ResourceMapperField } from 'n8n-workflow';

import { fieldsOfRecords, mapperField } from '../nodes/WolkvoxCrm/helpers/fieldKinds';
import { WolkvoxCrmApi } from '../credentials/WolkvoxCrmApi.credentials';
import { WolkvoxCrmTrigger } from '../nodes/WolkvoxCrmTrigger/WolkvoxCrmTrigger.node';
import { startSandbox } from '../sandbox/server';
import { Poller } from './engine';
import { deleteWorkflow, NODE_NAME, run, type InputItem } from './helpers/node';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
type Json = Record<string, unknown>;
let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({});
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

const credentials = () => ({ server: sandbox.url, token: sandbox.token, crmOperation: 'demo' });
const byName = (value: string) => ({ __rl: true, mode: 'name', value });
const fromList = (value: string) => ({ __rl: true, mode: 'list', value });

/** The schema the editor stores: the fields the load method offers for this module's records. */
const schemaOf = (operation: string, module: string): ResourceMapperField[] =>
	fieldsOfRecords(sandbox.records(operation, module) ?? []).map(({ name, kind }) => mapperField(name, kind));

function v2Workflow(parameters: Json, items: InputItem[] = [{ json: {} }], onError: 'stopWorkflow' | 'continueRegularOutput' = 'stopWorkflow') {
	const workflow = deleteWorkflow(parameters as INodeParameters, [], onError);
	workflow.nodes[1].typeVersion = 2;
	return { ...workflow, pinData: { 'When clicking Execute': items as never } };
}

async function runV2(parameters: Json, items?: InputItem[], onError?: 'stopWorkflow' | 'continueRegularOutput') {
	const result = await run(v2Workflow(parameters, items, onError), credentials());
	const requests = result.authenticatedRequests.map((request) => ({ path: String(request.url).replace(/^.*\/v2\//, ''), body: request.body as Json }));
	return { result, requests };
}

const orders: InputItem[] = [
	{ json: { cliente: 'Ana Restrepo', tel: '3001234567', n: 4 } },
	{ json: { cliente: 'Luis Mora', tel: '3157654321', n: '2' } },
];

/** Fields → Map Each Field Below for module Pedidos, with every typed kind. */
const orderMapping = () => ({
	mappingMode: 'defineBelow',
	value: {
		Cliente: '={{ $json.cliente }}',
		'Telefono de entrega': '={{ $json.tel }}',
		'Direccion de entrega': 'Calle 145a #12-60',
		Total: '43500',
		Productos: '[{"Producto": "Arepa"}]',
		Oportunidad: '={{ { value: "Pedido Q4", value_id: "66f1f9657022ff5baf6dae2f", searchModuleName: "opportunities" } }}',
		Cantidad: '={{ $json.n }}',
		Notas: '',
		'Cupón': null,
	},
	matchingColumns: [],
	schema: schemaOf('demo', 'Pedidos'),
	attemptToConvertTypes: false,
	convertFieldsToString: false,
});

const orderFields = (cliente: string, tel: string, cantidad: number) => ({
	Cliente: { type: 'search', value: cliente },
	'Telefono de entrega': { type: 'telephone', value: tel },
	'Direccion de entrega': { type: 'address', value: 'Calle 145a #12-60' },
	Total: { type: 'currency', value: '43500', convert: 43500 },
	Productos: { type: 'table', value: [{ Producto: 'Arepa' }] },
	Oportunidad: { type: 'relation', value: 'Pedido Q4', value_id: '66f1f9657022ff5baf6dae2f', searchModuleName: 'opportunities' },
	Cantidad: cantidad,
	Canal: 'web',
});

const createOrders = (options: Json = {}) => ({
	operation: 'create',
	module: byName('Pedidos'),
	fieldMapping: orderMapping(),
	additionalFields: { field: [{ name: 'Canal', type: 'text', value: 'web' }] },
	options,
});

describe('Create with the field mapper', () => {
	test('per item: each mapped value is sent as its field\'s kind; empty values are not sent; Additional Fields join them', async () => {
		const { result, requests } = await runV2(createOrders(), orders);
		expect(result.status).toBe('success');
		expect(requests).toStrictEqual([
			{ path: 'custom/insert.php', body: { operation: 'demo', module: 'Pedidos', fields: orderFields('Ana Restrepo', '3001234567', 4) } },
			{ path: 'custom/insert.php', body: { operation: 'demo', module: 'Pedidos', fields: orderFields('Luis Mora', '3157654321', 2) } },
		]);
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => [item.json.msg, item.pairedItem])).toStrictEqual([
			['Record created successfully', { item: 0 }],
			['Record created successfully', { item: 1 }],
		]);
		const stored = (sandbox.records('demo', 'Pedidos') ?? []).slice(3);
		expect(stored.map((record: Json) => [record.wolkvox_id, record.Cantidad, record.Canal])).toStrictEqual([
			[output[0].json.wolkvox_id, 4, 'web'],
			[output[1].json.wolkvox_id, 2, 'web'],
		]);
	});

	test('Batch Across Items: one insertMany.php holding exactly the fields the per-item requests send', async () => {
		const { result, requests } = await runV2(createOrders({ batchAcrossItems: true }), orders);
		expect(result.status).toBe('success');
		expect(requests).toStrictEqual([
			{
				path: 'custom/insertMany.php',
				body: { operation: 'demo', module: 'Pedidos', fields: [orderFields('Ana Restrepo', '3001234567', 4), orderFields('Luis Mora', '3157654321', 2)] },
			},
		]);
		expect(result.outputOf(NODE_NAME).map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }, { item: 1 }]);
		expect(sandbox.records('demo', 'Pedidos')).toHaveLength(5);
	});

	test('Map Automatically: the input item\'s fields but the system ones, typed by the schema', async () => {
		const contact = {
			namecontact: 'Ana Restrepo',
			telephonecontact: '3001234567',
			emailcontact: 'ana@example.com',
			wolkvox_id: '647f8371e5c917f858c55c2c',
			wolkvox_fecha_creacion: '2023-06-06 14:05:21',
			wolkvox_owner: { user: 'lmora_@demo' },
			extra: { a: 1 },
		};
		const { requests } = await runV2(
			{ operation: 'create', module: fromList('contacts'), fieldMapping: { mappingMode: 'autoMapInputData', value: null, matchingColumns: [], schema: schemaOf('demo', 'contacts') } },
			[{ json: contact }],
		);
		expect(requests).toStrictEqual([
			{
				path: 'custom/insert.php',
				body: {
					operation: 'demo',
					module: 'contacts',
					fields: { namecontact: 'Ana Restrepo', telephonecontact: { type: 'telephone', value: '3001234567' }, emailcontact: 'ana@example.com', extra: { a: 1 } },
				},
			},
		]);
	});
});

describe('Update and Create or Update with the field mapper', () => {
	const contactMapping = (value: Json) => ({ mappingMode: 'defineBelow', value, matchingColumns: [], schema: schemaOf('demo', 'contacts') });
	const ids = ['647f8371e5c917f858c55c2c', '64b7ef5c1573221af8ba34d7'];
	const people: InputItem[] = ids.map((id, index) => ({ json: { id, phone: `300000000${index}`, country: 'Colombia' } }));

	test('per item and batched: the same fields, the record id where each endpoint wants it', async () => {
		const parameters = (options: Json) => ({
			operation: 'update',
			module: fromList('contacts'),
			recordId: '={{ $json.id }}',
			fieldMapping: contactMapping({
				'Tipo de cliente': undefined,
				telephonecontact: '={{ { value: $json.phone, country: $json.country, code: "57" } }}',
				Ciudad: 'Bogotá',
			}),
			options,
		});
		const phone = (index: number) => ({ type: 'telephone', value: `300000000${index}`, country: 'Colombia', code: '57' });
		const perItem = await runV2(parameters({}), people);
		expect(perItem.requests).toStrictEqual(
			ids.map((id, index) => ({ path: 'custom/update.php', body: { operation: 'demo', module: 'contacts', 'wolkvox-id': id, fields: { telephonecontact: phone(index), Ciudad: 'Bogotá' } } })),
		);
		sandbox.reset();
		const batched = await runV2(parameters({ batchAcrossItems: true }), people);
		expect(batched.requests).toStrictEqual([
			{
				path: 'custom/updateMany.php',
				body: { operation: 'demo', module: 'contacts', fields: ids.map((id, index) => ({ 'wolkvox-id': id, telephonecontact: phone(index), Ciudad: 'Bogotá' })) },
			},
		]);
		const stored = (sandbox.records('demo', 'contacts') ?? []).filter((record: Json) => ids.includes(record.wolkvox_id as string));
		expect(stored.map((record: Json) => record.Ciudad)).toStrictEqual(['Bogotá', 'Bogotá']);
	});

	test('Create or Update: the picked Match Field is searched by the value the mapper writes to it', async () => {
		const { result, requests } = await runV2({
			operation: 'upsert',
			module: byName('contacts'),
			matchField: 'emailcontact',
			fieldMapping: contactMapping({ emailcontact: 'valentina.ospina@gmail.com', Ciudad: 'Envigado' }),
		});
		expect(requests).toStrictEqual([
			{ path: 'custom/query.php', body: { operation: 'demo', module: 'contacts', field: 'emailcontact', value: 'valentina.ospina@gmail.com' } },
			{ path: 'custom/update.php', body: { operation: 'demo', module: 'contacts', 'wolkvox-id': ids[0], fields: { emailcontact: 'valentina.ospina@gmail.com', Ciudad: 'Envigado' } } },
		]);
		expect(result.outputOf(NODE_NAME)[0].json.action).toBe('updated');
	});
});

describe('Module as a resource locator', () => {
	test('Search: from the list, and by name per item through an expression', async () => {
		const { requests } = await runV2(
			{ operation: 'search', module: byName('={{ $json.module }}'), field: 'Categoria', value: 'Arepas', returnAll: true },
			[{ json: { module: 'Ventas' } }, { json: { module: 'contacts' } }],
		);
		expect(requests.map((request) => request.body.module)).toStrictEqual(['Ventas', 'contacts']);
		const listed = await runV2({ operation: 'search', module: fromList('leads'), field: 'empresa', value: 'x' });
		expect(listed.requests).toStrictEqual([{ path: 'custom/query.php', body: { operation: 'demo', module: 'leads', field: 'empresa', value: 'x' } }]);
	});

	test('the trigger (version 2) polls the module picked from the list, or given by name', async () => {
		for (const module of [fromList('contacts'), byName('Ventas')]) {
			const trigger = {
				id: 'trigger',
				name: 'New record',
				type: 'n8n-nodes-wolkvox-crm.wolkvoxCrmTrigger',
				typeVersion: 2,
				position: [0, 0],
				parameters: { crmOperation: 'demo', module, event: 'newRecord' },
				credentials: { wolkvoxCrmApi: { id: '1', name: 'Wolkvox CRM account' } },
			};
			const poller = new Poller({
				workflow: { nodes: [trigger], connections: {} },
				nodeName: 'New record',
				nodeTypes: { 'n8n-nodes-wolkvox-crm.wolkvoxCrmTrigger': new WolkvoxCrmTrigger() },
				credentialTypes: { wolkvoxCrmApi: new WolkvoxCrmApi() },
				credentials: { wolkvoxCrmApi: credentials() },
			});
			const { error } = await poller.poll('manual');
			expect(error).toBeUndefined();
			const bodies = poller.authenticatedRequests.map((request) => request.body as Json);
			expect(bodies.length).toBeGreaterThan(0);
			for (const body of bodies) expect([body.operation, body.module]).toStrictEqual(['demo', module.value]);
		}
	});

	test('no module chosen: n8n itself refuses to run the node (the locator is required), nothing is sent', async () => {
		await expect(runV2({ operation: 'delete', module: fromList(''), recordIds: '647f8371e5c917f858c55c2c' })).rejects.toThrow(
			'Parameter "Module" is required',
		);
		expect(sandbox.log).toStrictEqual([]);
	});
});

describe('mistakes in the fields', () => {
	test('a field in both Fields and Additional Fields, and an item with nothing to send, fail with what to fix', async () => {
		const both = await runV2(
			{
				operation: 'create',
				module: byName('Pedidos'),
				fieldMapping: { ...orderMapping(), value: { Notas: 'a' } },
				additionalFields: { field: [{ name: 'Notas', type: 'text', value: 'b' }] },
			},
			[{ json: {} }],
			'continueRegularOutput',
		);
		expect(both.result.outputOf(NODE_NAME).map((item) => item.json.error)).toStrictEqual([
			'The field "Notas" is given both in Fields and in Additional Fields: keep one of them',
		]);
		// The mapper untouched (as a new node stores it), only Additional Fields: they are enough.
		const extraOnly = await runV2({
			operation: 'create',
			module: byName('Pedidos'),
			additionalFields: { field: [{ name: 'Campo nuevo', type: 'number', value: '7' }] },
		});
		expect(extraOnly.requests).toStrictEqual([{ path: 'custom/insert.php', body: { operation: 'demo', module: 'Pedidos', fields: { 'Campo nuevo': 7 } } }]);
		const empty = await runV2({ operation: 'create', module: byName('Pedidos'), fieldMapping: { ...orderMapping(), value: { Notas: '' } } }, [{ json: {} }], 'continueRegularOutput');
		expect(empty.result.outputOf(NODE_NAME).map((item) => item.json.error)).toStrictEqual(['No fields to send']);
		expect([...both.requests, ...empty.requests]).toStrictEqual([]);
	});
});
