/**
 * Every fault the sandbox can inject, and every refusal it can give, against Record → Delete:
 * with 1 and 500 input items, per item and with Batch Across Items, with and without Continue On
 * Fail. Whatever happens, each item ends in exactly one output item paired to it (or the run stops
 * naming an item), the sandbox holds the seed minus exactly the ids reported deleted, and the
 * error says what happened and what to do (see test/helpers/faults.ts for the checks).
 *
 * Transient faults are retried and must end in success: the sandbox faults every request until it
 * faulted two (a stall: one), then heals, so recovery is proven whatever the seed or the machine's
 * speed. With retries off (rate 1, Max Retries 0) they end as clear errors. The HTTP-level faults
 * with 500 items sent one request each run as seeded mixes of every kind (10 %), where each faulted
 * request is matched to its item. Waits are kept small: Max Retry Wait 20-50 ms,
 * Timeout 1 s against stalls of 1.5 s. Cases run concurrently, each against its own sandbox.
 *
 * Both server behaviours: the sandbox deletes all-or-nothing (one unknown id refuses the request)
 * or partially (known ids are removed and listed, unknown ones left out of an HTTP 200). Only
 * Batch Across Items sends several ids in one request, so only the batched modes run under both;
 * per item every request holds one id, which both behaviours treat the same.
 */
import type { IDataObject } from 'n8n-workflow';

import { generateRecords, startSandbox } from '../sandbox/server';
import {
	TokenDroppingCredential,
	deleteLog,
	failureTexts,
	fillRateWindow,
	healAfter,
	runAgainst,
	settle,
	type NodeRun,
	type OnError,
	type Settled,
} from './helpers/faults';
import { NODE_NAME } from './helpers/node';
import { MODULE, OPERATION, type Sandbox } from './helpers/sandbox';

const UNKNOWN = 'ffffffffffffffffffffffff';
const WRONG_TOKEN = 'example-wrong-token-0000000000000000';
// A stall holds the socket far longer than the 1 s Timeout, so it is always met as a timeout, however slow the machine.
const STALL_MS = 30_000;

type DeleteMode = 'allOrNothing' | 'partial';

interface Mode {
	items: number;
	batch: boolean;
	continueOnFail: boolean;
	deleteMode: DeleteMode;
}

const MODES: Mode[] = [1, 500].flatMap((items) =>
	[false, true].flatMap((batch) =>
		[false, true].flatMap((continueOnFail) =>
			(batch ? (['allOrNothing', 'partial'] as const) : (['allOrNothing'] as const)).map((deleteMode) => ({ items, batch, continueOnFail, deleteMode })),
		),
	),
);

const label = (mode: Mode) =>
	`${mode.items} item${mode.items > 1 ? 's' : ''}, ${mode.batch ? 'Batch Across Items' : 'per item'}, ${mode.continueOnFail ? 'Continue On Fail' : 'stop on error'}` +
	(mode.deleteMode === 'partial' ? ', partial deletes' : '');

/** Per item, 500 items: the one mode where every item is a request of its own. */
const manyRequests = (mode: Mode) => !mode.batch && mode.items > 1;

interface FaultCase {
	name: string;
	/** recovers: retried until every item succeeds; fails: ends in clear errors. */
	outcome: 'recovers' | 'fails';
	sandbox: (mode: Mode) => IDataObject;
	options?: (mode: Mode) => IDataObject;
	/** For recovering faults: fault every request until this many were faulted, then heal. */
	heal?: (mode: Mode) => number | undefined;
	healWhat?: 'faults' | 'rateLimit';
	prepare?: (sandbox: Sandbox, mode: Mode) => Promise<void>;
	credential?: Pick<NodeRun, 'credentialOverrides' | 'credentialType'>;
	/** The ids of each item; default: one seeded id per item. */
	ids?: (seedIds: string[], mode: Mode) => string[];
	message: RegExp;
	details: RegExp[];
	/** Where a mode's errors say something else than `message` and `details`. */
	words?: (mode: Mode) => { message: RegExp; details: RegExp[] } | undefined;
	/** Extra checks once the run settled. */
	check?: (sandbox: Sandbox, mode: Mode, failed: number, settled: Settled) => void;
	/** Modes not worth their time for this case (see `recovering`). */
	skip?: (mode: Mode) => boolean;
}

