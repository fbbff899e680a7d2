/**
 * The batch engine on its own: a fake n8n context whose HTTP helper is a small scripted server,
 * so that planning, sending, narrowing and outcomes can be checked request by request.
 */
import type { IExecuteFunctions, IHttpRequestOptions, INode } from 'n8n-workflow';

import { BatchRun, type BatchOperation, type ItemRequest } from '../nodes/WolkvoxCrm/engine/batches';
import { DEFAULT_LIMITS, RequestScheduler, type Connection } from '../nodes/WolkvoxCrm/transport';
import { idsNamedIn } from '../nodes/WolkvoxCrm/transport/envelope';

type Reply = { statusCode: number; body: unknown } | { networkError: string };
type Sent = { endpoint: string; body: Record<string, unknown> };

const node: INode = { id: '1', name: 'Wolkvox CRM', type: 'wolkvoxCrm', typeVersion: 1, position: [0, 0], parameters: {} };

/** A context whose server answers each request with `answer(body)`; `sent` records the bodies. */
function fakeContext(answer: (body: Record<string, unknown>, sent: Sent[]) => Reply) {
	const sent: Sent[] = [];
	const context = {
		getNode: () => node,
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => {
				const body = options.body as Record<string, unknown>;
				sent.push({ endpoint: String(options.url).replace('/server/API/v2/', ''), body });
				const reply = answer(body, sent);
				if ('networkError' in reply) throw Object.assign(new Error('socket hang up'), { code: reply.networkError });
				return { statusCode: reply.statusCode, body: JSON.stringify(reply.body), headers: {} };
			},
		},
	} as unknown as IExecuteFunctions;
	return { context, sent };
}

const connection = (concurrency = 1): Connection => ({
	server: { host: 'crm0001.wolkvox.com', origin: 'https://crm0001.wolkvox.com' } as Connection['server'],
	defaultCrmOperation: 'demo',
	timeoutMs: 1000,
	retry: { maxRetries: 2, maxWaitMs: 1, baseDelayMs: 1 },
	scheduler: new RequestScheduler(concurrency, DEFAULT_LIMITS.maxPerSecond),
	secrets: [],
});

/** Deletes as the delete operation does: ids as units, the answer's list is the truth. */
const deletes: BatchOperation<string, string> = {
	keyOf: (id) => id,
	request: (target, ids) => ({ method: 'POST', endpoint: 'custom/delete.php', body: { ...target, ids } }),
	readSuccess: (ids, envelope) => {
		const listed = new Set(idsNamedIn(envelope));
		return ids.map((id) => (listed.size === 0 || listed.has(id) ? { done: true, result: id } : { done: false, reason: 'not listed' }));
	},
	namedUnits: (ids, failure) => ids.filter((id) => failure.namedIds.includes(id)),
	resendable: true,
	notFoundAfterLostAnswerIsDone: true,
	settledResult: (id) => id,
};

const ok = (ids: unknown) => ({ statusCode: 200, body: { code: 200, error: 'null', msg: 'Have been succesfully removed', data: { wolkvox_id: ids } } });
const notFound = (ids: unknown) => ({ statusCode: 404, body: { code: 404, error: 'RECORD NOT FOUND', msg: 'x', data: ids === null ? null : { wolkvox_id: ids } } });
const idsOf = (body: Record<string, unknown>) => body.ids as string[];

const contacts = { operation: 'demo', module: 'contacts' };
const itemsOf = (lists: string[][], target = contacts) => (itemIndex: number): ItemRequest<string> => ({ target, units: lists[itemIndex] });
const failOnBadItem = (_: number, error: unknown) => {
	throw error;
};

async function runDeletes(
	lists: string[][],
	answer: (body: Record<string, unknown>, sent: Sent[]) => Reply,
	options: { max?: number; stop?: boolean; operation?: BatchOperation<string, string>; read?: (i: number) => ItemRequest<string> } = {},
) {
	const { context, sent } = fakeContext(answer);
	const run = new BatchRun(context, connection(), options.operation ?? deletes, {
		maxUnitsPerRequest: options.max ?? 100,
		stopOnFirstFailure: options.stop ?? false,
	});
	const items = await run.run(lists.length, options.read ?? itemsOf(lists), failOnBadItem);
	const outcome = (itemIndex: number) => items.find((item) => item.itemIndex === itemIndex)!.units.map(({ unit, outcome }) => [unit, outcome?.status]);
	return { items, sent, run, outcome };
}

