import nock from 'nock';

import { NODE_NAME, ORIGIN, USAGE_PATH, recordWorkflow, run, usageAnswer } from './helpers/node';

const INSERT_MANY = '/server/API/v2/custom/insertMany.php';
const UPDATE_MANY = '/server/API/v2/custom/updateMany.php';
const networkError = (code: string, message: string) => Object.assign(new Error(message), { code });

type Body = { operation: string; module: string; fields: Array<Record<string, unknown>> };

/** Answers each request with `answer(body)` (default: success listing new ids), logging the bodies in order. */
function server(path: string, answer?: (body: Body, index: number) => [number, unknown] | Error | undefined) {
	const sent: Body[] = [];
	let next = 1;
	nock(ORIGIN)
		.persist()
		.post(path)
		.reply(function (_uri, raw, callback) {
			const body = raw as Body;
			sent.push(body);
			const reply = answer?.(body, sent.length - 1);
			if (reply instanceof Error) return callback(reply, [0, '']);
			if (reply) return callback(null, reply as nock.ReplyFnResult);
			const ids = body.fields.map((element) => String(element['wolkvox-id'] ?? `id${next++}`));
			callback(null, [200, { code: 200, error: 'null', msg: `${ids.length} records have been written`, data: { wolkvox_id: ids } }]);
		});
	return sent;
}

