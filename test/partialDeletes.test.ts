/**
 * Record → Delete against the sandbox when the server deletes partially (`deleteMode:
 * 'partial'`: known ids are removed and only they are listed in an HTTP 200), and what lost
 * answers cost under both server behaviours. Everything runs through the n8n engine; the checks
 * are what a user sees (output items, `pairedItem`, error texts), the exact requests, and the
 * sandbox's records afterwards.
 */
import type { IDataObject } from 'n8n-workflow';

import { NODE_NAME, deletedAnswer } from './helpers/node';
import { loseFirstAnswerWith, report } from './helpers/faults';
import { deleteRequests, remainingIds, runDeletes, sandboxWithContacts, type Sandbox } from './helpers/sandbox';

const UNKNOWN = 'ffffffffffffffffffffffff';
const BYSTANDERS = 10;
const NOT_LISTED = 'the API answered success but did not list it among the removed records';
const ALREADY_GONE =
	'Not found when sent again after an answer was lost: no longer in the CRM (most likely removed by the attempt whose answer was lost)';

let sandbox: Sandbox | undefined;
afterEach(async () => {
	await sandbox?.close();
	sandbox = undefined;
});

/** A partial-delete sandbox with `count` contacts plus bystanders nobody asks for. */
async function start(count: number, options: IDataObject = { deleteMode: 'partial' }) {
	const started = await sandboxWithContacts(count + BYSTANDERS, options);
	sandbox = started.sandbox;
	const ids = started.ids as string[];
	return { sandbox: started.sandbox, ids: ids.slice(0, count), bystanders: ids.slice(count) };
}

const askedIds = (sb: Sandbox) => deleteRequests(sb).map((entry) => entry.ids ?? []);
const deletedIds = (sb: Sandbox) => deleteRequests(sb).map((entry) => entry.deleted);

