import { NODE_NAME } from './helpers/node';
import {
	deleteRequests,
	healAfterFirstDelete,
	remainingIds,
	runDeletes,
	sandboxWithContacts,
	type Sandbox,
} from './helpers/sandbox';

const BATCH = { batchAcrossItems: true, maxIdsPerRequest: 100 };

let sandbox: Sandbox | undefined;
afterEach(async () => {
	await sandbox?.close();
	sandbox = undefined;
});

describe('Batch Across Items against the sandbox', () => {
	test('250 items with one id each: exactly ceil(250 / 100) = 3 requests, one output per item, each naming its own id', async () => {
		const started = await sandboxWithContacts(300);
		sandbox = started.sandbox;
		const wanted = started.ids.slice(0, 250);

		const result = await runDeletes(sandbox, wanted, BATCH);

		expect(result.status).toBe('success');
		const requests = deleteRequests(sandbox);
		expect(requests.map((entry) => entry.ids?.length ?? 0)).toStrictEqual([100, 100, 50]);
		expect(requests.every((entry) => entry.multiple === true)).toBe(true);
		const output = result.outputOf(NODE_NAME);
		expect(output).toHaveLength(250);
		output.forEach((item, index) => {
			expect(item.pairedItem).toStrictEqual({ item: index });
			expect(item.json).toStrictEqual({
				code: 200,
				error: 'null',
				msg: 'Have been succesfully removed',
				data: { wolkvox_id: [wanted[index]] },
			});
		});
		expect(remainingIds(sandbox)).toStrictEqual(started.ids.slice(250));
	});

	test('ids spread unevenly (an item with 150 ids, items with 1 and 7): grouped into full requests, every item told all its ids', async () => {
		const started = await sandboxWithContacts(200);
		sandbox = started.sandbox;
		const { ids } = started;
		const perItem = [ids.slice(0, 150), [ids[150]], ids.slice(151, 158)];

		const result = await runDeletes(sandbox, perItem, BATCH);

		expect(result.status).toBe('success');
		expect(deleteRequests(sandbox).map((entry) => entry.ids?.length ?? 0)).toStrictEqual([100, 58]);
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => (item.json.data as { wolkvox_id: string[] }).wolkvox_id)).toStrictEqual(perItem);
		expect(remainingIds(sandbox)).toStrictEqual(ids.slice(158));
	});

	test('duplicate ids (within an item and across items) are sent once and reported', async () => {
		const started = await sandboxWithContacts(10);
		sandbox = started.sandbox;
		const [a, b, c] = started.ids;

		const result = await runDeletes(sandbox, [[a, b], [b, b, c], [a]], BATCH);

		expect(result.status).toBe('success');
		const sent = deleteRequests(sandbox).flatMap((entry) => entry.ids ?? []);
		expect(sent).toStrictEqual([a, b, c]);
		const output = result.outputOf(NODE_NAME).map((item) => item.json);
		expect(output[0]).toMatchObject({ data: { wolkvox_id: [a, b] } });
		expect(output[0].duplicateIds).toBeUndefined();
		expect(output[1]).toMatchObject({ data: { wolkvox_id: [b, c] }, duplicateIds: [b] });
		expect(output[2]).toMatchObject({ data: { wolkvox_id: [a] }, duplicateIds: [a] });
	});

	test('an unknown id in a batch fails only the item that owns it; every other id is deleted', async () => {
		const started = await sandboxWithContacts(120);
		sandbox = started.sandbox;
		const perItem: Array<string | string[]> = started.ids.slice(0, 99).map((id) => id);
		perItem.splice(40, 0, 'ffffffffffffffffffffffff');

		const result = await runDeletes(sandbox, perItem, BATCH, 'continueRegularOutput');

		expect(result.status).toBe('success');
		const output = result.outputOf(NODE_NAME);
		expect(output).toHaveLength(100);
		expect(output[40]).toStrictEqual({
			json: {
				error: 'The wolkvox CRM API refused the request: RECORD NOT FOUND',
				details: expect.stringMatching(/^Item 40: not deleted: ffffffffffffffffffffffff; none of its records were deleted\. Something named in the request does not exist/),
			},
			pairedItem: { item: 40 },
		});
		output.filter((_, index) => index !== 40).forEach((item) => expect(item.json.code).toBe(200));
		expect(remainingIds(sandbox)).toStrictEqual(started.ids.slice(99));
		// The API named the unknown id, so one refused request and one for the rest.
		expect(deleteRequests(sandbox).map((entry) => entry.status)).toStrictEqual([404, 200]);
	});

	test('without Continue On Fail the first refusal stops the node: nothing more is sent, and the error says what was already deleted', async () => {
		const started = await sandboxWithContacts(160);
		sandbox = started.sandbox;
		const perItem: string[] = started.ids.slice(0, 149);
		perItem.splice(120, 0, 'ffffffffffffffffffffffff');

		const result = await runDeletes(sandbox, perItem, BATCH);

		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe('The wolkvox CRM API refused the request: RECORD NOT FOUND');
		expect(error.context.itemIndex).toBe(120);
		expect(error.description).toMatch(/^Item 120: not deleted: ffffffffffffffffffffffff; none of its records were deleted\./);
		expect(error.description).toContain('Before the node stopped, 100 record(s) were deleted');
		// The first request (items 0-99) went through; the refused one is not retried without its bad id.
		expect(remainingIds(sandbox)).toStrictEqual(started.ids.slice(100));
		expect(deleteRequests(sandbox)).toHaveLength(2);
	});

	test('a server that allows fewer ids per request (416) gets smaller requests, and everything is deleted', async () => {
		const started = await sandboxWithContacts(200, { maxIdsPerDelete: 40 });
		sandbox = started.sandbox;

		const result = await runDeletes(sandbox, started.ids, BATCH);

		expect(result.status).toBe('success');
		expect(remainingIds(sandbox)).toStrictEqual([]);
		const accepted = deleteRequests(sandbox).filter((entry) => entry.status === 200);
		expect(Math.max(...accepted.map((entry) => entry.ids?.length ?? 0))).toBeLessThanOrEqual(40);
		expect(accepted.flatMap((entry) => entry.ids ?? []).sort()).toStrictEqual([...started.ids].sort());
	});
});

