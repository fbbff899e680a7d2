import nock from 'nock';

import { collectStrings } from './engine';
import { INSERT_PATH, NODE_NAME, ORIGIN, TOKEN, recordWorkflow, run } from './helpers/node';

type Captured = { body: Record<string, unknown>; headers: Record<string, unknown> };

const created = (id: string) => ({ code: '200', error: 'null', msg: 'Record created successfully', data: { wolkvox_id: id } });

/** Answers insert.php with the given answers in turn and records every request. */
function captureInserts(...answers: Array<[number, unknown]>) {
	const captured: Captured[] = [];
	for (const [status, answer] of answers) {
		nock(ORIGIN)
			.post(INSERT_PATH)
			.reply(function (_uri, body) {
				captured.push({ body: body as Record<string, unknown>, headers: { ...this.req.headers } });
				return [status, answer as nock.Body];
			});
	}
	return captured;
}

const defineBelow = (...field: Array<Record<string, unknown>>) => ({ fieldsToSend: 'defineBelow', fieldValues: { field } });
const networkError = (code: string, message: string) => Object.assign(new Error(message), { code });
const fastRetries = { maxRetryWait: 0.01 };

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Record → Create: the request', () => {
	test('every Define Below type becomes exactly its typed object, names byte-exact', async () => {
		const captured = captureInserts([200, created('64aa00000000000000000001')]);
		const result = await run(
			recordWorkflow(
				'create',
				defineBelow(
					{ name: 'namecontact', type: 'text', value: 'Ana María Pérez' },
					{ name: 'Precio', type: 'number', value: '6700.5' },
					{ name: 'telephonecontact', type: 'telephone', value: '3001234567', country: 'Colombia', code: '57' },
					{ name: 'Valor', type: 'currency', value: '1750905', symbol: 'COP', convert: '' },
					{ name: 'Direccion', type: 'address', value: 'Calle 145a #12-60' },
					{ name: 'Contacto', type: 'search', value: 'Ana', valueId: '647f6ff1660dff48d803ffe6', searchModuleName: 'contacts' },
					{ name: 'Empresa', type: 'relation', value: 'Acme', valueId: '64cb1d2e9a7b3c4d5e6f7a8b', searchModuleName: 'companies' },
					{ name: 'Productos preferidos', type: 'table', rows: '[{"Ropa":"Camisetas"},{"Carnes":"Pescado"}]' },
					{ name: 'Etapa del ciclo de vida ', type: 'text', value: 'Cliente' },
					{ name: 'Programa académico', value: 42 },
				),
			),
		);

		expect(result.status).toBe('success');
		expect(captured).toHaveLength(1);
		expect(captured[0].headers['wolkvox-token']).toBe(TOKEN);
		expect(captured[0].headers['content-type']).toBe('application/json');
		expect(captured[0].body).toStrictEqual({
			operation: 'demo',
			module: 'contacts',
			fields: {
				namecontact: 'Ana María Pérez',
				Precio: 6700.5,
				telephonecontact: { type: 'telephone', value: '3001234567', country: 'Colombia', code: '57' },
				Valor: { type: 'currency', value: '1750905', symbol: 'COP', convert: 1750905 },
				Direccion: { type: 'address', value: 'Calle 145a #12-60' },
				Contacto: { type: 'search', value: 'Ana', value_id: '647f6ff1660dff48d803ffe6', searchModuleName: 'contacts' },
				Empresa: { type: 'relation', value: 'Acme', value_id: '64cb1d2e9a7b3c4d5e6f7a8b', searchModuleName: 'companies' },
				'Productos preferidos': { type: 'table', value: [{ Ropa: 'Camisetas' }, { Carnes: 'Pescado' }] },
				'Etapa del ciclo de vida ': 'Cliente',
				'Programa académico': '42',
			},
		});
		expect(result.outputOf(NODE_NAME)).toStrictEqual([
			{ json: { ...created('64aa00000000000000000001'), wolkvox_id: '64aa00000000000000000001' }, pairedItem: { item: 0 } },
		]);
	});

	test('a currency with its own converted value, and extras left empty are not sent', async () => {
		const captured = captureInserts([200, created('x1')]);
		await run(
			recordWorkflow(
				'create',
				defineBelow(
					{ name: 'Valor', type: 'currency', value: '1.750.905', symbol: 'COP', convert: '1750905' },
					{ name: 'Tel', type: 'telephone', value: '3001234567', country: '', code: '' },
					{ name: 'Link', type: 'search', value: 'Ana' },
				),
			),
		);
		expect(captured[0].body.fields).toStrictEqual({
			Valor: { type: 'currency', value: '1.750.905', symbol: 'COP', convert: 1750905 },
			Tel: { type: 'telephone', value: '3001234567' },
			Link: { type: 'search', value: 'Ana' },
		});
	});

	test('Map Automatically: the item JSON minus Fields to Exclude; typed values and names go as they are', async () => {
		const captured = captureInserts([200, created('a1')], [200, created('b2')]);
		const items = [
			{
				json: {
					namecontact: 'Ana',
					'Etapa del ciclo de vida ': 'Lead',
					Direccion: { type: 'address', value: 'Calle 1' },
					edad: 31,
					wolkvox_id: 'old',
					note: 'internal',
				},
			},
			{ json: { namecontact: 'Luis', activo: true, wolkvox_id: 'old2' } },
		];
		const result = await run(
			recordWorkflow('create', { fieldsToSend: 'mapAutomatically', fieldsToExclude: 'wolkvox_id, note' }, items),
		);

		expect(result.status).toBe('success');
		expect(captured.map((request) => request.body.fields)).toStrictEqual([
			{ namecontact: 'Ana', 'Etapa del ciclo de vida ': 'Lead', Direccion: { type: 'address', value: 'Calle 1' }, edad: 31 },
			{ namecontact: 'Luis', activo: true },
		]);
		expect(result.outputOf(NODE_NAME).map((item) => [item.json.wolkvox_id, item.pairedItem])).toStrictEqual([
			['a1', { item: 0 }],
			['b2', { item: 1 }],
		]);
	});

	test('Map Automatically: an exclusion that is exactly a key with spaces removes that key only', async () => {
		const captured = captureInserts([200, created('a1')]);
		await run(
			recordWorkflow('create', { fieldsToSend: 'mapAutomatically', fieldsToExclude: 'Etapa ' }, [
				{ json: { 'Etapa ': 'x', Etapa: 'y' } },
			]),
		);
		expect(captured[0].body.fields).toStrictEqual({ Etapa: 'y' });
	});

	test('field values from expressions are read per item', async () => {
		const captured = captureInserts([200, created('a1')], [200, created('b2')]);
		await run(
			recordWorkflow('create', defineBelow({ name: 'namecontact', type: 'text', value: '={{ $json.name }}' }), [
				{ json: { name: 'Ana' } },
				{ json: { name: 'Luis' } },
			]),
		);
		expect(captured.map((request) => request.body.fields)).toStrictEqual([{ namecontact: 'Ana' }, { namecontact: 'Luis' }]);
	});
});

