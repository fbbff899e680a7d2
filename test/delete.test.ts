import type { INodeParameters } from 'n8n-workflow';
import nock from 'nock';

import perItemFixture from './fixtures/delete-per-item.workflow.json';
import {
	DELETE_PATH,
	NODE_NAME,
	ORIGIN,
	TOKEN,
	credentials,
	deleteWorkflow,
	deletedAnswer,
	run,
} from './helpers/node';

type Captured = { body: unknown; headers: Record<string, unknown>; url: string };

/** Answers delete.php with the documented success body and records every request. */
function captureDeletes(origin = ORIGIN, times = 1) {
	const captured: Captured[] = [];
	nock(origin)
		.post(DELETE_PATH)
		.times(times)
		.reply(function (uri, body) {
			captured.push({ body, headers: { ...this.req.headers }, url: `${origin}${uri}` });
			const ids = (body as Record<string, unknown>)['wolkvox-id'];
			return [200, deletedAnswer(Array.isArray(ids) ? ids : [ids as string])];
		});
	return captured;
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Record → Delete: the request', () => {
	test('one id: POST custom/delete.php with exactly the documented body, token header and JSON content type', async () => {
		const captured = captureDeletes();
		const result = await run(deleteWorkflow({ recordIds: '647f6ff1660dff48d803ffe6' }));

		expect(result.status).toBe('success');
		expect(captured).toHaveLength(1);
		expect(captured[0].url).toBe('https://crm0001.wolkvox.com/server/API/v2/custom/delete.php');
		expect(captured[0].body).toStrictEqual({
			operation: 'demo',
			module: 'contacts',
			multiple: false,
			'wolkvox-id': '647f6ff1660dff48d803ffe6',
		});
		expect(captured[0].headers['wolkvox-token']).toBe(TOKEN);
		expect(captured[0].headers['content-type']).toBe('application/json');
		expect(result.outputOf(NODE_NAME)).toStrictEqual([
			{ json: deletedAnswer(['647f6ff1660dff48d803ffe6']), pairedItem: { item: 0 } },
		]);
	});

	test('Delete Multiple: the ids go as a JSON list, trimmed, empty entries skipped, order kept', async () => {
		const captured = captureDeletes();
		const result = await run(
			deleteWorkflow({
				multiple: true,
				module: 'Ventas',
				crmOperation: 'ventas_co',
				recordIds: ' 647f6ff1660dff48d803ffe6,\n64cb1d2e9a7b3c4d5e6f7a8b ,, \r\n650a1b2c3d4e5f6a7b8c9d0e\n',
			}),
		);

		expect(result.status).toBe('success');
		expect(captured[0].body).toStrictEqual({
			operation: 'ventas_co',
			module: 'Ventas',
			multiple: true,
			'wolkvox-id': ['647f6ff1660dff48d803ffe6', '64cb1d2e9a7b3c4d5e6f7a8b', '650a1b2c3d4e5f6a7b8c9d0e'],
		});
		expect(result.outputOf(NODE_NAME)).toHaveLength(1);
	});

	test('Delete Multiple with one id still sends a list', async () => {
		const captured = captureDeletes();
		await run(deleteWorkflow({ multiple: true, recordIds: '647f6ff1660dff48d803ffe6' }));
		expect(captured[0].body).toMatchObject({ multiple: true, 'wolkvox-id': ['647f6ff1660dff48d803ffe6'] });
	});

	test('an expression returning a list (e.g. from a query) is accepted with Delete Multiple', async () => {
		const captured = captureDeletes();
		const result = await run(
			deleteWorkflow({ multiple: true, recordIds: '={{ $json.records.map(r => r.wolkvox_id) }}' }, [
				{ records: [{ wolkvox_id: 'a1' }, { wolkvox_id: 'b2' }] },
			]),
		);
		expect(result.status).toBe('success');
		expect(captured[0].body).toMatchObject({ 'wolkvox-id': ['a1', 'b2'] });
	});

	test('the fixture workflow: ids from an expression over 3 items give 3 requests and 3 outputs paired 0, 1, 2', async () => {
		const captured = captureDeletes(ORIGIN, 3);
		const result = await run(perItemFixture as never);

		expect(result.status).toBe('success');
		expect(captured.map((request) => request.body)).toStrictEqual(
			perItemFixture.pinData['Contacts to remove'].map(({ json }) => ({
				operation: 'demo',
				module: 'contacts',
				multiple: false,
				'wolkvox-id': json.wolkvox_id,
			})),
		);
		expect(result.outputOf('Delete contacts')).toStrictEqual(perItemFixture.expectedOutput);
	});

	test('CRM Operation left empty on the node falls back to the credential', async () => {
		const captured = captureDeletes();
		await run(deleteWorkflow({ crmOperation: '', recordIds: 'x1' }), credentials({ crmOperation: ' acme ' }));
		expect(captured[0].body).toMatchObject({ operation: 'acme' });
	});

	test.each([
		['https://crm0001.wolkvox.com/', ORIGIN],
		['https://crm0001.wolkvox.com/#/modules/contacts/647f6ff1660dff48d803ffe6', ORIGIN],
		['sv0001.crmvox.com', ORIGIN],
		['https://sv0000.crmvox.com/server/', 'https://crm0000.wolkvox.com'],
		['CRM01.Wolkvox.com', 'https://crm01.wolkvox.com'],
		['http://127.0.0.1:8917', 'http://127.0.0.1:8917'],
	])('credential server %s sends to %s', async (server, origin) => {
		const captured = captureDeletes(origin);
		const result = await run(deleteWorkflow({ recordIds: 'x1' }), credentials({ server }));
		expect(result.status).toBe('success');
		expect(captured[0].url).toBe(`${origin}${DELETE_PATH}`);
		expect(captured[0].headers['wolkvox-token']).toBe(TOKEN);
	});
});