const names = (count: number) => Array.from({ length: count }, (_, index) => ({ json: { namecontact: `n${index}` } }));
const batched = (extra: Record<string, unknown> = {}) => ({
	fieldsToSend: 'mapAutomatically',
	options: { batchAcrossItems: true, maxRecordsPerRequest: 2, maxRetryWait: 0.01, ...extra },
});

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Create with Batch Across Items', () => {
	test('5 items, 2 per request: 3 insertMany.php requests with the records in order, one output per item with its id', async () => {
		const sent = server(INSERT_MANY);
		const result = await run(recordWorkflow('create', batched(), names(5)));

		expect(result.status).toBe('success');
		expect(sent).toStrictEqual([
			{ operation: 'demo', module: 'contacts', fields: [{ namecontact: 'n0' }, { namecontact: 'n1' }] },
			{ operation: 'demo', module: 'contacts', fields: [{ namecontact: 'n2' }, { namecontact: 'n3' }] },
			{ operation: 'demo', module: 'contacts', fields: [{ namecontact: 'n4' }] },
		]);
		expect(result.outputOf(NODE_NAME)[2]).toStrictEqual({
			json: { code: 200, error: 'null', msg: '2 records have been written', data: { wolkvox_id: 'id3' }, wolkvox_id: 'id3' },
			pairedItem: { item: 2 },
		});
		expect(result.outputOf(NODE_NAME).map((item) => [item.json.wolkvox_id, item.pairedItem])).toStrictEqual(
			['id1', 'id2', 'id3', 'id4', 'id5'].map((id, item) => [id, { item }]),
		);
	});

	test('a lost answer: that request is not sent again, its records "may have been created", the others go on', async () => {
		const sent = server(INSERT_MANY, (_body, index) => (index === 1 ? networkError('ECONNRESET', 'socket hang up') : undefined));
		const result = await run(recordWorkflow('create', batched(), names(5), 'continueRegularOutput'));

		expect(sent.map((body) => body.fields.map((fields) => fields.namecontact))).toStrictEqual([['n0', 'n1'], ['n2', 'n3'], ['n4']]);
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => item.pairedItem)).toStrictEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(output[2].json).toStrictEqual({
			error: 'The 2 records of this request may have been created: the answer to the create request was lost',
			details: expect.stringMatching(/^Item 2: The connection to crm0001\.wolkvox\.com was closed before an answer arrived\. The node does not send a create again/),
		});
		expect(output[3].json.error).toBe(output[2].json.error);
		expect(output[3].json.details).toMatch(/^Item 3: /);
		expect([output[0], output[1], output[4]].map((item) => item.json.wolkvox_id)).toStrictEqual(['id1', 'id2', 'id3']);
	});

	test('without Continue On Fail a lost answer stops the node, saying what was already created', async () => {
		server(INSERT_MANY, (_body, index) => (index === 1 ? [500, { code: 500, error: 'INTERNAL ERROR', msg: '', data: null }] : undefined));
		const result = await run(recordWorkflow('create', batched(), names(5)));
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe('The 2 records of this request may have been created: the answer to the create request was lost');
		expect(error.description).toMatch(/^Item 2: /);
		expect(error.description).toMatch(/Before the node stopped, the API had confirmed 2 record\(s\) as created\.$/);
	});

	test('HTTP 416 (too many per request): the request is halved and every record is sent exactly once', async () => {
		const sent = server(INSERT_MANY, (body) =>
			body.fields.length > 1 ? [416, { code: 416, error: 'EXCEEDS THE MAXIMUM NUMBER OF RECORDS PER REQUEST (1)', msg: '', data: null }] : undefined,
		);
		const result = await run(recordWorkflow('create', batched({ maxRecordsPerRequest: 4 }), names(4)));
		expect(result.status).toBe('success');
		const created = sent.filter((body) => body.fields.length === 1).map((body) => body.fields[0].namecontact);
		expect(created).toStrictEqual(['n0', 'n1', 'n2', 'n3']);
	});

	test('a refused record is narrowed down: only its item fails, the others are created once', async () => {
		const sent = server(INSERT_MANY, (body) =>
			body.fields.some((fields) => fields.namecontact === 'n2')
				? [400, { code: 400, error: 'SOME PARAMETERS ARE INVALID', msg: 'bad field', data: null }]
				: undefined,
		);
		const result = await run(recordWorkflow('create', batched({ maxRecordsPerRequest: 4 }), names(4), 'continueRegularOutput'));
		const accepted = sent.filter((body) => !body.fields.some((fields) => fields.namecontact === 'n2'));
		expect(accepted.flatMap((body) => body.fields.map((fields) => fields.namecontact)).sort()).toStrictEqual(['n0', 'n1', 'n3']);
		const output = result.outputOf(NODE_NAME);
		expect(output[2].json).toStrictEqual({
			error: 'The record was not created: The wolkvox CRM API refused the request: SOME PARAMETERS ARE INVALID',
			details: expect.stringMatching(/^Item 2: A parameter is missing or malformed: check CRM Operation, Module, and the field names/),
		});
		expect(output.filter((item) => typeof item.json.wolkvox_id === 'string')).toHaveLength(3);
	});

	test.each([
		['lists no ids', { code: '200', error: 'null', msg: 'ok' }, { code: '200', error: 'null', msg: 'ok' }],
		['lists fewer ids than records', { code: 200, error: 'null', msg: 'ok', data: { wolkvox_id: ['x'] } }, undefined],
	])('an answer that %s: no id is made up', async (_, answer, expected) => {
		server(INSERT_MANY, () => [200, answer]);
		const result = await run(recordWorkflow('create', batched(), names(2), 'continueRegularOutput'));
		const output = result.outputOf(NODE_NAME);
		if (expected) expect(output[0].json).toStrictEqual(expected);
		else
			expect(output[0].json).toStrictEqual({
				error: 'It is unknown whether the record was created: the API answered success but listed 1 record IDs for the 2 records of the request, so it is unknown which of them were created',
				details: expect.stringMatching(/^Item 0: Before running it again, check whether the record exists/),
			});
	});

	test('Check Daily Quota First: the exact number of batched requests is checked before anything is sent', async () => {
		nock(ORIGIN).get(USAGE_PATH).query(true).reply(200, { ...usageAnswer, data: { ...usageAnswer.data, available_consumition_options: 2 } });
		const sent = server(INSERT_MANY);
		const result = await run(recordWorkflow('create', batched({ quotaGuard: true }), names(5)));
		expect(result.nodeError(NODE_NAME)!.message).toBe('This run needs 3 API call(s), but the token has only 2 left today');
		expect(sent).toHaveLength(0);
	});
});