describe('limits: concurrency and requests per second, proven by the sandbox log', () => {
	test('Concurrent Requests 3: never more than 3 in flight, and 3 are really used', async () => {
		const started = await sandboxWithContacts(30, { latencyMs: 40 });
		sandbox = started.sandbox;
		const result = await runDeletes(sandbox, started.ids, { concurrency: 3 }, 'stopWorkflow', false);

		expect(result.status).toBe('success');
		expect(sandbox.stats().maxInFlight).toBe(3);
		expect(result.outputOf(NODE_NAME).map((item) => item.pairedItem)).toStrictEqual(
			started.ids.map((_, index) => ({ item: index })),
		);
		expect(remainingIds(sandbox)).toStrictEqual([]);
	});

	test('Max Requests per Second 8: no one-second window holds more than 8 request starts', async () => {
		const started = await sandboxWithContacts(20);
		sandbox = started.sandbox;
		const result = await runDeletes(sandbox, started.ids, { concurrency: 4, maxRequestsPerSecond: 8 }, 'stopWorkflow', false);

		expect(result.status).toBe('success');
		const starts = deleteRequests(sandbox).map((entry: { start: number }) => entry.start).sort((a: number, b: number) => a - b);
		expect(starts).toHaveLength(20);
		const busiest = Math.max(...starts.map((start: number) => starts.filter((other: number) => other >= start && other < start + 1000).length));
		expect(busiest).toBeLessThanOrEqual(8);
		// 20 starts at 8 per second cannot take less than about 2 seconds.
		expect(starts[starts.length - 1] - starts[0]).toBeGreaterThanOrEqual(2000);
	});
});