describe('Record → Delete: input that cannot be sent', () => {
	const cases: Array<[string, Record<string, unknown>, Record<string, string>, string, RegExp]> = [
		[
			'several ids while Delete Multiple is off',
			{ recordIds: 'a1, b2, c3' },
			{},
			'3 record IDs were given, but Delete Multiple is off',
			/turn on Delete Multiple/,
		],
		['no ids', { recordIds: ' , \n ' }, {}, 'No record IDs to delete', /Record IDs field is empty/],
		['no module', { module: '  ', recordIds: 'a1' }, {}, 'No module is set', /fill in Module/],
		[
			'no CRM operation on the node or the credential',
			{ crmOperation: '', recordIds: 'a1' },
			{ crmOperation: '' },
			'No CRM operation is set',
			/fill in CRM Operation on this node, or in the Wolkvox CRM API credential/,
		],
		[
			'an id with a space inside',
			{ recordIds: 'a1 b2' },
			{},
			'The record ID ("a1 b2") contains spaces, quotes or brackets. Separate IDs with commas or new lines, one ID each.',
			/fix the Record IDs field/,
		],
	];

	test.each(cases)('%s: the run stops with a clear error on item 0 and nothing is sent', async (_, parameters, credentialOverrides, message, description) => {
		const scope = nock(ORIGIN).post(DELETE_PATH).reply(200, deletedAnswer(['a1']));
		const result = await run(deleteWorkflow(parameters as INodeParameters), credentials(credentialOverrides));

		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe(message);
		expect(error.description).toMatch(description);
		expect(error.description).toMatch(/^Item 0: /);
		expect(error.context.itemIndex).toBe(0);
		expect(scope.isDone()).toBe(false);
	});

	test('with Continue On Fail the bad item becomes an error item paired to it, and the others are deleted', async () => {
		const captured = captureDeletes(ORIGIN, 2);
		const result = await run(
			deleteWorkflow({ recordIds: '={{ $json.ids }}' }, [{ ids: 'a1' }, { ids: 'b2,c3' }, { ids: 'd4' }], 'continueRegularOutput'),
		);

		expect(result.status).toBe('success');
		expect(captured.map((request) => (request.body as Record<string, unknown>)['wolkvox-id'])).toStrictEqual(['a1', 'd4']);
		const output = result.outputOf(NODE_NAME);
		expect(output).toHaveLength(3);
		expect(output.map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json).toStrictEqual(deletedAnswer(['a1']));
		expect(output[1].json).toStrictEqual({
			error: '2 record IDs were given, but Delete Multiple is off',
			details: 'Item 1: turn on Delete Multiple to delete these records in one request, or give one ID per item.',
		});
		expect(output[2].json).toStrictEqual(deletedAnswer(['d4']));
	});

	test('with "continue using error output" the bad item goes to the error output, the rest to the main output', async () => {
		captureDeletes(ORIGIN, 2);
		const result = await run(
			deleteWorkflow({ recordIds: '={{ $json.ids }}' }, [{ ids: 'a1' }, { ids: '' }, { ids: 'd4' }], 'continueErrorOutput'),
		);

		expect(result.status).toBe('success');
		const success = result.outputOf(NODE_NAME, 0);
		const failed = result.outputOf(NODE_NAME, 1);
		expect(success.map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }, { item: 2 }]);
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toStrictEqual({ item: 1 });
		expect(failed[0].json.error).toBe('No record IDs to delete');
	});

	test.each([
		['', 'The CRM server is empty.'],
		['https://user:secret@crm0001.wolkvox.com', 'must not contain a user name or password'],
		['crm0001 .wolkvox.com', 'must not contain spaces or control characters'],
		['ftp://crm0001.wolkvox.com', 'must be a web address'],
	])('credential server "%s" is refused before anything is sent', async (server, message) => {
		const scope = nock(/.*/).post(/.*/).reply(200, deletedAnswer(['a1']));
		const result = await run(deleteWorkflow({ recordIds: 'a1' }), credentials({ server }));
		expect(result.status).toBe('error');
		expect(result.nodeError(NODE_NAME)!.message).toContain(message);
		expect(result.nodeError(NODE_NAME)!.description).toBe(
			'Open the Wolkvox CRM API credential of this node and correct it.',
		);
		expect(scope.isDone()).toBe(false);
	});

	test('a broken credential with Continue On Fail gives every item an error item', async () => {
		const result = await run(
			deleteWorkflow({ recordIds: 'a1' }, [{}, {}], 'continueRegularOutput'),
			credentials({ token: 'abc\r\nX-Injected: 1' }),
		);
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }, { item: 1 }]);
		expect(output[0].json.error).toBe(
			'The token in the Wolkvox CRM API credential contains line breaks or control characters. Copy it again from the CRM and paste it as one line.',
		);
	});
});
