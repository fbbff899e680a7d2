/**
 * The trigger against CRMs that disagree with Max Records per Answer (200 by default): answers
 * capped below, at or above it, with and without "Total records", oldest or newest first. What a
 * crowded second gives, and what polls cost after bursts: a poll with nothing new is one call,
 * whatever came before (issue 19).
 */
import nock from 'nock';

import { activeTrigger, crmTime, FakeCrm, idsOf } from './helpers/trigger';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('a crowded second on a CRM of 150 records per answer that reports totals', () => {
	it('emits the 150 it got, fails the next poll once naming the second and the 200 reported, then goes on', async () => {
		const crm = new FakeCrm(150, 0, { reportsTotal: true });
		const trigger = activeTrigger();
		expect(await trigger.poll()).toEqual({ items: null });
		const second = crm.now() - 30;
		const crowded = crm.add(200, second);
		const later = crm.add(3, second + 2);

		const first = await trigger.poll();
		expect(first.error).toBeUndefined();
		expect(idsOf(first.items)).toEqual([...crowded.slice(0, 150), ...later]);

		const { error } = await trigger.poll();
		expect(error.message).toBe(`Not every record created at ${crmTime(second)} could be fetched: at least 200 share that second`);
		expect(error.description).toBe(
			"Item 0: the CRM's answer for that second held 150 records but reported 200, and a date range cannot be split below one second. The trigger emitted the 150 records it got of that second and went on with the later ones. Find the others with Record → Search (Search By: Field Value). The next poll goes on as usual.",
		);
		const next = crm.add(1);
		expect(idsOf((await trigger.poll()).items)).toEqual(next);
		expect(await trigger.poll()).toEqual({ items: null });
	});

	it('learns the cap of 150 from the totals and keeps it in the stored state', async () => {
		const crm = new FakeCrm(150, 0, { reportsTotal: true });
		const trigger = activeTrigger();
		await trigger.poll();
		for (let i = 0; i < 40; i++) crm.add(10, crm.now() - 100 + i);
		expect(idsOf((await trigger.poll()).items)).toHaveLength(400);
		expect(trigger.staticData.newRecord).toMatchObject({ answerCap: 150 });
		// From the next poll on, the window asked again holds fewer than 75 known records.
		const before = crm.requests.length;
		expect(await trigger.poll()).toEqual({ items: null });
		expect(crm.requests.length - before).toBe(1);
		expect(Object.keys((trigger.staticData.newRecord as { seen: object }).seen).length).toBeLessThan(75);
	});
});

/** The CRMs of the suite: [name, cap, answers, Max Records per Answer of the trigger]. */
const CRMS: Array<[string, number, { reportsTotal?: boolean; newestFirst?: boolean }, number]> = [
	['150 per answer with totals, the default setting', 150, { reportsTotal: true }, 200],
	['150 per answer with totals, newest first', 150, { reportsTotal: true, newestFirst: true }, 200],
	['150 per answer without totals, the setting lowered to 150', 150, {}, 150],
	['200 per answer, the default setting', 200, {}, 200],
	['200 per answer, newest first', 200, { newestFirst: true }, 200],
	['250 per answer, the default setting', 250, {}, 200],
	['250 per answer with totals, newest first', 250, { reportsTotal: true, newestFirst: true }, 200],
];

describe.each(CRMS)('after a burst, on a CRM of %s', (_name, cap, answers, setting) => {
	it.each([200, 1000])('%i new records (10 a second) are emitted once each; every quiet poll after them costs one call', async (burst) => {
		const crm = new FakeCrm(cap, 0, answers);
		const trigger = activeTrigger({ options: { maxRecordsPerAnswer: setting } });
		crm.add(5, crm.now() - 4000);
		await trigger.poll();

		const start = crm.now() - Math.ceil(burst / 10) - 5;
		const created: string[] = [];
		for (let i = 0; i < burst / 10; i++) created.push(...crm.add(10, start + i));
		const emitted = idsOf((await trigger.poll()).items);
		expect(emitted).toHaveLength(burst);
		expect(new Set(emitted)).toEqual(new Set(created));

		for (let quiet = 0; quiet < 3; quiet++) {
			const before = crm.requests.length;
			expect(await trigger.poll()).toEqual({ items: null });
			expect(crm.requests.length - before).toBe(1);
		}
		// A record after the burst: one call, the record once.
		const before = crm.requests.length;
		const one = crm.add(1);
		expect(idsOf((await trigger.poll()).items)).toEqual(one);
		expect(crm.requests.length - before).toBe(1);
		// The stored state stays small: fewer known records than half an answer.
		const seen = Object.keys((trigger.staticData.newRecord as { seen: object }).seen).length;
		expect(seen).toBeLessThan(Math.min(cap, setting) / 2);
	});
});

it('a crowded newest second (a bulk import in one second) is not asked again: quiet polls cost one call', async () => {
	const crm = new FakeCrm(200);
	const trigger = activeTrigger();
	await trigger.poll();
	crm.add(450, crm.now() - 50);
	const first = await trigger.poll();
	expect(idsOf(first.items)).toHaveLength(200);
	// Reported once as a failed poll (the records over one answer could not be fetched).
	expect((await trigger.poll()).error.message).toMatch(/^Not every record created at .* could be fetched: at least 200 share that second$/);
	for (let quiet = 0; quiet < 2; quiet++) {
		const before = crm.requests.length;
		expect(await trigger.poll()).toEqual({ items: null });
		expect(crm.requests.length - before).toBe(1);
	}
});
