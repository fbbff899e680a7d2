/**
 * Record → Delete reports as deleted only what the answer confirms: when the API lists the
 * removed ids, an id it leaves out was not removed (issue: a partial delete answered HTTP 200).
 */
import nock from 'nock';

import { DELETE_PATH, NODE_NAME, ORIGIN, deleteWorkflow, deletedAnswer, run } from './helpers/node';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const UNKNOWN = 'ffffffffffffffffffffffff';

/** A server that removes what it knows and answers HTTP 200 listing only those ids. */
function partialServer() {
	const received: unknown[] = [];
	nock(ORIGIN)
		.persist()
		.post(DELETE_PATH)
		.reply((_, body) => {
			received.push(body);
			const sent = (body as { 'wolkvox-id': string | string[] })['wolkvox-id'];
			const ids = Array.isArray(sent) ? sent : [sent];
			return [200, deletedAnswer(ids.filter((id) => id !== UNKNOWN))];
		});
	return received;
}

const ids = Array.from({ length: 250 }, (_, index) => (index + 1).toString(16).padStart(24, '0'));
ids[137] = UNKNOWN;

describe('Record → Delete: an answer that lists the removed ids is the truth', () => {
	test('Batch Across Items, 250 items, one unknown id: only its item fails, naming it; 249 succeed; 3 requests', async () => {
		const received = partialServer();
		const result = await run(
			deleteWorkflow(
				{ multiple: false, recordIds: '={{ $json.id }}', options: { batchAcrossItems: true } },
				ids.map((id) => ({ id })),
				'continueRegularOutput',
			),
		);

		expect(received).toHaveLength(3);
		const output = result.outputOf(NODE_NAME);
		expect(output).toHaveLength(250);
		output.forEach((item, index) => {
			expect(item.pairedItem).toStrictEqual({ item: index });
			if (index !== 137) expect(item.json).toStrictEqual(deletedAnswer([ids[index]]));
		});
		expect(output[137].json).toStrictEqual({
			error: 'The record was not deleted: the API answered success but did not list it among the removed records',
			details: `Item 137: not deleted: ${UNKNOWN}; none of its records were deleted. Check that these IDs exist in module contacts.`,
		});
	});

	test('Batch Across Items without Continue On Fail: the run stops naming the item, and says what was deleted', async () => {
		partialServer();
		const result = await run(
			deleteWorkflow({ multiple: false, recordIds: '={{ $json.id }}', options: { batchAcrossItems: true } }, ids.map((id) => ({ id }))),
		);

		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME)!;
		expect(error.context.itemIndex).toBe(137);
		expect(error.description).toMatch(/^Item 137: not deleted: f{24}; none of its records were deleted\./);
		// The first request (items 0-99) and the 99 known ids of the second were removed.
		expect(error.description).toContain('Before the node stopped, 199 record(s) were deleted');
	});

	test('one request per item with Delete Multiple on: the item fails listing what was removed and what was not', async () => {
		partialServer();
		const result = await run(
			deleteWorkflow({ multiple: true, recordIds: `${ids[0]}, ${UNKNOWN}, ${ids[1]}` }, [{}], 'continueRegularOutput'),
		);

		expect(result.outputOf(NODE_NAME)).toStrictEqual([
			{
				json: {
					error: '1 of 3 record IDs were not deleted: the API did not list them among the removed records',
					details: `Item 0: not deleted: ${UNKNOWN}; deleted: ${ids[0]}, ${ids[1]}. Check that these IDs exist in module contacts (API message: "Have been succesfully removed").`,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	test('one id per item: an answer listing another id fails the item; without Continue On Fail the run stops there', async () => {
		nock(ORIGIN).post(DELETE_PATH).reply(200, deletedAnswer(['0123456789abcdef01234567']));
		const result = await run(deleteWorkflow({ recordIds: UNKNOWN }));

		expect(result.status).toBe('error');
		expect(result.nodeError(NODE_NAME)!.message).toBe('The record was not deleted: the API did not list it among the removed records');
	});

	test.each([
		['no data', { code: 200, error: 'null', msg: 'Have been succesfully removed' }],
		['an empty list', deletedAnswer([])],
		['the documented empty strings', deletedAnswer(['', ''])],
		['data as null', { code: '200', error: null, msg: 'ok', data: null }],
	])('an answer that lists no ids (%s) counts for every id sent', async (_, answer) => {
		nock(ORIGIN).post(DELETE_PATH).reply(200, answer);
		const result = await run(deleteWorkflow({ multiple: true, recordIds: `${ids[0]}, ${ids[1]}` }));

		expect(result.status).toBe('success');
		expect(result.outputOf(NODE_NAME)).toStrictEqual([{ json: answer, pairedItem: { item: 0 } }]);
	});
});

describe('Record → Delete: hints under the output', () => {
	test('one request per item for more than 20 items: the hint says how few requests Batch Across Items needs, and the calls spent', async () => {
		nock(ORIGIN).post(DELETE_PATH).times(25).reply(200, (_, body) => deletedAnswer([(body as { 'wolkvox-id': string })['wolkvox-id']]));
		const result = await run(deleteWorkflow({ recordIds: '={{ $json.id }}' }, ids.slice(0, 25).map((id) => ({ id }))));

		expect(result.hintsOf(NODE_NAME)).toStrictEqual([
			'25 items were sent one request each. With Batch Across Items (in the node options) the same run needs about 1 request(s).',
			"This run made 25 API call(s), retries included; each counts against the token's daily quota (4,800 a day by default, see Token → Get Usage).",
		]);
	});

	test('a run that met rate limits says how many, the pace the server accepted, and suggests Max Requests per Second', async () => {
		nock(ORIGIN).post(DELETE_PATH).reply(200, deletedAnswer([ids[0]]));
		nock(ORIGIN).post(DELETE_PATH).reply(429, { code: 429, error: 'TOO MANY REQUESTS' }, { 'Retry-After': '0' });
		nock(ORIGIN).post(DELETE_PATH).reply(200, deletedAnswer([ids[1]]));
		const result = await run(deleteWorkflow({ recordIds: '={{ $json.id }}', options: { maxRetryWait: 0.01 } }, [{ id: ids[0] }, { id: ids[1] }]));

		expect(result.status).toBe('success');
		expect(result.hintsOf(NODE_NAME)).toStrictEqual([
			'The server answered 1 request(s) with a rate limit (it accepted about 1 per second); the node slowed down and retried them. Set Max Requests per Second in the node options to stay under the limit from the start.',
			"This run made 3 API call(s), retries included; each counts against the token's daily quota (4,800 a day by default, see Token → Get Usage).",
		]);
	});

	test('a rate limit met before anything was accepted is waited out and reported, with no pace to name', async () => {
		nock(ORIGIN).post(DELETE_PATH).reply(429, { code: 429, error: 'TOO MANY REQUESTS' }, { 'Retry-After': '0' });
		nock(ORIGIN).post(DELETE_PATH).reply(200, deletedAnswer([ids[0]]));
		const result = await run(deleteWorkflow({ recordIds: ids[0], options: { maxRetryWait: 0.01 } }));

		expect(result.status).toBe('success');
		expect(result.hintsOf(NODE_NAME)[0]).toBe(
			'The server answered 1 request(s) with a rate limit; the node slowed down and retried them. Set Max Requests per Second in the node options to stay under the limit from the start.',
		);
	});
});
