/**
 * The Wolkvox CRM Trigger against the local sandbox over HTTP: records created through
 * insert.php between polls (stamped with the sandbox's clock, several per second) come out
 * exactly once, across failed polls and answers too small to hold them all.
 */
import { sleep } from 'n8n-workflow';

import { generateRecords, startSandbox } from '../sandbox/server';
import { collectStrings, type Poller } from './engine';
import { call, INSERT } from './helpers/sandboxHttp';
import { activeTrigger, idsOf } from './helpers/trigger';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

let sandbox: Sandbox;

const CAP = 3;

beforeEach(async () => {
	const hourAgo = Math.floor(Date.now() / 1000) - 3600;
	sandbox = await startSandbox({
		maxRecordsPerAnswer: CAP,
		seed: { operations: { demo: { contacts: generateRecords(20, { baseTime: hourAgo, spacingSeconds: 60 }) } } },
	});
});
afterEach(async () => await sandbox.close());

async function insertContacts(count: number): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const answer = await call(sandbox, INSERT, { body: { operation: 'demo', module: 'contacts', fields: { namecontact: `New ${i}` } } });
		ids.push(answer.json.data.wolkvox_id);
	}
	return ids;
}

/** Waits for the next second of the clock, so the next records do not share the last second. */
async function nextSecond(): Promise<void> {
	const second = Math.floor(Date.now() / 1000);
	while (Math.floor(Date.now() / 1000) === second) await sleep(20);
}

const trigger = (): Poller =>
	activeTrigger(
		{ crmOperation: 'demo', module: 'contacts', options: { maxRecordsPerAnswer: CAP, maxRetries: 0 } },
		{ server: sandbox.url, token: sandbox.token, crmOperation: '' },
	);

describe('Wolkvox CRM Trigger against the sandbox', () => {
	it('emits every record created after activation once, through ties, failed polls and full answers', async () => {
		const poller = trigger();
		expect(await poller.poll()).toEqual({ items: null });
		const created: string[] = [];
		const emitted: unknown[] = [];
		const results: unknown[] = [];
		// Rounds of [records created, whether the poll fails]: at most 2 per second, since an answer
		// holding 3 for one second (as many as it holds) would leave that second in doubt.
		const rounds: Array<[number, boolean]> = [[2, false], [0, false], [2, true], [2, true], [1, false], [2, false]];
		for (const [count, fails] of rounds) {
			created.push(...(await insertContacts(count)));
			sandbox.configure({ faults: fails ? { rate: 1, kinds: ['http500'] } : null });
			const result = await poller.poll();
			sandbox.configure({ faults: null });
			results.push(result);
			expect(result.error?.message).toEqual(fails ? 'The wolkvox CRM API refused the request: INTERNAL SERVER ERROR' : undefined);
			emitted.push(...idsOf(result.items));
			await nextSecond();
		}
		emitted.push(...idsOf((await poller.poll()).items));

		expect(emitted).toEqual(created);
		// After the two failed polls, the window holds more records than one answer.
		const answers = sandbox.log.filter((entry: { path: string }) => entry.path.endsWith('custom/queryDates.php'));
		expect(answers.some((entry) => entry.recordsReturned === CAP)).toBe(true);
		expect(collectStrings([results, poller.staticData]).filter((text) => text.includes(sandbox.token))).toEqual([]);
	});

	it('emits nothing of the records from before activation, and shows them in a manual run', async () => {
		const poller = trigger();
		const manual = await poller.poll('manual');
		const seeded = (sandbox.records('demo', 'contacts') ?? []).map((record: { wolkvox_id: string }) => record.wolkvox_id);
		// The newest first; with answers of 3, the newest range that fits holds fewer than 5.
		const shown = idsOf(manual.items);
		expect(shown.length).toBeGreaterThan(0);
		expect(shown).toEqual(seeded.slice(-shown.length).reverse());
		expect(await poller.poll()).toEqual({ items: null });
		expect(await poller.poll()).toEqual({ items: null });
	});
});

describe('Wolkvox CRM Trigger: the example workflow against a freshly started sandbox', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const example = require('../examples/new-contact-trigger.workflow.json');
	const node = example.nodes.find((candidate: { type: string }) => candidate.type.endsWith('.wolkvoxCrmTrigger'));
	const fetchTestEvent = async (fresh: Sandbox) =>
		await activeTrigger(node.parameters, { server: fresh.url, token: fresh.token, crmOperation: 'demo' }).poll('manual');

	it('Fetch Test Event shows the 5 newest sample contacts, newest first (the default seed times are recent)', async () => {
		const fresh = await startSandbox();
		try {
			const newest = (fresh.records('demo', 'contacts') ?? []).map((record: { wolkvox_id: string }) => record.wolkvox_id).slice(-5).reverse();
			const { items } = await fetchTestEvent(fresh);
			expect(idsOf(items)).toEqual(newest);
		} finally {
			await fresh.close();
		}
	});

	it('shows nothing with the seed file\'s own times (seedTimes asIs), which are older than the look-back', async () => {
		const fresh = await startSandbox({ seedTimes: 'asIs' });
		try {
			const { items } = await fetchTestEvent(fresh);
			expect(idsOf(items)).toEqual([]);
		} finally {
			await fresh.close();
		}
	});
});
