/**
 * "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)" (HTTP 403, wolkvox's Manager API
 * table): other runs have the token's requests in flight. It is a rate limit that a retry absorbs,
 * not a refused request: classified so, retried, and it lowers the run's requests in flight.
 * Against the sandbox, the other run's request is held in flight by a long latency and released
 * by aborting it, so no verdict depends on timing.
 */
import { sleep } from 'n8n-workflow';

import { classifyReading } from '../nodes/WolkvoxCrm/transport/classify';
import { readEnvelope } from '../nodes/WolkvoxCrm/transport/envelope';
import { NODE_NAME } from './helpers/node';
import { OPERATION, MODULE, deleteRequests, remainingIds, runDeletes, sandboxWithContacts } from './helpers/sandbox';

const BUSY = 'EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)';

describe('the simultaneous-requests refusal', () => {
	it.each([
		['HTTP 403, code 403', 403, { code: 403, error: BUSY, msg: 'Forbidden', data: null }],
		['HTTP 200, code "403" (errors as 200)', 200, { code: '403', error: BUSY, msg: 'Forbidden', data: null }],
	])('%s: a rate limit (token busy), retryable, certainly not carried out, not the daily quota', (_name, status, body) => {
		const reading = readEnvelope(status, JSON.stringify(body), undefined);
		if (reading.kind === 'success') throw new Error('read as a success');
		expect(classifyReading(reading, undefined, [])).toMatchObject({
			kind: 'apiError',
			code: 403,
			rateLimited: true,
			tokenBusy: true,
			dailyQuota: false,
			retryable: true,
			mayHaveTakenEffect: false,
		});
	});

	it('the per-IP limit and the daily quota are not "token busy"', () => {
		const read = (error: string) => {
			const reading = readEnvelope(403, JSON.stringify({ code: 403, error, msg: 'Forbidden' }), undefined);
			if (reading.kind === 'success') throw new Error('read as a success');
			return classifyReading(reading, 1000, []);
		};
		expect(read('EXCEEDS THE LIMIT OF REQUESTS PER IP (10)')).toMatchObject({ rateLimited: true, tokenBusy: false });
		expect(read('TOKEN LIMIT EXCEEDED')).toMatchObject({ rateLimited: false, tokenBusy: false, dailyQuota: true });
	});

	it('a delete refused while another run holds the token is retried and ends deleted, once', async () => {
		const { sandbox, ids } = await sandboxWithContacts(4, { maxSimultaneousPerToken: 1, latencyMs: 3_600_000 });
		try {
			// Another run's request, held in flight.
			const other = new AbortController();
			const body = JSON.stringify({ operation: OPERATION, module: MODULE, field: 'Ciudad', value: 'x' });
			fetch(`${sandbox.url}/server/API/v2/custom/query.php`, { method: 'POST', headers: { 'Wolkvox-Token': sandbox.token }, body, signal: other.signal }).catch(() => undefined);
			while (sandbox.stats().inFlight !== 1) await sleep(5);
			sandbox.configure({ latencyMs: 0 });

			const running = runDeletes(sandbox, [[ids[0], ids[1]]], { maxRetryWait: 1 });
			while (!deleteRequests(sandbox).some((entry) => entry.simultaneous)) await sleep(5);
			other.abort();
			const result = await running;

			expect(result.status).toBe('success');
			const deletes = deleteRequests(sandbox);
			expect(deletes.filter((entry) => entry.status === 200)).toHaveLength(1);
			expect(deletes.slice(0, -1).every((entry) => entry.simultaneous && entry.status === 403)).toBe(true);
			expect(result.outputOf(NODE_NAME).map((item) => item.pairedItem)).toStrictEqual([{ item: 0 }]);
			expect(remainingIds(sandbox)).toStrictEqual(ids.slice(2));
		} finally {
			await sandbox.close();
		}
	});
});
