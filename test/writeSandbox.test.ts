/**
 * Create, Update and Create or Update against the local sandbox over real HTTP on 127.0.0.1:
 * the records as the sandbox holds them afterwards, and the errors a workflow builder sees.
 */
import { startSandbox } from '../sandbox/server';
import { NODE_NAME, recordWorkflow, run, type InputItem } from './helpers/node';
import { MODULE, OPERATION, type Sandbox } from './helpers/sandbox';

let sandbox: Sandbox | undefined;
afterEach(async () => {
	await sandbox?.close();
	sandbox = undefined;
});

const seeded = [
	{ wolkvox_id: '647f6ff1660dff48d803ffe6', namecontact: 'Ana', emailcontact: 'ana@example.com' },
	{ wolkvox_id: '64cb1d2e9a7b3c4d5e6f7a8b', namecontact: 'Luis', emailcontact: 'luis@example.com' },
	{ wolkvox_id: '650a1b2c3d4e5f6a7b8c9d0e', namecontact: 'Luis Bis', emailcontact: 'luis@example.com' },
];

async function start(options = {}) {
	sandbox = await startSandbox({ ...options, seed: { operations: { [OPERATION]: { [MODULE]: seeded } } } });
	return sandbox;
}

const write = (target: Sandbox, operation: 'create' | 'update' | 'upsert', parameters: Record<string, unknown>, items?: InputItem[]) =>
	run(recordWorkflow(operation, { crmOperation: OPERATION, module: MODULE, options: { maxRetries: 0 }, ...parameters }, items, 'continueRegularOutput'), {
		server: target.url,
		token: target.token,
		crmOperation: '',
	});

const records = (target: Sandbox) => target.records(OPERATION, MODULE) as Array<Record<string, unknown>>;
const withoutSystemFields = (record: Record<string, unknown>) =>
	Object.fromEntries(Object.entries(record).filter(([key]) => !key.startsWith('wolkvox_')));