describe('partial deletes, Batch Across Items: 250 items, item 137 holds an id the CRM does not have', () => {
	async function runBatch(onError: Parameters<typeof runDeletes>[3]) {
		const { sandbox, ids, bystanders } = await start(250);
		const sent = [...ids];
		sent[137] = UNKNOWN;
		const result = await runDeletes(sandbox, sent, { batchAcrossItems: true }, onError, false);
		return { sandbox, ids, sent, bystanders, result };
	}
	const notListedItem = {
		error: `The record was not deleted: ${NOT_LISTED}`,
		details: `Item 137: not deleted: ${UNKNOWN}; none of its records were deleted. Check that these IDs exist in module contacts.`,
	};

	test('Continue On Fail: only item 137 fails, naming the id; 249 succeed; 3 requests of 100, 100, 50', async () => {
		const { sandbox, ids, sent, bystanders, result } = await runBatch('continueRegularOutput');

		expect(askedIds(sandbox)).toStrictEqual([sent.slice(0, 100), sent.slice(100, 200), sent.slice(200)]);
		expect(deleteRequests(sandbox).every((entry) => entry.multiple)).toBe(true);
		expect(deletedIds(sandbox)).toStrictEqual([ids.slice(0, 100), ids.slice(100, 200).filter((_, i) => i !== 37), ids.slice(200)]);
		const output = result.outputOf(NODE_NAME);
		expect(output).toHaveLength(250);
		output.forEach((item, index) => {
			expect(item.pairedItem).toStrictEqual({ item: index });
			expect(item.json).toStrictEqual(index === 137 ? notListedItem : deletedAnswer([ids[index]]));
		});
		// Everything asked for is gone; the id item 137 did not ask for and the bystanders stay.
		expect(remainingIds(sandbox)).toStrictEqual([ids[137], ...bystanders]);
	});

	test('Continue (using error output): the 249 on the main output, item 137 on the error output', async () => {
		const { sandbox, ids, bystanders, result } = await runBatch('continueErrorOutput');

		const main = result.outputOf(NODE_NAME, 0);
		expect(main).toHaveLength(249);
		expect(main.map((item) => item.pairedItem)).toStrictEqual(ids.map((_, index) => ({ item: index })).filter((_, index) => index !== 137));
		expect(main.every((item) => (item.json.data as { wolkvox_id: string[] }).wolkvox_id.length === 1)).toBe(true);
		// n8n keeps the input item's fields on an item it routes to the error output.
		expect(result.outputOf(NODE_NAME, 1)).toStrictEqual([{ json: { ids: UNKNOWN, ...notListedItem }, pairedItem: { item: 137 } }]);
		expect(remainingIds(sandbox)).toStrictEqual([ids[137], ...bystanders]);
	});

	test('stop on error: the run stops naming item 137 and says 199 were deleted; the third request is never sent', async () => {
		const { sandbox, ids, sent, bystanders, result } = await runBatch('stopWorkflow');

		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME)!;
		expect(error.context.itemIndex).toBe(137);
		expect(error.message).toBe(notListedItem.error);
		expect(error.description).toBe(
			`${notListedItem.details} Before the node stopped, 199 record(s) were deleted; the IDs of the items after the error that were not sent yet are untouched.`,
		);
		expect(askedIds(sandbox)).toStrictEqual([sent.slice(0, 100), sent.slice(100, 200)]);
		expect(result.outputOf(NODE_NAME)).toStrictEqual([]);
		expect(remainingIds(sandbox)).toStrictEqual([ids[137], ...ids.slice(200), ...bystanders]);
	});

	test('items of several ids (Delete Multiple on): the item holding the unknown id lists what was and was not deleted', async () => {
		const { sandbox, ids, bystanders } = await start(5);
		const items = [[ids[0], ids[1]], [ids[2], UNKNOWN, ids[3]], [ids[4]]];
		const result = await runDeletes(sandbox, items, { batchAcrossItems: true }, 'continueRegularOutput');

		expect(askedIds(sandbox)).toStrictEqual([items.flat()]);
		expect(result.outputOf(NODE_NAME)).toStrictEqual([
			{ json: deletedAnswer([ids[0], ids[1]]), pairedItem: { item: 0 } },
			{
				json: {
					error: `1 of 3 record IDs could not be deleted: ${NOT_LISTED}`,
					details: `Item 1: not deleted: ${UNKNOWN}; deleted: ${ids[2]}, ${ids[3]}. Check that these IDs exist in module contacts.`,
				},
				pairedItem: { item: 1 },
			},
			{ json: deletedAnswer([ids[4]]), pairedItem: { item: 2 } },
		]);
		expect(remainingIds(sandbox)).toStrictEqual(bystanders);
	});
});

