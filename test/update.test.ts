import nock from 'nock';

import { NODE_NAME, ORIGIN, UPDATE_PATH, recordWorkflow, run, type InputItem } from './helpers/node';

type Captured = { body: Record<string, unknown> };

const updated = (id: string) => ({ code: 200, error: 'null', msg: 'Record updated successfully', data: { wolkvox_id: id } });

function captureUpdates(times = 1) {
	const captured: Captured[] = [];
	nock(ORIGIN)
		.post(UPDATE_PATH)
		.times(times)
		.reply((_uri, body) => {
			captured.push({ body: body as Record<string, unknown> });
			return [200, updated(String((body as Record<string, unknown>)['wolkvox-id']))];
		});
	return captured;
}

const defineBelow = (...field: Array<Record<string, unknown>>) => ({ fieldsToSend: 'defineBelow', fieldValues: { field } });
const networkError = (code: string, message: string) => Object.assign(new Error(message), { code });

/** A file as n8n keeps it in memory: base64 in `data`. */
const file = (text: string, fileName = 'note.txt') => ({ data: Buffer.from(text).toString('base64'), mimeType: 'text/plain', fileName });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Record → Update: the request', () => {
	test('POST custom/update.php with exactly operation, module, wolkvox-id and the typed fields', async () => {
		const captured = captureUpdates();
		const result = await run(
			recordWorkflow('update', {
				recordId: ' 647f6ff1660dff48d803ffe6 ',
				...defineBelow(
					{ name: 'Tipo de cliente', type: 'text', value: 'VIP' },
					{ name: 'Direccion', type: 'address', value: 'Calle 145a #12-60' },
				),
			}),
		);

		expect(result.status).toBe('success');
		expect(captured[0].body).toStrictEqual({
			operation: 'demo',
			module: 'contacts',
			'wolkvox-id': '647f6ff1660dff48d803ffe6',
			fields: { 'Tipo de cliente': 'VIP', Direccion: { type: 'address', value: 'Calle 145a #12-60' } },
		});
		expect(result.outputOf(NODE_NAME)).toStrictEqual([
			{ json: { ...updated('647f6ff1660dff48d803ffe6'), wolkvox_id: '647f6ff1660dff48d803ffe6' }, pairedItem: { item: 0 } },
		]);
	});

	test('Map Automatically from search results: the id from an expression, the wolkvox_* fields excluded', async () => {
		const captured = captureUpdates(2);
		const items = [
			{ json: { wolkvox_id: 'a1', wolkvox_fecha_creacion: '2024-01-01 00:00:00', emailcontact: 'ana@x.co' } },
			{ json: { wolkvox_id: 'b2', wolkvox_fecha_creacion: '2024-01-02 00:00:00', emailcontact: 'luis@x.co' } },
		];
		const result = await run(
			recordWorkflow(
				'update',
				{ recordId: '={{ $json.wolkvox_id }}', fieldsToSend: 'mapAutomatically', fieldsToExclude: 'wolkvox_id,wolkvox_fecha_creacion' },
				items,
			),
		);
		expect(captured.map((request) => request.body)).toStrictEqual([
			{ operation: 'demo', module: 'contacts', 'wolkvox-id': 'a1', fields: { emailcontact: 'ana@x.co' } },
			{ operation: 'demo', module: 'contacts', 'wolkvox-id': 'b2', fields: { emailcontact: 'luis@x.co' } },
		]);
		expect(result.outputOf(NODE_NAME).map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }, { item: 1 }]);
	});

	test('an answer that does not name the record is passed on as it came, without a wolkvox_id', async () => {
		const answer = { code: '200', error: 'null', msg: 'ok' };
		nock(ORIGIN).post(UPDATE_PATH).reply(200, answer);
		const result = await run(recordWorkflow('update', { recordId: 'a1', ...defineBelow({ name: 'n', value: 'v' }) }));
		expect(result.outputOf(NODE_NAME)).toStrictEqual([{ json: answer, pairedItem: { item: 0 } }]);
	});

	test('an update whose answer was lost is safe to send again: 2 requests, one success', async () => {
		nock(ORIGIN).post(UPDATE_PATH).replyWithError(networkError('ECONNRESET', 'socket hang up'));
		const captured = captureUpdates();
		const result = await run(recordWorkflow('update', { recordId: 'a1', ...defineBelow({ name: 'n', value: 'v' }), options: { maxRetryWait: 0.01 } }));
		expect(result.status).toBe('success');
		expect(captured).toHaveLength(1);
		expect(result.outputOf(NODE_NAME)[0].json.wolkvox_id).toBe('a1');
	});
});

