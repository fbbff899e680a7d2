import { sleep } from 'n8n-workflow';

import { generateRecords, startSandbox } from '../sandbox/server';
import {
	C1,
	C2,
	C3,
	DELETE,
	HEX24,
	QUERY,
	QUOTA_INFO,
	UNKNOWN,
	call,
	contactIds,
	del,
	sandboxes,
	type Loose,
	type Options,
	type Sandbox,
} from './helpers/sandboxHttp';

const start = sandboxes();

/** Waits (up to 5 s) until `n` requests are in flight: on a loaded machine a fixed sleep was too short. */
async function untilInFlight(sb: Sandbox, n: number): Promise<void> {
	const deadline = Date.now() + 5000;
	while (sb.stats().inFlight !== n && Date.now() < deadline) await sleep(10);
}

// Values for the "the log never holds the token" test, built so no literal sits next to a token key.
const CUSTOM_VALID = ['very', 'private', 'value', '123'].join('-');
const CUSTOM_WRONG = ['wrong', 'private', 'value', '456'].join('-');

describe('sandbox: programmatic API and seed', () => {
	it('starts on 127.0.0.1 with the seed loaded and returns deep copies', async () => {
		const sb = await start();
		expect(sb.url).toBe(`http://127.0.0.1:${sb.port}`);
		expect(sb.token).toBe('sandbox-token-0123456789abcdef');
		const all = sb.records();
		expect(Object.keys(all)).toEqual(expect.arrayContaining(['demo', 'ventas_co']));
		expect(all.demo.contacts).toHaveLength(12);
		expect(all.demo.leads).toHaveLength(6);
		expect(all.demo.Ventas.length).toBeGreaterThan(0);
		expect(all.demo.Ventas[0]).toHaveProperty('Tipo de cliente');
		const ids: string[] = [];
		for (const modules of Object.values(all) as Array<Record<string, Array<{ wolkvox_id: string }>>>) {
			for (const recs of Object.values(modules)) for (const r of recs) ids.push(r.wolkvox_id);
		}
		expect(new Set(ids).size).toBe(ids.length);
		for (const id of ids) expect(id).toMatch(HEX24);
		const c = sb.records('demo', 'contacts')[0];
		expect(c.telephonecontact).toEqual(expect.objectContaining({ country: expect.any(String), code: expect.any(String) }));
		expect(c.wolkvox_owner).toEqual(expect.objectContaining({ user: expect.any(String), email: expect.any(String) }));
		c.namecontact = 'changed';
		expect(sb.records('demo', 'contacts')[0].namecontact).not.toBe('changed');
		expect(sb.records('nope')).toBeUndefined();
	});

	it('generateRecords is deterministic, unique and usable as a seed', async () => {
		const a = generateRecords(500);
		const b = generateRecords(500);
		expect(a).toEqual(b);
		expect(new Set(a.map((r) => r.wolkvox_id)).size).toBe(500);
		for (const r of a) expect(r.wolkvox_id).toMatch(HEX24);
		expect(a[0]).toEqual(expect.objectContaining({ namecontact: expect.any(String), emailcontact: expect.stringContaining('@') }));
		expect(a[0].wolkvox_fecha_creacion).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
		const p = generateRecords(3, { prefix: 'abcd' });
		for (const r of p) expect(r.wolkvox_id.startsWith('abcd')).toBe(true);
		expect(() => generateRecords(1, { prefix: 'xyz' })).toThrow();

		const sb = await start({ seed: { operations: { bench: { contacts: a } } } });
		expect(sb.records('bench', 'contacts')).toHaveLength(500);
		const r = await call(sb, DELETE, {
			body: { operation: 'bench', module: 'contacts', multiple: true, 'wolkvox-id': a.slice(0, 100).map((x) => x.wolkvox_id) },
		});
		expect(r.status).toBe(200);
		expect(sb.records('bench', 'contacts')).toHaveLength(400);
	});

	it('reset restores the seed and clears log, stats and quota; reset(seed) swaps the seed', async () => {
		const sb = await start();
		await call(sb, DELETE, { body: del(C1) });
		expect(contactIds(sb)).not.toContain(C1);
		expect(sb.log).toHaveLength(1);
		const logRef = sb.log;
		sb.reset();
		expect(contactIds(sb)).toContain(C1);
		expect(logRef).toHaveLength(0);
		expect(sb.stats()).toEqual(expect.objectContaining({ requests: 0, tokenUseToday: 0, byPath: {}, byStatus: {} }));
		sb.reset({ operations: { x: { m: [{ wolkvox_id: 'aaaaaaaaaaaaaaaaaaaaaaaa', a: 1 }] } } });
		expect(sb.records()).toEqual({ x: { m: [{ wolkvox_id: 'aaaaaaaaaaaaaaaaaaaaaaaa', a: 1 }] } });
	});
});

