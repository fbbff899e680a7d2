/**
 * The editor's load methods of node version 2 against the sandbox, through n8n-core's
 * LoadOptionsContext and the real transport: the modules offered, the fields of a module and
 * their types, what is left out, the calls spent, and the notices when nothing can be offered.
 */
import type { INodeParameters, ResourceMapperField } from 'n8n-workflow';

import { mapperField } from '../nodes/WolkvoxCrm/helpers/fieldKinds';
import { LOAD_COST, SAMPLE_RANGE, SAMPLE_SIZE } from '../nodes/WolkvoxCrm/methods/fields';
import { methods } from '../nodes/WolkvoxCrm/methods';
import { WolkvoxCrm } from '../nodes/WolkvoxCrm/WolkvoxCrm.node';
import seed from '../sandbox/seed.json';
import { startSandbox } from '../sandbox/server';
import { loadContext } from './helpers/loadOptions';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandbox: Sandbox;


beforeAll(async () => {
	sandbox = await startSandbox({ seed: { operations: { ...seed.operations, vacio: { Vacia: [] } } } });
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	// reset() keeps the configuration: put back the defaults a test may have changed.
	sandbox.configure({ faults: null, dailyQuota: 4800, quotaUsed: 0 });
	sandbox.reset();
});

const credentials = (crmOperation = 'demo') => ({ server: sandbox.url, token: sandbox.token, crmOperation });
const byName = (value: string) => ({ __rl: true, mode: 'name', value });
const fromList = (value: string) => ({ __rl: true, mode: 'list', value });

async function mappingFields(parameters: INodeParameters, crmOperation = 'demo') {
	const { context } = loadContext({ resource: 'record', operation: 'create', ...parameters }, credentials(crmOperation));
	return await methods.resourceMapping.getMappingFields.call(context);
}

async function fieldNames(parameters: INodeParameters, crmOperation = 'demo') {
	const { context } = loadContext({ resource: 'record', operation: 'upsert', ...parameters }, credentials(crmOperation));
	return await methods.loadOptions.getFieldNames.call(context);
}

const apiCalls = () => sandbox.log.filter((entry: { path: string }) => entry.path.includes('/server/API/'));

describe('Module → From List', () => {
	test('offers the documented modules, filtered by what the user types, without an API call', async () => {
		const { context } = loadContext({}, credentials());
		const all = await methods.listSearch.searchModules.call(context);
		expect(all.results.map((module) => module.value)).toStrictEqual(['wolkvox_activities', 'cases', 'collections', 'contacts', 'leads', 'opportunities']);
		expect((await methods.listSearch.searchModules.call(context, 'CONT')).results).toStrictEqual([{ name: 'Contacts', value: 'contacts' }]);
		expect((await methods.listSearch.searchModules.call(context, 'activ')).results).toStrictEqual([{ name: 'Activities', value: 'wolkvox_activities' }]);
		expect((await methods.listSearch.searchModules.call(context, 'Ventas')).results).toStrictEqual([]);
		expect(apiCalls()).toHaveLength(0);
	});
});

