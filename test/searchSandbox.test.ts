/**
 * Record → Search against the local sandbox over loopback HTTP: custom/query.php and
 * custom/queryDates.php with answers capped at 200 records, as the node meets them.
 */
import { generateRecords, startSandbox } from '../sandbox/server';
import { NODE_NAME, run } from './helpers/node';
import { searchWorkflow, stamp } from './helpers/search';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
type Contact = Record<string, unknown> & { wolkvox_id: string; wolkvox_fecha_creacion: string };

const OPERATION = 'bulk';
const SEPTEMBER = { from: '2023-09-01 00:00', to: '2023-09-30 23:59:59' };

let sandbox: Sandbox | undefined;
afterEach(async () => {
	await sandbox?.close();
	sandbox = undefined;
});

async function sandboxWith(contacts: Contact[], maxRecordsPerAnswer = 200): Promise<Sandbox> {
	sandbox = await startSandbox({ maxRecordsPerAnswer, dailyQuota: 1_000_000, seed: { operations: { [OPERATION]: { contacts } } } });
	return sandbox;
}

async function search(target: Sandbox, parameters: Record<string, unknown>, timezone = 'UTC') {
	return await run(
		searchWorkflow({ crmOperation: OPERATION, module: 'contacts', ...parameters }, [{}], 'stopWorkflow', timezone),
		{ server: target.url, token: target.token, crmOperation: '' },
	);
}

const requestsTo = (target: Sandbox, endpoint: string) =>
	target.log.filter((entry: { path: string }) => entry.path.endsWith(endpoint));

/** The generated contacts, re-stamped: `perSecond` of them share each second, seconds `gap` apart. */
function bunched(count: number, perSecond: number, gap = 600): Contact[] {
	const start = Date.UTC(2023, 8, 10) / 1000;
	return (generateRecords(count, { seed: 3 }) as Contact[]).map((record, index) => ({
		...record,
		wolkvox_fecha_creacion: stamp(start + Math.floor(index / perSecond) * gap),
	}));
}

describe('Record → Search against the sandbox (200 records per answer)', () => {
	test('12,345 records, Return All over one month: every record exactly once', async () => {
		const contacts = generateRecords(12_345, { seed: 7 }) as Contact[];
		const target = await sandboxWith(contacts);
		const result = await search(target, { searchBy: 'dateRange', ...SEPTEMBER, returnAll: true, simplify: false });

		expect(result.status).toBe('success');
		const ids = result.outputOf(NODE_NAME).map((item) => item.json.wolkvox_id);
		expect(ids).toHaveLength(12_345);
		expect(new Set(ids).size).toBe(12_345);
		expect([...ids].sort()).toStrictEqual(contacts.map((contact) => contact.wolkvox_id).sort());
		expect(result.outputOf(NODE_NAME).every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		// Records are not changed by the search.
		expect(target.records(OPERATION, 'contacts')).toHaveLength(12_345);

		const requests = requestsTo(target, 'custom/queryDates.php').length;
		// At most 2N/cap full answers per level of splitting (halves share a second), ~22 levels for a month.
		expect(requests).toBeLessThanOrEqual(1 + 2 * 22 * Math.floor((2 * 12_345) / 200));
	});

	test('ties: 199 records in each of 10 seconds come complete; 200 in one second stop with an error naming it', async () => {
		const complete = await sandboxWith(bunched(199 * 10, 199));
		const ok = await search(complete, { searchBy: 'dateRange', ...SEPTEMBER, returnAll: true });
		expect(ok.status).toBe('success');
		expect(new Set(ok.outputOf(NODE_NAME).map((item) => item.json.wolkvox_id)).size).toBe(199 * 10);
		await complete.close();

		const dense = await sandboxWith(bunched(400, 200));
		const failed = await search(dense, { searchBy: 'dateRange', ...SEPTEMBER, returnAll: true });
		expect(failed.status).toBe('error');
		expect(failed.nodeError(NODE_NAME)!.message).toBe('At least 200 records were created within the same second, 2023-09-10 00:00:00');
		expect(failed.nodeError(NODE_NAME)!.description).toMatch(/^Item 0: the CRM's answer for that second held 200 records, as many as one answer is taken to hold \(Max Records per Answer: 200\)/);
	});

	test('Limit 50: one request asking for 50, the 50 oldest records', async () => {
		const contacts = generateRecords(1_000, { seed: 7 }) as Contact[];
		const target = await sandboxWith(contacts);
		const result = await search(target, { searchBy: 'dateRange', ...SEPTEMBER, simplify: false });

		expect(result.outputOf(NODE_NAME).map((item) => item.json)).toStrictEqual(contacts.slice(0, 50));
		expect(requestsTo(target, 'custom/queryDates.php')).toHaveLength(1);
	});

	test('time zones: the range is read in the workflow zone, so Bogotá (UTC-5) shifts it by five hours', async () => {
		const contacts = bunched(10, 1, 3600); // 2023-09-10 00:00 … 09:00 UTC, hourly
		const target = await sandboxWith(contacts);
		// 2023-09-10 00:00 … 02:00 in the CRM's clock; sent as typed, the same wall time in any zone.
		const asTyped = await search(target, { searchBy: 'dateRange', from: '2023-09-10 00:00', to: '2023-09-10 02:00', returnAll: true }, 'America/Bogota');
		expect(asTyped.outputOf(NODE_NAME)).toHaveLength(3);
		// 00:00Z … 02:00Z is 2023-09-09 19:00 … 21:00 in Bogotá: no records there.
		const asMoments = await search(target, { searchBy: 'dateRange', from: '2023-09-10T00:00:00Z', to: '2023-09-10T02:00:00Z', returnAll: true }, 'America/Bogota');
		expect(asMoments.outputOf(NODE_NAME)).toHaveLength(0);
	});

	test('a field search with more hits than one answer holds: 200 records and the hint that the list may be cut', async () => {
		const contacts = (generateRecords(250, { seed: 7 }) as Contact[]).map((contact) => ({ ...contact, Ciudad: 'Pereira' }));
		const target = await sandboxWith(contacts);
		const result = await search(target, { field: 'Ciudad', value: 'Pereira', returnAll: true });

		expect(result.outputOf(NODE_NAME)).toHaveLength(200);
		expect(result.hintsOf(NODE_NAME)).toContainEqual(expect.stringMatching(/^The CRM's answer for item\(s\) 0 may be incomplete: it held as many records as one answer holds \(Max Records per Answer: 200\)/));
		expect(requestsTo(target, 'custom/query.php')).toHaveLength(1);
	});

	test('an unknown module: the API refusal names the item', async () => {
		const target = await sandboxWith(generateRecords(3, { seed: 7 }) as Contact[]);
		const result = await search(target, { module: 'nope', field: 'Ciudad', value: 'Cali' });
		expect(result.status).toBe('error');
		expect(result.nodeError(NODE_NAME)!.description).toMatch(/^Item 0: /);
	});
});
