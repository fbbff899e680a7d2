/**
 * After a daily-quota refusal ("TOKEN LIMIT EXCEEDED") a run sends nothing more: per item
 * (Concurrent Requests 1 and 4) and with Batch Across Items, with Continue On Fail on and off.
 * The items after it end as "not sent", never as "may have been created", and the run's hint
 * counts them. The sandbox's log is the truth about what was sent.
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { DELETE_PATH, NODE_NAME, ORIGIN, deleteWorkflow, deletedAnswer, recordWorkflow, run } from './helpers/node';
import { MODULE, OPERATION, deleteRequests, remainingIds, runDeletes, sandboxWithContacts, type Sandbox } from './helpers/sandbox';

beforeAll(() => {
	nock.disableNetConnect();
	nock.enableNetConnect('127.0.0.1');
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const NO_RETRY_WAIT = { maxRetries: 3, maxRetryWait: 0 };
const TOOLS = 'Token → Get Usage shows the count; the option Check Daily Quota First stops a run before it sends anything when it does not fit.';
const REFUSED_WORDS = `The token's daily quota of API calls is used up, so the API accepts no more calls from it; the quota comes back tomorrow, when the count restarts. Run the rest then, or use another token. ${TOOLS}`;
const NOT_SENT = "Not sent because the token's daily quota of API calls is used up";
const notSentWords = (when = 'tomorrow, when the count restarts') =>
	`The API refused an earlier request of this run because the token's daily quota of API calls is used up, so the node sent nothing more; the quota comes back ${when}. Run this item again then, or use another token. ${TOOLS}`;
const REFUSED = 'The wolkvox CRM API refused the request: TOKEN LIMIT EXCEEDED';
const hint = (notSent: number) =>
	`${notSent > 0 ? `${notSent} item(s) were not sent: the` : 'The'} token's daily quota of API calls ran out during this run (the API answered "TOKEN LIMIT EXCEEDED"), and the node sends nothing more after that answer. The quota comes back tomorrow, when the count restarts; run the rest then, or use another token.`;

/** A sandbox with `count` contacts, closed after `body`. */
async function withSandbox(count: number, options: IDataObject, body: (sandbox: Sandbox, ids: string[]) => Promise<void>) {
	const { sandbox, ids } = await sandboxWithContacts(count, options);
	try {
		await body(sandbox, ids);
	} finally {
		await sandbox.close();
	}
}

type OnError = 'stopWorkflow' | 'continueRegularOutput';
const statuses = (entries: Array<{ status: number | null }>) => entries.map((entry) => entry.status);
const quotaHints = (result: Awaited<ReturnType<typeof run>>) =>
	result.hintsOf(NODE_NAME).filter((message: string) => message.includes('daily quota of API calls ran out'));

/** Record → Update or Create, one item per entry of `items`, against the sandbox. */
async function runWrites(sandbox: Sandbox, operation: 'update' | 'create', items: IDataObject[], options: IDataObject, onError: OnError) {
	return await run(
		recordWorkflow(
			operation,
			{
				crmOperation: OPERATION,
				module: MODULE,
				...(operation === 'update' ? { recordId: '={{ $json.id }}' } : {}),
				fieldsToSend: 'defineBelow',
				fieldValues: { field: [{ name: 'namecontact', value: '={{ $json.name }}' }] },
				options: { ...NO_RETRY_WAIT, ...options },
			},
			items.map((json) => ({ json })),
			onError,
		),
		{ server: sandbox.url, token: sandbox.token, crmOperation: '' },
	);
}
const writeLog = (sandbox: Sandbox, endpoint: string) => sandbox.log.filter((entry: { path: string }) => entry.path.endsWith(endpoint));

