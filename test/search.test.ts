import nock from 'nock';

import { collectStrings } from './engine';
import { NODE_NAME, ORIGIN, TOKEN, credentials, run } from './helpers/node';
import {
	QUERY_PATH,
	foundAnswer,
	recordsAt,
	searchWorkflow,
	serveQueryDates,
} from './helpers/search';

type Body = Record<string, unknown>;

/** Answers query.php with `answer(body)` and keeps every request. */
function captureQueries(answer: (body: Body) => unknown, times = 1) {
	const captured: Array<{ body: Body; headers: Record<string, unknown> }> = [];
	nock(ORIGIN)
		.post(QUERY_PATH)
		.times(times)
		.reply(function (_, body) {
			captured.push({ body: body as Body, headers: { ...this.req.headers } });
			return [200, answer(body as Body)];
		});
	return captured;
}

const CAMILA = {
	namecontact: 'Camila Restrepo',
	telephonecontact: { country: 'Colombia', code: '57', value: '3001234567' },
	Presupuesto: { value: 1500000, symbol: 'COP', convert: '1.500.000' },
	Empresa: { value: 'Arepas SAS', value_id: '64cb1d2e9a7b3c4d5e6f7a8b', module: 'companies' },
	Etiquetas: [{ value: 'vip', value_id: 't1' }, 'nuevo'],
	wolkvox_id: '647f6ff1660dff48d803ffe6',
	wolkvox_fecha_creacion: '2026-11-01 08:00:00',
	wolkvox_owner: { user: 'ADMIN_@demo', nombre: 'Administrador', id: '5fcf75e009ba82ae1ce55e3d', email: 'admin@crm-demo.co' },
};
const ANDRES = { namecontact: 'Andrés Gómez', wolkvox_id: '64cb1d2e9a7b3c4d5e6f7a8c', wolkvox_fecha_creacion: '2026-11-01 09:00:00' };

