/**
 * Servers that disagree with the node's guess of how many records one answer holds (Max Records
 * per Answer, 200 by default): a cap below, equal to and above it, answers with and without a
 * "Total records", oldest or newest first. The one rule for "this answer may be incomplete"
 * (engine/completeness.ts), the range engine under every combination, and Record → Search
 * against the sandbox set up like the server of issue 19 (150 per answer, totals reported).
 */
import fc from 'fast-check';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { knownMatches, mayBeIncomplete } from '../nodes/WolkvoxCrm/engine/completeness';
import { recordsInRange, RangeTooDenseError } from '../nodes/WolkvoxCrm/engine/paging';
import { formatRange } from '../nodes/WolkvoxCrm/helpers/dates';
import { createdSecondOf, readAnswer } from '../nodes/WolkvoxCrm/helpers/records';
import { generateRecords, startSandbox } from '../sandbox/server';
import { NODE_NAME, run } from './helpers/node';
import { answerQueryDates, recordsAt, searchWorkflow, stamp, type FakeCrm } from './helpers/search';

describe('mayBeIncomplete: the one rule', () => {
	test.each([
		// [count, reportedTotal, cap, asked, incomplete]
		[0, undefined, 200, 200, false],
		[199, undefined, 200, 200, false],
		[200, undefined, 200, 200, true],
		[150, undefined, 200, 200, false],
		[150, 200, 200, 200, true],
		[150, 150, 200, 200, false],
		// "150 records were are found" read as a total that equals what the answer holds.
		[150, 150, 200, undefined, false],
		// A small limit filled: more may exist.
		[5, undefined, 200, 5, true],
		// More than asked for: the server ignored the limit, and its own cap is unknown.
		[7, undefined, 200, 5, true],
		// query.php takes no limit: only the cap and the total count.
		[199, undefined, 200, undefined, false],
		[10, 11, 200, undefined, true],
	])('%i records, total %p, cap %i, asked %p → %p', (count, reportedTotal, cap, asked, incomplete) => {
		expect(mayBeIncomplete({ count, reportedTotal }, cap, asked)).toBe(incomplete);
	});

	test('knownMatches: the larger of what the answer held and what it reported', () => {
		expect(knownMatches({ count: 150, reportedTotal: 200 })).toBe(200);
		expect(knownMatches({ count: 150 })).toBe(150);
		expect(knownMatches({ count: 150, reportedTotal: 3 })).toBe(150);
	});
});

const START = Date.UTC(2026, 10, 1) / 1000;

/** The range engine against a fake CRM whose cap, totals and order are its own; the node's cap is `nodeCap`. */
async function searchRange(crm: FakeCrm, nodeCap: number, from: number, to: number, splitAtRecords = false) {
	const answers: number[] = [];
	const fetch = async (a: number, b: number, limit: number) => {
		const answer = readAnswer(answerQueryDates(crm, { ...formatRange(a, b), limit }));
		answers.push(answer.records.length);
		return answer;
	};
	const given: Array<Record<string, unknown>> = [];
	try {
		const secondOf = splitAtRecords ? createdSecondOf : undefined;
		for await (const record of recordsInRange(fetch, { from, to, cap: nodeCap, secondOf })) given.push(record);
		return { given, answers };
	} catch (error) {
		return { given, answers, error };
	}
}