describe('one request per item, Concurrent Requests 1', () => {
	test('Update, Continue On Fail: 3 calls left of 10, 6 items → 4 requests; the last 2 items are not sent and the hint counts them', async () => {
		await withSandbox(6, { dailyQuota: 10, quotaUsed: 7 }, async (sandbox, ids) => {
			const result = await runWrites(sandbox, 'update', ids.map((id, index) => ({ id, name: `N${index}` })), {}, 'continueRegularOutput');
			expect(result.status).toBe('success');
			expect(sandbox.log.map((entry) => [entry.path, entry.status])).toStrictEqual([
				...[200, 200, 200, 403].map((status) => ['/server/API/v2/custom/update.php', status]),
			]);
			const output = result.outputOf(NODE_NAME);
			expect(output.map((item) => item.pairedItem)).toStrictEqual(ids.map((_, item) => ({ item })));
			expect(output.slice(0, 3).map((item) => item.json.wolkvox_id)).toStrictEqual(ids.slice(0, 3));
			expect(output.slice(3).map((item) => item.json)).toStrictEqual([
				{ error: REFUSED, details: `Item 3 (Record ID ${ids[3]}): ${REFUSED_WORDS} (HTTP 403, code 403, message "The token has used its 10 requests for today")` },
				{ error: NOT_SENT, details: `Item 4 (Record ID ${ids[4]}): ${notSentWords()}` },
				{ error: NOT_SENT, details: `Item 5 (Record ID ${ids[5]}): ${notSentWords()}` },
			]);
			expect(quotaHints(result)).toStrictEqual([hint(2)]);
			expect(result.hintsOf(NODE_NAME)).toContain(
				"This run made 4 API call(s), retries included; each counts against the token's daily quota (4,800 a day by default, see Token → Get Usage).",
			);
		});
	});

	test('Update, stop on error: the run fails at the refused item with nothing sent after it', async () => {
		await withSandbox(6, { dailyQuota: 3 }, async (sandbox, ids) => {
			const result = await runWrites(sandbox, 'update', ids.map((id) => ({ id, name: 'x' })), {}, 'stopWorkflow');
			expect(result.status).toBe('error');
			expect(statuses(writeLog(sandbox, 'custom/update.php'))).toStrictEqual([200, 200, 200, 403]);
			const error = result.nodeError(NODE_NAME)!;
			expect(error.context.itemIndex).toBe(3);
			expect(error.message).toBe(REFUSED);
			expect(error.description).toBe(
				`Item 3 (Record ID ${ids[3]}): ${REFUSED_WORDS} (HTTP 403, code 403, message "The token has used its 3 requests for today") Before the node stopped, the API had accepted the updates of 3 other item(s).`,
			);
		});
	});

	test('Create, Continue On Fail: a create that was never sent is "not sent", not "may have been created"', async () => {
		await withSandbox(0, { dailyQuota: 2 }, async (sandbox) => {
			const result = await runWrites(sandbox, 'create', [0, 1, 2, 3].map((index) => ({ name: `N${index}` })), {}, 'continueRegularOutput');
			expect(statuses(writeLog(sandbox, 'custom/insert.php'))).toStrictEqual([200, 200, 403]);
			const output = result.outputOf(NODE_NAME);
			expect(output.map((item) => item.pairedItem)).toStrictEqual([0, 1, 2, 3].map((item) => ({ item })));
			expect(output.slice(0, 2).map((item) => item.json.msg)).toStrictEqual(['Record created successfully', 'Record created successfully']);
			expect(output.slice(2).map((item) => item.json)).toStrictEqual([
				{ error: REFUSED, details: `Item 2: ${REFUSED_WORDS} (HTTP 403, code 403, message "The token has used its 2 requests for today")` },
				{ error: NOT_SENT, details: `Item 3: ${notSentWords()}` },
			]);
			expect(sandbox.records(OPERATION, MODULE)).toHaveLength(2);
			expect(quotaHints(result)).toStrictEqual([hint(1)]);
		});
	});

	test('Delete, a refusal that says when the quota comes back (nock): the items not sent and the hint say it too', async () => {
		let requests = 0;
		nock(ORIGIN)
			.post(DELETE_PATH)
			.times(5)
			.reply((_uri, body) => {
				requests++;
				return requests === 1
					? [200, deletedAnswer([(body as { 'wolkvox-id': string })['wolkvox-id']])]
					: [429, { code: 429, error: 'TOKEN LIMIT EXCEEDED', msg: '', data: { hours_to_reset: 2 } }, { 'Retry-After': '1' }];
			});
		const result = await run(
			deleteWorkflow({ recordIds: '={{ $json.id }}', options: NO_RETRY_WAIT }, [{ id: 'a1' }, { id: 'b2' }, { id: 'c3' }], 'continueRegularOutput'),
		);
		expect(requests).toBe(2);
		const output = result.outputOf(NODE_NAME);
		expect(output[0].json).toStrictEqual(deletedAnswer(['a1']));
		expect(output[2]).toStrictEqual({
			json: { error: NOT_SENT, details: `Item 2 (Record ID c3): ${notSentWords('in 2 hours (as the API said)')}` },
			pairedItem: { item: 2 },
		});
		expect(quotaHints(result)).toStrictEqual([
			'1 item(s) were not sent: the token\'s daily quota of API calls ran out during this run (the API answered "TOKEN LIMIT EXCEEDED"), and the node sends nothing more after that answer. The quota comes back in 2 hours (as the API said); run the rest then, or use another token.',
		]);
	});
});

