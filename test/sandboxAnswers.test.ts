/**
 * The sandbox's settings for what the API leaves unpublished about query answers: how many
 * records one answer holds, whether it reports a total, and in which order (sandbox/README.md).
 */
import { generateRecords, startSandbox } from '../sandbox/server';
import { parseArgs } from '../sandbox/cli';
import { call, QUERY, QUERY_DATES, type Loose, type Sandbox } from './helpers/sandboxHttp';

let sandbox: Sandbox | undefined;
afterEach(async () => {
	await sandbox?.close();
	sandbox = undefined;
});

/** 10 contacts one minute apart from 2026-11-20 10:00:00, all with the same name. */
const contacts = () =>
	(generateRecords(10, { seed: 2, baseTime: '2026-11-20 10:00:00', spacingSeconds: 60, jitterSeconds: 0 }) as Loose[]).map((record) => ({ ...record, namecontact: 'Ana' }));

async function sandboxWith(options: Record<string, unknown>): Promise<Sandbox> {
	sandbox = await startSandbox({ ...options, seed: { operations: { demo: { contacts: contacts() } } } });
	return sandbox;
}

const RANGE = { operation: 'demo', module: 'contacts', date: true, from: '2026-11-20 00:00', to: '2026-11-20 23:59:59' };
const times = (answer: Loose) => answer.json.data.map((record: Loose) => record.wolkvox_fecha_creacion);

describe('query answers: cap, total and order as settings', () => {
	test('by default: oldest first, capped without a word, no "Total records"', async () => {
		const target = await sandboxWith({ maxRecordsPerAnswer: 4 });
		const answer: Loose = await call(target, QUERY_DATES, { body: RANGE });
		expect(answer.status).toBe(200);
		expect(times(answer)).toEqual(['2026-11-20 10:00:00', '2026-11-20 10:01:00', '2026-11-20 10:02:00', '2026-11-20 10:03:00']);
		expect(answer.json.msg).toBe('4 records were are found');
		expect(answer.json).not.toHaveProperty('Total records');
	});

	test('reportsTotal: "Total records" counts every match, also those the cap left out (query.php too)', async () => {
		const target = await sandboxWith({ maxRecordsPerAnswer: 4, reportsTotal: true });
		const dates: Loose = await call(target, QUERY_DATES, { body: RANGE });
		expect(dates.json).toMatchObject({ code: '200', msg: '4 records were are found', 'Total records': 10 });
		expect(dates.json.data).toHaveLength(4);
		const byField: Loose = await call(target, QUERY, { body: { operation: 'demo', module: 'contacts', field: 'namecontact', value: 'Ana' } });
		expect(byField.json).toMatchObject({ 'Total records': 10 });
		expect(byField.json.data).toHaveLength(4);
		const limited: Loose = await call(target, QUERY_DATES, { body: { ...RANGE, limit: 2 } });
		expect(limited.json).toMatchObject({ 'Total records': 10 });
		expect(limited.json.data).toHaveLength(2);
	});

	test("answerOrder 'newestFirst': the cap keeps the newest", async () => {
		const target = await sandboxWith({ maxRecordsPerAnswer: 3, answerOrder: 'newestFirst' });
		const answer: Loose = await call(target, QUERY_DATES, { body: RANGE });
		expect(times(answer)).toEqual(['2026-11-20 10:09:00', '2026-11-20 10:08:00', '2026-11-20 10:07:00']);
	});

	test('a wrong answerOrder is refused; the CLI switches set both', async () => {
		await expect(startSandbox({ answerOrder: 'random' as never })).rejects.toThrow("sandbox option answerOrder must be one of oldestFirst, newestFirst");
		expect(parseArgs(['--reports-total', '--newest-first', '--max-records', '150'])).toMatchObject({ reportsTotal: true, answerOrder: 'newestFirst', maxRecordsPerAnswer: 150 });
	});
});