describe('Record → Create: what the answer confirms', () => {
	test.each([
		['a one-element list', { code: 200, error: 'null', msg: 'ok', data: { wolkvox_id: ['id9'] } }, 'id9'],
		['no id', { code: 200, error: 'null', msg: 'Record created successfully' }, undefined],
		['no code', { error: 'null', msg: 'done', data: { wolkvox_id: 'id9' } }, undefined],
		['data as a list', { code: '200', error: null, msg: 'ok', data: [{ wolkvox_id: 'id9' }] }, undefined],
	])('%s: the answer as it came, wolkvox_id only when confirmed', async (_, answer, id) => {
		captureInserts([200, answer]);
		const result = await run(recordWorkflow('create', defineBelow({ name: 'n', value: 'v' })));
		const expected = id === undefined ? answer : { ...answer, wolkvox_id: id };
		expect(result.outputOf(NODE_NAME)).toStrictEqual([{ json: expected, pairedItem: { item: 0 } }]);
	});

	test('HTTP 200 with an error code is a failure, not a created record', async () => {
		captureInserts([200, { code: '400', error: 'SOME PARAMETERS ARE INVALID', msg: 'fields is empty', data: null }]);
		const result = await run(recordWorkflow('create', defineBelow({ name: 'n', value: 'v' })));
		expect(result.status).toBe('error');
		expect(result.nodeError(NODE_NAME)!.message).toBe('The wolkvox CRM API refused the request: SOME PARAMETERS ARE INVALID');
	});
});

