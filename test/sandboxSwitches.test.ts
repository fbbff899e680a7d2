/**
 * The sandbox's switches on every endpoint: faults (before and after commit), errorsAsHttp200,
 * redirect, rate limit, latency; the daily quota with quotaUsed; log and stats of the new endpoints.
 */
import { parseArgs } from '../sandbox/server';
import {
	C1,
	C2,
	INSERT,
	INSERT_MANY,
	QUERY,
	QUERY_DATES,
	QUOTA_INFO,
	UPDATE,
	UPDATE_MANY,
	call,
	contact,
	contactIds,
	sandboxes,
	type Loose,
	type Sandbox,
} from './helpers/sandboxHttp';

// The queryDates case counts the sample contacts of 2023: the seed file's own times.
const start = sandboxes({ seedTimes: 'asIs' });

interface Case {
	path: string;
	body: Record<string, unknown>;
	/** true once the request's change is in the store (reads: never) */
	applied: (sb: Sandbox) => boolean;
	/** what the log entry says it did, once applied */
	logged: Record<string, unknown>;
}

const base = { operation: 'demo', module: 'contacts' };
const CASES: Record<string, Case> = {
	queryDates: {
		path: QUERY_DATES,
		body: { ...base, date: true, from: '2023-01-01 00:00', to: '2024-01-01 00:00' },
		applied: () => false,
		logged: { recordsReturned: 6 },
	},
	query: {
		path: QUERY,
		body: { ...base, field: 'Ciudad', value: 'Medellín' },
		applied: () => false,
		logged: { recordsReturned: 3 },
	},
	insert: {
		path: INSERT,
		body: { ...base, fields: { namecontact: 'Solo' } },
		applied: (sb) => contactIds(sb).length === 13,
		logged: { inserted: expect.stringMatching(/^[0-9a-f]{24}$/) },
	},
	insertMany: {
		path: INSERT_MANY,
		body: { ...base, fields: [{ namecontact: 'Uno' }, { namecontact: 'Dos' }] },
		applied: (sb) => contactIds(sb).length === 14,
		logged: { inserted: [expect.any(String), expect.any(String)] },
	},
	update: {
		path: UPDATE,
		body: { ...base, 'wolkvox-id': C1, fields: { Ciudad: 'Cali' } },
		applied: (sb) => contact(sb, C1).Ciudad === 'Cali',
		logged: { ids: [C1], updated: [C1] },
	},
	updateMany: {
		path: UPDATE_MANY,
		body: { ...base, fields: [{ 'wolkvox-id': C1, Ciudad: 'Cali' }, { 'wolkvox-id': C2, Ciudad: 'Cali' }] },
		applied: (sb) => contact(sb, C1).Ciudad === 'Cali' && contact(sb, C2).Ciudad === 'Cali',
		logged: { ids: [C1, C2], updated: [C1, C2] },
	},
};
const NAMES = Object.keys(CASES);

describe('sandbox: switches on every endpoint', () => {
	it.each(NAMES)('%s: a fault before commit breaks the answer, changes nothing and uses no quota', async (name) => {
		const c = CASES[name];
		const sb = await start({ faults: { rate: 1, kinds: ['http503'] } });
		const before = sb.records();
		const r = await call(sb, c.path, { body: c.body });
		expect(r.status).toBe(503);
		expect(r.json).toBeUndefined();
		expect(sb.records()).toEqual(before);
		expect(sb.log[0]).toEqual(expect.objectContaining({ fault: 'http503', quotaCounted: false, deleted: [], updated: [], inserted: null, recordsReturned: null }));
	});

	it.each(NAMES)('%s: afterCommit applies the request, then the answer is lost; the log says what was done', async (name) => {
		const c = CASES[name];
		const sb = await start({ faults: { rate: 1, kinds: ['reset'], afterCommit: true } });
		const before = sb.records();
		await expect(call(sb, c.path, { body: c.body })).rejects.toThrow();
		if (c.path === QUERY || c.path === QUERY_DATES) expect(sb.records()).toEqual(before);
		else expect(c.applied(sb)).toBe(true);
		expect(sb.log[0]).toEqual(expect.objectContaining({ fault: 'reset', status: null, quotaCounted: true, ...c.logged }));
	});

	it.each(NAMES)('%s: errorsAsHttp200 sends an error as HTTP 200 with the code as a string', async (name) => {
		const c = CASES[name];
		const sb = await start({ errorsAsHttp200: true });
		const r = await call(sb, c.path, { body: { ...c.body, operation: 'ghost_op' } });
		expect(r.status).toBe(200);
		expect(r.json).toEqual({ code: '404', error: 'OPERATION NOT FOUND', msg: 'The operation "ghost_op" does not exist', data: null });
		expect(sb.log[0].bodyCode).toBe('404');
	});

	it.each(NAMES)('%s: redirect → 307 to the same path, nothing changed; rate limit → the configured status', async (name) => {
		const c = CASES[name];
		const sb = await start({ redirectTo: 'http://127.0.0.1:9' });
		const before = sb.records();
		const r = await call(sb, c.path, { body: c.body });
		expect(r.status).toBe(307);
		expect(r.headers.get('location')).toBe(`http://127.0.0.1:9${c.path}`);
		expect(sb.records()).toEqual(before);
		sb.configure({ redirectTo: null, rateLimit: { max: 1, windowMs: 60000, status: 429 } });
		expect((await call(sb, c.path, { body: c.body })).status).toBe(200);
		const limited = await call(sb, c.path, { body: c.body });
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
	});

	it('latency holds every endpoint: concurrent requests to all of them are in flight together; stats count each path', async () => {
		const sb = await start({ latencyMs: 150 });
		const results = await Promise.all(NAMES.filter((n) => n !== 'updateMany').map((n) => call(sb, CASES[n].path, { body: CASES[n].body })));
		expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
		const s = sb.stats();
		expect(s.maxInFlight).toBe(5);
		expect(s.byPath).toEqual({ [QUERY_DATES]: 1, [QUERY]: 1, [INSERT]: 1, [INSERT_MANY]: 1, [UPDATE]: 1 });
		expect(s.byStatus).toEqual({ '200': 5 });
	});
});

