/**
 * The Wolkvox CRM Trigger polled through n8n-core's PollContext, as n8n polls an active
 * workflow, against a fake queryDates.php (test/helpers/trigger.ts): what each poll emits,
 * what it sends, what it stores, and what a manual run shows.
 */
import type { IDataObject } from 'n8n-workflow';
import nock from 'nock';

import { collectStrings } from './engine';
import {
	activeTrigger,
	crmTime,
	FakeCrm,
	idsOf,
	manualRun,
	TOKEN,
	TRIGGER_NAME,
	TRIGGER_TYPE,
	wallSecondOf,
} from './helpers/trigger';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

/** How the CRM writes a record's time. */
const FORMAT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
/** How the node writes a range bound: seconds only when a bound has them (formatRange). */
const BOUND = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/;

describe('Wolkvox CRM Trigger: new records', () => {
	it('starts at the CRM newest record on activation, emitting nothing, then emits each new record once', async () => {
		const crm = new FakeCrm();
		const newest = crm.now() - 3600;
		crm.add(3, newest);
		const trigger = activeTrigger({ crmOperation: 'demo' });

		expect(await trigger.poll()).toEqual({ items: null });
		expect(crm.requests).toEqual([
			{ operation: 'demo', module: 'contacts', date: true, from: expect.stringMatching(BOUND), to: expect.stringMatching(BOUND), limit: 200 },
		]);
		expect(trigger.staticData.newRecord).toMatchObject({ operation: 'demo', module: 'contacts', cursor: newest, floor: newest });
		expect(await trigger.poll()).toEqual({ items: null });

		const ids = crm.add(2);
		const { items } = await trigger.poll();
		expect(idsOf(items)).toEqual(ids);
		// Simplify (default on) gives the telephone as its plain value; one item per record.
		expect(items?.[0]).toEqual({
			json: { namecontact: expect.any(String), telephonecontact: expect.any(String), wolkvox_id: ids[0], wolkvox_fecha_creacion: expect.stringMatching(FORMAT) },
			pairedItem: { item: 0 },
		});
		// The first poll asks from the newest record at activation, later ones from 10 minutes
		// before the newest record seen.
		expect(wallSecondOf(String(crm.requests[2].from))).toBe(newest);
		expect(await trigger.poll()).toEqual({ items: null });
		expect(wallSecondOf(String(crm.requests[3].from))).toBe(wallSecondOf(String(crm.records[4].wolkvox_fecha_creacion)) - 600);
		// The token only travels in the header.
		for (const request of trigger.authenticatedRequests) {
			expect(request.headers).toMatchObject({ 'Wolkvox-Token': TOKEN });
			expect(JSON.stringify(request.body)).not.toContain(TOKEN);
		}
	});

	it('emits every record exactly once across many polls, with ties at one second and late arrivals', async () => {
		const crm = new FakeCrm();
		const trigger = activeTrigger();
		crm.add(1, crm.now() - 500);
		await trigger.poll();
		const created: string[] = [];
		const emitted: unknown[] = [];
		let second = crm.now() - 40;
		for (let round = 0; round < 12; round++) {
			// Several records share a second, some share the second of the last poll's newest
			// record, and one shows up late with an older time (within the overlap).
			created.push(...crm.add(round % 3, second));
			if (round % 4 === 1) created.push(...crm.add(1, second - 120));
			if (round % 2 === 0) second += 1;
			emitted.push(...idsOf((await trigger.poll()).items));
		}
		expect(emitted).toHaveLength(created.length);
		expect(new Set(emitted)).toEqual(new Set(created));
	});

	it('emits all records since the last poll when they are more than one answer holds', async () => {
		const crm = new FakeCrm(5);
		const trigger = activeTrigger({ options: { maxRecordsPerAnswer: 5 } });
		crm.add(7, crm.now() - 3000);
		await trigger.poll();
		const created: string[] = [];
		for (let second = crm.now() - 20; created.length < 24; second += 3) created.push(...crm.add(4, second));
		const emitted = idsOf((await trigger.poll()).items);
		expect(emitted).toEqual(created);
		// Full answers were split: more than one request, each asking for at most 5.
		expect(crm.requests.length).toBeGreaterThan(3);
		expect(crm.requests.every((request) => request.limit === 5)).toBe(true);
		expect(await trigger.poll()).toEqual({ items: null });
	});

	it('stops a poll early when its time is up and goes on at the next poll, missing and repeating nothing', async () => {
		const crm = new FakeCrm(5);
		// A budget of 0 ms: each poll stops as soon as some new records are complete.
		const trigger = activeTrigger({ options: { maxRecordsPerAnswer: 5 } }, undefined, 0);
		await trigger.poll();
		const created: string[] = [];
		for (let second = crm.now() - 60; created.length < 30; second += 2) created.push(...crm.add(3, second));
		const emitted: unknown[] = [];
		let polls = 0;
		for (let items = (await trigger.poll()).items; items !== null; items = (await trigger.poll()).items) {
			emitted.push(...idsOf(items));
			polls++;
		}
		expect(emitted).toEqual(created);
		expect(polls).toBeGreaterThan(1);
	});

	it('emits what a crowded second gives, goes on with later records, and reports the rest once as the next poll error', async () => {
		const crm = new FakeCrm(5);
		const trigger = activeTrigger({ options: { maxRecordsPerAnswer: 5 } });
		await trigger.poll();
		const second = crm.now() - 30;
		const crowded = crm.add(8, second);
		const later = crm.add(2, second + 5);
		const first = await trigger.poll();
		expect(first.error).toBeUndefined();
		expect(idsOf(first.items)).toEqual([...crowded.slice(0, 5), ...later]);

		const { error } = await trigger.poll();
		expect(error.message).toBe(`Not every record created at ${crmTime(second)} could be fetched: at least 5 share that second`);
		expect(error.description).toMatch(/^Item 0: the CRM's answer for that second held 5 records, as many as one answer is taken to hold \(Max Records per Answer: 5\)/);
		const next = crm.add(1);
		expect(await trigger.poll()).toEqual({ items: [expect.objectContaining({ json: expect.objectContaining({ wolkvox_id: next[0] }) })] });
		expect(await trigger.poll()).toEqual({ items: null });
	});

	it('emits nothing from before activation, also when the CRM has none in the last week', async () => {
		const crm = new FakeCrm();
		crm.add(4, crm.now() - 30 * 24 * 3600);
		const trigger = activeTrigger();
		expect(await trigger.poll()).toEqual({ items: null });
		expect(await trigger.poll()).toEqual({ items: null });
		const ids = crm.add(1);
		expect(idsOf((await trigger.poll()).items)).toEqual(ids);
	});

	it('loses nothing when a poll fails: the next poll emits what was created meanwhile', async () => {
		const crm = new FakeCrm();
		const trigger = activeTrigger();
		crm.add(1, crm.now() - 5);
		await trigger.poll();
		const stateBefore = trigger.staticData;
		const first = crm.add(2);
		crm.refuseNext([403, { code: 403, error: 'PLEASE VALIDATE TOKEN', msg: 'Invalid token', data: null }]);
		const failed = await trigger.poll();
		expect(failed.items).toBeNull();
		expect(failed.error.message).toBe('The wolkvox CRM API refused the request: PLEASE VALIDATE TOKEN');
		expect(failed.error.description).toMatch(/^Item 0: The token was refused/);
		expect(trigger.staticData).toEqual(stateBefore);
		const second = crm.add(1);
		expect(idsOf((await trigger.poll()).items)).toEqual([...first, ...second]);
	});

	it('works whatever the CRM clock zone is (here 9 hours ahead of UTC, then 5 behind)', async () => {
		for (const hours of [9, -5]) {
			const crm = new FakeCrm(200, hours);
			const trigger = activeTrigger();
			crm.add(2, crm.now() - 100);
			await trigger.poll();
			const ids = crm.add(3);
			expect(idsOf((await trigger.poll()).items)).toEqual(ids);
			nock.cleanAll();
		}
	});

	it('starts again from the newest record when the module changes', async () => {
		const crm = new FakeCrm();
		const trigger = activeTrigger();
		await trigger.poll();
		trigger.node.parameters.module = 'leads';
		crm.add(1);
		expect(await trigger.poll()).toEqual({ items: null });
		expect(trigger.staticData.newRecord).toMatchObject({ module: 'leads' });
	});

	it('gives the CRM objects as they are with Simplify off', async () => {
		const crm = new FakeCrm();
		const trigger = activeTrigger({ simplify: false });
		await trigger.poll();
		crm.add(1);
		const { items } = await trigger.poll();
		expect(items?.[0].json.telephonecontact).toEqual({ country: 'Colombia', code: '57', value: expect.any(String) });
	});
});

describe('Wolkvox CRM Trigger: manual runs', () => {
	it('shows the newest records, newest first, without touching the state of the active trigger', async () => {
		const crm = new FakeCrm();
		const old = crm.add(3, crm.now() - 7200);
		const newer = crm.add(4, crm.now() - 60);
		const newest = crm.add(1, crm.now() - 10);
		const trigger = activeTrigger();
		const manualBefore = await trigger.poll('manual');
		expect(trigger.staticData).toEqual({});
		expect(idsOf(manualBefore.items)).toEqual([...newest, ...newer]);

		await trigger.poll();
		const state = trigger.staticData;
		expect(idsOf((await trigger.poll('manual')).items)).toHaveLength(5);
		expect(trigger.staticData).toEqual(state);
		expect(old).toHaveLength(3);
	});

	it('runs as the editor runs it: a manual execution of the workflow gives the newest records', async () => {
		const crm = new FakeCrm();
		const ids = crm.add(2, crm.now() - 30);
		const result = await manualRun();
		expect(result.status).toBe('success');
		expect(idsOf(result.outputOf(TRIGGER_NAME))).toEqual(ids);
	});
});

describe('Wolkvox CRM Trigger: the example workflow', () => {
	it('polls with the example trigger parameters and emits the fields the next node reads', async () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const example = require('../examples/new-contact-trigger.workflow.json');
		const node = example.nodes.find((candidate: { type: string }) => candidate.type === TRIGGER_TYPE);
		const crm = new FakeCrm();
		const trigger = activeTrigger(node.parameters);
		await trigger.poll();
		const ids = crm.add(1);
		const { items } = await trigger.poll();
		expect(idsOf(items)).toEqual(ids);
		const read = JSON.stringify(example.nodes[1].parameters).match(/\$json\.\w+/g) ?? [];
		expect(read.map((field: string) => field.slice(6)).filter((field: string) => !(field in (items?.[0].json ?? {})))).toEqual([]);
	});
});

