/**
 * The node against the local wolkvox sandbox over real HTTP on 127.0.0.1: what it deletes,
 * what it leaves, and the errors a workflow builder sees.
 */
import { NODE_NAME, deleteWorkflow, run, runCredentialTest } from './helpers/node';
import { MODULE, OPERATION, deleteRequests, remainingIds, runDeletes, sandboxWithContacts, type Sandbox } from './helpers/sandbox';

let sandbox: Sandbox | undefined;
afterEach(async () => {
	await sandbox?.close();
	sandbox = undefined;
});

const NO_RETRIES = { maxRetries: 0 };

async function start(count = 10, options = {}) {
	const started = await sandboxWithContacts(count, options);
	sandbox = started.sandbox;
	return { sandbox: started.sandbox, ids: started.ids as string[] };
}

describe('Record → Delete against the sandbox', () => {
	test('single delete per item removes exactly those records', async () => {
		const { sandbox, ids } = await start();
		const result = await runDeletes(sandbox, [ids[2], ids[5]], {}, 'stopWorkflow', false);

		expect(result.status).toBe('success');
		expect(result.outputOf(NODE_NAME).map((item) => item.json)).toStrictEqual([
			{ code: 200, error: 'null', msg: 'Have been succesfully removed', data: { wolkvox_id: [ids[2]] } },
			{ code: 200, error: 'null', msg: 'Have been succesfully removed', data: { wolkvox_id: [ids[5]] } },
		]);
		expect(remainingIds(sandbox)).toStrictEqual(ids.filter((id) => id !== ids[2] && id !== ids[5]));
		expect(deleteRequests(sandbox).map((entry) => entry.multiple)).toStrictEqual([false, false]);
	});

	test('Delete Multiple removes all ids of the item in one request', async () => {
		const { sandbox, ids } = await start();
		const result = await runDeletes(sandbox, [ids.slice(0, 4)], {});

		expect(result.status).toBe('success');
		expect(deleteRequests(sandbox)).toHaveLength(1);
		expect(remainingIds(sandbox)).toStrictEqual(ids.slice(4));
	});

	test('a wrong token: 403 with the API\'s words, nothing deleted', async () => {
		const { sandbox, ids } = await start();
		const result = await run(
			deleteWorkflow({ crmOperation: OPERATION, module: MODULE, recordIds: ids[0], options: NO_RETRIES }),
			{ server: sandbox.url, token: 'example-wrong-token', crmOperation: '' },
		);

		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe('The wolkvox CRM API refused the request: PLEASE VALIDATE TOKEN');
		expect(error.description).toMatch(new RegExp(`^Item 0 \\(Record ID ${ids[0]}\\): The token was refused`));
		expect(remainingIds(sandbox)).toStrictEqual(ids);
	});

	test('an unknown id: 404 naming it; with Continue On Fail the other item is still deleted', async () => {
		const { sandbox, ids } = await start();
		const result = await runDeletes(sandbox, ['ffffffffffffffffffffffff', ids[1]], NO_RETRIES, 'continueRegularOutput', false);

		const output = result.outputOf(NODE_NAME);
		expect(output[0].json.error).toBe('The wolkvox CRM API refused the request: RECORD NOT FOUND');
		expect(output[0].json.details).toContain('ffffffffffffffffffffffff');
		expect(output[1].json).toMatchObject({ code: 200, data: { wolkvox_id: [ids[1]] } });
		expect(remainingIds(sandbox)).toStrictEqual(ids.filter((id) => id !== ids[1]));
	});

	test('HTTP 200 with the error only in the body is an error, and nothing is deleted', async () => {
		const { sandbox, ids } = await start(10, { errorsAsHttp200: true });
		const result = await runDeletes(sandbox, [['ffffffffffffffffffffffff', ids[0]]], NO_RETRIES);

		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe('The wolkvox CRM API refused the request: RECORD NOT FOUND');
		expect(error.description).toContain('HTTP 200, code 404');
		expect(remainingIds(sandbox)).toStrictEqual(ids);
	});

	test('an HTML page instead of the API: says to check the server, nothing deleted', async () => {
		const { sandbox, ids } = await start(10, { faults: { rate: 1, kinds: ['html'], seed: 1 } });
		const result = await runDeletes(sandbox, [ids[0]], NO_RETRIES, 'stopWorkflow', false);

		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toMatch(/^The server at 127\.0\.0\.1:\d+ did not answer like the wolkvox CRM API \(HTTP 200, a web page\)$/);
		expect(remainingIds(sandbox)).toStrictEqual(ids);
	});

	test('the credential test passes against the sandbox and spends one unit of the daily quota', async () => {
		const { sandbox } = await start();
		const before = sandbox.stats().tokenUseToday;
		const result = await runCredentialTest({ server: sandbox.url, token: sandbox.token, crmOperation: OPERATION });

		expect(result).toMatchObject({ status: 'OK' });
		expect(sandbox.stats().tokenUseToday).toBe(before + 1);
	});

	test('the credential test fails against the sandbox with a wrong token', async () => {
		const { sandbox } = await start();
		const result = await runCredentialTest({ server: sandbox.url, token: 'example-wrong-token', crmOperation: OPERATION });
		expect(result).toMatchObject({ status: 'Error', message: expect.stringContaining('The API refused the token') });
	});
});