describe('range engine: the server cap below, equal to or above the node setting', () => {
	test('every record exactly once, or the one-second error, unless the server cuts below the setting without a total (split at the middle or where the records are)', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 250 }),
				fc.integer({ min: 2, max: 30 }),
				fc.integer({ min: -10, max: 10 }),
				fc.boolean(),
				fc.boolean(),
				fc.boolean(),
				async (seconds, nodeCap, difference, reportsTotal, newestFirst, splitAtRecords) => {
					const serverCap = Math.max(1, nodeCap + difference);
					const records = recordsAt(seconds.map((second) => START + second));
					const crm: FakeCrm = { records, cap: serverCap, reportsTotal, newestFirst };
					const { given, answers, error } = await searchRange(crm, nodeCap, START, START + 5_000, splitAtRecords);
					const ids = given.map((record) => record.wolkvox_id);
					expect(new Set(ids).size).toBe(ids.length);

					const perSecond = new Map<number, number>();
					for (const second of seconds) perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
					const densest = Math.max(0, ...perSecond.values());
					if (serverCap < nodeCap && !reportsTotal) {
						// The documented limit: an answer cut below the setting without a total looks whole.
						// Whatever is missing was cut from an answer that held exactly the server's cap.
						if (given.length < records.length) expect(answers).toContain(serverCap);
						if (error !== undefined) expect(error).toBeInstanceOf(RangeTooDenseError);
						return;
					}
					// A second is beyond reach when its answer is full (the node's cap) or reports more than it holds.
					const beyondReach = serverCap >= nodeCap ? densest >= nodeCap : densest > serverCap;
					if (beyondReach) {
						expect(error).toBeInstanceOf(RangeTooDenseError);
						const dense = error as RangeTooDenseError;
						expect(perSecond.get(dense.second - START)).toBeGreaterThanOrEqual(Math.min(nodeCap, serverCap));
						expect(dense.held).toBe(Math.min(perSecond.get(dense.second - START)!, nodeCap, serverCap));
						if (reportsTotal) expect(dense.count).toBe(perSecond.get(dense.second - START));
					} else {
						expect(error).toBeUndefined();
						expect([...ids].sort()).toStrictEqual(records.map((record) => record.wolkvox_id).sort());
					}
				},
			),
			{ numRuns: 300 },
		);
	});
});