describe('Fields (the mapper) from sample records', () => {
	test('a module whose records fill different fields: the union of their fields, each with the kind its values show', async () => {
		const result = await mappingFields({ module: byName('Pedidos') });
		expect(result.fields).toStrictEqual([
			{ id: 'Cliente', displayName: 'Cliente (search)', required: false, defaultMatch: false, canBeUsedToMatch: true, display: true, type: undefined },
			{ id: 'Telefono de entrega', displayName: 'Telefono de entrega (telephone)', required: false, defaultMatch: false, canBeUsedToMatch: true, display: true, type: undefined },
			{ id: 'Direccion de entrega', displayName: 'Direccion de entrega (address)', required: false, defaultMatch: false, canBeUsedToMatch: true, display: true, type: undefined },
			{ id: 'Total', displayName: 'Total (currency)', required: false, defaultMatch: false, canBeUsedToMatch: true, display: true, type: undefined },
			{ id: 'Productos', displayName: 'Productos (table)', required: false, defaultMatch: false, canBeUsedToMatch: false, display: true, type: undefined },
			{ id: 'Oportunidad', displayName: 'Oportunidad (relation)', required: false, defaultMatch: false, canBeUsedToMatch: true, display: true, type: undefined },
			{ id: 'Cantidad', displayName: 'Cantidad', required: false, defaultMatch: false, canBeUsedToMatch: true, display: true, type: 'number' },
			{ id: 'Notas', displayName: 'Notas', required: false, defaultMatch: false, canBeUsedToMatch: true, display: true, type: 'string' },
			{ id: 'Cupón', displayName: 'Cupón', required: false, defaultMatch: false, canBeUsedToMatch: true, display: true, type: 'string' },
		] satisfies ResourceMapperField[]);
	});

	test('one load is one queryDates.php call of the token\'s quota, with the documented body', async () => {
		const before = sandbox.stats().tokenUseToday;
		const { context, requests } = loadContext({ resource: 'record', operation: 'create', module: fromList('contacts') }, credentials());
		const result = await methods.resourceMapping.getMappingFields.call(context);
		expect(result.fields.map((field) => [field.id, field.displayName, field.type])).toStrictEqual([
			['namecontact', 'namecontact', 'string'],
			['telephonecontact', 'telephonecontact (telephone)', undefined],
			['idcontact', 'idcontact', 'string'],
			['emailcontact', 'emailcontact', 'string'],
			['Ciudad', 'Ciudad', 'string'],
		]);
		expect(sandbox.stats().tokenUseToday - before).toBe(1);
		expect(requests).toHaveLength(1);
		expect(requests[0].url).toBe('/server/API/v2/custom/queryDates.php');
		expect(requests[0].body).toStrictEqual({ operation: 'demo', module: 'contacts', date: true, ...SAMPLE_RANGE, limit: SAMPLE_SIZE });
		expect(requests[0].headers).toMatchObject({ 'Wolkvox-Token': sandbox.token });
	});

	test('system fields (wolkvox_*) are never offered; the module of a v1 workflow (plain text) is read too', async () => {
		const result = await mappingFields({ module: 'Ventas' });
		expect(result.fields.map((field) => field.displayName)).toStrictEqual(['Categoria', 'Producto', 'Precio (currency)', 'Tipo de cliente', 'Contacto (search)']);
		expect(result.fields.some((field) => field.id.startsWith('wolkvox'))).toBe(false);
	});

	test('the node\'s own CRM Operation wins over the credential\'s', async () => {
		const result = await mappingFields({ module: byName('Ventas'), crmOperation: 'ventas_co' }, 'demo');
		expect(result.fields.map((field) => field.id)).toContain('Programa académico');
	});

	test('an empty module: no fields and a notice that says so; still one call', async () => {
		const result = await mappingFields({ module: byName('Vacia') }, 'vacio');
		expect(result).toStrictEqual({ fields: [], emptyFieldsNotice: 'Module "Vacia" has no records to learn its fields from. Type the field names. Add the fields under Additional Fields.' });
		expect(apiCalls()).toHaveLength(1);
	});

	test('a failed load (unknown module) gives a notice naming the API\'s answer, after one call', async () => {
		const result = await mappingFields({ module: byName('Ventaz') });
		expect(result.fields).toStrictEqual([]);
		expect(result.emptyFieldsNotice).toMatch(/^Fields could not be loaded \(The wolkvox CRM API refused the request: MODULE NOT FOUND\)\. Type the field names\. Add the fields under Additional Fields\.$/);
		expect(apiCalls()).toHaveLength(1);
	});

	test('a server error is not retried in the editor: one call, and a notice', async () => {
		sandbox.configure({ faults: { rate: 1, kinds: ['http500'], seed: 1 } });
		const result = await mappingFields({ module: byName('Pedidos') });
		expect(result.fields).toStrictEqual([]);
		expect(result.emptyFieldsNotice).toContain('Fields could not be loaded');
		expect(apiCalls()).toHaveLength(1);
	});

	test('a quota refusal says the daily quota is used up', async () => {
		sandbox.configure({ dailyQuota: 50, quotaUsed: 50 });
		const result = await mappingFields({ module: byName('Pedidos') });
		expect(result).toStrictEqual({
			fields: [],
			emptyFieldsNotice: 'The token\'s daily quota is used up: fields cannot be loaded until it restarts. Type the field names. Add the fields under Additional Fields.',
		});
	});

	test('no module chosen, or no CRM Operation anywhere: a notice and no call', async () => {
		expect((await mappingFields({ module: fromList('') })).emptyFieldsNotice).toContain('Choose a module first');
		expect((await mappingFields({ module: byName('Pedidos') }, '')).emptyFieldsNotice).toContain('fill in CRM Operation');
		expect(apiCalls()).toHaveLength(0);
	});
});

describe('Match Field and Search\'s Field', () => {
	test('offer the sampled field names (not table fields), with the kind of typed ones', async () => {
		expect(await fieldNames({ module: byName('Pedidos') })).toStrictEqual([
			{ name: 'Cliente', value: 'Cliente', description: 'Kind: search' },
			{ name: 'Telefono de entrega', value: 'Telefono de entrega', description: 'Kind: telephone' },
			{ name: 'Direccion de entrega', value: 'Direccion de entrega', description: 'Kind: address' },
			{ name: 'Total', value: 'Total', description: 'Kind: currency' },
			{ name: 'Oportunidad', value: 'Oportunidad', description: 'Kind: relation' },
			{ name: 'Cantidad', value: 'Cantidad', description: 'Kind: number' },
			{ name: 'Notas', value: 'Notas', description: undefined },
			{ name: 'Cupón', value: 'Cupón', description: undefined },
		]);
		expect(apiCalls()).toHaveLength(1);
	});

	test('an empty module or a failed load: one entry that says what happened, with an empty value', async () => {
		expect(await fieldNames({ module: byName('Vacia') }, 'vacio')).toStrictEqual([
			{ name: 'Notice: Module "Vacia" has no records to learn its fields from. Type the field names.', value: '' },
		]);
		sandbox.configure({ dailyQuota: 50, quotaUsed: 50 });
		const [entry] = await fieldNames({ module: byName('Pedidos') });
		expect(entry).toStrictEqual({ name: 'Notice: The token\'s daily quota is used up: fields cannot be loaded until it restarts. Type the field names.', value: '' });
	});
});

describe('the description tells the cost of every load', () => {
	test('each field that loads from the CRM has the hint with its calls; the module list costs none', () => {
		const properties = new WolkvoxCrm().description.properties;
		const loading = properties.filter((property) => property.typeOptions?.loadOptionsMethod || property.typeOptions?.resourceMapper);
		expect(loading.map((property) => `${property.name}:${String(property.displayOptions?.show?.operation)}`).sort()).toStrictEqual([
			'field:search',
			'fieldMapping:create',
			'fieldMapping:update',
			'fieldMapping:upsert',
			'matchField:upsert',
		]);
		for (const property of loading) expect(property.hint).toBe(LOAD_COST);
		expect(LOAD_COST).toBe('Each load of this list spends 1 call of the token\'s daily quota (one sample of up to 30 records of the module)');
		expect(mapperField('Precio', 'currency').displayName).toBe('Precio (currency)');
	});
});