describe('one request per item, Concurrent Requests 4', () => {
	// Requests already in flight when the refusal arrives may finish (and be refused too); none starts after it.
	test.each<[string, OnError]>([
		['Continue On Fail', 'continueRegularOutput'],
		['stop on error', 'stopWorkflow'],
	])('Delete, %s: 3 calls of quota, 12 items → at most 3 + 4 requests, and every item after them not sent', async (_, onError) => {
		await withSandbox(12, { dailyQuota: 3, latencyMs: 20 }, async (sandbox, ids) => {
			const result = await runDeletes(sandbox, ids, { concurrency: 4, ...NO_RETRY_WAIT }, onError, false);
			const log = deleteRequests(sandbox) as Array<{ status: number; ids: string[] }>;
			const sent = log.length;
			expect(statuses(log).filter((status) => status === 200)).toHaveLength(3);
			expect(statuses(log).slice(3)).toStrictEqual(Array(sent - 3).fill(403));
			// The refusal came back with at most 3 others in flight.
			expect(sent).toBeGreaterThanOrEqual(4);
			expect(sent).toBeLessThanOrEqual(7);
			expect(remainingIds(sandbox)).toHaveLength(9);
			const sentIds = new Set(log.flatMap((entry) => entry.ids));
			if (onError === 'stopWorkflow') {
				expect(result.status).toBe('error');
				expect(result.nodeError(NODE_NAME)!.message).toBe(REFUSED);
				return;
			}
			const output = result.outputOf(NODE_NAME);
			expect(output.map((item) => item.pairedItem)).toStrictEqual(ids.map((__, item) => ({ item })));
			output.forEach((item, index) => {
				if (!sentIds.has(ids[index])) {
					expect(item.json).toStrictEqual({ error: NOT_SENT, details: `Item ${index} (Record ID ${ids[index]}): ${notSentWords()}` });
				} else if (item.json.error !== 'null') {
					expect(item.json.error).toBe(REFUSED);
				}
			});
			expect(output.filter((item) => item.json.error === NOT_SENT)).toHaveLength(12 - sent);
			expect(output.filter((item) => item.json.error === REFUSED)).toHaveLength(sent - 3);
			expect(quotaHints(result)).toStrictEqual([hint(12 - sent)]);
		});
	});
});