describe('writes against the sandbox', () => {
	test('Create: typed fields and byte-exact names are stored as sent; the output names the new record', async () => {
		const target = await start();
		const result = await write(target, 'create', {
			fieldsToSend: 'defineBelow',
			fieldValues: {
				field: [
					{ name: 'namecontact', type: 'text', value: 'Lucía' },
					{ name: 'telephonecontact', type: 'telephone', value: '3001234567', country: 'Colombia', code: '57' },
					{ name: 'Direccion', type: 'address', value: 'Calle 145a #12-60' },
					{ name: 'Etapa del ciclo de vida ', type: 'text', value: 'Lead' },
				],
			},
		});
		const [output] = result.outputOf(NODE_NAME);
		const created = records(target).find((record) => record.wolkvox_id === output.json.wolkvox_id);
		expect(output.pairedItem).toStrictEqual({ item: 0 });
		expect(withoutSystemFields(created!)).toStrictEqual({
			namecontact: 'Lucía',
			telephonecontact: { value: '3001234567', country: 'Colombia', code: '57' },
			Direccion: 'Calle 145a #12-60',
			'Etapa del ciclo de vida ': 'Lead',
		});
		expect(records(target)).toHaveLength(seeded.length + 1);
	});

	test('Create or Update: a new email creates, a known one updates, a duplicated one fails and writes nothing', async () => {
		const target = await start();
		const result = await write(
			target,
			'upsert',
			{ matchField: 'emailcontact', fieldsToSend: 'mapAutomatically' },
			[
				{ json: { emailcontact: 'new@example.com', namecontact: 'Nueva' } },
				{ json: { emailcontact: 'ana@example.com', namecontact: 'Ana María' } },
				{ json: { emailcontact: 'luis@example.com', namecontact: 'Luis?' } },
			],
		);
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => [item.json.action ?? item.json.error, item.pairedItem])).toStrictEqual([
			['created', { item: 0 }],
			['updated', { item: 1 }],
			['2 records have emailcontact = "luis@example.com": 64cb1d2e9a7b3c4d5e6f7a8b, 650a1b2c3d4e5f6a7b8c9d0e', { item: 2 }],
		]);
		const byEmail = (email: string) => records(target).filter((record) => record.emailcontact === email).map((record) => record.namecontact);
		expect(byEmail('new@example.com')).toStrictEqual(['Nueva']);
		expect(byEmail('ana@example.com')).toStrictEqual(['Ana María']);
		expect(byEmail('luis@example.com')).toStrictEqual(['Luis', 'Luis Bis']);
		const paths = target.log.map((entry: { path: string }) => entry.path.replace(/^.*custom\//, ''));
		expect(paths).toStrictEqual(['query.php', 'insert.php', 'query.php', 'update.php', 'query.php']);
	});

	test('Update: only the fields sent change; attachments arrive as their bytes', async () => {
		const target = await start();
		const file = (text: string) => ({ data: Buffer.from(text).toString('base64'), mimeType: 'text/plain', fileName: 'a.txt' });
		const result = await write(
			target,
			'update',
			{
				recordId: '={{ $json.id }}',
				fieldsToSend: 'defineBelow',
				fieldValues: { field: [{ name: 'Direccion', type: 'address', value: 'Calle 1' }] },
				options: { maxRetries: 0, attachmentProperties: 'data' },
			},
			[{ json: { id: seeded[0].wolkvox_id }, binary: { data: file('hello world') } }],
		);
		expect(result.outputOf(NODE_NAME)[0].json).toMatchObject({ msg: 'Record updated successfully', wolkvox_id: seeded[0].wolkvox_id });
		const record = records(target).find((candidate) => candidate.wolkvox_id === seeded[0].wolkvox_id)!;
		expect(withoutSystemFields(record)).toStrictEqual({ namecontact: 'Ana', emailcontact: 'ana@example.com', Direccion: 'Calle 1' });
		expect(record.wolkvox_attachments).toStrictEqual([{ bytes: 11 }]);
	});

	test('Update of an unknown record: the item says so, names the fix, nothing changes', async () => {
		const target = await start();
		const result = await write(target, 'update', {
			recordId: 'ffffffffffffffffffffffff',
			fieldsToSend: 'defineBelow',
			fieldValues: { field: [{ name: 'namecontact', value: 'x' }] },
		});
		expect(result.outputOf(NODE_NAME)[0].json).toStrictEqual({
			error: 'The wolkvox CRM API refused the request: RECORD NOT FOUND',
			details:
				'Item 0 (Record ID ffffffffffffffffffffffff): Something named in the request does not exist: check CRM Operation, Module (as the CRM shows it) and that the Record ID exists. (HTTP 404, code 404, message "The record(s) ffffffffffffffffffffffff do not exist", the answer names ffffffffffffffffffffffff)',
		});
		expect(records(target)).toStrictEqual(seeded);
	});

	test('Batch Across Items: a server that takes 30 records per request (416), Max Records 100: 250 creates, each once', async () => {
		const target = await start({ maxRecordsPerInsert: 30 });
		const items = Array.from({ length: 250 }, (_, index) => ({ json: { idcontact: `k${index}` } }));
		const result = await write(target, 'create', { fieldsToSend: 'mapAutomatically', options: { batchAcrossItems: true, maxRecordsPerRequest: 100 } }, items);
		const output = result.outputOf(NODE_NAME);
		const created = records(target).slice(seeded.length);
		expect(created.map((record) => record.idcontact)).toStrictEqual(items.map((item) => item.json.idcontact));
		expect(output.map((item) => item.json.wolkvox_id)).toStrictEqual(created.map((record) => record.wolkvox_id));
		const statuses = target.log.filter((entry) => entry.path.endsWith('insertMany.php')).map((entry) => entry.status);
		// 100 → 416, then 50 → 416, then 25 per request from there on.
		expect(statuses.filter((status) => status === 416)).toHaveLength(2);
		expect(statuses.filter((status) => status === 200)).toHaveLength(10);
	});

	test('Batch Across Items: updates through updateMany.php, an unknown id fails only its item', async () => {
		const target = await start();
		const ids = [seeded[0].wolkvox_id, 'ffffffffffffffffffffffff', seeded[1].wolkvox_id];
		const result = await write(
			target,
			'update',
			{ recordId: '={{ $json.id }}', fieldsToSend: 'mapAutomatically', fieldsToExclude: 'id', options: { batchAcrossItems: true } },
			ids.map((id, index) => ({ json: { id, 'Tipo de cliente': `T${index}` } })),
		);
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => item.json.wolkvox_id ?? item.json.error)).toStrictEqual([
			seeded[0].wolkvox_id,
			'The record was not updated: The wolkvox CRM API refused the request: RECORD NOT FOUND',
			seeded[1].wolkvox_id,
		]);
		expect(records(target).map((record) => record['Tipo de cliente'])).toStrictEqual(['T0', 'T2', undefined]);
	});
});