/** The hints about a possibly cut list (the router adds others, such as the calls spent). */
const hintsOf = (result: Awaited<ReturnType<typeof run>>) =>
	result.hintsOf(NODE_NAME).filter((message: string) => message.startsWith("The CRM's answer"));

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Record → Search by field value', () => {
	test('POST custom/query.php with exactly {operation, module, field, value}; the field name is kept byte-exact', async () => {
		const captured = captureQueries(() => foundAnswer([CAMILA]));
		const result = await run(
			searchWorkflow({ module: 'Ventas', field: 'Etapa del ciclo de vida ', value: 'Cliente' }),
		);

		expect(result.status).toBe('success');
		expect(captured).toHaveLength(1);
		expect(captured[0].body).toStrictEqual({ operation: 'demo', module: 'Ventas', field: 'Etapa del ciclo de vida ', value: 'Cliente' });
		expect(captured[0].headers['wolkvox-token']).toBe(TOKEN);
		expect(captured[0].headers['content-type']).toBe('application/json');
		expect(hintsOf(result)).toStrictEqual([]);
	});

	test('Simplify (default): typed fields become their plain value; wolkvox_id, system fields and wolkvox_owner stay', async () => {
		captureQueries(() => foundAnswer([CAMILA]));
		const result = await run(searchWorkflow({ field: 'namecontact', value: 'Camila Restrepo' }));
		expect(result.outputOf(NODE_NAME)).toStrictEqual([
			{
				json: {
					namecontact: 'Camila Restrepo',
					telephonecontact: '3001234567',
					Presupuesto: 1500000,
					Empresa: 'Arepas SAS',
					Etiquetas: ['vip', 'nuevo'],
					wolkvox_id: '647f6ff1660dff48d803ffe6',
					wolkvox_fecha_creacion: '2026-11-01 08:00:00',
					wolkvox_owner: CAMILA.wolkvox_owner,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	test('Simplify off: each record exactly as the API sent it', async () => {
		captureQueries(() => foundAnswer([CAMILA, ANDRES]));
		const result = await run(searchWorkflow({ field: 'Ciudad', value: 'Bogotá', simplify: false }));
		expect(result.outputOf(NODE_NAME)).toStrictEqual([
			{ json: CAMILA, pairedItem: { item: 0 } },
			{ json: ANDRES, pairedItem: { item: 0 } },
		]);
	});

	test('each item runs its own search; its records are paired to it; an item that finds nothing gives no item', async () => {
		const byValue: Record<string, unknown[]> = { camila: [CAMILA], none: [], both: [CAMILA, ANDRES] };
		const captured = captureQueries((body) => foundAnswer(byValue[String(body.value)]), 3);
		const result = await run(
			searchWorkflow({ field: 'tag', value: '={{ $json.tag }}', simplify: false }, [{ tag: 'camila' }, { tag: 'none' }, { tag: 'both' }]),
		);

		expect(captured.map(({ body }) => body.value)).toStrictEqual(['camila', 'none', 'both']);
		expect(result.outputOf(NODE_NAME)).toStrictEqual([
			{ json: CAMILA, pairedItem: { item: 0 } },
			{ json: CAMILA, pairedItem: { item: 2 } },
			{ json: ANDRES, pairedItem: { item: 2 } },
		]);
	});

	test('no hits: no output item; with Always Output Data n8n gives one empty item instead', async () => {
		captureQueries(() => foundAnswer([]), 2);
		const plain = await run(searchWorkflow({ field: 'Ciudad', value: 'Pasto' }));
		expect(plain.status).toBe('success');
		expect(plain.outputOf(NODE_NAME)).toStrictEqual([]);

		const workflow = searchWorkflow({ field: 'Ciudad', value: 'Pasto' });
		Object.assign(workflow.nodes[1], { alwaysOutputData: true });
		const always = await run(workflow);
		expect(always.outputOf(NODE_NAME).map((item) => item.json)).toStrictEqual([{}]);
	});

	test.each([
		['data missing', { code: '200', error: 'null', msg: '0 records were are found' }, 0],
		['data empty list, code as a number', { code: 200, error: null, msg: '0 records were are found', data: [] }, 0],
		['data an object of records', { code: '200', error: 'null', msg: '2 records were are found', data: { 0: CAMILA, 1: ANDRES } }, 2],
		['data one record on its own', { code: 200, error: 'null', msg: '1 records were are found', data: ANDRES }, 1],
	])('answers are read defensively: %s', async (_, answer, count) => {
		captureQueries(() => answer);
		const result = await run(searchWorkflow({ field: 'namecontact', value: 'x', simplify: false }));
		expect(result.status).toBe('success');
		expect(result.outputOf(NODE_NAME)).toHaveLength(count);
	});

	test('Limit: only the first records; a value from an expression that is a number is sent as text', async () => {
		const captured = captureQueries(() => foundAnswer([CAMILA, ANDRES, CAMILA]));
		const result = await run(searchWorkflow({ field: 'idcontact', value: '={{ 1020 }}', limit: 2, simplify: false }));
		expect(captured[0].body.value).toBe('1020');
		expect(result.outputOf(NODE_NAME).map((item) => item.json.wolkvox_id)).toStrictEqual([CAMILA.wolkvox_id, ANDRES.wolkvox_id]);
	});

	test('a full answer (as many records as Max Records per Answer) gives all records and a hint that the list may be cut', async () => {
		const five = recordsAt([1, 2, 3, 4, 5]);
		captureQueries(() => foundAnswer(five), 2);
		const result = await run(
			searchWorkflow({ field: 'x', value: '={{ $json.v }}', returnAll: true, options: { maxRecordsPerAnswer: 5 } }, [{ v: 'a' }, { v: 'b' }]),
		);
		expect(result.outputOf(NODE_NAME)).toHaveLength(10);
		expect(hintsOf(result)).toStrictEqual([
			"The CRM's answer for item(s) 0, 1 may be incomplete: it held as many records as one answer holds (Max Records per Answer: 5) or reported more than it held. Narrow the search with a more specific field and value, or use Search By: Date Range, which fetches every record of a range.",
		]);
	});

	test('no hint when the answer is below the cap, or when Limit is reached anyway', async () => {
		captureQueries(() => foundAnswer(recordsAt([1, 2, 3, 4])));
		const below = await run(searchWorkflow({ field: 'x', value: 'a', returnAll: true, options: { maxRecordsPerAnswer: 5 } }));
		expect(hintsOf(below)).toStrictEqual([]);

		captureQueries(() => foundAnswer(recordsAt([1, 2, 3, 4, 5])));
		const limited = await run(searchWorkflow({ field: 'x', value: 'a', limit: 3, options: { maxRecordsPerAnswer: 5 } }));
		expect(limited.outputOf(NODE_NAME)).toHaveLength(3);
		expect(hintsOf(limited)).toStrictEqual([]);
	});

	test('an answer saying it found more than it sent also gets the hint', async () => {
		captureQueries(() => ({ ...foundAnswer(recordsAt([1, 2])), msg: '350 records were are found' }));
		const result = await run(searchWorkflow({ field: 'x', value: 'a', returnAll: true }));
		expect(result.outputOf(NODE_NAME)).toHaveLength(2);
		expect(hintsOf(result)).toHaveLength(1);
	});

	test('an error echoing the token: the token is nowhere in the stored run or the error', async () => {
		nock(ORIGIN).post(QUERY_PATH).reply(403, { code: 403, error: `bad token ${TOKEN}`, msg: TOKEN });
		const result = await run(searchWorkflow({ field: 'x', value: 'a' }));
		expect(result.status).toBe('error');
		const texts = [...collectStrings(result.run), JSON.stringify(result.run), ...collectStrings(result.nodeError(NODE_NAME))];
		expect(texts.filter((text) => text.includes(TOKEN))).toStrictEqual([]);
		expect(result.nodeError(NODE_NAME)!.description).toMatch(/^Item 0: /);
	});

	test('an empty field name stops the run on that item before anything is sent', async () => {
		const scope = nock(ORIGIN).post(QUERY_PATH).reply(200, foundAnswer([]));
		const result = await run(searchWorkflow({ field: '   ', value: 'a' }));
		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe('No field to search by');
		expect(error.description).toBe('Item 0: fill in Field with the field name exactly as the module shows it, e.g. emailcontact.');
		expect(scope.isDone()).toBe(false);
	});

	test('the API refusing a field (HTTP 200 with code 400) fails that item; Continue On Fail keeps the others', async () => {
		captureQueries(
			(body) =>
				body.field === 'nope'
					? { code: '400', error: 'THE FIELD DOES NOT EXIST', msg: 'Field nope not found in module contacts' }
					: foundAnswer([ANDRES]),
			3,
		);
		const result = await run(
			searchWorkflow({ field: '={{ $json.f }}', value: 'a', simplify: false }, [{ f: 'ok' }, { f: 'nope' }, { f: 'ok' }], 'continueRegularOutput'),
		);
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json).toStrictEqual(ANDRES);
		expect(String(output[1].json.error)).toContain('THE FIELD DOES NOT EXIST');
		expect(String(output[1].json.details)).toMatch(/^Item 1: /);
		expect(String(output[1].json.details)).toContain('A parameter is missing or malformed: check Module, and Field or the dates');
		expect(output[2].json).toStrictEqual(ANDRES);
	});
});

const NOV_1 = Date.UTC(2026, 10, 1) / 1000;

describe('Record → Search by date range', () => {
	test.each([
		['wall times as typed (n8n date picker, no offset)', '2026-11-01T08:00:00', '2026-11-30T23:59:00', 'America/Bogota', '2026-11-01 08:00', '2026-11-30 23:59'],
		['the API format itself', '2026-11-01 08:00', '2026-11-01 18:30', 'Europe/Madrid', '2026-11-01 08:00', '2026-11-01 18:30'],
		['ISO with Z, converted to the workflow zone', '2026-11-01T13:00:00Z', '2026-11-02T04:59:00.000Z', 'America/Bogota', '2026-11-01 08:00', '2026-11-01 23:59'],
		['ISO with an offset, converted (DST in Madrid: +01:00 in November)', '2026-07-01T10:00:00-05:00', '2026-11-01T10:00:00+09:00', 'Europe/Madrid', '2026-07-01 17:00', '2026-11-01 02:00'],
		['seconds, sent only where needed (both bounds then carry them)', '2026-11-01 08:00:30', '2026-11-01 09:00', 'UTC', '2026-11-01 08:00:30', '2026-11-01 09:00:00'],
		['a date alone means its midnight', '2026-11-01', '2026-11-02', 'UTC', '2026-11-01 00:00', '2026-11-02 00:00'],
		['a Luxon DateTime from an expression', "={{ DateTime.fromISO('2026-11-01T10:00:00', { zone: 'Europe/Madrid' }) }}", '={{ new Date(Date.UTC(2026, 10, 1, 12)) }}', 'America/Bogota', '2026-11-01 04:00', '2026-11-01 07:00'],
	])('%s', async (_, from, to, timezone, sentFrom, sentTo) => {
		const bodies = serveQueryDates({ records: [], cap: 200 });
		const result = await run(searchWorkflow({ searchBy: 'dateRange', from, to, returnAll: true }, [{}], 'stopWorkflow', timezone));
		expect(result.status).toBe('success');
		expect(bodies).toStrictEqual([{ operation: 'demo', module: 'contacts', date: true, from: sentFrom, to: sentTo, limit: 200 }]);
	});

	test('Limit is sent to the API and one answer is enough', async () => {
		const crm = { records: recordsAt([10, 20, 30, 40].map((s) => NOV_1 + s)), cap: 200 };
		const bodies = serveQueryDates(crm);
		const result = await run(searchWorkflow({ searchBy: 'dateRange', from: '2026-11-01 00:00', to: '2026-11-02 00:00', limit: 3, simplify: false }));
		expect(bodies).toStrictEqual([{ operation: 'demo', module: 'contacts', date: true, from: '2026-11-01 00:00', to: '2026-11-02 00:00', limit: 3 }]);
		expect(result.outputOf(NODE_NAME)).toStrictEqual(crm.records.slice(0, 3).map((json) => ({ json, pairedItem: { item: 0 } })));
	});

	test('Return All over capped answers: the range is split until every record came, each once, oldest first', async () => {
		// 9 records, ties included, and one answer holds 3.
		const seconds = [0, 0, 59, 60, 61, 61, 120, 3599, 3600].map((s) => NOV_1 + s);
		const crm = { records: recordsAt(seconds), cap: 3 };
		const bodies = serveQueryDates(crm);
		const result = await run(
			searchWorkflow({ searchBy: 'dateRange', from: '2026-11-01 00:00', to: '2026-11-01 01:00', returnAll: true, simplify: false, options: { maxRecordsPerAnswer: 3 } }),
		);
		expect(result.status).toBe('success');
		expect(result.outputOf(NODE_NAME).map((item) => item.json)).toStrictEqual(crm.records);
		expect(bodies[0]).toStrictEqual({ operation: 'demo', module: 'contacts', date: true, from: '2026-11-01 00:00', to: '2026-11-01 01:00', limit: 3 });
		// The full answer came oldest first (00:00:00, 00:00:00, 00:00:59): everything before its
		// newest second was in it, so the split goes just before that second, not at 00:30.
		expect(bodies[1]).toMatchObject({ from: '2026-11-01 00:00:00', to: '2026-11-01 00:00:58' });
		expect(bodies.length).toBeLessThanOrEqual(40);
		// The user sees how many calls the search spent.
		expect(result.hintsOf(NODE_NAME)).toContain(
			`This run made ${bodies.length} API call(s), retries included; each counts against the token's daily quota (4,800 a day by default, see Token → Get Usage).`,
		);
	});

	test('more records in one second than one answer holds: a clear error naming the item and that second', async () => {
		serveQueryDates({ records: recordsAt([NOV_1 + 5, NOV_1 + 5, NOV_1 + 5, NOV_1 + 9]), cap: 3 });
		const result = await run(
			searchWorkflow({ searchBy: 'dateRange', from: '2026-11-01 00:00', to: '2026-11-01 00:01', returnAll: true, options: { maxRecordsPerAnswer: 3 } }),
		);
		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe('At least 3 records were created within the same second, 2026-11-01 00:00:05');
		expect(error.description).toBe(
			'Item 0: the CRM\'s answer for that second held 3 records, as many as one answer is taken to hold (Max Records per Answer: 3), and a range cannot be split below one second, so not every record of that second can be fetched. No record of this item was output. If your CRM sends more records per answer, raise Max Records per Answer; otherwise find those records with Search By: Field Value.',
		);
	});

	test.each([
		['To before From', { from: '2026-11-02 00:00', to: '2026-11-01 00:00' }, 'To (2026-11-01 00:00) is before From (2026-11-02 00:00)', "Item 1: set To to the same moment as From or later; both are read in the workflow's time zone (America/Bogota)."],
		['a bad date', { from: '2026-02-30 10:00', to: '2026-11-01 00:00' }, 'From is not a valid date: "2026-02-30 10:00" is not a real date and time', 'Item 1: enter From as a date and time such as 2026-11-01 08:00 or 2026-11-01T08:00:00-05:00, or pick one with the date picker.'],
		['not a date at all', { from: '2026-11-01 00:00', to: 'tomorrow' }, 'To is not a valid date: "tomorrow" is not a date and time', 'Item 1: enter To as a date and time such as 2026-11-01 08:00 or 2026-11-01T08:00:00-05:00, or pick one with the date picker.'],
		['an empty date', { from: '2026-11-01 00:00', to: '' }, 'To is empty', 'Item 1: fill in To with a date and time, e.g. 2026-11-01 08:00.'],
	])('%s on item 1: with Continue On Fail an error item paired to it, the others searched', async (_, dates, message, details) => {
		const bodies = serveQueryDates({ records: recordsAt([NOV_1 + 1]), cap: 200 });
		const good = { from: '2026-11-01 00:00', to: '2026-11-01 01:00' };
		const result = await run(
			searchWorkflow(
				{ searchBy: 'dateRange', from: '={{ $json.from }}', to: '={{ $json.to }}', simplify: false },
				[good, dates, good],
				'continueRegularOutput',
				'America/Bogota',
			),
		);
		expect(bodies).toHaveLength(2);
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[1].json).toStrictEqual({ error: message, details });
		expect(output[0].json.wolkvox_id).toBe('id000000');
	});

	test('without Continue On Fail a bad item stops the run with its error', async () => {
		serveQueryDates({ records: [], cap: 200 });
		const result = await run(
			searchWorkflow({ searchBy: 'dateRange', from: '2026-11-01 00:00', to: '={{ $json.to }}' }, [{ to: '2026-11-02' }, { to: '2026-13-01' }]),
			credentials(),
		);
		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe('To is not a valid date: "2026-13-01" is not a real date and time');
		expect(error.context.itemIndex).toBe(1);
	});
});