describe('Record → Update: the record ID', () => {
	test.each([
		['={{ "" }}', 'No record ID to update', /^Item 0: the Record ID field is empty for this item\./],
		['a1, b2', '2 record IDs were given, but Update takes one', /^Item 0: give one ID per item\./],
		['a1 b2', 'The record ID ("a1 b2") contains spaces, quotes or brackets. Separate IDs with commas or new lines, one ID each.', /^Item 0: fix the Record ID field\.$/],
	])('"%s": an error naming the item, nothing sent', async (recordId, message, description) => {
		const scope = nock(ORIGIN).post(UPDATE_PATH).reply(200, updated('a1'));
		const result = await run(recordWorkflow('update', { recordId, ...defineBelow({ name: 'n', value: 'v' }) }));
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe(message);
		expect(error.description).toMatch(description);
		expect(scope.isDone()).toBe(false);
	});
});

describe('Record → Update: attachments', () => {
	const withFiles = (binary: InputItem['binary']): InputItem[] => [{ json: {}, binary }];

	test('the named binary properties go base64-encoded in attachments, in the order named', async () => {
		const captured = captureUpdates();
		const result = await run(
			recordWorkflow(
				'update',
				{ recordId: 'a1', ...defineBelow({ name: 'n', value: 'v' }), options: { attachmentProperties: 'invoice, data' } },
				withFiles({ data: file('first file'), invoice: file('%PDF-1.4 invoice', 'invoice.pdf'), other: file('not asked for') }),
			),
		);
		expect(result.status).toBe('success');
		expect(captured[0].body).toStrictEqual({
			operation: 'demo',
			module: 'contacts',
			'wolkvox-id': 'a1',
			fields: { n: 'v' },
			attachments: [Buffer.from('%PDF-1.4 invoice').toString('base64'), Buffer.from('first file').toString('base64')],
		});
	});

	test('a file larger than Max Attachment Size fails its item before anything is sent, naming property and size', async () => {
		const scope = nock(ORIGIN).post(UPDATE_PATH).reply(200, updated('a1'));
		const result = await run(
			recordWorkflow(
				'update',
				{ recordId: 'a1', ...defineBelow({ name: 'n', value: 'v' }), options: { attachmentProperties: 'data', maxAttachmentMb: 0.001 } },
				withFiles({ data: file('x'.repeat(2000)) }),
			),
		);
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe('The attachment "data" is too large (0.0 MB, 2,000 bytes)');
		expect(error.description).toBe(
			'Item 0: the binary property "data" is 0.0 MB, 2,000 bytes, more than Max Attachment Size (0.001 MB). Nothing was sent for this item. Attach a smaller file, or raise Max Attachment Size if your CRM accepts larger files.',
		);
		expect(scope.isDone()).toBe(false);
	});

	test('a binary property the item does not have is an error naming it', async () => {
		const scope = nock(ORIGIN).post(UPDATE_PATH).reply(200, updated('a1'));
		const result = await run(
			recordWorkflow(
				'update',
				{ recordId: 'a1', ...defineBelow({ name: 'n', value: 'v' }), options: { attachmentProperties: 'Data' } },
				withFiles({ data: file('x') }),
			),
		);
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe('The input item has no binary property "Data"');
		expect(error.description).toMatch(/^Item 0: Binary Fields to Attach names "Data"/);
		expect(scope.isDone()).toBe(false);
	});

	test('with Continue On Fail only the item with the large file fails', async () => {
		const captured = captureUpdates();
		const result = await run(
			recordWorkflow(
				'update',
				{ recordId: '={{ $json.id }}', ...defineBelow({ name: 'n', value: 'v' }), options: { attachmentProperties: 'data', maxAttachmentMb: 0.001 } },
				[
					{ json: { id: 'a1' }, binary: { data: file('x'.repeat(5000)) } },
					{ json: { id: 'b2' }, binary: { data: file('small') } },
				],
				'continueRegularOutput',
			),
		);
		expect(captured.map((request) => request.body['wolkvox-id'])).toStrictEqual(['b2']);
		const output = result.outputOf(NODE_NAME);
		expect(output[0]).toMatchObject({ json: { error: 'The attachment "data" is too large (0.0 MB, 5,000 bytes)' }, pairedItem: { item: 0 } });
		expect(output[1]).toMatchObject({ json: { wolkvox_id: 'b2' }, pairedItem: { item: 1 } });
	});
});