describe('Update with Batch Across Items', () => {
	const updates = (ids: string[]) => ids.map((id, index) => ({ json: { id, namecontact: `n${index}` } }));
	const parameters = (extra: Record<string, unknown> = {}) => ({ ...batched(extra), recordId: '={{ $json.id }}', fieldsToExclude: 'id' });

	test('updateMany.php (POST): each element names its record with "wolkvox-id"; outputs per item', async () => {
		const sent = server(UPDATE_MANY);
		const result = await run(recordWorkflow('update', parameters(), updates(['a1', 'b2', 'c3'])));
		expect(sent).toStrictEqual([
			{ operation: 'demo', module: 'contacts', fields: [{ 'wolkvox-id': 'a1', namecontact: 'n0' }, { 'wolkvox-id': 'b2', namecontact: 'n1' }] },
			{ operation: 'demo', module: 'contacts', fields: [{ 'wolkvox-id': 'c3', namecontact: 'n2' }] },
		]);
		expect(result.outputOf(NODE_NAME).map((item) => [item.json.wolkvox_id, item.pairedItem])).toStrictEqual([
			['a1', { item: 0 }],
			['b2', { item: 1 }],
			['c3', { item: 2 }],
		]);
	});

	test('an unknown id the answer names: only its item fails, the rest of its request is sent again without it', async () => {
		const sent = server(UPDATE_MANY, (body) =>
			body.fields.some((element) => element['wolkvox-id'] === 'b2')
				? [404, { code: 404, error: 'RECORD NOT FOUND', msg: 'b2', data: { wolkvox_id: ['b2'] } }]
				: undefined,
		);
		const result = await run(recordWorkflow('update', parameters({ maxRecordsPerRequest: 3 }), updates(['a1', 'b2', 'c3']), 'continueRegularOutput'));
		expect(sent.map((body) => body.fields.map((element) => element['wolkvox-id']))).toStrictEqual([['a1', 'b2', 'c3'], ['a1', 'c3']]);
		const output = result.outputOf(NODE_NAME);
		expect(output[1].json.error).toBe('The record was not updated: The wolkvox CRM API refused the request: RECORD NOT FOUND');
		// Its own id, not the three of the request it was refused in.
		expect(output[1].json.details).toBe(
			'Item 1 (Record ID b2): Something named in the request does not exist: check CRM Operation, Module (as the CRM shows it) and that the Record ID exists. (HTTP 404, code 404, message "b2", the answer names b2)',
		);
		expect([output[0].json.wolkvox_id, output[2].json.wolkvox_id]).toStrictEqual(['a1', 'c3']);
	});

	test('a lost update answer is sent again (updates are safe to repeat)', async () => {
		const sent = server(UPDATE_MANY, (_body, index) => (index === 0 ? networkError('ECONNRESET', 'socket hang up') : undefined));
		const result = await run(recordWorkflow('update', parameters(), updates(['a1'])));
		expect(sent).toHaveLength(2);
		expect(result.outputOf(NODE_NAME)[0].json.wolkvox_id).toBe('a1');
	});

	test.each([
		['attachments', { attachmentProperties: 'data' }, {}, 'Attachments cannot be sent with Batch Across Items'],
		['a field named wolkvox-id', {}, { 'wolkvox-id': 'zz' }, 'A field named "wolkvox-id" cannot be sent with Batch Across Items'],
	])('%s with Batch Across Items: an error naming the item, nothing sent', async (_, options, extraJson, message) => {
		const sent = server(UPDATE_MANY);
		const result = await run(recordWorkflow('update', parameters(options), [{ json: { id: 'a1', n: 1, ...extraJson } }]));
		expect(result.nodeError(NODE_NAME)!.message).toBe(message);
		expect(result.nodeError(NODE_NAME)!.description).toMatch(/^Item 0: /);
		expect(sent).toHaveLength(0);
	});
});

describe('one request per item: quota and the batching hint', () => {
	test('Check Daily Quota First counts one call per item that can be sent (Create or Update: two)', async () => {
		nock(ORIGIN).get(USAGE_PATH).query(true).twice().reply(200, { ...usageAnswer, data: { ...usageAnswer.data, available_consumition_options: 5 } });
		const sent = server('/server/API/v2/custom/insert.php');
		const created = await run(recordWorkflow('create', { fieldsToSend: 'mapAutomatically', options: { quotaGuard: true } }, names(6)));
		expect(created.nodeError(NODE_NAME)!.message).toBe('This run needs 6 API call(s), but the token has only 5 left today');
		const upserted = await run(recordWorkflow('upsert', { matchField: 'namecontact', fieldsToSend: 'mapAutomatically', options: { quotaGuard: true } }, names(3)));
		expect(upserted.nodeError(NODE_NAME)!.message).toBe('This run needs 6 API call(s), but the token has only 5 left today');
		expect(sent).toHaveLength(0);
	});

	test('many creates one per item: a hint says how few requests Batch Across Items would need', async () => {
		nock(ORIGIN).persist().post('/server/API/v2/custom/insert.php').reply(200, { code: '200', error: 'null', msg: 'ok', data: { wolkvox_id: 'x' } });
		const result = await run(recordWorkflow('create', { fieldsToSend: 'mapAutomatically' }, names(25)));
		expect(result.hintsOf(NODE_NAME)).toContain(
			'25 items were sent one request each. With Batch Across Items (in the node options) the same run needs about 1 request(s).',
		);
	});
});