describe('sandbox: authentication and quota', () => {
	it('401 without token, 401 with an empty token, 403 with a wrong one; header name is case-insensitive', async () => {
		const sb = await start();
		const none = await call(sb, DELETE, { body: del(C1), token: null });
		expect(none.status).toBe(401);
		expect(none.json).toEqual(expect.objectContaining({ code: 401, error: 'PLEASE ENTER THE WOLKVOX-TOKEN', msg: 'Unauthorized' }));
		const empty = await call(sb, DELETE, { body: del(C1), token: '' });
		expect(empty.status).toBe(401);
		const wrong = await call(sb, DELETE, { body: del(C1), token: 'not-the-token' });
		expect(wrong.status).toBe(403);
		expect(wrong.json.error).toBe('PLEASE VALIDATE TOKEN');
		expect(contactIds(sb)).toContain(C1);
		expect(sb.stats().tokenUseToday).toBe(0);
		const lower = await call(sb, DELETE, { body: del(C1), tokenHeader: 'wolkvox-token' });
		expect(lower.status).toBe(200);
		expect(sb.stats().tokenUseToday).toBe(1);
	});

	it('counts one unit per authenticated call (tokenInformation too) and answers 403 TOKEN LIMIT EXCEEDED at the limit', async () => {
		const sb = await start({ dailyQuota: 3 });
		const info = await call(sb, `${QUOTA_INFO}?operation=demo`, { method: 'GET' });
		expect(info.status).toBe(200);
		expect(info.json).toEqual({
			code: '200',
			error: 'null',
			msg: '1 records were are found',
			data: {
				description: 'token',
				token_limit: 3,
				token_use_today: 1,
				available_consumition_options: 2,
				hours_to_reset: expect.any(Number),
			},
		});
		expect(info.json.data.hours_to_reset).toBeGreaterThanOrEqual(1);
		await call(sb, QUERY, { body: { operation: 'demo', module: 'contacts', field: 'wolkvox_id', value: C1 } });
		// a 400 still costs a unit
		expect((await call(sb, DELETE, { body: { operation: 'demo' } })).status).toBe(400);
		const over = await call(sb, DELETE, { body: del(C1) });
		expect(over.status).toBe(403);
		expect(over.json.error).toBe('TOKEN LIMIT EXCEEDED');
		expect(contactIds(sb)).toContain(C1);
		expect(sb.stats().tokenUseToday).toBe(3);
		sb.reset();
		expect((await call(sb, DELETE, { body: del(C1) })).status).toBe(200);
	});

	it('tokenInformation: missing operation → 400, unknown → 404, POST → 405', async () => {
		const sb = await start();
		expect((await call(sb, QUOTA_INFO, { method: 'GET' })).status).toBe(400);
		const unknown = await call(sb, `${QUOTA_INFO}?operation=nope`, { method: 'GET' });
		expect(unknown.status).toBe(404);
		expect(unknown.json.msg).toContain('nope');
		const post = await call(sb, `${QUOTA_INFO}?operation=demo`);
		expect(post.status).toBe(405);
		expect(post.headers.get('allow')).toBe('GET');
	});
});


