import nock from 'nock';

import { encodeMultipart } from '../nodes/WolkvoxCrm/transport/multipart';
import { startSandbox } from '../sandbox/server';
import { runOn, pathsOf, type Sandbox, CASES_PATH } from './helpers/cases';
import { NODE_NAME, ORIGIN, run, TOKEN } from './helpers/node';
import { nodeWorkflow } from './helpers/cases';

const base = {
	resource: 'case',
	operation: 'create',
	caseType: 'Request',
	responsible: 'lmora_@demo',
	owner: 'ADMIN_@demo',
	contact: 'valentina.ospina@gmail.com',
	description: 'Cobro doble en noviembre',
	status: 'Abierto',
	priority: 'Alta',
};
const fields = (...field: Array<{ name: string; value: string }>) => ({ caseFields: { field } });

let sandbox: Sandbox | undefined;
afterEach(async () => {
	await sandbox?.close();
	sandbox = undefined;
	nock.cleanAll();
	nock.enableNetConnect();
});

describe('Case → Create without attachments: cases/insert.php as form-data', () => {
	test('the exact multipart body: documented keys as typed, form as a JSON string', async () => {
		nock.disableNetConnect();
		const seen: Array<{ body: string; type: unknown; token: unknown }> = [];
		nock(ORIGIN)
			.post(`${CASES_PATH}insert.php`)
			.reply(function (_uri, body) {
				seen.push({ body: String(body), type: this.req.headers['content-type'], token: this.req.headers['wolkvox-token'] });
				return [200, { code: 200, error: 'null', msg: 'ok', data: { wolkvox_id: 'c1' } }];
			});
		const result = await run(nodeWorkflow({ ...base, caseType: 'custom', customCaseType: 'Garantía', ...fields({ name: 'Canal ', value: 'Teléfono' }) }));
		expect(result.status).toBe('success');
		const expected = encodeMultipart([
			{ name: 'operation', value: 'demo' },
			{ name: 'case-type', value: 'Garantía' },
			{ name: 'responsible', value: 'lmora_@demo' },
			{ name: 'owner', value: 'ADMIN_@demo' },
			{ name: 'contact', value: 'valentina.ospina@gmail.com' },
			{ name: 'description', value: 'Cobro doble en noviembre' },
			{ name: 'status', value: 'Abierto' },
			{ name: 'priority', value: 'Alta' },
			{ name: 'form', value: '{"Canal ":"Teléfono"}' },
		]);
		expect(seen).toStrictEqual([{ body: expected.body.toString('utf8'), type: expected.contentType, token: TOKEN }]);
		expect(result.outputOf(NODE_NAME)).toStrictEqual([
			{ json: { code: 200, error: 'null', msg: 'ok', data: { wolkvox_id: 'c1' }, wolkvox_id: 'c1', caseIdReturned: true }, pairedItem: { item: 0 } },
		]);
	});

	test('against the sandbox: one case per item, each output paired and naming the case the sandbox holds', async () => {
		sandbox = await startSandbox();
		const items = [{ json: { d: 'uno' } }, { json: { d: 'dos' } }];
		const result = await runOn(sandbox, { ...base, description: '={{ $json.d }}' }, items);
		const output = result.outputOf(NODE_NAME);
		const cases = sandbox.records('demo', 'cases') as Array<Record<string, unknown>>;
		expect(output.map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }, { item: 1 }]);
		for (const [index, item] of output.entries()) {
			const stored = cases.find((c) => c.wolkvox_id === item.json.wolkvox_id);
			expect(stored).toMatchObject({ description: ['uno', 'dos'][index], status: 'Abierto', priority: 'Alta', 'type case': 'Request', form: {} });
		}
		expect(pathsOf(sandbox)).toStrictEqual(['cases/insert.php', 'cases/insert.php']);
	});

	test('an answer without the id says so plainly and invents none', async () => {
		sandbox = await startSandbox({ caseInsertReturnsId: false });
		const result = await runOn(sandbox, base);
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toStrictEqual({
			code: '200',
			error: 'null',
			msg: 'Case created successfully',
			data: null,
			caseIdReturned: false,
			note: "The API accepted the case but its answer did not give the new case's id. Find it with Case → Search.",
		});
		expect(sandbox.records('demo', 'cases')).toHaveLength(4);
	});
});

