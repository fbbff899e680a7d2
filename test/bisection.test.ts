import nock from 'nock';

import { DELETE_PATH, NODE_NAME, ORIGIN, deleteWorkflow, run } from './helpers/node';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

/**
 * A server like the real one may be: all-or-nothing, and its "not found" does not say which id.
 * Returns the id lists it received.
 */
function allOrNothingServer(bad: Set<string>, errorText = 'RECORD NOT FOUND') {
	const received: string[][] = [];
	nock(ORIGIN)
		.persist()
		.post(DELETE_PATH)
		.reply((_, body) => {
			const ids = (body as { 'wolkvox-id': string[] })['wolkvox-id'];
			received.push(ids);
			if (ids.some((id) => bad.has(id))) return [404, { code: 404, error: errorText, msg: 'Not found' }];
			return [200, { code: 200, error: 'null', msg: 'Have been succesfully removed', data: { wolkvox_id: ids } }];
		});
	return received;
}

const ids = Array.from({ length: 16 }, (_, index) => `id${String(index).padStart(2, '0')}`);
const options = { batchAcrossItems: true, maxIdsPerRequest: 16, maxRetries: 0 };

describe('narrowing a refused batch down when the API does not name the bad id', () => {
	test('one bad id among 16: split in halves until it is alone; only its item fails, the 15 others are deleted', async () => {
		const received = allOrNothingServer(new Set(['id11']));
		const result = await run(
			deleteWorkflow({ multiple: false, recordIds: '={{ $json.id }}', options }, ids.map((id) => ({ id })), 'continueRegularOutput'),
		);

		const output = result.outputOf(NODE_NAME);
		expect(output).toHaveLength(16);
		output.forEach((item, index) => {
			expect(item.pairedItem).toStrictEqual({ item: index });
			if (index === 11) expect(item.json).toMatchObject({ error: 'The wolkvox CRM API refused the request: RECORD NOT FOUND' });
			else expect(item.json).toMatchObject({ code: 200, data: { wolkvox_id: [ids[index]] } });
		});
		const deleted = received.filter((batch) => !batch.includes('id11')).flat();
		expect(deleted.sort()).toStrictEqual(ids.filter((id) => id !== 'id11'));
		// 16 → 8+8 → 4+4 → 2+2 → 1+1: 1 + 2·4 = 9 requests instead of 16.
		expect(received).toHaveLength(9);
	});

	test('an error about the request itself (every id refused) is learned once and not narrowed down again', async () => {
		const received = allOrNothingServer(new Set(ids), 'MODULE NOT FOUND');
		const result = await run(
			deleteWorkflow(
				{ multiple: false, recordIds: '={{ $json.id }}', options: { ...options, maxIdsPerRequest: 4 } },
				ids.map((id) => ({ id })),
				'continueRegularOutput',
			),
		);

		const output = result.outputOf(NODE_NAME);
		expect(output.every((item) => item.json.error === 'The wolkvox CRM API refused the request: MODULE NOT FOUND')).toBe(true);
		// The first batch of 4 is narrowed down until one pair was refused id by id (4, 2, 1, 1);
		// from then on the error is known to be about the request: the other pair and the three
		// other batches fail at once (2, 4, 4, 4).
		expect(received.map((batch) => batch.length)).toStrictEqual([4, 2, 1, 1, 2, 4, 4, 4]);
	});
});