/**
 * A fault that is retried to success ends the same with or without Continue On Fail, so with 500
 * items (about a second a run, sent one request each) it runs once, without Continue On Fail,
 * where a single item that did not recover would stop the run.
 */
const onceForManyItems = (mode: Mode) => mode.items > 1 && mode.continueOnFail;

/**
 * The HTTP-level faults with 500 items sent one request each are run as mixes of every kind (see
 * the end of this file), where each faulted request is matched to its item: one such run per kind
 * would cost a second each and prove nothing more.
 */
const inTheMixes = (mode: Mode) => manyRequests(mode);

const RETRY_FAST = { maxRetries: 10, maxRetryWait: 0.02 };
const NO_RETRY = { maxRetries: 0, maxRetryWait: 0 };
const STALL_OPTIONS = { timeout: 1, concurrency: 5 };

/** A transient fault hits every request until it hit two (a stall: one), then the server heals. */
function recovering(kind: string, message: RegExp, details: RegExp[]): FaultCase {
	const stall = kind === 'stall';
	return {
		name: `${kind}, retried`,
		outcome: 'recovers',
		sandbox: () => ({ faults: { rate: 1, kinds: [kind], seed: 5, stallMs: STALL_MS } }),
		options: () => ({ ...RETRY_FAST, ...(stall ? STALL_OPTIONS : {}) }),
		heal: () => (stall ? 1 : 2),
		skip: (mode) => onceForManyItems(mode) || (!stall && inTheMixes(mode)),
		check: (sandbox) => expect(deleteLog(sandbox).filter((entry) => entry.fault === kind).length).toBeGreaterThan(0),
		message,
		details,
	};
}

/** The same faults with retries off: every faulted request ends as an error. */
function failing(kind: string, message: RegExp, details: RegExp[]): FaultCase {
	const stall = kind === 'stall';
	// 500 stalls of 1 s would take minutes: the first requests (5 in flight) stall, then the server heals.
	const partly = (mode: Mode) => stall && manyRequests(mode) && mode.continueOnFail;
	return {
		name: `${kind}, Max Retries 0`,
		outcome: 'fails',
		sandbox: () => ({ faults: { rate: 1, kinds: [kind], seed: 9, stallMs: STALL_MS } }),
		options: () => ({ ...NO_RETRY, ...(stall ? STALL_OPTIONS : {}) }),
		heal: (mode) => (partly(mode) ? 1 : undefined),
		skip: stall ? undefined : inTheMixes,
		check: (sandbox, mode, failed) => {
			const faulted = deleteLog(sandbox).filter((entry) => entry.fault === kind).length;
			expect(faulted).toBeGreaterThan(0);
			// Each request that got no answer fails its own items and no other: the faulted ones, and on
			// a machine slow enough that a healthy answer came after the 1 s Timeout, the ones the
			// client gave up on (the sandbox logs both), so the verdict does not depend on speed.
			const unanswered = deleteLog(sandbox).filter((entry) => entry.fault === kind || entry.clientAborted).length;
			if (mode.continueOnFail) expect(failed).toBe(mode.batch ? Math.min(mode.items, unanswered * 100) : unanswered);
		},
		message,
		details,
	};
}

const MIXED_KINDS = ['http500', 'http502', 'http503', 'reset', 'truncated'];

const SERVER_PROBLEM = [/The wolkvox server had a problem: try again later/];
const TEMPORARY = [/usually a temporary problem on the server side; try again later/, /check the CRM Server in the credential/];
const UNKNOWN_EFFECT = [/unknown whether the request took effect/, /Check the records in the CRM and run the node again|check the records in the CRM and run the node again/i];