describe('sandbox: rate limit, errorsAsHttp200, redirect', () => {
	it('rate limit per IP: over the window → configured status with Retry-After, nothing changed, no quota used', async () => {
		// A window far longer than the test: the third request is over the limit however slow the machine.
		const sb = await start({ rateLimit: { max: 2, windowMs: 60_000, status: 429 } });
		expect((await call(sb, QUERY, { body: { operation: 'demo', module: 'contacts', field: 'Ciudad', value: 'Cali' } })).status).toBe(200);
		expect((await call(sb, QUERY, { body: { operation: 'demo', module: 'contacts', field: 'Ciudad', value: 'Cali' } })).status).toBe(200);
		const r = await call(sb, DELETE, { body: del(C1) });
		expect(r.status).toBe(429);
		expect(r.json.error).toMatch(/^EXCEEDS THE LIMIT OF REQUESTS PER IP/);
		const retry = Number(r.headers.get('retry-after'));
		expect(Number.isInteger(retry)).toBe(true);
		expect(retry).toBeGreaterThanOrEqual(1);
		expect(contactIds(sb)).toContain(C1);
		expect(sb.stats().tokenUseToday).toBe(2);
		expect(sb.log[2]).toEqual(expect.objectContaining({ rateLimited: true, status: 429, deleted: [] }));
		// dev endpoints are never rate limited
		expect((await fetch(`${sb.url}/__sandbox/stats`)).status).toBe(200);
	});

	it('rate limit defaults to 403 and frees up when the window slides', async () => {
		const windowMs = 2000;
		const sb = await start({ rateLimit: { max: 1, windowMs } });
		const started = Date.now();
		expect((await call(sb, DELETE, { body: del(C1) })).status).toBe(200);
		const limited = await call(sb, DELETE, { body: del(C2) });
		expect(limited.status).toBe(403);
		// Whole seconds until the first request leaves the window: 2, or 1 if the machine took over a second between the two.
		expect(['1', '2']).toContain(limited.headers.get('retry-after'));
		// Refused requests do not count, so asking again and again frees up as soon as the window has slid past the first.
		let again = await call(sb, DELETE, { body: del(C2) });
		while (again.status === 403) {
			await sleep(100);
			again = await call(sb, DELETE, { body: del(C2) });
		}
		expect(again.status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(windowMs);
	});

	it('errorsAsHttp200: errors come back as HTTP 200 with the code (string) only in the body', async () => {
		const sb = await start({ errorsAsHttp200: true });
		const wrong = await call(sb, DELETE, { body: del(C1), token: 'nope' });
		expect(wrong.status).toBe(200);
		expect(wrong.json).toEqual(expect.objectContaining({ code: '403', error: 'PLEASE VALIDATE TOKEN' }));
		const missing = await call(sb, DELETE, { body: del(UNKNOWN, false) });
		expect(missing.status).toBe(200);
		expect(missing.json).toEqual(expect.objectContaining({ code: '404', error: 'RECORD NOT FOUND', data: { wolkvox_id: [UNKNOWN] } }));
		const ok = await call(sb, DELETE, { body: del(C1, false) });
		expect(ok.json.code).toBe(200);
		sb.configure({ errorsAsHttp200: false });
		expect((await call(sb, DELETE, { body: del(C1, false) })).status).toBe(404);
	});

	it('redirectTo: 307 to the other origin with the same path and query, nothing changed', async () => {
		const target = await start();
		const sb = await start({ redirectTo: target.url });
		const r = await call(sb, `${QUOTA_INFO}?operation=demo`, { method: 'GET' });
		expect(r.status).toBe(307);
		expect(r.headers.get('location')).toBe(`${target.url}${QUOTA_INFO}?operation=demo`);
		const d = await call(sb, DELETE, { body: del(C1) });
		expect(d.status).toBe(307);
		expect(d.headers.get('location')).toBe(target.url + DELETE);
		expect(contactIds(sb)).toContain(C1);
		expect(sb.stats().tokenUseToday).toBe(0);
		expect(sb.log[1]).toEqual(expect.objectContaining({ redirected: true, status: 307, tokenPresent: true, tokenValid: false }));
		expect(target.log).toHaveLength(0);
	});
});

describe('sandbox: faults', () => {
	const kinds = ['http500', 'http502', 'http503', 'html', 'truncated'] as const;

	it.each(kinds)('%s (before commit): the answer is broken and nothing changes', async (kind) => {
		const sb = await start({ faults: { rate: 1, kinds: [kind] } });
		const before = sb.records();
		const r = await call(sb, DELETE, { body: del(C1) });
		const expected = { http500: 500, http502: 502, http503: 503, html: 200, truncated: 200 }[kind];
		expect(r.status).toBe(expected);
		if (kind === 'http500') expect(r.json).toEqual(expect.objectContaining({ code: 500 }));
		if (kind === 'html') {
			expect(r.headers.get('content-type')).toContain('text/html');
			expect(r.json).toBeUndefined();
		}
		if (kind === 'truncated') {
			expect(r.headers.get('content-type')).toContain('application/json');
			expect(r.text.length).toBeGreaterThan(0);
			expect(r.json).toBeUndefined();
		}
		expect(sb.records()).toEqual(before);
		expect(sb.log[0]).toEqual(expect.objectContaining({ fault: kind, deleted: [], quotaCounted: false }));
		// never on the dev endpoints
		expect((await fetch(`${sb.url}/__sandbox/records?operation=demo&module=contacts`)).status).toBe(200);
	});

	it('reset: the socket is destroyed without an answer', async () => {
		const sb = await start({ faults: { rate: 1, kinds: ['reset'] } });
		await expect(call(sb, DELETE, { body: del(C1) })).rejects.toThrow();
		expect(contactIds(sb)).toContain(C1);
		expect(sb.log[0]).toEqual(expect.objectContaining({ fault: 'reset', status: null, clientAborted: false }));
	});

	it('stall: no answer until stallMs, then the socket is destroyed', async () => {
		const sb = await start({ faults: { rate: 1, kinds: ['stall'], stallMs: 150 } });
		const t0 = Date.now();
		await expect(call(sb, DELETE, { body: del(C1) })).rejects.toThrow();
		expect(Date.now() - t0).toBeGreaterThanOrEqual(120);
		expect(contactIds(sb)).toContain(C1);
		expect(sb.log[0]).toEqual(expect.objectContaining({ fault: 'stall', status: null }));
	});

	it('stall: a client abort ends the request and is logged as such', async () => {
		const sb = await start({ faults: { rate: 1, kinds: ['stall'] }, stallMs: 5000 });
		const ac = new AbortController();
		const pending = call(sb, DELETE, { body: del(C1), signal: ac.signal });
		await untilInFlight(sb, 1);
		expect(sb.stats().inFlight).toBe(1);
		ac.abort();
		await expect(pending).rejects.toThrow();
		await sleep(50);
		expect(sb.stats().inFlight).toBe(0);
		expect(sb.log[0]).toEqual(expect.objectContaining({ fault: 'stall', status: null, clientAborted: true }));
	});

	it('afterCommit: the delete is applied, then the answer is lost (the ambiguous case)', async () => {
		const sb = await start({ faults: { rate: 1, kinds: ['reset'], afterCommit: true } });
		await expect(call(sb, DELETE, { body: del([C1, C2], true) })).rejects.toThrow();
		expect(contactIds(sb)).not.toContain(C1);
		expect(contactIds(sb)).not.toContain(C2);
		expect(sb.log[0]).toEqual(expect.objectContaining({ fault: 'reset', deleted: [C1, C2], quotaCounted: true }));
		sb.configure({ faults: { rate: 1, kinds: ['truncated'], afterCommit: true } });
		const r = await call(sb, DELETE, { body: del(C3, false) });
		expect(r.status).toBe(200);
		expect(r.json).toBeUndefined();
		expect(r.text).toContain('"code":200');
		expect(contactIds(sb)).not.toContain(C3);
	});

	it('faults are deterministic for a given seed', async () => {
		const opts: Options = { faults: { rate: 0.5, kinds: ['http500', 'http503'], seed: 42 } };
		const runs: string[][] = [];
		for (let n = 0; n < 2; n++) {
			const sb = await start(opts);
			const seen: string[] = [];
			for (let i = 0; i < 12; i++) {
				const r = await call(sb, QUERY, { body: { operation: 'demo', module: 'contacts', field: 'Ciudad', value: 'Lima' } });
				seen.push(String(r.status));
			}
			runs.push(seen);
		}
		expect(runs[0]).toEqual(runs[1]);
		expect(runs[0]).toContain('200');
		expect(runs[0].some((s) => s !== '200')).toBe(true);
	});

	it('close() ends stalled sockets at once', async () => {
		const sb = await startSandbox({ faults: { rate: 1, kinds: ['stall'] } });
		const pending = call(sb, DELETE, { body: del(C1) }).then(
			() => 'answered',
			() => 'failed',
		);
		await untilInFlight(sb, 1);
		expect(sb.stats().inFlight).toBe(1);
		const t0 = Date.now();
		await sb.close();
		expect(Date.now() - t0).toBeLessThan(1000);
		expect(await pending).toBe('failed');
		await sb.closed;
	});
});

describe('sandbox: log and stats', () => {
	it('the log never holds the token value or header values', async () => {
		const sb = await start({ token: CUSTOM_VALID, faults: { rate: 0, kinds: [] } });
		await call(sb, DELETE, { body: del(C1) });
		await call(sb, DELETE, { body: del(C2), token: CUSTOM_WRONG });
		await call(sb, QUERY, { body: { operation: 'demo', module: 'contacts', field: 'Ciudad', value: 'Cali' } });
		await call(sb, `${QUOTA_INFO}?operation=demo`, { method: 'GET' });
		const dump = JSON.stringify(sb.log) + JSON.stringify(await (await fetch(`${sb.url}/__sandbox/log`)).json());
		expect(dump).not.toContain(CUSTOM_VALID);
		expect(dump).not.toContain(CUSTOM_WRONG);
		expect(dump).not.toContain('application/json');
		expect(sb.log[0]).toEqual(
			expect.objectContaining({
				seq: 1,
				method: 'POST',
				path: DELETE,
				status: 200,
				operation: 'demo',
				module: 'contacts',
				multiple: false,
				ids: [C1],
				deleted: [C1],
				fault: null,
				rateLimited: false,
				tokenPresent: true,
				tokenValid: true,
				ip: expect.any(String),
			}),
		);
		expect(sb.log[1]).toEqual(expect.objectContaining({ status: 403, tokenPresent: true, tokenValid: false }));
		expect(sb.log[3]).toEqual(expect.objectContaining({ path: QUOTA_INFO, operation: 'demo' }));
		for (const e of sb.log) expect(e.end).toBeGreaterThanOrEqual(e.start);
	});

	it('stats count requests, paths, statuses and concurrency; dev endpoints are not counted', async () => {
		const sb = await start({ latencyMs: 80 });
		await Promise.all(
			[C1, C2, C3, UNKNOWN].map((id) => call(sb, DELETE, { body: del(id, false) })),
		);
		await fetch(`${sb.url}/__sandbox/records`);
		const s = sb.stats();
		expect(s.requests).toBe(4);
		expect(s.inFlight).toBe(0);
		expect(s.maxInFlight).toBe(4);
		expect(s.byPath).toEqual({ [DELETE]: 4 });
		expect(s.byStatus).toEqual({ '200': 3, '404': 1 });
		expect(Math.max(...sb.log.map((e) => e.inFlightAtStart))).toBe(3);
	});

	it('dev endpoints: records, log, stats, reset need no token', async () => {
		const sb = await start();
		await call(sb, DELETE, { body: del(C1) });
		const recs = await (await fetch(`${sb.url}/__sandbox/records?operation=demo&module=contacts`)).json();
		expect(recs).toHaveLength(11);
		const all: Loose = await (await fetch(`${sb.url}/__sandbox/records`)).json();
		expect(all.demo.contacts).toHaveLength(11);
		expect(await (await fetch(`${sb.url}/__sandbox/log`)).json()).toHaveLength(1);
		expect(((await (await fetch(`${sb.url}/__sandbox/stats`)).json()) as Loose).requests).toBe(1);
		expect((await fetch(`${sb.url}/__sandbox/reset`, { method: 'POST' })).status).toBe(200);
		expect(contactIds(sb)).toHaveLength(12);
		expect(sb.log).toHaveLength(0);
	});
});