describe('partial deletes, one request per item with Delete Multiple on', () => {
	const notListed = (ids: string[]) => ({
		error: '1 of 3 record IDs were not deleted: the API did not list them among the removed records',
		details: `Item 1: not deleted: ${UNKNOWN}; deleted: ${ids[2]}, ${ids[3]}. Check that these IDs exist in module contacts (API message: "Have been succesfully removed").`,
	});

	test('Continue On Fail: the item becomes an error item listing removed and not removed; the others succeed', async () => {
		const { sandbox, ids, bystanders } = await start(5);
		const items = [[ids[0], ids[1]], [ids[2], UNKNOWN, ids[3]], [ids[4]]];
		const result = await runDeletes(sandbox, items, {}, 'continueRegularOutput');

		expect(askedIds(sandbox)).toStrictEqual(items);
		expect(result.outputOf(NODE_NAME)).toStrictEqual([
			{ json: deletedAnswer([ids[0], ids[1]]), pairedItem: { item: 0 } },
			{ json: notListed(ids), pairedItem: { item: 1 } },
			{ json: deletedAnswer([ids[4]]), pairedItem: { item: 2 } },
		]);
		expect(remainingIds(sandbox)).toStrictEqual(bystanders);
	});

	test('stop on error: the run stops at item 1 with the same words; item 2 is not sent', async () => {
		const { sandbox, ids, bystanders } = await start(5);
		const items = [[ids[0], ids[1]], [ids[2], UNKNOWN, ids[3]], [ids[4]]];
		const result = await runDeletes(sandbox, items, {});

		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME)!;
		expect(error.context.itemIndex).toBe(1);
		expect(error.message).toBe(notListed(ids).error);
		expect(error.description).toBe(`${notListed(ids).details} Before the node stopped, the records of 1 other item(s) were deleted.`);
		expect(askedIds(sandbox)).toStrictEqual(items.slice(0, 2));
		// The partial server removed the known ids of item 1 even though the item failed.
		expect(remainingIds(sandbox)).toStrictEqual([ids[4], ...bystanders]);
	});

	test('an item whose ids are all unknown: the partial server answers 404 naming them, nothing deleted', async () => {
		const { sandbox, ids, bystanders } = await start(2);
		const other = 'eeeeeeeeeeeeeeeeeeeeeeee';
		const result = await runDeletes(sandbox, [[ids[0]], [UNKNOWN, other], [ids[1]]], { maxRetries: 0 }, 'continueRegularOutput');

		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json).toStrictEqual(deletedAnswer([ids[0]]));
		expect(output[1].json.error).toBe('The wolkvox CRM API refused the request: RECORD NOT FOUND');
		expect(output[1].json.details).toMatch(/^Item 1 \(Record IDs ffffffffffffffffffffffff, eeeeeeeeeeeeeeeeeeeeeeee\): Something named in the request does not exist: .*, the answer names ffffffffffffffffffffffff, eeeeeeeeeeeeeeeeeeeeeeee\)$/);
		expect(output[2].json).toStrictEqual(deletedAnswer([ids[1]]));
		expect(deletedIds(sandbox)).toStrictEqual([[ids[0]], [], [ids[1]]]);
		expect(remainingIds(sandbox)).toStrictEqual(bystanders);
	});
});

/**
 * 1,000 items of one id, Batch Across Items (100 per request); the sandbox deletes the batch
 * holding item 250, then loses its answer (connection reset), and the same for item 550.
 * `unknownAt`: that item holds an id the CRM does not have. Checks every item's output and
 * pairing, that exactly two answers were lost, each of a batch the sandbox had deleted, and
 * that the sandbox deleted every id reported done, once; returns the request count.
 */
async function loseTwoAnswers(deleteMode: string, notFoundNamesIds: boolean, unknownAt?: number): Promise<number> {
	const { sandbox, ids, bystanders } = await start(1000, { deleteMode, notFoundNamesIds });
	const sent = [...ids];
	if (unknownAt !== undefined) sent[unknownAt] = UNKNOWN;
	loseFirstAnswerWith(sandbox, [ids[250], ids[550]]);
	const result = await runDeletes(sandbox, sent, { batchAcrossItems: true, maxRetryWait: 0 }, 'continueRegularOutput', false);

	const log = deleteRequests(sandbox);
	const faulted = log.filter((entry) => entry.fault !== null);
	expect(faulted.map((entry) => [entry.fault, entry.deleted])).toStrictEqual(faulted.map((entry) => ['reset', entry.ids]));
	expect(faulted.map((entry) => [entry.ids?.includes(ids[250]), entry.ids?.includes(ids[550])])).toStrictEqual([[true, false], [false, true]]);
	const lostIds = new Set(faulted.flatMap((entry) => entry.ids ?? []));
	const lost = (index: number) => lostIds.has(sent[index]);
	const output = result.outputOf(NODE_NAME);
	expect(output).toHaveLength(1000);
	output.forEach((item, index) => {
		expect(item.pairedItem).toStrictEqual({ item: index });
		const id = [sent[index]];
		if (index === unknownAt) expect(item.json.error).toBe(`The record was not deleted: ${NOT_LISTED}`);
		else if (lost(index)) expect(item.json).toStrictEqual({ code: 200, error: 'null', msg: ALREADY_GONE, data: { wolkvox_id: id }, alreadyGoneIds: id });
		else expect(item.json).toStrictEqual(deletedAnswer(id));
	});
	// Every id reported done was deleted by the sandbox, exactly once; nothing else was.
	const done = sent.filter((_, index) => index !== unknownAt);
	expect(log.flatMap((entry) => entry.deleted).sort()).toStrictEqual(done.sort());
	expect(remainingIds(sandbox)).toStrictEqual([...ids.filter((id) => !done.includes(id)), ...bystanders]);
	return log.length;
}

