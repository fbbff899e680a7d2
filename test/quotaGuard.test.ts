/**
 * The daily quota on Record → Delete: Check Daily Quota First (passes, refuses with nothing
 * sent), and a quota used up in the middle of a run (not retried, says what was already deleted).
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { collectStrings } from './engine';
import { DELETE_PATH, NODE_NAME, ORIGIN, TOKEN, USAGE_PATH, deleteWorkflow, deletedAnswer, run } from './helpers/node';
import { OPERATION, remainingIds, runDeletes, sandboxWithContacts, type Sandbox } from './helpers/sandbox';

const NO_RETRY_WAIT = { maxRetries: 3, maxRetryWait: 0 };
const QUOTA_WORDS =
	'The token\'s daily quota of API calls is used up, so the API accepts no more calls from it; the quota comes back tomorrow, when the count restarts. Run the rest then, or use another token. Token → Get Usage shows the count; the option Check Daily Quota First stops a run before it sends anything when it does not fit.';

beforeAll(() => {
	nock.disableNetConnect();
	nock.enableNetConnect('127.0.0.1');
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const paths = (sandbox: Sandbox) => sandbox.log.map((entry: { path: string }) => entry.path);
const statuses = (sandbox: Sandbox) => sandbox.log.map((entry: { status: number | null }) => entry.status);

/** A sandbox with `count` contacts and a small daily quota, closed after `body`. */
async function withSandbox(count: number, dailyQuota: number, body: (sandbox: Sandbox, ids: string[]) => Promise<void>) {
	const { sandbox, ids } = await sandboxWithContacts(count, { dailyQuota });
	try {
		await body(sandbox, ids);
	} finally {
		await sandbox.close();
	}
}

/** One id per item, one request per item (Delete Multiple off). */
const perItem = async (sandbox: Sandbox, ids: string[], options: IDataObject, onError?: Parameters<typeof runDeletes>[3]) =>
	await runDeletes(sandbox, ids, options, onError, false);

describe('Check Daily Quota First, one request per item', () => {
	test('fits: the usage call, then exactly one delete per item (1 + N requests)', async () => {
		await withSandbox(5, 10, async (sandbox, ids) => {
			const result = await perItem(sandbox, ids.slice(0, 3), { quotaGuard: true });
			expect(result.status).toBe('success');
			expect(paths(sandbox)).toStrictEqual([USAGE_PATH, DELETE_PATH, DELETE_PATH, DELETE_PATH]);
			expect(result.outputOf(NODE_NAME)).toHaveLength(3);
			expect(remainingIds(sandbox)).toStrictEqual(ids.slice(3));
		});
	});

	test('an item without ids needs no call: exactly what is left is enough', async () => {
		// Quota 4: the usage call leaves 3, and 3 of the 4 items send a request.
		await withSandbox(5, 4, async (sandbox, ids) => {
			const result = await perItem(sandbox, [ids[0], '', ids[1], ids[2]], { quotaGuard: true }, 'continueRegularOutput');
			expect(paths(sandbox)).toStrictEqual([USAGE_PATH, DELETE_PATH, DELETE_PATH, DELETE_PATH]);
			expect(result.outputOf(NODE_NAME).map((item) => item.json.msg ?? item.json.error)).toStrictEqual([
				'Have been succesfully removed',
				'No record IDs to delete',
				'Have been succesfully removed',
				'Have been succesfully removed',
			]);
		});
	});

	test('does not fit: stops after the usage call with nothing else sent, saying needed, left and when', async () => {
		await withSandbox(5, 5, async (sandbox, ids) => {
			const result = await perItem(sandbox, ids, { quotaGuard: true });
			expect(result.status).toBe('error');
			expect(paths(sandbox)).toStrictEqual([USAGE_PATH]);
			expect(remainingIds(sandbox)).toStrictEqual(ids);

			const error = result.nodeError(NODE_NAME)!;
			expect(error.message).toBe('This run needs 5 API call(s), but the token has only 4 left today');
			// The sandbox says the hours until its midnight.
			expect(error.description).toMatch(
				/^Item 0: nothing was sent \(Check Daily Quota First used one call to ask for the usage\)\. The quota comes back in \d+ hours? \(as the API said\)\. Run again then, or split the input so that a run needs at most 4 call\(s\)\.$/,
			);
			expect(error.context.itemIndex).toBe(0);
			const texts = [...collectStrings(error), ...collectStrings(result.run)];
			expect(texts.filter((text) => text.includes(sandbox.token))).toStrictEqual([]);
		});
	});

	test('quota already used up: the usage call itself is refused, and nothing is deleted', async () => {
		await withSandbox(3, 1, async (sandbox, ids) => {
			// Another workflow used the one call of the day.
			const used = await fetch(`${sandbox.url}${USAGE_PATH}?operation=${OPERATION}`, { headers: { 'Wolkvox-Token': sandbox.token } });
			expect(used.status).toBe(200);

			const result = await perItem(sandbox, ids, { quotaGuard: true, ...NO_RETRY_WAIT });
			expect(paths(sandbox)).toStrictEqual([USAGE_PATH, USAGE_PATH]);
			expect(statuses(sandbox)).toStrictEqual([200, 403]);
			const error = result.nodeError(NODE_NAME)!;
			expect(error.message).toBe('The wolkvox CRM API refused the request: TOKEN LIMIT EXCEEDED');
			expect(error.description).toBe(`Item 0: ${QUOTA_WORDS} (HTTP 403, code 403, message "The token has used its 1 requests for today")`);
			expect(remainingIds(sandbox)).toStrictEqual(ids);
		});
	});

	test('off (the default): no usage call is made', async () => {
		await withSandbox(2, 10, async (sandbox, ids) => {
			await perItem(sandbox, ids, {});
			expect(paths(sandbox)).toStrictEqual([DELETE_PATH, DELETE_PATH]);
		});
	});
});

