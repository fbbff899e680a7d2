import nock from 'nock';

import { INSERT_PATH, NODE_NAME, ORIGIN, QUERY_PATH, UPDATE_PATH, recordWorkflow, run } from './helpers/node';

type Sent = { path: string; body: Record<string, unknown> };

const found = (records: Array<Record<string, unknown>>) => ({ code: '200', error: 'null', msg: `${records.length} records were are found`, data: records });
const created = (id: string) => ({ code: '200', error: 'null', msg: 'Record created successfully', data: { wolkvox_id: id } });
const updated = (id: string) => ({ code: 200, error: 'null', msg: 'Record updated successfully', data: { wolkvox_id: id } });

/** Answers query.php from `records` (by exact field value), insert.php and update.php; logs every request in order. */
function crm(records: Array<Record<string, unknown>>) {
	const sent: Sent[] = [];
	let next = 1;
	nock(ORIGIN)
		.persist()
		.post(/.*/)
		.reply((uri, raw) => {
			const body = raw as Record<string, unknown>;
			sent.push({ path: uri, body });
			const fields = body.fields as Record<string, unknown>;
			if (uri === QUERY_PATH) return [200, found(records.filter((record) => record[body.field as string] === body.value))];
			if (uri === INSERT_PATH) {
				const id = `new${next++}`;
				records.push({ ...fields, wolkvox_id: id });
				return [200, created(id)];
			}
			if (uri === UPDATE_PATH) return [200, updated(String(body['wolkvox-id']))];
			return [404, { code: 404, error: 'THE API YOU WANT TO CONSULT DOES NOT EXIST' }];
		});
	return sent;
}