describe('Record → Create: input that cannot be sent', () => {
	const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
		['an empty field name', defineBelow({ name: 'a', value: '1' }, { name: '  ', value: '2' }), 'The name of field 2 is empty: enter the field name exactly as the CRM shows it', /^Item 0: correct Fields\.$/],
		['a number that is not one', defineBelow({ name: 'Precio', type: 'number', value: '12,5' }), 'The value of field 1 ("Precio") must be a number (e.g. 1750905 or 12.5), but it is "12,5"', /^Item 0: /],
		['table rows that are not JSON', defineBelow({ name: 'T', type: 'table', rows: '[{"a":' }), 'The rows of field 1 ("T") (table) must be JSON, e.g. [{"Ropa": "Camisetas"}]', /^Item 0: /],
		['table rows that are not objects', defineBelow({ name: 'T', type: 'table', rows: '[1, 2]' }), 'The rows of field 1 ("T") (table) must be a list of rows, each an object of column → value, e.g. [{"Ropa": "Camisetas"}]', /^Item 0: /],
		['the same name twice', defineBelow({ name: 'x', value: '1' }, { name: 'x', value: '2' }), 'Fields 1 and 2 are both named "x": keep one of them', /^Item 0: /],
		['no fields', defineBelow(), 'No fields to send', /^Item 0: add at least one field under Fields/],
		['everything excluded', { fieldsToSend: 'mapAutomatically', fieldsToExclude: 'a' }, 'No fields to send', /no fields left after Fields to Exclude/],
	];

	test.each(cases)('%s: the run stops on item 0 and nothing is sent', async (_, parameters, message, description) => {
		const scope = nock(ORIGIN).post(INSERT_PATH).reply(200, created('x'));
		const result = await run(recordWorkflow('create', parameters, [{ json: { a: 1 } }]));
		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe(message);
		expect(error.description).toMatch(description);
		expect(error.context.itemIndex).toBe(0);
		expect(scope.isDone()).toBe(false);
	});

	test('with Continue On Fail the bad item becomes an error item naming it, the others are created', async () => {
		const captured = captureInserts([200, created('a1')], [200, created('c3')]);
		const result = await run(
			recordWorkflow('create', defineBelow({ name: '={{ $json.field }}', value: 'v' }), [{ json: { field: 'a' } }, { json: { field: '' } }, { json: { field: 'c' } }], 'continueRegularOutput'),
		);
		expect(captured.map((request) => request.body.fields)).toStrictEqual([{ a: 'v' }, { c: 'v' }]);
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[1].json).toStrictEqual({
			error: 'The name of field 1 is empty: enter the field name exactly as the CRM shows it',
			details: 'Item 1: correct Fields.',
		});
		expect(output[2].json.wolkvox_id).toBe('c3');
	});
});

