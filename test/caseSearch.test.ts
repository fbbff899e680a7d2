import { startSandbox } from '../sandbox/server';
import { CASE1, CASE2, CASE3, pathsOf, runOn, type Sandbox } from './helpers/cases';
import { NODE_NAME } from './helpers/node';

const base = { resource: 'case', operation: 'search', field: 'email contact', value: 'valentina.ospina@gmail.com', returnAll: true };

let sandbox: Sandbox | undefined;
afterEach(async () => {
	await sandbox?.close();
	sandbox = undefined;
});

describe('Case → Search', () => {
	test('every case found, paired to its item; the field is sent with its exact spelling', async () => {
		sandbox = await startSandbox();
		const items = [{ json: { email: 'valentina.ospina@gmail.com' } }, { json: { email: 'santiago.ramirez@hotmail.com' } }, { json: { email: 'nadie@x.co' } }];
		const result = await runOn(sandbox, { ...base, value: '={{ $json.email }}' }, items);
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => [item.json.wolkvox_id, item.pairedItem])).toStrictEqual([
			[CASE1, { item: 0 }],
			[CASE3, { item: 0 }],
			[CASE2, { item: 1 }],
		]);
		expect(output[0].json['type case']).toBe('Complaints');
		expect(pathsOf(sandbox)).toStrictEqual(['cases/queryCases.php', 'cases/queryCases.php', 'cases/queryCases.php']);
		expect(sandbox.log.map((entry) => entry.recordsReturned)).toStrictEqual([2, 1, 0]);
		expect(result.hintsOf(NODE_NAME).some((hint) => hint.includes('may be incomplete'))).toBe(false);
	});

	test('Limit cuts the output; type case by a documented type', async () => {
		sandbox = await startSandbox();
		const limited = await runOn(sandbox, { ...base, returnAll: false, limit: 1 });
		expect(limited.outputOf(NODE_NAME).map((item) => item.json.wolkvox_id)).toStrictEqual([CASE1]);
		const byType = await runOn(sandbox, { ...base, field: 'type case', value: 'Request' });
		expect(byType.outputOf(NODE_NAME).map((item) => item.json.wolkvox_id)).toStrictEqual([CASE2]);
	});

	test('an answer as full as one answer gets gives the "may be incomplete" hint naming the item', async () => {
		sandbox = await startSandbox({ maxRecordsPerAnswer: 2 });
		const result = await runOn(sandbox, { ...base, options: { maxRecordsPerAnswer: 2 } });
		expect(result.outputOf(NODE_NAME)).toHaveLength(2);
		expect(result.hintsOf(NODE_NAME)).toContain(
			"The CRM's answer for item(s) 0 may be incomplete: it held as many cases as one answer holds (Max Records per Answer: 2) or reported more than it held. Narrow the search with a more specific field and value.",
		);
	});

	test('a server capping below the setting that reports its total gives the same hint at the default setting', async () => {
		sandbox = await startSandbox({ maxRecordsPerAnswer: 1, reportsTotal: true, answerOrder: 'newestFirst' });
		const result = await runOn(sandbox, base);
		expect(result.outputOf(NODE_NAME)).toHaveLength(1);
		expect(sandbox.log.map((entry) => entry.recordsReturned)).toStrictEqual([1]);
		expect(result.hintsOf(NODE_NAME)).toContain(
			"The CRM's answer for item(s) 0 may be incomplete: it held as many cases as one answer holds (Max Records per Answer: 200) or reported more than it held. Narrow the search with a more specific field and value.",
		);
	});

	test('the same server without a total: one case and no hint (the documented limit: lower Max Records per Answer)', async () => {
		sandbox = await startSandbox({ maxRecordsPerAnswer: 1 });
		const result = await runOn(sandbox, base);
		expect(result.outputOf(NODE_NAME)).toHaveLength(1);
		expect(result.hintsOf(NODE_NAME).some((hint) => hint.includes('may be incomplete'))).toBe(false);
	});

	test('a refused search fails its item with the API words (Continue On Fail)', async () => {
		sandbox = await startSandbox();
		const result = await runOn(sandbox, { ...base, field: 'emailcontact' }, [{ json: {} }], 'continueRegularOutput');
		const [item] = result.outputOf(NODE_NAME);
		expect(item.pairedItem).toStrictEqual({ item: 0 });
		expect(item.json.error).toBe('The wolkvox CRM API refused the request: SOME PARAMETERS ARE INVALID');
		expect(item.json.details).toMatch(/^Item 0: A parameter is missing or malformed: check Field and Value\./);
	});
});

describe('Case → Get Notes', () => {
	const notes = { resource: 'case', operation: 'getNotes', field: 'wolkvox-id', value: CASE1, limit: 10 };

	test('with the External token: one item per note, paired', async () => {
		sandbox = await startSandbox();
		const result = await runOn(sandbox, notes, undefined, undefined, sandbox.externalToken);
		expect(result.outputOf(NODE_NAME).map((item) => [item.json.note, item.pairedItem])).toStrictEqual([
			['Customer called, sent the two charges by e-mail', { item: 0 }],
			['Refund requested to billing', { item: 0 }],
		]);
		expect(sandbox.log[0]).toMatchObject({ path: '/server/API/v2/cases/listHistoryNote.php', status: 200 });
	});

	test('with an Internal token: an error that says the token must be External', async () => {
		sandbox = await startSandbox();
		const result = await runOn(sandbox, notes);
		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe('The API refused the token for case notes: PLEASE VALIDATE TOKEN');
		expect(error.description).toMatch(/^Item 0: cases\/listHistoryNote\.php accepts only an External token, tied to the company that owns the cases/);
		expect(error.context.itemIndex).toBe(0);
	});
});