const FAULTS: Array<[string, RegExp, RegExp[]]> = [
	['http500', /^The wolkvox CRM API refused the request: INTERNAL SERVER ERROR$/, SERVER_PROBLEM],
	['http502', /did not answer like the wolkvox CRM API \(HTTP 502, a web page\)/, TEMPORARY],
	['http503', /did not answer like the wolkvox CRM API \(HTTP 503, something that is not JSON\)/, TEMPORARY],
	['reset', /The connection to 127\.0\.0\.1:\d+ was closed before an answer arrived/, UNKNOWN_EFFECT],
	['truncated', /The answer from 127\.0\.0\.1:\d+ was cut off before the end/, UNKNOWN_EFFECT],
	['stall', /127\.0\.0\.1:\d+ did not answer within 1 s/, [/slow or unreachable/, /raise Timeout in the node options/]],
];

const RATE_LIMIT_WORDS = [/The API is limiting how fast requests may come/, /lower Concurrent Requests or set Max Requests per Second/];

function rateLimited(status: 403 | 429, outcome: 'recovers' | 'fails'): FaultCase {
	return {
		name: `rate limited with HTTP ${status} and Retry-After, ${outcome === 'recovers' ? 'waited out' : 'Max Retries 0'}`,
		outcome,
		// One request a minute, and that one is used up before the run: the node's first delete is
		// refused with Retry-After: 60. When it recovers, the limit is lifted once it was hit twice.
		sandbox: () => ({ rateLimit: { max: 1, windowMs: 60_000, status } }),
		prepare: async (sandbox) => await fillRateWindow(sandbox, 1),
		heal: () => (outcome === 'recovers' ? 2 : undefined),
		healWhat: 'rateLimit',
		// Retry-After asks for 60 s; the node never waits longer than Max Retry Wait.
		options: () => (outcome === 'recovers' ? { maxRetries: 10, maxRetryWait: 0.05 } : NO_RETRY),
		// 403 and 429 differ in how the answer is read, which 1 item and Batch Across Items show as
		// well: 500 separate requests (about a second each run) only for 403, the subtler one.
		skip: (mode) => (outcome === 'recovers' && onceForManyItems(mode)) || (status === 429 && manyRequests(mode)),
		check: (sandbox) => {
			const limited = deleteLog(sandbox).filter((entry) => entry.rateLimited);
			expect(limited.length).toBeGreaterThan(0);
			expect(limited.every((entry) => entry.status === status)).toBe(true);
		},
		message: /^The wolkvox CRM API refused the request: EXCEEDS THE LIMIT OF REQUESTS PER IP \(1\)$/,
		details: RATE_LIMIT_WORDS,
	};
}