describe('Case → Create with attachments: cases/insertAttach.php as JSON', () => {
	test('the binary properties go base64 in attachments, form as an object', async () => {
		sandbox = await startSandbox();
		const items = [{ json: {}, binary: { data: { data: Buffer.from('hello').toString('base64'), mimeType: 'text/plain', fileName: 'a.txt' } } }];
		const result = await runOn(sandbox, { ...base, ...fields({ name: 'Canal', value: 'Email' }), options: { attachmentProperties: 'data' } }, items);
		const [item] = result.outputOf(NODE_NAME);
		expect(pathsOf(sandbox)).toStrictEqual(['cases/insertAttach.php']);
		const stored = (sandbox.records('demo', 'cases') as Array<Record<string, unknown>>).find((c) => c.wolkvox_id === item.json.wolkvox_id);
		expect(stored).toMatchObject({ attachments: [{ bytes: 5 }], form: { Canal: 'Email' }, 'email contact': 'valentina.ospina@gmail.com' });
	});
});

describe('Case → Create: never twice, and errors that name the item', () => {
	test('a lost answer is not resent: exactly one request, and the item says the case may have been created', async () => {
		sandbox = await startSandbox();
		sandbox.configure({ faults: { rate: 1, kinds: ['reset'], afterCommit: true } });
		const result = await runOn(sandbox, { ...base, options: { maxRetryWait: 0.01 } }, [{ json: {} }], 'continueRegularOutput');
		const [item] = result.outputOf(NODE_NAME);
		expect(item).toMatchObject({ json: { error: 'The case may have been created: the answer to the create request was lost' }, pairedItem: { item: 0 } });
		expect(item.json.details).toMatch(/^Item 0: .*The node does not send a create again, so that no case is made twice\./);
		expect(pathsOf(sandbox)).toStrictEqual(['cases/insert.php']);
		expect(sandbox.records('demo', 'cases')).toHaveLength(4);
	});

	test('an empty required field fails its own item before anything is sent', async () => {
		sandbox = await startSandbox();
		const items = [{ json: { r: 'lmora_@demo' } }, { json: { r: '' } }];
		const result = await runOn(sandbox, { ...base, responsible: '={{ $json.r }}' }, items, 'continueRegularOutput');
		const output = result.outputOf(NODE_NAME);
		expect(output[1]).toStrictEqual({ json: { error: 'Responsible is empty', details: 'Item 1: fill in Responsible.' }, pairedItem: { item: 1 } });
		expect(output[0].json.caseIdReturned).toBe(true);
		expect(pathsOf(sandbox)).toStrictEqual(['cases/insert.php']);
	});

	test('Check Daily Quota First: one call per item, nothing sent when they do not fit', async () => {
		sandbox = await startSandbox({ dailyQuota: 10, quotaUsed: 8 });
		const result = await runOn(sandbox, { ...base, options: { quotaGuard: true } }, [{ json: {} }, { json: {} }]);
		expect(result.nodeError(NODE_NAME)!.message).toBe('This run needs 2 API call(s), but the token has only 1 left today');
		expect(pathsOf(sandbox)).toStrictEqual(['token/tokenInformation.php']);
		expect(sandbox.records('demo', 'cases')).toHaveLength(3);
	});

	test('Custom without a custom type stops the run naming the item', async () => {
		sandbox = await startSandbox();
		const result = await runOn(sandbox, { ...base, caseType: 'custom', customCaseType: ' ' });
		expect(result.status).toBe('error');
		expect(result.nodeError(NODE_NAME)).toMatchObject({ message: 'No custom case type is set', context: { itemIndex: 0 } });
		expect(pathsOf(sandbox)).toStrictEqual([]);
	});
});
