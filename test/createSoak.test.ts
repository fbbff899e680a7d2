/**
 * Soak for "never twice": many creates against the sandbox while 2 % of the requests meet a
 * transient fault (seeded), retries on, Continue On Fail on. Every item carries a unique
 * idcontact; afterwards the sandbox must hold each idcontact at most once, every item reported
 * created exactly once with the id the output names, every other refusal not at all.
 *
 * Prints one summary line per case.
 */
import type { IDataObject } from 'n8n-workflow';

import { createLedger, reportLedger, runCreates, sandboxForCreates } from './helpers/creates';

type SoakCase = [name: string, count: number, faults: IDataObject, sandboxOptions: IDataObject, options: IDataObject];

/** One soak run: the creates, then the ledger against the sandbox's records. */
async function soak(...[name, count, faults, sandboxOptions, options]: SoakCase): Promise<void> {
	const started = Date.now();
	const sandbox = await sandboxForCreates(faults, sandboxOptions);
	try {
		const book = createLedger(await runCreates(sandbox, count, options), sandbox, count);
		reportLedger(name, book, Date.now() - started);
		expect(book.duplicates).toStrictEqual([]);
		expect(book.problems.slice(0, 5)).toStrictEqual([]);
		expect(book.faulted).toBeGreaterThan(0);
		// Exactly the records whose request met a fault are uncertain: created if it came after the insert.
		expect(book.uncertain).toBeGreaterThan(0);
		expect(book.uncertainThatExist).toBe(faults.afterCommit ? book.uncertain : 0);
		expect(book.created + book.uncertain + book.refused).toBe(count);
	} finally {
		await sandbox.close();
	}
}

const BATCHED = { batchAcrossItems: true, maxRecordsPerRequest: 100 };

describe('soak: creates one per item, 2 % transient faults, never twice', () => {
	test.each<SoakCase>([
		['faults before the insert (nothing written)', 1000, { afterCommit: false, seed: 11 }, {}, {}],
		['answers lost after the insert was applied', 1000, { afterCommit: true, seed: 12 }, {}, {}],
		['answers lost after the insert, 4 in flight', 1000, { afterCommit: true, seed: 13 }, {}, { concurrency: 4 }],
	])('%s', soak);
});

describe('soak: 10,000 creates with Batch Across Items, 2 % transient faults, never twice', () => {
	test.each<SoakCase>([
		['batched, faults before the insert', 10_000, { afterCommit: false, seed: 21 }, {}, BATCHED],
		['batched, answers lost after the insert was applied', 10_000, { afterCommit: true, seed: 22 }, {}, BATCHED],
		['batched, answers lost after the insert, a server that takes 30 per request (416)', 10_000, { afterCommit: true, seed: 23 }, { maxRecordsPerInsert: 30 }, BATCHED],
		['batched, answers lost after the insert, 10 per request (1,000 requests)', 10_000, { afterCommit: true, seed: 25 }, {}, { ...BATCHED, maxRecordsPerRequest: 10 }],
		['batched, answers lost after the insert, 4 in flight', 10_000, { afterCommit: true, seed: 27 }, {}, { ...BATCHED, concurrency: 4 }],
	])('%s', soak);
});
