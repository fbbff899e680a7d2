import nock from 'nock';

import { startSandbox } from '../sandbox/server';
import { CASE1, nodeWorkflow, pathsOf, runOn, type Sandbox } from './helpers/cases';
import { INSERT_PATH, NODE_NAME, ORIGIN, run } from './helpers/node';

const base = { resource: 'activity', operation: 'create', activityType: 'call', name: 'Llamada de seguimiento' };

let sandbox: Sandbox | undefined;
afterEach(async () => {
	await sandbox?.close();
	sandbox = undefined;
	nock.cleanAll();
	nock.enableNetConnect();
});

function captureInsert(answer: [number, unknown] = [200, { code: '200', error: 'null', msg: 'Record created successfully', data: { wolkvox_id: 'a1' } }]) {
	const bodies: unknown[] = [];
	nock(ORIGIN)
		.post(INSERT_PATH)
		.reply((_uri, body) => {
			bodies.push(body);
			return answer as [number, nock.Body];
		});
	return bodies;
}

describe('Activity → Create: the request', () => {
	test('type beside fields; the documented keys inside fields, dates as YYYY-MM-DD HH:MM:SS', async () => {
		nock.disableNetConnect();
		const bodies = captureInsert();
		const result = await run(
			nodeWorkflow({
				...base,
				additionalFields: {
					status: 'created',
					priority: 'high',
					completionDate: '2026-12-04T15:30',
					description: 'Llamó por el cobro doble',
					parentModule: 'cases',
					parentRecordId: CASE1,
					remember: true,
					reminderDate: '2026-12-05 09:00:00',
					location: 'Bogotá',
					phone: '3001234567',
					phoneCountry: 'Colombia',
					phoneCode: '57',
					participants: 'lmora_@demo, ADMIN_@demo',
				},
				extraFields: { field: [{ name: 'Resultado', value: 'Contactado' }] },
			}),
		);
		expect(result.status).toBe('success');
		expect(bodies).toStrictEqual([
			{
				operation: 'demo',
				module: 'wolkvox_activities',
				type: 'call',
				fields: {
					name: 'Llamada de seguimiento',
					status: 'created',
					priority: 'high',
					completion_date: '2026-12-04 15:30:00',
					description: 'Llamó por el cobro doble',
					name_module: 'cases',
					id_record: CASE1,
					remember: true,
					reminder_date: '2026-12-05 09:00:00',
					location: 'Bogotá',
					participants: ['lmora_@demo', 'ADMIN_@demo'],
					phone: { type: 'telephone', value: '3001234567', country: 'Colombia', code: '57' },
					Resultado: 'Contactado',
				},
			},
		]);
		expect(result.outputOf(NODE_NAME)[0]).toMatchObject({ json: { wolkvox_id: 'a1' }, pairedItem: { item: 0 } });
	});

	test('Type Sent to API replaces the type string', async () => {
		nock.disableNetConnect();
		const bodies = captureInsert();
		await run(nodeWorkflow({ ...base, activityType: 'meeting', additionalFields: { typeSent: 'reunion' } }));
		expect(bodies).toStrictEqual([{ operation: 'demo', module: 'wolkvox_activities', type: 'reunion', fields: { name: 'Llamada de seguimiento' } }]);
	});

	test('a date that is not one fails its item before anything is sent', async () => {
		sandbox = await startSandbox();
		const result = await runOn(sandbox, { ...base, additionalFields: { completionDate: 'mañana' } }, [{ json: {} }], 'continueRegularOutput');
		expect(result.outputOf(NODE_NAME)).toStrictEqual([
			{
				json: { error: 'Completion Date is not a date and time: "mañana"', details: 'Item 0: write Completion Date as YYYY-MM-DD HH:MM:SS, e.g. 2026-12-04 15:30:00; an ISO date such as 2026-12-04T15:30 is accepted too.' },
				pairedItem: { item: 0 },
			},
		]);
		expect(pathsOf(sandbox)).toStrictEqual([]);
	});

	test('an extra field without a name fails its item, naming the entry', async () => {
		sandbox = await startSandbox();
		const result = await runOn(sandbox, { ...base, extraFields: { field: [{ name: 'a', value: '1' }, { name: ' ', value: '2' }] } }, [{ json: {} }], 'continueRegularOutput');
		expect(result.outputOf(NODE_NAME)[0].json).toStrictEqual({
			error: 'The name of entry 2 of Extra Fields is empty',
			details: 'Item 0: fill in each entry of Extra Fields with the field name as the CRM shows it.',
		});
		expect(pathsOf(sandbox)).toStrictEqual([]);
	});
});

describe('Activity → Create against the sandbox', () => {
	test('the activity is stored in wolkvox_activities with its type, one per item', async () => {
		sandbox = await startSandbox();
		const result = await runOn(sandbox, { ...base, name: '={{ $json.n }}', additionalFields: { parentModule: 'cases', parentRecordId: CASE1 } }, [{ json: { n: 'a' } }, { json: { n: 'b' } }]);
		const stored = sandbox.records('demo', 'wolkvox_activities') as Array<Record<string, unknown>>;
		expect(stored.map((a) => [a.name, a.type, a.id_record])).toStrictEqual([['a', 'call', CASE1], ['b', 'call', CASE1]]);
		expect(result.outputOf(NODE_NAME).map((item) => [item.json.wolkvox_id, item.pairedItem])).toStrictEqual([
			[stored[0].wolkvox_id, { item: 0 }],
			[stored[1].wolkvox_id, { item: 1 }],
		]);
	});

	test('a lost answer is not resent: one request, "may have been created"', async () => {
		sandbox = await startSandbox();
		sandbox.configure({ faults: { rate: 1, kinds: ['http500'], afterCommit: true } });
		const result = await runOn(sandbox, { ...base, options: { maxRetryWait: 0.01 } });
		expect(result.status).toBe('error');
		expect(result.nodeError(NODE_NAME)).toMatchObject({ message: 'The activity may have been created: the answer to the create request was lost', context: { itemIndex: 0 } });
		expect(pathsOf(sandbox)).toStrictEqual(['custom/insert.php']);
		expect(sandbox.records('demo', 'wolkvox_activities')).toHaveLength(1);
	});
});