describe('Check Daily Quota First with Batch Across Items', () => {
	const batched = { batchAcrossItems: true, maxIdsPerRequest: 100, quotaGuard: true };

	test('fits: the usage call, then the planned batches (250 ids → 3 requests)', async () => {
		await withSandbox(250, 4, async (sandbox, ids) => {
			const result = await runDeletes(sandbox, ids, batched);
			expect(result.status).toBe('success');
			expect(paths(sandbox)).toStrictEqual([USAGE_PATH, DELETE_PATH, DELETE_PATH, DELETE_PATH]);
			expect(remainingIds(sandbox)).toStrictEqual([]);
		});
	});

	test('does not fit: 3 batches but 2 calls left, nothing deleted', async () => {
		await withSandbox(250, 3, async (sandbox, ids) => {
			const result = await runDeletes(sandbox, ids, batched);
			expect(paths(sandbox)).toStrictEqual([USAGE_PATH]);
			expect(result.nodeError(NODE_NAME)!.message).toBe('This run needs 3 API call(s), but the token has only 2 left today');
			expect(remainingIds(sandbox)).toHaveLength(250);
		});
	});
});

describe('the quota runs out in the middle of a run (guard off)', () => {
	test('one request per item: the refusal is sent once, not retried, and says how many items were deleted', async () => {
		await withSandbox(5, 3, async (sandbox, ids) => {
			const result = await perItem(sandbox, ids, NO_RETRY_WAIT);
			expect(statuses(sandbox)).toStrictEqual([200, 200, 200, 403]);
			expect(remainingIds(sandbox)).toStrictEqual(ids.slice(3));
			const error = result.nodeError(NODE_NAME)!;
			expect(error.context.itemIndex).toBe(3);
			expect(error.message).toBe('The wolkvox CRM API refused the request: TOKEN LIMIT EXCEEDED');
			expect(error.description).toBe(
				`Item 3 (Record ID ${ids[3]}): ${QUOTA_WORDS} (HTTP 403, code 403, message "The token has used its 3 requests for today") Before the node stopped, the records of 3 other item(s) were deleted.`,
			);
		});
	});

	test('Batch Across Items: one refused batch, not retried, and the count of records already deleted', async () => {
		await withSandbox(300, 2, async (sandbox, ids) => {
			const result = await runDeletes(sandbox, ids, { batchAcrossItems: true, maxIdsPerRequest: 100, ...NO_RETRY_WAIT });
			expect(statuses(sandbox)).toStrictEqual([200, 200, 403]);
			expect(remainingIds(sandbox)).toStrictEqual(ids.slice(200));
			const error = result.nodeError(NODE_NAME)!;
			expect(error.context.itemIndex).toBe(200);
			expect(error.description).toContain(QUOTA_WORDS);
			expect(error.description).toContain('Before the node stopped, 200 record(s) were deleted');
		});
	});
});

describe('quota answers the sandbox does not give (nock)', () => {
	test('a 429 saying TOKEN LIMIT EXCEEDED, with Retry-After, is still not retried; hours it gives are shown', async () => {
		let requests = 0;
		nock(ORIGIN)
			.post(DELETE_PATH)
			.times(4)
			.reply(() => {
				requests++;
				return [429, { code: 429, error: 'TOKEN LIMIT EXCEEDED', msg: '', data: { hours_to_reset: 2 } }, { 'Retry-After': '1' }];
			});
		const result = await run(deleteWorkflow({ recordIds: 'a1', options: NO_RETRY_WAIT }));
		expect(requests).toBe(1);
		expect(result.nodeError(NODE_NAME)!.description).toMatch(/^Item 0 \(Record ID a1\): The token's daily quota of API calls is used up, .*the quota comes back in 2 hours \(as the API said\)\./);
	});

	test('a usage answer without the counts: the guard cannot check, so nothing is deleted', async () => {
		const usage = nock(ORIGIN).get(USAGE_PATH).query({ operation: 'demo' }).reply(200, { code: '200', error: 'null', msg: 'ok', data: { description: 'token' } });
		const deletes = nock(ORIGIN).post(DELETE_PATH).reply(200, deletedAnswer(['a1']));
		const result = await run(deleteWorkflow({ recordIds: 'a1', options: { quotaGuard: true } }));
		expect(usage.isDone()).toBe(true);
		expect(deletes.isDone()).toBe(false);
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe('The API did not say how many calls the token has left today');
		expect(error.description).toMatch(/^Item 0: Check Daily Quota First asked token\/tokenInformation\.php for the usage/);
		expect(collectStrings(error).filter((text) => text.includes(TOKEN))).toStrictEqual([]);
	});

	test('the limit minus what was used is enough when the answer lacks available_consumition_options', async () => {
		nock(ORIGIN).get(USAGE_PATH).query(true).reply(200, { code: 200, error: null, data: { token_limit: '10', token_use_today: '9' } });
		const deletes = nock(ORIGIN).post(DELETE_PATH).reply(200, deletedAnswer(['a1']));
		const result = await run(deleteWorkflow({ recordIds: 'a1', options: { quotaGuard: true } }));
		expect(result.status).toBe('success');
		expect(deletes.isDone()).toBe(true);
	});
});