describe('BatchRun: planning', () => {
	test('units of all items, in order, in requests of at most the maximum; each item keeps its own units', async () => {
		const { sent, items } = await runDeletes([['a', 'b', 'c'], ['d'], ['e', 'f']], (body) => ok(idsOf(body)), { max: 4 });
		expect(sent.map(({ body }) => idsOf(body))).toStrictEqual([['a', 'b', 'c', 'd'], ['e', 'f']]);
		expect(items.map((item) => item.units.map(({ unit }) => unit))).toStrictEqual([['a', 'b', 'c'], ['d'], ['e', 'f']]);
		expect(items.every((item) => item.duplicates.length === 0)).toBe(true);
	});

	test('different operations or modules never share a request; the same id in two modules is two records', async () => {
		const targets = [contacts, { operation: 'demo', module: 'leads' }, { operation: 'other', module: 'contacts' }, contacts];
		const lists = [['a'], ['a'], ['a', 'b'], ['c']];
		const { sent } = await runDeletes(lists, (body) => ok(idsOf(body)), {
			read: (itemIndex) => ({ target: targets[itemIndex], units: lists[itemIndex] }),
		});
		expect(sent.map(({ body }) => [body.operation, body.module, idsOf(body)])).toStrictEqual([
			['demo', 'contacts', ['a', 'c']],
			['demo', 'leads', ['a']],
			['other', 'contacts', ['a', 'b']],
		]);
	});

	test('duplicates within an item and across items are sent once, reported per item, and share the outcome', async () => {
		const { sent, items } = await runDeletes([['a', 'b', 'a'], ['b', 'c']], (body) => ok(idsOf(body)));
		expect(sent.map(({ body }) => idsOf(body))).toStrictEqual([['a', 'b', 'c']]);
		expect(items[0].units.map(({ unit }) => unit)).toStrictEqual(['a', 'b']);
		expect(items[0].duplicates).toStrictEqual(['a']);
		expect(items[1].duplicates).toStrictEqual(['b']);
		expect(items[1].units.map(({ outcome }) => outcome?.status)).toStrictEqual(['done', 'done']);
	});

	test('100,000 ids in one item go in exactly ceil(n / max) requests, each id once', async () => {
		const ids = Array.from({ length: 100_000 }, (_, index) => index.toString(16).padStart(24, '0'));
		const { sent } = await runDeletes([ids], (body) => ok(idsOf(body)), { max: 1000 });
		expect(sent).toHaveLength(100);
		expect(sent.flatMap(({ body }) => idsOf(body))).toStrictEqual(ids);
	});

	test('sending starts while items are still being read: the first request goes out before the last item is read', async () => {
		const lists = Array.from({ length: 1000 }, (_, index) => [`id${index}`]);
		let readAtFirstRequest = -1;
		let read = 0;
		const { sent } = await runDeletes(
			lists,
			(body, sentSoFar) => {
				if (sentSoFar.length === 1) readAtFirstRequest = read;
				return ok(idsOf(body));
			},
			{ read: (itemIndex) => (read++, { target: contacts, units: lists[itemIndex] }) },
		);
		expect(sent).toHaveLength(10);
		expect(readAtFirstRequest).toBeGreaterThanOrEqual(100);
		expect(readAtFirstRequest).toBeLessThan(1000);
	});
});

describe('BatchRun: what the answers say', () => {
	test('a success listing only some ids: the others are refused (not listed), nothing is resent', async () => {
		const { sent, outcome } = await runDeletes([['a'], ['b'], ['c']], (body) => ok(idsOf(body).filter((id) => id !== 'b')));
		expect(sent).toHaveLength(1);
		expect([outcome(0), outcome(1), outcome(2)]).toStrictEqual([[['a', 'done']], [['b', 'refused']], [['c', 'done']]]);
	});

	test('a success listing no ids (missing data or the documented empty strings) counts for every id sent', async () => {
		for (const listed of [undefined, [], ['', '']]) {
			const { outcome } = await runDeletes([['a', 'b']], () => ok(listed));
			expect(outcome(0)).toStrictEqual([['a', 'done'], ['b', 'done']]);
		}
	});

	test('"not found" naming some ids: those are refused, the rest is sent again once and deleted', async () => {
		const { sent, outcome } = await runDeletes([['a', 'b', 'c']], (body) =>
			idsOf(body).includes('b') ? notFound(['b']) : ok(idsOf(body)),
		);
		expect(sent.map(({ body }) => idsOf(body))).toStrictEqual([['a', 'b', 'c'], ['a', 'c']]);
		expect(outcome(0)).toStrictEqual([['a', 'done'], ['b', 'refused'], ['c', 'done']]);
	});

	test('"too many ids" (416) halves the request size for this and every later request', async () => {
		const ids = Array.from({ length: 12 }, (_, i) => `id${i}`);
		const { sent, outcome } = await runDeletes([ids], (body) =>
			idsOf(body).length > 3 ? { statusCode: 416, body: { code: 416, error: 'EXCEEDS THE MAXIMUM NUMBER OF RECORDS PER REQUEST (3)' } } : ok(idsOf(body)),
		{ max: 12 });
		// 12 refused → halves of 6; the first 6 refused → 3 from then on.
		expect(sent.map(({ body }) => idsOf(body).length)).toStrictEqual([12, 6, 3, 3, 3, 3]);
		expect(sent.slice(2).flatMap(({ body }) => idsOf(body))).toStrictEqual(ids);
		expect(outcome(0).every(([, status]) => status === 'done')).toBe(true);
	});

	test('without Continue On Fail the run stops at the first refusal and sends nothing more', async () => {
		const { sent, outcome, run } = await runDeletes([['a'], ['b'], ['c']], (body) => notFound(idsOf(body)), { max: 1, stop: true });
		expect(sent).toHaveLength(1);
		expect([outcome(0), outcome(1), outcome(2)]).toStrictEqual([[['a', 'refused']], [['b', undefined]], [['c', undefined]]]);
		expect(run.doneCount).toBe(0);
	});
});