describe('Batch Across Items', () => {
	test('Delete, Continue On Fail: 500 ids, 100 per request, 2 calls of quota → 3 requests; the last 200 items are not sent', async () => {
		await withSandbox(500, { dailyQuota: 2 }, async (sandbox, ids) => {
			const result = await runDeletes(sandbox, ids, { batchAcrossItems: true, maxIdsPerRequest: 100, ...NO_RETRY_WAIT }, 'continueRegularOutput');
			const log = deleteRequests(sandbox) as Array<{ status: number; ids: string[] }>;
			expect(log.map((entry) => [entry.ids[0], entry.ids.length, entry.status])).toStrictEqual([
				[ids[0], 100, 200],
				[ids[100], 100, 200],
				[ids[200], 100, 403],
			]);
			const output = result.outputOf(NODE_NAME);
			expect(output.map((item) => item.pairedItem)).toStrictEqual(ids.map((_, item) => ({ item })));
			expect(output.slice(0, 200).every((item) => item.json.msg === 'Have been succesfully removed')).toBe(true);
			expect(output[200].json).toStrictEqual({
				error: REFUSED,
				details: `Item 200: not deleted: ${ids[200]}; none of its records were deleted. ${REFUSED_WORDS} (HTTP 403, code 403, message "The token has used its 2 requests for today")`,
			});
			expect(output.slice(200, 300).every((item) => item.json.error === REFUSED)).toBe(true);
			expect(output[300].json).toStrictEqual({ error: NOT_SENT, details: `Item 300: not deleted: ${ids[300]}; none of its records were deleted. ${notSentWords()}` });
			expect(output.slice(300).every((item) => item.json.error === NOT_SENT)).toBe(true);
			expect(remainingIds(sandbox)).toStrictEqual(ids.slice(200));
			expect(quotaHints(result)).toStrictEqual([hint(200)]);
		});
	});

	test('Delete, stop on error: 3 requests, the run fails at the first item of the refused request', async () => {
		await withSandbox(500, { dailyQuota: 2 }, async (sandbox, ids) => {
			const result = await runDeletes(sandbox, ids, { batchAcrossItems: true, maxIdsPerRequest: 100, ...NO_RETRY_WAIT });
			expect(statuses(deleteRequests(sandbox))).toStrictEqual([200, 200, 403]);
			const error = result.nodeError(NODE_NAME)!;
			expect(error.context.itemIndex).toBe(200);
			expect(error.message).toBe(REFUSED);
			expect(error.description).toBe(
				`Item 200: not deleted: ${ids[200]}; none of its records were deleted. ${REFUSED_WORDS} (HTTP 403, code 403, message "The token has used its 2 requests for today") Before the node stopped, 200 record(s) were deleted; the IDs of the items after the error that were not sent yet are untouched.`,
			);
			expect(remainingIds(sandbox)).toStrictEqual(ids.slice(200));
		});
	});

	test('Update, Continue On Fail: the items of the request not sent say so with their own record id', async () => {
		await withSandbox(5, { dailyQuota: 1 }, async (sandbox, ids) => {
			const result = await runWrites(
				sandbox,
				'update',
				ids.map((id) => ({ id, name: 'x' })),
				{ batchAcrossItems: true, maxRecordsPerRequest: 2 },
				'continueRegularOutput',
			);
			expect(statuses(writeLog(sandbox, 'custom/updateMany.php'))).toStrictEqual([200, 403]);
			const output = result.outputOf(NODE_NAME);
			expect(output.map((item) => item.pairedItem)).toStrictEqual(ids.map((_, item) => ({ item })));
			expect(output.slice(0, 2).map((item) => item.json.wolkvox_id)).toStrictEqual(ids.slice(0, 2));
			expect(output.slice(2).map((item) => item.json)).toStrictEqual([
				{
					error: `The record was not updated: ${REFUSED}`,
					details: `Item 2 (Record ID ${ids[2]}): ${REFUSED_WORDS} (HTTP 403, code 403, message "The token has used its 1 requests for today")`,
				},
				{
					error: `The record was not updated: ${REFUSED}`,
					details: `Item 3 (Record ID ${ids[3]}): ${REFUSED_WORDS} (HTTP 403, code 403, message "The token has used its 1 requests for today")`,
				},
				{ error: `The record was not updated: ${NOT_SENT}`, details: `Item 4 (Record ID ${ids[4]}): ${notSentWords()}` },
			]);
			expect(quotaHints(result)).toStrictEqual([hint(1)]);
		});
	});

	test('Create, Continue On Fail: records of a request never sent are "not created", not "may have been created"', async () => {
		await withSandbox(0, { dailyQuota: 1 }, async (sandbox) => {
			const result = await runWrites(
				sandbox,
				'create',
				[0, 1, 2, 3, 4].map((index) => ({ name: `N${index}` })),
				{ batchAcrossItems: true, maxRecordsPerRequest: 2 },
				'continueRegularOutput',
			);
			expect(statuses(writeLog(sandbox, 'custom/insertMany.php'))).toStrictEqual([200, 403]);
			const output = result.outputOf(NODE_NAME);
			expect(output.slice(3).map((item) => item.json)).toStrictEqual([
				{
					error: `The record was not created: ${REFUSED}`,
					details: `Item 3: ${REFUSED_WORDS} (HTTP 403, code 403, message "The token has used its 1 requests for today")`,
				},
				{ error: `The record was not created: ${NOT_SENT}`, details: `Item 4: ${notSentWords()}` },
			]);
			expect(sandbox.records(OPERATION, MODULE)).toHaveLength(2);
			expect(quotaHints(result)).toStrictEqual([hint(1)]);
		});
	});
});
