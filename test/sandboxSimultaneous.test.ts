/**
 * The sandbox's limit on simultaneous requests per token (maxSimultaneousPerToken, --max-simultaneous):
 * a request with the valid token that arrives while the limit's number of others are being answered
 * gets wolkvox's 403; once one of them ends, the next gets in. Requests are held in flight by a long
 * latency and released by aborting them, so no verdict depends on timing.
 */
import { sleep } from 'n8n-workflow';

import { parseArgs } from '../sandbox/server';
import { QUERY, QUOTA_INFO, call, sandboxes, type Loose, type Sandbox } from './helpers/sandboxHttp';

const start = sandboxes();
const QUERY_BODY = { operation: 'demo', module: 'contacts', field: 'Ciudad', value: 'Medellín' };

async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await sleep(5);
}

/** Starts `n` queries that stay in flight (latency 1 h) until their controller aborts them. */
async function holdInFlight(sb: Sandbox, n: number): Promise<AbortController[]> {
	sb.configure({ latencyMs: 3_600_000 });
	const before = sb.stats().inFlight;
	const held = Array.from({ length: n }, () => new AbortController());
	for (const controller of held) {
		call(sb, QUERY, { body: QUERY_BODY, signal: controller.signal }).catch(() => undefined);
	}
	await until(() => sb.stats().inFlight === before + n);
	sb.configure({ latencyMs: 0 });
	return held;
}

describe('sandbox: simultaneous requests per token', () => {
	it('the third request in flight gets 403 EXCEEDS THE LIMIT … (2), without Retry-After, not counted in the quota; the next after one ends gets in', async () => {
		const sb = await start({ maxSimultaneousPerToken: 2 });
		const held = await holdInFlight(sb, 2);
		const used = sb.stats().tokenUseToday;

		const refused = await call(sb, QUERY, { body: QUERY_BODY });
		expect(refused.status).toBe(403);
		expect(refused.json).toEqual(expect.objectContaining({ code: 403, error: 'EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)' }));
		expect(refused.headers.get('retry-after')).toBeNull();
		expect(sb.stats().tokenUseToday).toBe(used);
		const entry = sb.log[sb.log.length - 1] as Loose;
		expect(entry).toEqual(expect.objectContaining({ status: 403, rateLimited: true, simultaneous: true, quotaCounted: false }));

		held[0].abort();
		await until(() => sb.stats().inFlight === 1);
		const accepted = await call(sb, QUERY, { body: QUERY_BODY });
		expect(accepted.status).toBe(200);
		expect(accepted.json.data).toHaveLength(3);
		held[1].abort();
	});

	it('counts only the valid token: a wrong token is refused as such, not as a third request', async () => {
		const sb = await start({ maxSimultaneousPerToken: 1 });
		const held = await holdInFlight(sb, 1);
		const wrong = await call(sb, `${QUOTA_INFO}?operation=demo`, { method: 'GET', token: 'not-the-token' });
		expect(wrong.status).toBe(403);
		expect(wrong.json.error).toBe('PLEASE VALIDATE TOKEN');
		const busy = await call(sb, `${QUOTA_INFO}?operation=demo`, { method: 'GET' });
		expect(busy.json.error).toBe('EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (1)');
		held[0].abort();
	});

	it('0 (the default) is unlimited; with errorsAsHttp200 the refusal is HTTP 200 with code 403', async () => {
		const sb = await start();
		const held = await holdInFlight(sb, 3);
		expect((await call(sb, QUERY, { body: QUERY_BODY })).status).toBe(200);
		sb.configure({ maxSimultaneousPerToken: 3, errorsAsHttp200: true });
		const refused = await call(sb, QUERY, { body: QUERY_BODY });
		expect(refused.status).toBe(200);
		expect(refused.json).toEqual(expect.objectContaining({ error: 'EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (3)' }));
		expect(String(refused.json.code)).toBe('403');
		for (const controller of held) controller.abort();
	});

	it('the per-IP rate limit is checked first: a request over it is refused as such and holds no place', async () => {
		const sb = await start({ maxSimultaneousPerToken: 1, rateLimit: { max: 1, windowMs: 3_600_000 } });
		const held = await holdInFlight(sb, 1);
		const limited = await call(sb, QUERY, { body: QUERY_BODY });
		expect(limited.json.error).toBe('EXCEEDS THE LIMIT OF REQUESTS PER IP (1)');
		expect(sb.log[sb.log.length - 1]).toEqual(expect.objectContaining({ rateLimited: true, simultaneous: false }));
		held[0].abort();
	});

	it('the CLI flag and the option check', () => {
		expect(parseArgs(['--max-simultaneous', '2'])).toEqual({ ttlMs: 600000, maxSimultaneousPerToken: 2 });
		expect(() => parseArgs(['--max-simultaneous', '-1'])).toThrow(/not a number >= 0/);
		return expect(start({ maxSimultaneousPerToken: -2 })).rejects.toThrow(/maxSimultaneousPerToken must be a number >= 0/);
	});
});
