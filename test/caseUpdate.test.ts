import nock from 'nock';

import { startSandbox } from '../sandbox/server';
import { CASE1, CASE2, CASES_PATH, nodeWorkflow, pathsOf, runOn, type Sandbox } from './helpers/cases';
import { NODE_NAME, ORIGIN, run } from './helpers/node';

type Case = Record<string, unknown>;
const base = { resource: 'case', operation: 'update', caseId: CASE1 };

let sandbox: Sandbox | undefined;
afterEach(async () => {
	await sandbox?.close();
	sandbox = undefined;
	nock.cleanAll();
	nock.enableNetConnect();
});

const caseOf = (sb: Sandbox, id: string) => (sb.records('demo', 'cases') as Case[]).find((c) => c.wolkvox_id === id)!;
/** The case without its modification time (set to now by each write). */
function withoutStamp(found: Case): Case {
	const copy = { ...found };
	delete copy.wolkvox_fecha_modificacion;
	return copy;
}

describe('Case → Update: read, then send the whole case back with the changes', () => {
	test.each(['query', 'write'] as const)('answer keys "%s": only the fields set change, nothing is blanked, 2 calls', async (caseAnswerKeys) => {
		sandbox = await startSandbox({ caseAnswerKeys });
		const before = caseOf(sandbox, CASE1);
		const other = caseOf(sandbox, CASE2);
		const result = await runOn(sandbox, { ...base, updateFields: { status: 'closed', solution: 'Refund sent' }, caseFields: { field: [{ name: 'Canal', value: 'Email' }] } });
		expect(result.nodeError(NODE_NAME)).toBeUndefined();
		expect(pathsOf(sandbox)).toStrictEqual(['cases/queryCases.php', 'cases/update.php']);
		expect(withoutStamp(caseOf(sandbox, CASE1))).toStrictEqual(
			withoutStamp({ ...before, status: 'closed', solution: 'Refund sent', form: { Canal: 'Email', Producto: 'Plan Hogar 50' } }),
		);
		expect(caseOf(sandbox, CASE2)).toStrictEqual(other);
		expect(result.outputOf(NODE_NAME)).toStrictEqual([
			{ json: { code: 200, error: 'null', msg: 'Case updated successfully', data: { wolkvox_id: CASE1 }, wolkvox_id: CASE1 }, pairedItem: { item: 0 } },
		]);
	});

	test('an unknown case id fails its item naming the id, and nothing is written', async () => {
		sandbox = await startSandbox();
		const items = [{ json: { id: 'ffffffffffffffffffffffff' } }, { json: { id: CASE2 } }];
		const result = await runOn(sandbox, { ...base, caseId: '={{ $json.id }}', updateFields: { priority: 'high' } }, items, 'continueRegularOutput');
		const output = result.outputOf(NODE_NAME);
		expect(output[0]).toMatchObject({ json: { error: 'No case with the ID ffffffffffffffffffffffff' }, pairedItem: { item: 0 } });
		expect(output[0].json.details).toMatch(/^Item 0: cases\/queryCases\.php found no case with wolkvox-id ffffffffffffffffffffffff/);
		expect(output[1]).toMatchObject({ json: { wolkvox_id: CASE2 }, pairedItem: { item: 1 } });
		expect(pathsOf(sandbox)).toStrictEqual(['cases/queryCases.php', 'cases/queryCases.php', 'cases/update.php']);
		expect(caseOf(sandbox, CASE2).priority).toBe('high');
	});

	test('Check Daily Quota First counts 2 calls per item and stops before reading any case', async () => {
		sandbox = await startSandbox({ dailyQuota: 10, quotaUsed: 6 });
		const result = await runOn(sandbox, { ...base, updateFields: { status: 'x' }, options: { quotaGuard: true } }, [{ json: {} }, { json: {} }]);
		expect(result.nodeError(NODE_NAME)!.message).toBe('This run needs 4 API call(s), but the token has only 3 left today');
		expect(pathsOf(sandbox)).toStrictEqual(['token/tokenInformation.php']);
	});

	test('a read answer without a field the write needs stops before writing, naming the field', async () => {
		nock.disableNetConnect();
		nock(ORIGIN)
			.post(`${CASES_PATH}queryCases.php`)
			.reply(200, { code: '200', error: 'null', msg: '1 records were are found', data: [{ wolkvox_id: CASE1, 'type case': 'Request', responsible: 'a', contact: 'c', description: 'd', status: 's', priority: 'p', form: {} }] });
		const write = nock(ORIGIN).post(`${CASES_PATH}update.php`).reply(200, {});
		const result = await run(nodeWorkflow({ ...base, updateFields: { status: 'closed' } }));
		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe(`The case ${CASE1} as read has no Owner`);
		expect(error.description).toMatch(/^Item 0: the answer of cases\/queryCases\.php holds no "owner" or "owner user" or "owner_user" as text/);
		expect(write.isDone()).toBe(false);
	});

	test('the form-data body sent: every key, changes applied, form merged (exact parts)', async () => {
		nock.disableNetConnect();
		nock(ORIGIN)
			.post(`${CASES_PATH}queryCases.php`)
			.reply(200, { code: '200', error: 'null', msg: '1', data: [{ 'wolkvox-id': CASE1, 'case-type': 'Request', responsible: 'a', owner: 'o', contact: 'c', description: 'd', status: 's', priority: 'p', form: '{"x":"1"}' }] });
		let sent = '';
		nock(ORIGIN)
			.post(`${CASES_PATH}update.php`)
			.reply((_uri, body) => {
				sent = String(body);
				return [200, { code: 200, error: 'null', msg: 'ok', data: null }];
			});
		const result = await run(nodeWorkflow({ ...base, updateFields: { owner: 'n' }, caseFields: { field: [{ name: 'y', value: '2' }] } }));
		expect(result.status).toBe('success');
		const parts = [...sent.matchAll(/name="([^"]+)"\r\n\r\n([^\r]*)\r\n/g)].map((m) => [m[1], m[2]]);
		expect(parts).toStrictEqual([
			['operation', 'demo'], ['wolkvox-id', CASE1], ['case-type', 'Request'], ['responsible', 'a'], ['owner', 'n'], ['contact', 'c'],
			['description', 'd'], ['status', 's'], ['priority', 'p'], ['form', '{"x":"1","y":"2"}'],
		]);
		expect(result.outputOf(NODE_NAME)[0].json).not.toHaveProperty('wolkvox_id');
	});
});