describe('retries against injected faults', () => {
	test('server errors, resets and cut-off answers are retried until every id is deleted exactly once', async () => {
		const started = await sandboxWithContacts(60, {
			faults: { rate: 0.3, kinds: ['http500', 'http503', 'reset', 'truncated'], seed: 11 },
		});
		sandbox = started.sandbox;
		const result = await runDeletes(sandbox, started.ids, { maxRetries: 10, maxRetryWait: 0 }, 'stopWorkflow', false);

		expect(result.status).toBe('success');
		expect(result.outputOf(NODE_NAME).every((item) => item.json.code === 200)).toBe(true);
		expect(remainingIds(sandbox)).toStrictEqual([]);
		const faulted = deleteRequests(sandbox).filter((entry: { fault: string | null }) => entry.fault !== null);
		expect(faulted.length).toBeGreaterThan(5);
		const deletedOnce = deleteRequests(sandbox).flatMap((entry: { deleted: string[] }) => entry.deleted ?? []);
		expect(deletedOnce.sort()).toStrictEqual([...started.ids].sort());
	});

	test('a rate limit answered with 429 and Retry-After is waited out, not failed', async () => {
		const started = await sandboxWithContacts(12, { rateLimit: { max: 5, windowMs: 1000, status: 429 } });
		sandbox = started.sandbox;
		const result = await runDeletes(sandbox, started.ids, { maxRetries: 6, maxRetryWait: 2 }, 'stopWorkflow', false);

		expect(result.status).toBe('success');
		expect(remainingIds(sandbox)).toStrictEqual([]);
		expect(deleteRequests(sandbox).some((entry) => entry.status === 429)).toBe(true);
	});

	test('an ambiguous failure (the delete went through, the answer was lost) ends as deleted, not as an error', async () => {
		const started = await sandboxWithContacts(5, { faults: { rate: 1, kinds: ['reset'], afterCommit: true, seed: 3 } });
		sandbox = started.sandbox;
		// The first attempt deletes and loses the answer; the faults stop, the retry finds the ids gone.
		const running = runDeletes(sandbox, [started.ids.slice(0, 3)], { ...BATCH, maxRetries: 3, maxRetryWait: 0.2 });
		await healAfterFirstDelete(sandbox);
		const result = await running;

		expect(result.status).toBe('success');
		expect(result.outputOf(NODE_NAME)[0].json).toMatchObject({
			data: { wolkvox_id: started.ids.slice(0, 3) },
			alreadyGoneIds: started.ids.slice(0, 3),
		});
		expect(remainingIds(sandbox)).toStrictEqual(started.ids.slice(3));
	});

	test('one request per item: a lost answer followed by "not found" also ends as deleted', async () => {
		const started = await sandboxWithContacts(5, { faults: { rate: 1, kinds: ['truncated'], afterCommit: true, seed: 5 } });
		sandbox = started.sandbox;
		const running = runDeletes(sandbox, [started.ids[0]], { maxRetries: 3, maxRetryWait: 0.2 }, 'stopWorkflow', false);
		await healAfterFirstDelete(sandbox);
		const result = await running;

		expect(result.status).toBe('success');
		expect(result.outputOf(NODE_NAME)[0].json).toMatchObject({
			data: { wolkvox_id: [started.ids[0]] },
			alreadyGoneIds: [started.ids[0]],
		});
		expect(remainingIds(sandbox)).toStrictEqual(started.ids.slice(1));
	});

	test('"not found" for only some ids after a server error is a real refusal: the others still exist and are not reported deleted', async () => {
		const started = await sandboxWithContacts(5, { faults: { rate: 1, kinds: ['http500'], seed: 5 } });
		sandbox = started.sandbox;
		const running = runDeletes(
			sandbox,
			[[started.ids[0], 'ffffffffffffffffffffffff']],
			{ maxRetries: 3, maxRetryWait: 0.2 },
			'continueRegularOutput',
		);
		await healAfterFirstDelete(sandbox);
		const result = await running;

		const [item] = result.outputOf(NODE_NAME);
		expect(item.json.error).toBe('The wolkvox CRM API refused the request: RECORD NOT FOUND');
		expect(remainingIds(sandbox)).toStrictEqual(started.ids);
	});
});