describe('BatchRun: lost answers', () => {
	/** The server removes what it knows, then the first answer is lost (connection reset). */
	function losingFirstAnswer(known: Set<string>, namesIds: boolean, partial: boolean) {
		let lost = false;
		return (body: Record<string, unknown>): Reply => {
			const ids = idsOf(body);
			const unknown = ids.filter((id) => !known.has(id));
			if (partial ? unknown.length === ids.length : unknown.length > 0) return notFound(namesIds ? unknown : null);
			const removed = ids.filter((id) => known.has(id));
			removed.forEach((id) => known.delete(id));
			if (!lost) {
				lost = true;
				return { networkError: 'ECONNRESET' };
			}
			return ok(removed);
		};
	}
	const ids = Array.from({ length: 100 }, (_, i) => `id${i}`);

	test.each([
		['all-or-nothing, "not found" names the ids', true, false, 2],
		['partial deletes, "not found" names the ids', true, true, 2],
	])('%s: the resend settles it in one more request, every id done', async (_, namesIds, partial, requests) => {
		const { sent, outcome } = await runDeletes([ids], losingFirstAnswer(new Set(ids), namesIds, partial));
		expect(sent).toHaveLength(requests);
		expect(outcome(0).every(([, status]) => status === 'done')).toBe(true);
	});

	test('partial deletes whose "not found" names nobody: one probe with an id not sent yet shows the server deletes partially; 2 extra requests', async () => {
		const all = Array.from({ length: 200 }, (_, i) => `id${i}`);
		const { sent, items } = await runDeletes([all], losingFirstAnswer(new Set(all), false, true));
		// lost, resent ("not found"), the probe (id0 + id199: only id199 removed), the other 99.
		expect(sent.map(({ body }) => idsOf(body).length)).toStrictEqual([100, 100, 2, 99]);
		expect(idsOf(sent[2].body)).toStrictEqual(['id0', 'id199']);
		expect(items[0].units.every(({ outcome }) => outcome?.status === 'done')).toBe(true);
		expect(items[0].units.filter(({ outcome }) => outcome?.status === 'done' && outcome.settledAfterLostAnswer)).toHaveLength(100);
	});

	test('"not found" naming nobody after a lost answer: each id is asked alone (n + 1 extra requests), every id done', async () => {
		const { sent, items } = await runDeletes([ids], losingFirstAnswer(new Set(ids), false, false));
		expect(sent).toHaveLength(1 + 1 + ids.length);
		expect(items[0].units.every(({ outcome }) => outcome?.status === 'done' && outcome.settledAfterLostAnswer)).toBe(true);
	});

	test('a write that must not be resent (a create) is not sent again after a lost answer: its units are unknown', async () => {
		const creates: BatchOperation<string, string> = { ...deletes, keyOf: undefined, resendable: false };
		const { sent, outcome } = await runDeletes([['r1'], ['r2'], ['r3']], (_, sentSoFar) => (sentSoFar.length === 1 ? { statusCode: 502, body: 'Bad gateway' } : ok([])), {
			max: 2,
			operation: creates,
		});
		expect(sent.map(({ body }) => idsOf(body))).toStrictEqual([['r1', 'r2'], ['r3']]);
		expect([outcome(0), outcome(1), outcome(2)]).toStrictEqual([[['r1', 'unknown']], [['r2', 'unknown']], [['r3', 'done']]]);
	});
});