const byEmail = (email: string, options: Record<string, unknown> = {}) => ({
	matchField: 'emailcontact',
	fieldsToSend: 'defineBelow',
	fieldValues: {
		field: [
			{ name: 'emailcontact', type: 'text', value: email },
			{ name: 'namecontact', type: 'text', value: 'Ana' },
		],
	},
	options,
});

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Record → Create or Update', () => {
	test('no match: 1 search by the match field, then 1 create; the output says created', async () => {
		const sent = crm([{ wolkvox_id: 'x', emailcontact: 'other@x.co' }]);
		const result = await run(recordWorkflow('upsert', byEmail('ana@x.co')));

		expect(result.status).toBe('success');
		expect(sent).toStrictEqual([
			{ path: QUERY_PATH, body: { operation: 'demo', module: 'contacts', field: 'emailcontact', value: 'ana@x.co' } },
			{ path: INSERT_PATH, body: { operation: 'demo', module: 'contacts', fields: { emailcontact: 'ana@x.co', namecontact: 'Ana' } } },
		]);
		expect(result.outputOf(NODE_NAME)).toStrictEqual([
			{ json: { ...created('new1'), wolkvox_id: 'new1', action: 'created' }, pairedItem: { item: 0 } },
		]);
	});

	test('one match: 1 search, then 1 update of that record', async () => {
		const sent = crm([{ wolkvox_id: '647f6ff1660dff48d803ffe6', emailcontact: 'ana@x.co' }]);
		const result = await run(recordWorkflow('upsert', byEmail('ana@x.co')));

		expect(sent.map((request) => request.path)).toStrictEqual([QUERY_PATH, UPDATE_PATH]);
		expect(sent[1].body).toStrictEqual({
			operation: 'demo',
			module: 'contacts',
			'wolkvox-id': '647f6ff1660dff48d803ffe6',
			fields: { emailcontact: 'ana@x.co', namecontact: 'Ana' },
		});
		expect(result.outputOf(NODE_NAME)).toStrictEqual([
			{ json: { ...updated('647f6ff1660dff48d803ffe6'), wolkvox_id: '647f6ff1660dff48d803ffe6', action: 'updated' }, pairedItem: { item: 0 } },
		]);
	});

	test('several matches: an error naming them, nothing written', async () => {
		const sent = crm([
			{ wolkvox_id: 'a1', emailcontact: 'ana@x.co' },
			{ wolkvox_id: 'b2', emailcontact: 'ana@x.co' },
		]);
		const result = await run(recordWorkflow('upsert', byEmail('ana@x.co')));

		expect(sent.map((request) => request.path)).toStrictEqual([QUERY_PATH]);
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe('2 records have emailcontact = "ana@x.co": a1, b2');
		expect(error.description).toBe(
			'Item 0: nothing was written. Choose a Match Field that is unique to one record, merge the duplicates in the CRM, or set On Multiple Matches to Update All.',
		);
	});

	test('several matches with Update All: 1 search + 1 update per match, one output item each, paired to the item', async () => {
		const sent = crm([
			{ wolkvox_id: 'a1', emailcontact: 'ana@x.co' },
			{ wolkvox_id: 'b2', emailcontact: 'ana@x.co' },
		]);
		const result = await run(recordWorkflow('upsert', byEmail('ana@x.co', { onMultipleMatches: 'updateAll' })));

		expect(sent.map((request) => [request.path, request.body['wolkvox-id']])).toStrictEqual([
			[QUERY_PATH, undefined],
			[UPDATE_PATH, 'a1'],
			[UPDATE_PATH, 'b2'],
		]);
		expect(result.outputOf(NODE_NAME).map((item) => [item.json.wolkvox_id, item.json.action, item.pairedItem])).toStrictEqual([
			['a1', 'updated', { item: 0 }],
			['b2', 'updated', { item: 0 }],
		]);
	});

	test('a record the API returns although its field holds something else (a partial match) is not updated', async () => {
		nock(ORIGIN).post(QUERY_PATH).reply(200, found([{ wolkvox_id: 'a1', emailcontact: 'joana@x.co' }, { wolkvox_id: 'b2', emailcontact: 'ANA@x.co ' }]));
		const update = nock(ORIGIN).post(UPDATE_PATH, (body) => body['wolkvox-id'] === 'b2').reply(200, updated('b2'));
		const result = await run(recordWorkflow('upsert', byEmail('ana@x.co')));
		expect(update.isDone()).toBe(true);
		expect(result.outputOf(NODE_NAME)[0].json.action).toBe('updated');
	});

	test.each([
		['data missing', { code: '200', error: 'null', msg: '0 records were are found' }],
		['data an empty object', { code: 200, error: null, msg: '0 records were are found', data: {} }],
	])('no hits with %s: the record is created', async (_, answer) => {
		nock(ORIGIN).post(QUERY_PATH).reply(200, answer);
		const insert = nock(ORIGIN).post(INSERT_PATH).reply(200, created('n1'));
		const result = await run(recordWorkflow('upsert', byEmail('ana@x.co')));
		expect(insert.isDone()).toBe(true);
		expect(result.outputOf(NODE_NAME)[0].json).toMatchObject({ wolkvox_id: 'n1', action: 'created' });
	});

	test('one record as an object in data is one match', async () => {
		nock(ORIGIN).post(QUERY_PATH).reply(200, { code: '200', error: 'null', msg: '1 records were are found', data: { wolkvox_id: 'a1', emailcontact: 'ana@x.co' } });
		const update = nock(ORIGIN).post(UPDATE_PATH).reply(200, updated('a1'));
		await run(recordWorkflow('upsert', byEmail('ana@x.co')));
		expect(update.isDone()).toBe(true);
	});

	test('a typed match value is searched by its value; the match field name is byte-exact', async () => {
		const sent = crm([]);
		await run(
			recordWorkflow('upsert', {
				matchField: 'Teléfono ',
				fieldsToSend: 'mapAutomatically',
			}, [{ json: { 'Teléfono ': { type: 'telephone', value: '3001234567', country: 'Colombia', code: '57' } } }]),
		);
		expect(sent[0].body).toStrictEqual({ operation: 'demo', module: 'contacts', field: 'Teléfono ', value: '3001234567' });
	});

	test('the match field missing from the fields: an error naming the item and the field, nothing sent', async () => {
		const sent = crm([]);
		const result = await run(
			recordWorkflow('upsert', { ...byEmail('ana@x.co'), matchField: 'idcontact' }, [{ json: {} }, { json: {} }], 'continueRegularOutput'),
		);
		expect(sent).toHaveLength(0);
		expect(result.outputOf(NODE_NAME)[1]).toStrictEqual({
			json: {
				error: 'The fields to write have no value for the match field "idcontact"',
				details: 'Item 1: the node searches by the value it writes to "idcontact", so that field must be among the fields sent, with a text or number value. Add it, or choose another Match Field.',
			},
			pairedItem: { item: 1 },
		});
	});

	test('two items with the same match value, 2 in flight: the second finds what the first created', async () => {
		const sent = crm([]);
		const result = await run(
			recordWorkflow('upsert', { ...byEmail('={{ $json.email }}'), options: { concurrency: 2 } }, [
				{ json: { email: 'ana@x.co' } },
				{ json: { email: 'ana@x.co' } },
			]),
		);
		expect(sent.map((request) => request.path)).toStrictEqual([QUERY_PATH, INSERT_PATH, QUERY_PATH, UPDATE_PATH]);
		expect(result.outputOf(NODE_NAME).map((item) => [item.json.action, item.pairedItem])).toStrictEqual([
			['created', { item: 0 }],
			['updated', { item: 1 }],
		]);
	});

	test('a lost create answer after the search: exactly 1 create, "may have been created"', async () => {
		nock(ORIGIN).post(QUERY_PATH).reply(200, found([]));
		nock(ORIGIN).post(INSERT_PATH).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
		const again = nock(ORIGIN).post(INSERT_PATH).reply(200, created('dup'));
		const result = await run(recordWorkflow('upsert', byEmail('ana@x.co', { maxRetryWait: 0.01 })));
		expect(again.isDone()).toBe(false);
		expect(result.nodeError(NODE_NAME)!.message).toBe('The record may have been created: the answer to the create request was lost');
	});
});
