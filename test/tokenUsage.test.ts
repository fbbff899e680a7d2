/** Token → Get Usage through n8n's engine: the request, the output item, its variants and errors. */
import nock from 'nock';
import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import { WolkvoxCrm } from '../nodes/WolkvoxCrm/WolkvoxCrm.node';
import { startSandbox } from '../sandbox/server';
import { collectStrings } from './engine';
import { NODE_NAME, ORIGIN, TOKEN, USAGE_PATH, credentials, deleteWorkflow, run, usageAnswer } from './helpers/node';

type OnError = Parameters<typeof deleteWorkflow>[2];

/** Manual Trigger (the given items pinned) → Wolkvox CRM → Token → Get Usage. */
function usageWorkflow(parameters: INodeParameters = {}, items: Array<Record<string, unknown>> = [{}], onError?: OnError) {
	const workflow = deleteWorkflow({}, items, onError);
	workflow.nodes[1].parameters = { resource: 'token', operation: 'getUsage', ...parameters };
	return workflow;
}

async function getUsage(parameters?: INodeParameters, items?: Array<Record<string, unknown>>, credentialData?: ICredentialDataDecryptedObject, onError?: OnError) {
	return await run(usageWorkflow(parameters, items, onError), credentialData);
}

type Captured = { url: string; method: string; headers: Record<string, unknown>; body: string };