describe('Wolkvox CRM Trigger: errors', () => {
	const refusals: Array<[string, [number, IDataObject], RegExp]> = [
		['a used-up daily quota', [403, { code: 403, error: 'TOKEN LIMIT EXCEEDED', msg: 'limit', data: null }], /^Item 0: The token's daily quota of API calls is used up/],
		['an unknown module', [404, { code: 404, error: 'MODULE NOT FOUND', msg: 'no module', data: null }], /^Item 0: Something named in the request does not exist: check CRM Operation and Module of the trigger/],
		['a missing token', [401, { code: 401, error: 'PLEASE ENTER THE WOLKVOX-TOKEN', msg: '', data: null }], /^Item 0: The API received no token/],
	];

	it.each(refusals)('fails the poll with advice on %s, on activation and later, and keeps the state', async (_name, refusal, advice) => {
		const crm = new FakeCrm();
		const trigger = activeTrigger();
		crm.refuseNext(refusal);
		const activation = await trigger.poll();
		expect(activation.error.description).toMatch(advice);
		expect(trigger.staticData).toEqual({});
		await trigger.poll();
		const state = trigger.staticData;
		crm.refuseNext(refusal);
		expect((await trigger.poll()).error.description).toMatch(advice);
		expect(trigger.staticData).toEqual(state);
	});

	it('says which field to fill when there is no CRM operation', async () => {
		new FakeCrm();
		const trigger = activeTrigger();
		trigger.credentialsHelper.credentials.wolkvoxCrmApi.crmOperation = '';
		const { error } = await trigger.poll();
		expect(error.message).toBe('No CRM operation is set');
		expect(error.description).toMatch(/^Item 0: fill in CRM Operation on this trigger/);
	});

	it('never puts the token into items, errors or the stored state, even when the server echoes it', async () => {
		const crm = new FakeCrm();
		const trigger = activeTrigger();
		await trigger.poll();
		crm.add(2);
		const emitted = await trigger.poll();
		crm.refuseNext([403, { code: 403, error: `PLEASE VALIDATE TOKEN ${TOKEN}`, msg: `token ${TOKEN} refused`, data: null }]);
		const failed = await trigger.poll();
		expect(failed.error.message).toContain('***');
		const strings = collectStrings([emitted, failed, trigger.staticData, (await trigger.poll('manual')).items]);
		expect(strings.filter((text) => text.includes(TOKEN))).toEqual([]);
	});
});