describe('Record → Search against a sandbox of 150 records per answer that reports totals (issue 19)', () => {
	type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
	const OPERATION = 'bulk';
	const SECOND = Date.UTC(2026, 10, 20, 15, 30, 7) / 1000;
	let sandbox: Sandbox | undefined;
	afterEach(async () => {
		await sandbox?.close();
		sandbox = undefined;
	});

	/** 200 contacts created within one second, and 300 others a minute apart before it. */
	function contacts() {
		return (generateRecords(500, { seed: 5 }) as Array<Record<string, unknown>>).map((record, index) => ({
			...record,
			wolkvox_fecha_creacion: stamp(index < 300 ? SECOND - 60 * (300 - index) : SECOND),
		}));
	}

	async function searchAll(sandboxOptions: Record<string, unknown>, options: IDataObject = {}, onError: 'stopWorkflow' | 'continueErrorOutput' = 'stopWorkflow') {
		sandbox = await startSandbox({ ...sandboxOptions, dailyQuota: 1_000_000, seed: { operations: { [OPERATION]: { contacts: contacts() } } } });
		const parameters: INodeParameters = { crmOperation: OPERATION, module: 'contacts', searchBy: 'dateRange', from: '2026-11-01 00:00', to: '2026-11-30 23:59:59', returnAll: true, simplify: false, options: options as INodeParameters };
		return await run(searchWorkflow(parameters, [{}], onError), { server: sandbox.url, token: sandbox.token, crmOperation: '' });
	}

	const MESSAGE = 'At least 200 records were created within the same second, 2026-11-20 15:30:07';

	test('200 records in one second: the item fails naming the second and the 150 of 200 it got, never a success with 150', async () => {
		const result = await searchAll({ maxRecordsPerAnswer: 150, reportsTotal: true });
		expect(result.status).toBe('error');
		expect(result.outputOf(NODE_NAME)).toEqual([]);
		expect(result.nodeError(NODE_NAME)!.message).toBe(MESSAGE);
		expect(result.nodeError(NODE_NAME)!.description).toBe(
			"Item 0: the CRM's answer for that second held 150 records but reported 200, and a range cannot be split below one second, so not every record of that second can be fetched. No record of this item was output. Find those records with Search By: Field Value.",
		);
	});

	test('with Continue On Fail (error output) the item becomes an error item, paired to it', async () => {
		const result = await searchAll({ maxRecordsPerAnswer: 150, reportsTotal: true }, {}, 'continueErrorOutput');
		expect(result.status).toBe('success');
		expect(result.outputOf(NODE_NAME, 0)).toEqual([]);
		expect(result.outputOf(NODE_NAME, 1)).toEqual([
			{ json: expect.objectContaining({ error: MESSAGE }), pairedItem: { item: 0 } },
		]);
	});

	test('the same server without the crowded second: every record once, its totals split the ranges', async () => {
		sandbox = await startSandbox({ maxRecordsPerAnswer: 150, reportsTotal: true, dailyQuota: 1_000_000, seed: { operations: { [OPERATION]: { contacts: contacts().slice(0, 449) } } } });
		// 149 of the 200 left in the crowded second: one answer holds them all.
		const parameters = { crmOperation: OPERATION, module: 'contacts', searchBy: 'dateRange', from: '2026-11-01 00:00', to: '2026-11-30 23:59:59', returnAll: true, simplify: false };
		const result = await run(searchWorkflow(parameters), { server: sandbox.url, token: sandbox.token, crmOperation: '' });
		expect(result.status).toBe('success');
		const ids = result.outputOf(NODE_NAME).map((item) => item.json.wolkvox_id);
		expect(new Set(ids).size).toBe(449);
		expect(ids).toHaveLength(449);
		// Every answer of 150 reported more: none was taken as whole.
		const answers = sandbox.log.filter((entry) => entry.path.endsWith('queryDates.php'));
		expect(answers.length).toBeGreaterThan(3);
		expect(answers.every((entry) => (entry.recordsReturned ?? 0) <= 150)).toBe(true);
	});

	test('a server above the setting (250 per answer): 200 in one second is the error at the default, complete at Max Records per Answer 250', async () => {
		const atDefault = await searchAll({ maxRecordsPerAnswer: 250, answerOrder: 'newestFirst' });
		expect(atDefault.status).toBe('error');
		expect(atDefault.nodeError(NODE_NAME)!.description).toMatch(/^Item 0: the CRM's answer for that second held 200 records, as many as one answer is taken to hold \(Max Records per Answer: 200\)/);
		await sandbox!.close();

		const raised = await searchAll({ maxRecordsPerAnswer: 250, answerOrder: 'newestFirst' }, { maxRecordsPerAnswer: 250 });
		expect(raised.status).toBe('success');
		expect(new Set(raised.outputOf(NODE_NAME).map((item) => item.json.wolkvox_id)).size).toBe(500);
	});

	test('a server below the setting without totals: the setting lowered to its cap finds every record', async () => {
		// 149 in the crowded second, so that one answer of 150 holds it whole.
		sandbox = await startSandbox({ maxRecordsPerAnswer: 150, dailyQuota: 1_000_000, seed: { operations: { [OPERATION]: { contacts: contacts().slice(0, 449) } } } });
		const parameters = { crmOperation: OPERATION, module: 'contacts', searchBy: 'dateRange', from: '2026-11-01 00:00', to: '2026-11-30 23:59:59', returnAll: true, simplify: false, options: { maxRecordsPerAnswer: 150 } };
		const result = await run(searchWorkflow(parameters), { server: sandbox.url, token: sandbox.token, crmOperation: '' });
		expect(result.status).toBe('success');
		expect(new Set(result.outputOf(NODE_NAME).map((item) => item.json.wolkvox_id)).size).toBe(449);
	});

	test('Search by field: an answer reporting more than it holds gets the "may be incomplete" hint', async () => {
		sandbox = await startSandbox({ maxRecordsPerAnswer: 150, reportsTotal: true, dailyQuota: 1_000_000, seed: { operations: { [OPERATION]: { contacts: contacts() } } } });
		const parameters = { crmOperation: OPERATION, module: 'contacts', searchBy: 'fieldValue', field: 'wolkvox_fecha_creacion', value: stamp(SECOND), returnAll: true };
		const result = await run(searchWorkflow(parameters), { server: sandbox.url, token: sandbox.token, crmOperation: '' });
		expect(result.status).toBe('success');
		expect(result.outputOf(NODE_NAME)).toHaveLength(150);
		expect(result.hintsOf(NODE_NAME)).toContain(
			"The CRM's answer for item(s) 0 may be incomplete: it held as many records as one answer holds (Max Records per Answer: 200) or reported more than it held. Narrow the search with a more specific field and value, or use Search By: Date Range, which fetches every record of a range.",
		);
	});
});