function answerUsage(status: number, answer: unknown, times = 1): Captured[] {
	const captured: Captured[] = [];
	nock(ORIGIN)
		.get(USAGE_PATH)
		.query(true)
		.times(times)
		.reply(function (uri, body) {
			captured.push({ url: `${ORIGIN}${uri}`, method: this.req.method, headers: { ...this.req.headers }, body: String(body) });
			return [status, answer];
		});
	return captured;
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Token → Get Usage', () => {
	test('GET tokenInformation.php with the credential\'s CRM operation, the token header only, no body', async () => {
		const captured = answerUsage(200, usageAnswer);
		const result = await getUsage();

		expect(result.status).toBe('success');
		expect(captured).toHaveLength(1);
		expect(captured[0].method).toBe('GET');
		expect(captured[0].url).toBe(`${ORIGIN}${USAGE_PATH}?operation=demo`);
		expect(captured[0].headers['wolkvox-token']).toBe(TOKEN);
		expect(captured[0].body).toBe('');
		expect(result.outputOf(NODE_NAME)).toStrictEqual([
			{
				json: { limit: 4800, usedToday: 12, remaining: 4788, hoursUntilReset: 9, raw: usageAnswer },
				pairedItem: { item: 0 },
			},
		]);
	});

	test('the node\'s own CRM Operation wins over the credential\'s', async () => {
		const captured = answerUsage(200, usageAnswer);
		await getUsage({ crmOperation: ' ventas_co ' });
		expect(captured[0].url).toBe(`${ORIGIN}${USAGE_PATH}?operation=ventas_co`);
	});

	test('three input items: one call for the run, one output item paired to the first item', async () => {
		const captured = answerUsage(200, usageAnswer, 3);
		const result = await getUsage({}, [{ a: 1 }, { a: 2 }, { a: 3 }]);
		expect(captured).toHaveLength(1);
		expect(result.outputOf(NODE_NAME)).toHaveLength(1);
		expect(result.outputOf(NODE_NAME)[0].pairedItem).toStrictEqual({ item: 0 });
	});

	test('numbers as strings, code as a number, the hours key spelled otherwise', async () => {
		const answer = {
			code: 200,
			error: null,
			msg: 'ok',
			data: { token_limit: '500', token_use_today: '499', available_consumition_options: '1', hours_to_rest: '3.5' },
		};
		answerUsage(200, answer);
		const result = await getUsage();
		expect(result.outputOf(NODE_NAME)[0].json).toStrictEqual({
			limit: 500,
			usedToday: 499,
			remaining: 1,
			hoursUntilReset: 3.5,
			raw: answer,
		});
	});

	test('no hours key and no data: null, not made up; the raw answer is kept as it came', async () => {
		answerUsage(200, { code: '200', error: 'null', msg: '1 records were are found', data: { token_limit: 4800 } });
		const first = await getUsage();
		expect(first.outputOf(NODE_NAME)[0].json).toStrictEqual({
			limit: 4800,
			usedToday: null,
			remaining: null,
			hoursUntilReset: null,
			raw: { code: '200', error: 'null', msg: '1 records were are found', data: { token_limit: 4800 } },
		});

		answerUsage(200, { code: '200', error: 'null', msg: 'nothing' });
		const second = await getUsage();
		expect(second.outputOf(NODE_NAME)[0].json).toMatchObject({ limit: null, usedToday: null, remaining: null, hoursUntilReset: null });
	});

	test('HTTP 200 with an error code in the body is an error, not a usage', async () => {
		answerUsage(200, { code: '404', error: 'OPERATION NOT FOUND', msg: 'Unknown operation' });
		const result = await getUsage();
		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe('The wolkvox CRM API refused the request: OPERATION NOT FOUND');
		expect(error.description).toMatch(/^Item 0: Something named in the request does not exist/);
	});

	test('a used-up quota (HTTP 200, code "403") is not retried and says so, with the hours it gave', async () => {
		const captured = answerUsage(200, { code: '403', error: 'TOKEN LIMIT EXCEEDED', msg: '', data: { hours_to_reset: '4' } }, 5);
		const result = await getUsage();
		expect(captured).toHaveLength(1);
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe('The wolkvox CRM API refused the request: TOKEN LIMIT EXCEEDED');
		expect(error.description).toBe(
			'Item 0: The token\'s daily quota of API calls is used up, so the API accepts no more calls from it; the quota comes back in 4 hours (as the API said). Run the rest then, or use another token. Token → Get Usage shows the count; the option Check Daily Quota First stops a run before it sends anything when it does not fit. (HTTP 200, code 403)',
		);
	});

	test('Continue On Fail: the error becomes one error item paired to the first item', async () => {
		answerUsage(401, { code: 401, error: 'PLEASE ENTER THE WOLKVOX-TOKEN', msg: 'Unauthorized' });
		const result = await getUsage({}, [{}, {}], undefined, 'continueRegularOutput');
		expect(result.outputOf(NODE_NAME)).toStrictEqual([
			{
				json: {
					error: 'The wolkvox CRM API refused the request: PLEASE ENTER THE WOLKVOX-TOKEN',
					details: 'Item 0: The API received no token: check the Token in the Wolkvox CRM API credential. (HTTP 401, code 401, message "Unauthorized")',
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	test('no CRM operation anywhere: stops before sending, saying where to fill it in', async () => {
		const captured = answerUsage(200, usageAnswer);
		const result = await getUsage({}, [{}], credentials({ crmOperation: '' }));
		expect(captured).toHaveLength(0);
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe('No CRM operation is set');
		expect(error.description).toMatch(/^Item 0: fill in CRM Operation on this node, or in the Wolkvox CRM API credential/);
	});

	test.each([
		['a success that echoes the token', 200, { ...usageAnswer, msg: `token ${TOKEN}` }],
		['a refusal that echoes the token', 403, { code: 403, error: `TOKEN LIMIT EXCEEDED ${TOKEN}`, msg: TOKEN }],
	])('the token never reaches the output or the error: %s', async (_, status, answer) => {
		answerUsage(status, answer);
		const result = await getUsage();
		const texts = [...collectStrings(result.run), JSON.stringify(result.run)];
		const error = result.status === 'error' ? result.nodeError(NODE_NAME) : undefined;
		if (error) texts.push(...collectStrings(error));
		// An echo in a successful answer is scrubbed too: `raw` is what the API said, minus the secret.
		expect(texts.filter((text) => text.includes(TOKEN))).toStrictEqual([]);
		expect(collectStrings(result.authenticatedRequests).some((text) => text.includes(TOKEN))).toBe(true);
	});
});

describe('Token → Get Usage against the sandbox', () => {
	beforeAll(() => nock.enableNetConnect('127.0.0.1'));
	afterAll(() => nock.disableNetConnect());

	test('the call counts itself: each run sees one more call used today, and one fewer left', async () => {
		const sandbox = await startSandbox({ dailyQuota: 50 });
		try {
			const credentialData = { server: sandbox.url, token: sandbox.token, crmOperation: 'demo' };
			const first = (await getUsage({}, [{}], credentialData)).outputOf(NODE_NAME)[0].json;
			const second = (await getUsage({}, [{}], credentialData)).outputOf(NODE_NAME)[0].json;
			expect(first).toMatchObject({ limit: 50, usedToday: 1, remaining: 49 });
			expect(second).toMatchObject({ limit: 50, usedToday: 2, remaining: 48 });
			expect(typeof second.hoursUntilReset).toBe('number');
			expect((second.raw as { data: Record<string, unknown> }).data).toHaveProperty('available_consumition_options', 48);
			expect(sandbox.log.map((entry: { path: string }) => entry.path)).toStrictEqual([USAGE_PATH, USAGE_PATH]);
		} finally {
			await sandbox.close();
		}
	});
});

describe('the node description', () => {
	const properties = new WolkvoxCrm().description.properties;
	const named = (name: string) => properties.filter((property) => property.name === name);

	test('Resource: Activity, Case, Record and Token; Token → Get Usage ("Get token usage")', () => {
		expect(named('resource')[0].options).toStrictEqual([
			{ name: 'Activity', value: 'activity' },
			{ name: 'Case', value: 'case' },
			{ name: 'Record', value: 'record' },
			{ name: 'Token', value: 'token' },
		]);
		const tokenOperations = named('operation').find((property) => property.displayOptions?.show?.resource?.[0] === 'token')!;
		expect(tokenOperations.options).toMatchObject([{ name: 'Get Usage', value: 'getUsage', action: 'Get token usage' }]);
	});

	test('Get Usage says that it costs one call itself, and offers CRM Operation', () => {
		const notice = properties.find((property) => property.type === 'notice' && property.displayOptions?.show?.operation?.[0] === 'getUsage')!;
		expect(notice.displayName).toContain('uses one unit of the token\'s daily quota');
		expect(named('crmOperation').some((property) => property.displayOptions?.show?.operation?.[0] === 'getUsage')).toBe(true);
	});

	test('Record → Delete offers Check Daily Quota First, off by default, saying it costs one call', () => {
		const options = named('options').find((property) => property.displayOptions?.show?.operation?.[0] === 'delete')!;
		const guard = (options.options as Array<{ name: string; default?: unknown; description?: string }>).find((option) => option.name === 'quotaGuard')!;
		expect(guard).toMatchObject({ displayName: 'Check Daily Quota First', type: 'boolean', default: false });
		expect(guard.description).toContain('costs one call of the quota');
		expect(guard.description).toContain('with nothing sent');
	});
});