describe('sandbox: daily quota with quotaUsed', () => {
	async function info(sb: Sandbox): Promise<Loose> {
		return (await call(sb, `${QUOTA_INFO}?operation=demo`, { method: 'GET' })).json;
	}

	it('starts with the calls already used; tokenInformation counts itself; the limit answers 403 TOKEN LIMIT EXCEEDED', async () => {
		const sb = await start({ dailyQuota: 5, quotaUsed: 3 });
		expect(sb.stats().tokenUseToday).toBe(3);
		expect(await info(sb)).toEqual({
			code: '200',
			error: 'null',
			msg: '1 records were are found',
			data: { description: 'token', token_limit: 5, token_use_today: 4, available_consumition_options: 1, hours_to_reset: expect.any(Number) },
		});
		expect((await call(sb, QUERY, { body: CASES.query.body })).status).toBe(200);
		const over = await call(sb, UPDATE, { body: CASES.update.body });
		expect(over.status).toBe(403);
		expect(over.json).toEqual({ code: 403, error: 'TOKEN LIMIT EXCEEDED', msg: 'The token has used its 5 requests for today', data: null });
		expect(contact(sb, C1).Ciudad).toBe('Medellín');
		expect(sb.stats().tokenUseToday).toBe(5);
		sb.reset();
		expect(sb.stats().tokenUseToday).toBe(3);
		sb.configure({ quotaUsed: 0 });
		expect((await info(sb)).data.token_use_today).toBe(1);
	});

	it('hours_to_reset counts to the next UTC midnight; quotaUsed at or over the limit refuses at once', async () => {
		const sb = await start({ dailyQuota: 2, quotaUsed: 2 });
		const refused = await call(sb, `${QUOTA_INFO}?operation=demo`, { method: 'GET' });
		expect(refused.status).toBe(403);
		expect(refused.json.error).toBe('TOKEN LIMIT EXCEEDED');
		sb.configure({ quotaUsed: 1 });
		const now = new Date();
		const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
		const hours = Math.max(1, Math.ceil((midnight - now.getTime()) / 3600000));
		// the same hour unless the call straddles an hour boundary
		expect([hours, hours - 1]).toContain((await info(sb)).data.hours_to_reset);
		expect(() => sb.configure({ quotaUsed: -1 })).toThrow(/quotaUsed/);
	});

	it('the CLI flag --quota-used sets it; the dev config endpoint shows every new option but not the token', async () => {
		expect(parseArgs(['--quota', '10', '--quota-used', '7'])).toEqual({ ttlMs: 600000, dailyQuota: 10, quotaUsed: 7 });
		const sb = await start({ quotaUsed: 7, maxRecordsPerAnswer: 50 });
		const cfg = await (await fetch(`${sb.url}/__sandbox/config`)).json();
		expect(cfg).toEqual(expect.objectContaining({
			quotaUsed: 7,
			deleteMode: 'allOrNothing',
			notFoundNamesIds: true,
			maxRecordsPerAnswer: 50,
			maxRecordsPerInsert: 100,
			maxAttachmentBytes: 10485760,
		}));
		expect(cfg).not.toHaveProperty('token');
		const changed: Loose = await (await fetch(`${sb.url}/__sandbox/configure`, { method: 'POST', body: JSON.stringify({ deleteMode: 'partial' }) })).json();
		expect(changed.deleteMode).toBe('partial');
	});
});

describe('sandbox: options', () => {
	it('a misspelt option is refused with the known names, at start, in configure() and over HTTP; nothing changes', async () => {
		await expect(start({ quota: 10 } as never)).rejects.toThrow(/^unknown sandbox option quota \(known: port, seed, token, dailyQuota, quotaUsed, /);
		const sb = await start({ dailyQuota: 10 });
		expect(() => sb.configure({ latency: 50, deleteMode: 'partial' } as never)).toThrow('unknown sandbox option latency');
		const refused = await fetch(`${sb.url}/__sandbox/configure`, { method: 'POST', body: JSON.stringify({ faultRate: 1 }) });
		expect(refused.status).toBe(400);
		expect(((await refused.json()) as Loose).error).toMatch(/^unknown sandbox option faultRate/);
		expect(sb.config()).toMatchObject({ dailyQuota: 10, deleteMode: 'allOrNothing', latencyMs: 0, faults: null });
	});
});