describe('Record → Create: never twice', () => {
	test.each([
		['a reset connection', () => nock(ORIGIN).post(INSERT_PATH).replyWithError(networkError('ECONNRESET', 'socket hang up')), /closed before an answer arrived/],
		['a server error', () => nock(ORIGIN).post(INSERT_PATH).reply(500, { code: 500, error: 'INTERNAL ERROR', msg: 'x', data: null }), /refused the request: INTERNAL ERROR/],
		['a cut-off answer', () => nock(ORIGIN).post(INSERT_PATH).reply(200, '{"code":"200","error":"nu'), /cut off before the end/],
	])('%s after sending: exactly 1 request, and the item says the record may have been created', async (_, answer, cause) => {
		answer();
		const again = nock(ORIGIN).post(INSERT_PATH).reply(200, created('dup'));
		const result = await run(recordWorkflow('create', { ...defineBelow({ name: 'idcontact', value: '1012' }), options: fastRetries }));

		expect(result.status).toBe('error');
		expect(again.isDone()).toBe(false);
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe('The record may have been created: the answer to the create request was lost');
		expect(error.description).toMatch(/^Item 0: /);
		expect(error.description).toMatch(cause);
		expect(error.description).toContain('The node does not send a create again, so that no record is made twice.');
		expect(error.description).toContain('search the module (Record → Search) by a field that is unique to it');
		expect(error.context.itemIndex).toBe(0);
	});

	test('with Continue On Fail the lost create is an error item and the next item is still created', async () => {
		const captured: string[] = [];
		nock(ORIGIN).post(INSERT_PATH).replyWithError(networkError('ECONNRESET', 'socket hang up'));
		nock(ORIGIN)
			.post(INSERT_PATH)
			.reply((_uri, body) => {
				captured.push(JSON.stringify(body));
				return [200, created('b2')];
			});
		const result = await run(
			recordWorkflow('create', { ...defineBelow({ name: 'n', value: '={{ $json.n }}' }), options: fastRetries }, [{ json: { n: 'a' } }, { json: { n: 'b' } }], 'continueRegularOutput'),
		);
		const output = result.outputOf(NODE_NAME);
		expect(captured).toStrictEqual([JSON.stringify({ operation: 'demo', module: 'contacts', fields: { n: 'b' } })]);
		expect(output[0]).toMatchObject({ json: { error: 'The record may have been created: the answer to the create request was lost' }, pairedItem: { item: 0 } });
		expect(output[1]).toMatchObject({ json: { wolkvox_id: 'b2' }, pairedItem: { item: 1 } });
	});

	test.each([
		['a rate limit (429)', () => nock(ORIGIN).post(INSERT_PATH).reply(429, { code: 429, error: 'TOO MANY REQUESTS', msg: '', data: null })],
		['a refused connection', () => nock(ORIGIN).post(INSERT_PATH).replyWithError(networkError('ECONNREFUSED', 'connect ECONNREFUSED'))],
	])('%s changed nothing, so the create is sent again and succeeds', async (_, refusal) => {
		refusal();
		const captured = captureInserts([200, created('a1')]);
		const result = await run(recordWorkflow('create', { ...defineBelow({ name: 'n', value: 'v' }), options: fastRetries }));
		expect(result.status).toBe('success');
		expect(captured).toHaveLength(1);
		expect(result.outputOf(NODE_NAME)[0].json.wolkvox_id).toBe('a1');
	});
});

describe('Record → Create: the token stays in its header', () => {
	test.each([
		['a lost answer (HTTP 500 echoing the token)', () => nock(ORIGIN).post(INSERT_PATH).reply(500, { code: 500, error: `failed for ${TOKEN}`, msg: TOKEN, data: { token: TOKEN } })],
		['a refusal echoing the token', () => nock(ORIGIN).post(INSERT_PATH).reply(200, { code: '403', error: `bad token ${TOKEN}`, msg: TOKEN })],
		['a network error quoting the token', () => nock(ORIGIN).post(INSERT_PATH).replyWithError(networkError('ECONNRESET', `reset ${TOKEN}`))],
	])('%s: no output, error or stored run holds the token', async (_, answer) => {
		answer();
		for (const onError of ['stopWorkflow', 'continueRegularOutput'] as const) {
			const result = await run(recordWorkflow('create', { ...defineBelow({ name: 'n', value: 'v' }), options: { maxRetries: 0 } }, [{ json: {} }], onError));
			answer();
			const texts = [...collectStrings(result.run), JSON.stringify(result.run)];
			if (result.status === 'error') texts.push(...collectStrings(result.nodeError(NODE_NAME)));
			expect(texts.filter((text) => text.includes(TOKEN))).toStrictEqual([]);
			expect(collectStrings(result.authenticatedRequests).some((text) => text.includes(TOKEN))).toBe(true);
		}
	});
});