describe('lost answers: 1,000 items, 100 per request, the answers of the batches holding items 250 and 550 lost after the delete', () => {
	const counts: string[] = [];
	afterAll(() => report(`lost answers (1,000 ids, 100 per request, 2 answers lost after the delete; 10 requests without faults): ${counts.join('; ')}`));
	const measure = async (label: string, ...args: Parameters<typeof loseTwoAnswers>) => {
		const requests = await loseTwoAnswers(...args);
		counts.push(`${label}: ${requests} requests`);
		return requests;
	};

	test.each([
		['allOrNothing', 'partial'],
		['partial', 'partial'],
	])('%s, "not found" names the ids: each lost batch is settled by its resend, 10 + 2 × 1 requests', async (deleteMode) => {
		expect(await measure(`${deleteMode} + 404 names the ids`, deleteMode, true)).toBe(10 + 2 * 1);
	});

	test('allOrNothing, "not found" names no id: resend, one probe, then each id of the lost batch alone (at most n + 3 each)', async () => {
		const requests = await measure('allOrNothing + 404 names none', 'allOrNothing', false);
		// Per lost batch: the resend, the probe (one of its ids with one not sent yet: 404 here) and
		// its 100 ids alone; the probe's borrowed id is sent again later, alone or with the last
		// request, depending on whether every item had been read by then.
		expect(requests).toBeGreaterThanOrEqual(10 + 2 * (100 + 2));
		expect(requests).toBeLessThanOrEqual(10 + 2 * (100 + 3));
	});

	test('partial, "not found" names no id, after the server was seen deleting partially: 10 + 2 × 1 requests', async () => {
		expect(await measure('partial + 404 names none, partial delete seen first', 'partial', false, 5)).toBe(10 + 2 * 1);
	});

	test('partial, "not found" names no id: the first lost batch costs a resend and a probe, the second only its resend', async () => {
		// The probe (one id of the lost batch with one not sent yet) comes back listing only the
		// unsent id: the server deletes partially, so the lost batch is gone, and so is the next one.
		expect(await measure('partial + 404 names none', 'partial', false)).toBe(10 + 2 + 1);
	});
});

describe('a lost answer for a batch holding an id the CRM never had, on a partial-delete server', () => {
	test('the resend finds every id gone, so the unknown one is reported already gone as well: the answers cannot tell it apart', async () => {
		const { sandbox, ids, bystanders } = await start(3);
		const sent = [ids[0], UNKNOWN, ids[1], ids[2]];
		loseFirstAnswerWith(sandbox, [UNKNOWN]);
		const result = await runDeletes(sandbox, sent, { batchAcrossItems: true, maxRetryWait: 0 }, 'continueRegularOutput', false);

		// The lost attempt deleted the three known records; the resend got "not found" naming all four.
		expect(deleteRequests(sandbox).map((entry) => [entry.fault, entry.status, entry.deleted])).toStrictEqual([
			['reset', null, [ids[0], ids[1], ids[2]]],
			[null, 404, []],
		]);
		// Not confirmed by any answer, and said so: "already gone", never the API's "removed".
		expect(result.outputOf(NODE_NAME)).toStrictEqual(
			sent.map((id, index) => ({
				json: { code: 200, error: 'null', msg: ALREADY_GONE, data: { wolkvox_id: [id] }, alreadyGoneIds: [id] },
				pairedItem: { item: index },
			})),
		);
		expect(remainingIds(sandbox)).toStrictEqual(bystanders);
	});
});