const CASES: FaultCase[] = [
	...FAULTS.map(([kind, message, details]) => recovering(kind, message, details)),
	...FAULTS.map(([kind, message, details]) => failing(kind, message, details)),
	// A 200 page of HTML is not the API (usually a wrong host): not retried, even with retries on.
	{
		...failing('html', /did not answer like the wolkvox CRM API \(HTTP 200, a web page\)/, [
			/check the CRM Server in the credential/,
			/crm0001\.wolkvox\.com/,
		]),
		name: 'html page with HTTP 200 (retries on, not retried)',
		options: () => ({ maxRetries: 3, maxRetryWait: 0 }),
	},
	{
		// The server applied the delete, then the answer was lost: the retry finds the records gone.
		name: 'answer lost after the delete was applied (afterCommit: reset, truncated, 5xx), retried',
		outcome: 'recovers',
		sandbox: (mode) => ({ faults: { rate: manyRequests(mode) ? 0.05 : 1, kinds: MIXED_KINDS, seed: 13, afterCommit: true } }),
		options: () => RETRY_FAST,
		heal: (mode) => (manyRequests(mode) ? undefined : 2),
		skip: onceForManyItems,
		check: (sandbox) => {
			// Some faulted requests had deleted records before their answer was lost.
			expect(deleteLog(sandbox).some((entry) => entry.fault !== null && entry.deleted.length > 0)).toBe(true);
		},
		message: /$^/,
		details: [],
	},
	rateLimited(429, 'recovers'),
	rateLimited(403, 'recovers'),
	rateLimited(429, 'fails'),
	rateLimited(403, 'fails'),
	{
		name: '401: the token never reached the API (header lost on the way)',
		outcome: 'fails',
		sandbox: () => ({}),
		options: () => ({ maxRetries: 3, maxRetryWait: 0 }),
		credential: { credentialType: new TokenDroppingCredential() },
		message: /^The wolkvox CRM API refused the request: PLEASE ENTER THE WOLKVOX-TOKEN$/,
		details: [/The API received no token: check the Token in the Wolkvox CRM API credential/, /HTTP 401/],
		check: (sandbox) => expect(deleteLog(sandbox).every((entry) => !entry.tokenPresent && entry.status === 401)).toBe(true),
	},
	{
		name: '403: wrong token',
		outcome: 'fails',
		sandbox: () => ({}),
		options: () => ({ maxRetries: 3, maxRetryWait: 0 }),
		credential: { credentialOverrides: { token: WRONG_TOKEN } },
		message: /^The wolkvox CRM API refused the request: PLEASE VALIDATE TOKEN$/,
		details: [/The token was refused/, /Check the token \(CRM → Configuration → Wolkvox Integration → Tokens, Internal type\)/, /HTTP 403/],
		check: (sandbox) => expect(deleteLog(sandbox).every((entry) => entry.status === 403)).toBe(true),
	},
	{
		name: '403: wrong token, answered as HTTP 200 with the error in the body (errorsAsHttp200)',
		outcome: 'fails',
		sandbox: () => ({ errorsAsHttp200: true }),
		options: () => ({ maxRetries: 3, maxRetryWait: 0 }),
		credential: { credentialOverrides: { token: WRONG_TOKEN } },
		// 500 separate requests with an error in an HTTP 200 body: see the unknown-id case below.
		skip: manyRequests,
		message: /^The wolkvox CRM API refused the request: PLEASE VALIDATE TOKEN$/,
		details: [/The token was refused/, /HTTP 200, code 403/],
		check: (sandbox) => expect(deleteLog(sandbox).every((entry) => entry.status === 200)).toBe(true),
	},
	{
		// 500 items: half the items (or 3 of 5 requests) fit in what is left of the quota.
		name: 'daily quota used up (retries on, not retried)',
		outcome: 'fails',
		sandbox: (mode) => ({ dailyQuota: mode.items === 1 ? 0 : mode.batch ? 3 : 250 }),
		options: () => ({ maxRetries: 3, maxRetryWait: 0 }),
		// The refused request, or (with Continue On Fail) the items after it, which are not sent.
		message: /^(The wolkvox CRM API refused the request: TOKEN LIMIT EXCEEDED|Not sent because the token's daily quota of API calls is used up)$/,
		// The sandbox's refusal does not say when the count restarts: no time is made up.
		details: [/[Tt]he token's daily quota (of API calls )?is used up/, /the quota comes back tomorrow, when the count restarts\./],
		check: (sandbox, mode, failed, settled) => {
			const log = deleteLog(sandbox);
			const refused = log.filter((entry) => entry.status === 403);
			// One refused request, not retried, and nothing sent after it.
			expect(refused.length).toBe(1);
			expect(log.indexOf(refused[0])).toBe(log.length - 1);
			if (mode.continueOnFail) expect(failed).toBe(mode.items === 1 ? 1 : mode.batch ? 200 : 250);
			// Without Continue On Fail the run stops at the first item the quota refused.
			else expect(settled).toMatchObject({ kind: 'stopped', itemIndex: mode.items === 1 ? 0 : mode.batch ? 300 : 250 });
			expect(settled.removed.size).toBe(mode.items === 1 ? 0 : mode.batch ? 300 : 250);
		},
	},
	{
		name: 'an unknown id, answered as HTTP 200 with RECORD NOT FOUND in the body (errorsAsHttp200)',
		outcome: 'fails',
		sandbox: () => ({ errorsAsHttp200: true }),
		options: () => ({ maxRetries: 3, maxRetryWait: 0 }),
		ids: (seedIds, mode) => {
			const ids = seedIds.slice(0, mode.items);
			ids[Math.floor(mode.items / 2)] = UNKNOWN;
			return ids;
		},
		message: /^The wolkvox CRM API refused the request: RECORD NOT FOUND$/,
		details: [/Something named in the request does not exist/, /HTTP 200, code 404/],
		// A partial server removes the known ids of the batch and leaves the unknown one out of its
		// HTTP 200; it refuses (404) only a request of unknown ids alone.
		words: (mode) =>
			partialBatch(mode)
				? {
						message: /^The record was not deleted: the API answered success but did not list it among the removed records$/,
						details: [new RegExp(`^Item 250: not deleted: ${UNKNOWN}; none of its records were deleted\\. Check that these IDs exist in module contacts\\.`)],
					}
				: undefined,
		check: (sandbox, mode, failed, settled) => {
			const log = deleteLog(sandbox);
			if (partialBatch(mode)) {
				// The batch holding it: every other id of it deleted, the unknown one not.
				const holding = log.filter((entry) => entry.ids?.includes(UNKNOWN));
				expect(holding.map((entry) => [entry.status, entry.deleted])).toStrictEqual([[200, holding[0].ids!.filter((id) => id !== UNKNOWN)]]);
			} else expect(log.some((entry) => entry.status === 200 && entry.deleted.length === 0)).toBe(true);
			if (mode.continueOnFail) expect(failed).toBe(1);
			else expect(settled).toMatchObject({ kind: 'stopped', itemIndex: Math.floor(mode.items / 2) });
		},
	},
];

/** Batch Across Items with several ids per request against a partial-delete server. */
const partialBatch = (mode: Mode) => mode.batch && mode.items > 1 && mode.deleteMode === 'partial';

/** Starts the sandbox with `items + 20` generated contacts (the 20 must survive every case). */
async function seeded(items: number, options: IDataObject): Promise<{ sandbox: Sandbox; seedIds: string[] }> {
	const records = generateRecords(items + 20, { seed: 7 });
	const sandbox = await startSandbox({ ...options, seed: { operations: { [OPERATION]: { [MODULE]: records } } } });
	return { sandbox, seedIds: records.map((record) => String(record.wolkvox_id)) };
}

async function runCase(testCase: FaultCase, mode: Mode): Promise<void> {
	const { sandbox, seedIds } = await seeded(mode.items, { deleteMode: mode.deleteMode, ...testCase.sandbox(mode) });
	try {
		await testCase.prepare?.(sandbox, mode);
		const ids = testCase.ids ? testCase.ids(seedIds, mode) : seedIds.slice(0, mode.items);
		const healAt = testCase.heal?.(mode);
		const healer = healAt === undefined ? undefined : healAfter(sandbox, healAt, testCase.healWhat);
		const onError: OnError = mode.continueOnFail ? 'continueRegularOutput' : 'stopWorkflow';
		const result = await runAgainst(sandbox, {
			idsPerItem: ids,
			options: { ...(mode.batch ? { batchAcrossItems: true } : {}), ...testCase.options?.(mode) },
			onError,
			...testCase.credential,
		});
		await healer?.stop();

		const settled = settle(result, sandbox, seedIds, ids);
		const failures = failureTexts(settled);
		if (testCase.outcome === 'recovers') {
			expect(failures).toStrictEqual([]);
			expect(settled.kind).toBe('outputs');
			expect(settled.removed.size).toBe(mode.items);
		} else {
			expect(failures.length).toBeGreaterThan(0);
			// Without Continue On Fail, a failure always stops the run.
			expect(settled.kind).toBe(mode.continueOnFail ? 'outputs' : 'stopped');
		}
		const expected = testCase.words?.(mode) ?? testCase;
		for (const { message, details } of failures) {
			expect(message).toMatch(expected.message);
			for (const words of expected.details) expect(details).toMatch(words);
		}
		const failed = settled.kind === 'outputs' ? settled.items.filter((item) => !item.ok).length : 1;
		testCase.check?.(sandbox, mode, failed, settled);
	} finally {
		await sandbox.close();
	}
}

describe.each(CASES.map((testCase) => [testCase.name, testCase] as const))('%s', (_, testCase) => {
	const modes = MODES.filter((mode) => !testCase.skip?.(mode));
	test.concurrent.each(modes.map((mode) => [label(mode), mode] as const))('%s', async (__, mode) => {
		await runCase(testCase, mode);
	});
});

describe('retries that run out say how often they tried', () => {
	test.concurrent.each([
		['http500', /^The wolkvox CRM API refused the request: INTERNAL SERVER ERROR$/, /3 attempts/],
		['http503', /HTTP 503/, /try again later \(3 attempts\)/],
		['reset', /was closed before an answer arrived/, /run the node again\. \(3 attempts\)/],
		['truncated', /was cut off before the end/, /\(3 attempts\)/],
	] as const)('%s with Max Retries 2', async (kind, message, details) => {
		const { sandbox, seedIds } = await seeded(1, { faults: { rate: 1, kinds: [kind], seed: 1 } });
		try {
			const ids = seedIds.slice(0, 1);
			const result = await runAgainst(sandbox, { idsPerItem: ids, options: { maxRetries: 2, maxRetryWait: 0 } });
			const settled = settle(result, sandbox, seedIds, ids);
			expect(settled.kind).toBe('stopped');
			const [failure] = failureTexts(settled);
			expect(failure.message).toMatch(message);
			expect(failure.details).toMatch(details);
			expect(deleteLog(sandbox)).toHaveLength(3);
		} finally {
			await sandbox.close();
		}
	});
});

/** What each HTTP-level fault kind says, for matching an item's error to the fault its request met. */
const WORDS_BY_KIND = new Map<string, { message: RegExp; details: RegExp[] }>([
	...FAULTS.map(([kind, message, details]) => [kind, { message, details }] as [string, { message: RegExp; details: RegExp[] }]),
	['html', { message: /did not answer like the wolkvox CRM API \(HTTP 200, a web page\)/, details: [/check the CRM Server in the credential/] }],
]);

describe('500 items sent one request each, a mix of every fault kind', () => {
	// Retried to success: once, without Continue On Fail, where an item that did not recover stops the run.
	test.concurrent.each([['stop on error', 'stopWorkflow']] as const)('retried: every item ends deleted (%s)', async (_, onError) => {
		const { sandbox, seedIds } = await seeded(500, { faults: { rate: 0.1, kinds: MIXED_KINDS, seed: 17 } });
		try {
			const ids = seedIds.slice(0, 500);
			const result = await runAgainst(sandbox, { idsPerItem: ids, options: RETRY_FAST, onError });
			const settled = settle(result, sandbox, seedIds, ids);
			expect(failureTexts(settled)).toStrictEqual([]);
			expect(settled.removed.size).toBe(500);
			const faulted = deleteLog(sandbox).filter((entry) => entry.fault !== null);
			expect(new Set(faulted.map((entry) => entry.fault))).toStrictEqual(new Set(MIXED_KINDS));
		} finally {
			await sandbox.close();
		}
	});

	test.concurrent('retries off, Continue (using error output): exactly the items whose request met a fault fail, each saying what it met', async () => {
		const kinds = [...MIXED_KINDS, 'html'];
		const { sandbox, seedIds } = await seeded(500, { faults: { rate: 0.1, kinds, seed: 21 } });
		try {
			const ids = seedIds.slice(0, 500);
			const result = await runAgainst(sandbox, { idsPerItem: ids, options: NO_RETRY, onError: 'continueErrorOutput' });
			const settled = settle(result, sandbox, seedIds, ids);
			expect(settled.kind).toBe('outputs');
			if (settled.kind !== 'outputs') return;
			// Errors went to the error output, successes to the main output.
			const ok = settled.items.filter((item) => item.ok).length;
			expect(result.outputOf(NODE_NAME, 0)).toHaveLength(ok);
			expect(result.outputOf(NODE_NAME, 1)).toHaveLength(500 - ok);
			// One request per item, in item order (Concurrent Requests 1, no retries).
			const log = deleteLog(sandbox);
			expect(log.map((entry) => entry.ids)).toStrictEqual(ids.map((id) => [id]));
			const mismatches: string[] = [];
			for (const item of settled.items) {
				const kind = log[item.itemIndex].fault;
				if (kind === null) {
					if (!item.ok) mismatches.push(`item ${item.itemIndex} failed without a fault: ${item.error}`);
					continue;
				}
				const words = WORDS_BY_KIND.get(kind)!;
				if (item.ok) mismatches.push(`item ${item.itemIndex} succeeded through a ${kind}`);
				else if (!words.message.test(item.error!) || !words.details.every((w) => w.test(item.details!))) {
					mismatches.push(`item ${item.itemIndex} (${kind}): ${item.error} / ${item.details}`);
				}
			}
			expect(mismatches).toStrictEqual([]);
			expect(new Set(log.map((entry) => entry.fault).filter(Boolean))).toStrictEqual(new Set(kinds));
		} finally {
			await sandbox.close();
		}
	});
});

describe('500 items, a mix of every fault kind, retries off, the other modes', () => {
	const KINDS = ['http500', 'http502', 'http503', 'html', 'reset', 'truncated'];
	const KNOWN = [
		/refused the request: INTERNAL SERVER ERROR/,
		/did not answer like the wolkvox CRM API/,
		/was closed before an answer arrived/,
		/was cut off before the end/,
	];

	test.concurrent.each([
		['per item, stop on error', false, 'stopWorkflow', 'allOrNothing'],
		['Batch Across Items (10 IDs per request), Continue (using error output)', true, 'continueErrorOutput', 'allOrNothing'],
		['Batch Across Items (10 IDs per request), stop on error', true, 'stopWorkflow', 'allOrNothing'],
		['Batch Across Items (10 IDs per request), Continue (using error output), partial deletes', true, 'continueErrorOutput', 'partial'],
		['Batch Across Items (10 IDs per request), stop on error, partial deletes', true, 'stopWorkflow', 'partial'],
	] as const)('%s', async (_, batch, onError, deleteMode) => {
		const { sandbox, seedIds } = await seeded(500, { deleteMode, faults: { rate: 0.1, kinds: KINDS, seed: 21 } });
		try {
			const ids = seedIds.slice(0, 500);
			const result = await runAgainst(sandbox, {
				idsPerItem: ids,
				options: { ...NO_RETRY, ...(batch ? { batchAcrossItems: true, maxIdsPerRequest: 10 } : {}) },
				onError,
			});
			const settled = settle(result, sandbox, seedIds, ids);
			const failures = failureTexts(settled);
			expect(failures.length).toBeGreaterThan(0);
			for (const { message } of failures) expect(KNOWN.some((known) => known.test(message))).toBe(true);
			if (onError === 'stopWorkflow') {
				expect(settled.kind).toBe('stopped');
				if (settled.kind !== 'stopped') return;
				// Items are sent in order: everything before the stopping item was deleted, nothing after it.
				if (!batch) expect([...settled.removed]).toStrictEqual(ids.slice(0, settled.itemIndex));
			} else {
				expect(settled.kind).toBe('outputs');
				if (settled.kind !== 'outputs') return;
				const ok = settled.items.filter((item) => item.ok).length;
				expect(ok).toBeGreaterThan(0);
				// Errors went to the error output, successes to the main output.
				expect(result.outputOf(NODE_NAME, 0)).toHaveLength(ok);
				expect(result.outputOf(NODE_NAME, 1)).toHaveLength(500 - ok);
			}
		} finally {
			await sandbox.close();
		}
	});
});
