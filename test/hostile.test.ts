/**
 * Hostile conditions: a server that redirects elsewhere (the token must not follow), every error
 * path scanned for the token, and inputs far larger than usual.
 */
import { generateRecords, startSandbox } from '../sandbox/server';
import { collectStrings } from './engine';
import {
	TokenDroppingCredential,
	deleteLog,
	fillRateWindow,
	ledger,
	report,
	runAgainst,
	settle,
	type NodeRun,
	type OnError,
	type RunResult,
} from './helpers/faults';
import { NODE_NAME, TOKEN, runCredentialTest } from './helpers/node';
import { MODULE, OPERATION, type Sandbox } from './helpers/sandbox';

// Values built so that no secret-looking literal sits next to a token name (the linter checks).
const SECOND_SANDBOX_TOKEN = ['example', 'second', 'sandbox', 'token', '7d1e'].join('-');
const OTHER_SANDBOX_TOKEN = ['example', 'other', 'sandbox', 'token', '42aa'].join('-');
const UNKNOWN = 'ffffffffffffffffffffffff';
// A piece from the middle of the token: a leak that cut or masked its ends still shows.
const TOKEN_PIECE = TOKEN.slice(14, 40);

async function seededSandbox(count: number, options: Record<string, unknown> = {}) {
	const records = generateRecords(count, { seed: 11 });
	const sandbox = await startSandbox({ ...options, seed: { operations: { [OPERATION]: { [MODULE]: records } } } });
	return { sandbox, seedIds: records.map((record) => String(record.wolkvox_id)) };
}

const ON_ERRORS: OnError[] = ['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput'];

describe('the token is never sent to another host', () => {
	let second: Sandbox;
	beforeAll(async () => {
		({ sandbox: second } = await seededSandbox(5, { token: SECOND_SANDBOX_TOKEN }));
	});
	afterAll(async () => await second.close());

	/** The second sandbox is where every redirect points: it must never see a request. */
	const expectSecondUntouched = () => {
		expect(second.log).toStrictEqual([]);
		expect(second.stats().requests).toBe(0);
		expect(second.records(OPERATION, MODULE)).toHaveLength(5);
	};

	test.each([
		['127.0.0.1', (port: number) => `http://127.0.0.1:${port}`],
		['localhost (same machine, another host name)', (port: number) => `http://localhost:${port}`],
	])('the node, redirected to the second sandbox on %s: refuses, says so, sends nothing there', async (_, target) => {
		const { sandbox, seedIds } = await seededSandbox(10, { token: TOKEN, redirectTo: target(second.port) });
		try {
			const host = new URL(target(second.port)).host;
			for (const batch of [false, true]) {
				for (const onError of ['stopWorkflow', 'continueRegularOutput'] as const) {
					sandbox.reset();
					const ids = seedIds.slice(0, 3);
					const result = await runAgainst(sandbox, {
						idsPerItem: ids,
						options: { maxRetries: 3, maxRetryWait: 0, ...(batch ? { batchAcrossItems: true } : {}) },
						onError,
					});
					const settled = settle(result, sandbox, seedIds, ids);
					const failures =
						settled.kind === 'stopped'
							? [{ error: settled.message, details: settled.description }]
							: settled.items.map((item) => ({ error: item.error, details: item.details }));
					expect(failures.length).toBeGreaterThan(0);
					for (const failure of failures) {
						expect(failure.error).toBe(`The server at 127.0.0.1:${sandbox.port} redirected the request to ${host}`);
						expect(failure.details).toContain('The token was not sent to the other address.');
						expect(failure.details).toContain('the CRM Server in the credential is probably not the right host');
					}
					// The configured host got the token (it is the one the user chose), once per request: no retries.
					const log = deleteLog(sandbox);
					expect(log.length).toBe(onError === 'stopWorkflow' || batch ? 1 : 3);
					expect(log.every((entry) => entry.redirected && entry.tokenPresent && entry.status === 307)).toBe(true);
				}
			}
			expectSecondUntouched();
		} finally {
			await sandbox.close();
		}
	});

	test('the credential test, redirected to the second sandbox: fails with advice, sends nothing there', async () => {
		const { sandbox } = await seededSandbox(3, { token: TOKEN, redirectTo: second.url });
		try {
			const outcome = await runCredentialTest({ server: sandbox.url, token: TOKEN, crmOperation: OPERATION });
			expect(outcome.status).toBe('Error');
			expect(outcome.message).toBe(
				'The server answered with a redirect: enter the CRM host you see after logging in (e.g. crm0001.wolkvox.com).',
			);
			expect(outcome.message).not.toContain(TOKEN_PIECE);
			// It did reach the configured host, with the token.
			expect(sandbox.log.map((entry) => [entry.path, entry.status, entry.redirected, entry.tokenPresent])).toStrictEqual([
				['/server/API/v2/token/tokenInformation.php', 307, true, true],
			]);
			expectSecondUntouched();
		} finally {
			await sandbox.close();
		}
	});
});

interface Scan {
	name: string;
	sandbox?: Record<string, unknown>;
	run: Omit<NodeRun, 'idsPerItem' | 'onError'> & { ids?: (seedIds: string[]) => Array<string | string[]> };
	prepare?: (sandbox: Sandbox) => Promise<void>;
	/** The run ends well (default: it fails, which is the point of the scan); 'batch': only with Batch Across Items. */
	succeeds?: boolean | 'batch';
}

// Port 9 (discard) on the loopback: nothing listens there, so connections are refused.
const NOBODY = 'http://127.0.0.1:9';

const NO_RETRY = { maxRetries: 0, maxRetryWait: 0 };
// A stall holds the socket far longer than the 1 s Timeout, so it is always met as a timeout, however slow the machine.
const STALL_MS = 30_000;
const fault = (kind: string, extra: Record<string, unknown> = {}): Scan => ({
	name: `fault ${kind}`,
	sandbox: { faults: { rate: 1, kinds: [kind], stallMs: STALL_MS } },
	run: { options: { ...NO_RETRY, ...(kind === 'stall' ? { timeout: 1 } : {}), ...extra } },
});

const SCANS: Scan[] = [
	{ name: 'success', run: { options: {} }, succeeds: true },
	...['http500', 'http502', 'http503', 'html', 'reset', 'truncated', 'stall'].map((kind) => fault(kind)),
	{ ...fault('http503', { maxRetries: 2 }), name: 'fault http503, retries run out' },
	{
		name: 'answer lost after commit, recovered',
		sandbox: { faults: { rate: 0.5, kinds: ['reset', 'truncated'], afterCommit: true, seed: 3 } },
		run: { options: { maxRetries: 10, maxRetryWait: 0 } },
		succeeds: true,
	},
	{ name: 'wrong token', sandbox: { token: OTHER_SANDBOX_TOKEN }, run: { options: {} } },
	{ name: 'wrong token, error as HTTP 200', sandbox: { token: OTHER_SANDBOX_TOKEN, errorsAsHttp200: true }, run: { options: {} } },
	{ name: 'token lost on the way (401)', run: { options: {}, credentialType: new TokenDroppingCredential() } },
	{ name: 'daily quota used up', sandbox: { dailyQuota: 0 }, run: { options: {} } },
	...([429, 403] as const).map((status) => ({
		name: `rate limited (${status})`,
		sandbox: { rateLimit: { max: 1, windowMs: 60_000, status } },
		prepare: async (sandbox: Sandbox) => await fillRateWindow(sandbox, 1),
		run: { options: { maxRetries: 1, maxRetryWait: 0 } },
	})),
	{ name: 'unknown id', run: { options: {}, ids: (seedIds) => [seedIds[0], UNKNOWN, seedIds[2]] } },
	{ name: 'unknown id, error as HTTP 200', sandbox: { errorsAsHttp200: true }, run: { options: {}, ids: (seedIds) => [UNKNOWN, seedIds[1], seedIds[2]] } },
	{ name: 'unknown module', run: { options: {}, parameters: { module: 'nope' } } },
	{ name: 'unknown CRM operation', run: { options: {}, parameters: { crmOperation: 'nope' } } },
	{ name: 'too many ids for the server (416)', sandbox: { maxIdsPerDelete: 1 }, run: { options: {}, multiple: true, ids: (seedIds) => [seedIds.slice(0, 3)] }, succeeds: 'batch' },
	{ name: 'redirect', sandbox: { redirectTo: NOBODY }, run: { options: {} } },
	{ name: 'connection refused', run: { options: NO_RETRY, credentialOverrides: { server: NOBODY } } },
	{ name: 'bad input: an id with spaces', run: { options: {}, ids: () => ['bad id', 'x', 'y'] } },
	{ name: 'bad input: an empty id', run: { options: {}, ids: (seedIds) => [seedIds[0], '', seedIds[2]] } },
	{ name: 'bad input: several ids, Delete Multiple off', run: { options: {}, multiple: false, ids: (seedIds) => [seedIds.slice(0, 3)] } },
	{ name: 'bad credential: server', run: { options: {}, credentialOverrides: { server: 'https://x y' } } },
	{ name: 'bad credential: token with a line break', run: { options: {}, credentialOverrides: { token: `${TOKEN}\nX-Evil: 1` } } },
];

const scanned = { runs: 0, occurrences: 0, texts: 0, tokenSent: 0, credentialTests: 0 };

/** How often the token (or a piece of it) appears in a run: outputs, errors, the stored run data. */
function tokenOccurrences(result: RunResult): { count: number; texts: number } {
	const texts = [...collectStrings(result.run), JSON.stringify(result.run)];
	if (result.status === 'error') {
		const error = result.nodeError(NODE_NAME);
		if (error) texts.push(...collectStrings(error));
		if (result.error) texts.push(...collectStrings(result.error));
	}
	const count = texts.reduce((total, text) => total + text.split(TOKEN_PIECE).length - 1, 0);
	return { count, texts: texts.length };
}

describe('no error path puts the token into outputs, errors or the stored run', () => {
	afterAll(() => {
		report(
			`token scan: ${scanned.runs} node runs over ${SCANS.length} paths (${scanned.tokenSent} of them sent the token) ` +
				`and ${scanned.credentialTests} credential tests, ${scanned.texts} texts: ${scanned.occurrences} token occurrences`,
		);
	});

	test.concurrent.each(SCANS.map((scan) => [scan.name, scan] as const))('%s', async (_, scan) => {
		const { sandbox, seedIds } = await seededSandbox(10, { token: TOKEN, ...scan.sandbox });
		try {
			let occurrences = 0;
			for (const batch of [false, true]) {
				for (const onError of ON_ERRORS) {
					sandbox.reset();
					await scan.prepare?.(sandbox);
					const { ids, ...run } = scan.run;
					const result = await runAgainst(sandbox, {
						...run,
						idsPerItem: ids ? ids(seedIds) : seedIds.slice(0, 3),
						onError,
						options: { ...run.options, ...(batch ? { batchAcrossItems: true } : {}) },
						// The credential always holds TOKEN, whatever token the sandbox expects.
						credentialOverrides: { token: TOKEN, ...run.credentialOverrides },
					});
					// The path is the one meant: without Continue On Fail, the run fails unless it should succeed.
					const succeeds = scan.succeeds === true || (scan.succeeds === 'batch' && batch);
					if (onError === 'stopWorkflow') expect(result.status).toBe(succeeds ? 'success' : 'error');
					const found = tokenOccurrences(result);
					occurrences += found.count;
					scanned.runs++;
					scanned.texts += found.texts;
					if (collectStrings(result.authenticatedRequests).some((text) => text.includes(TOKEN))) scanned.tokenSent++;
				}
			}
			scanned.occurrences += occurrences;
			expect(occurrences).toBe(0);
		} finally {
			await sandbox.close();
		}
	});

	const CREDENTIAL_PATHS: Array<readonly [string, Record<string, unknown>]> = [
		['success', {}],
		['wrong token', { token: OTHER_SANDBOX_TOKEN }],
		['wrong token, error as HTTP 200', { token: OTHER_SANDBOX_TOKEN, errorsAsHttp200: true }],
		['daily quota used up', { dailyQuota: 0 }],
		['rate limited', { rateLimit: { max: 1, windowMs: 60_000, status: 429 } }],
		['redirect', { redirectTo: NOBODY }],
		...['http500', 'http502', 'http503', 'html', 'reset', 'truncated', 'stall'].map(
			// The credential test has no Timeout option of its own: a stall here is a socket held for a
			// moment, then destroyed; only the texts are checked, whichever way the request ends.
			(kind) => [`fault ${kind}`, { faults: { rate: 1, kinds: [kind], stallMs: 1500 } }] as const,
		),
	];
	// HTTP 200 that is not the API: checked on their own below.
	const FALSE_SUCCESS = new Set(['fault html', 'fault truncated']);

	async function credentialTestAgainst(options: Record<string, unknown>) {
		const { sandbox } = await seededSandbox(3, { token: TOKEN, ...options });
		try {
			if ('rateLimit' in options) await fillRateWindow(sandbox, 1);
			return await runCredentialTest({ server: sandbox.url, token: TOKEN, crmOperation: OPERATION });
		} finally {
			await sandbox.close();
		}
	}

	test.concurrent.each(CREDENTIAL_PATHS)('the credential test: %s', async (name, options) => {
		const outcome = await credentialTestAgainst(options);
		scanned.credentialTests++;
		const count = collectStrings(outcome.message).join('\n').split(TOKEN_PIECE).length - 1;
		scanned.occurrences += count;
		expect(count).toBe(0);
		// The token did go out, in the header of the test request.
		expect(collectStrings(outcome.requests).some((text) => text.includes(TOKEN))).toBe(true);
		if (!FALSE_SUCCESS.has(name)) expect(outcome.status).toBe(name === 'success' ? 'OK' : 'Error');
	});

	// Found by this suite: an HTML page (a wrong host, a login or maintenance page) or a cut-off
	// body with HTTP 200 used to pass the credential test. The test now fails any answer without
	// a `code`, as the node refuses both answers.
	test.each([...FALSE_SUCCESS])('the credential test fails on %s (HTTP 200, not the API)', async (name) => {
		const options = CREDENTIAL_PATHS.find(([pathName]) => pathName === name)![1];
		const outcome = await credentialTestAgainst(options);
		expect(outcome.status).toBe('Error');
	});
});

describe('huge inputs', () => {
	test('100,000 ids in one item (Delete Multiple, Batch Across Items, Max IDs 1000): 100 requests, all deleted', async () => {
		const { sandbox, seedIds } = await seededSandbox(100_000);
		try {
			for (const [shape, value] of [
				['a list', seedIds],
				['one comma-separated text', seedIds.join(',')],
			] as const) {
				sandbox.reset();
				const started = Date.now();
				const result = await runAgainst(sandbox, {
					idsPerItem: [value as string | string[]],
					options: { batchAcrossItems: true, maxIdsPerRequest: 1000 },
					multiple: true,
				});
				const ms = Date.now() - started;
				expect(result.status).toBe('success');
				const output = result.outputOf(NODE_NAME);
				expect(output).toHaveLength(1);
				expect(output[0].pairedItem).toStrictEqual({ item: 0 });
				expect(output[0].json.code).toBe(200);
				expect((output[0].json.data as { wolkvox_id: string[] }).wolkvox_id).toStrictEqual(seedIds);
				const requests = deleteLog(sandbox);
				expect(requests).toHaveLength(Math.ceil(100_000 / 1000));
				expect(requests.every((entry) => entry.status === 200 && entry.ids!.length === 1000)).toBe(true);
				expect(sandbox.records(OPERATION, MODULE)).toStrictEqual([]);
				report(`huge: 100,000 ids in one item as ${shape}: ${requests.length} requests, ${ms} ms`);
			}
		} finally {
			await sandbox.close();
		}
	});

	// 1,000 items prove per item mode with 4 in flight as well as 10,000 did (the 10,000-item timing is bench/'s).
	test('1,000 items, one request each (per item mode, Concurrent Requests 4): 1,000 outputs, all deleted', async () => {
		const { sandbox, seedIds } = await seededSandbox(1_100, { dailyQuota: 1_000_000 });
		try {
			const ids = seedIds.slice(0, 1_000);
			const started = Date.now();
			const result = await runAgainst(sandbox, { idsPerItem: ids, options: { concurrency: 4 }, multiple: false });
			const ms = Date.now() - started;
			const book = ledger(result, sandbox, seedIds, ids);
			expect(result.status).toBe('success');
			expect(book.items).toHaveLength(1_000);
			expect(book.items.every((item) => item.ok)).toBe(true);
			expect(book.problems.slice(0, 5)).toStrictEqual([]);
			expect([book.lost.length, book.extra.length, book.phantom.length]).toStrictEqual([0, 0, 0]);
			expect(book.removed.size).toBe(1_000);
			expect(book.requests).toBe(1_000);
			report(`huge: 1,000 items per item: ${book.requests} requests, ${ms} ms`);
		} finally {
			await sandbox.close();
		}
	});

	test.each([
		['per item', 'stop on error', {}, 'stopWorkflow'],
		['per item', 'Continue On Fail', {}, 'continueRegularOutput'],
		['Batch Across Items', 'stop on error', { batchAcrossItems: true }, 'stopWorkflow'],
		['Batch Across Items', 'Continue On Fail', { batchAcrossItems: true }, 'continueRegularOutput'],
	] as const)('100,000 ids in one item without Delete Multiple (%s, %s): a clear error, nothing sent', async (_, __, options, onError) => {
		const { sandbox, seedIds } = await seededSandbox(10);
		try {
			const ids = Array.from({ length: 100_000 }, (___, index) => index.toString(16).padStart(24, 'a'));
			const result = await runAgainst(sandbox, { idsPerItem: [ids, seedIds[0]], options, multiple: false, onError });
			const message = '100000 record IDs were given, but Delete Multiple is off';
			const advice = 'Item 0: turn on Delete Multiple to delete these records in one request, or give one ID per item.';
			if (onError === 'stopWorkflow') {
				expect(result.status).toBe('error');
				const error = result.nodeError(NODE_NAME)!;
				expect(error.name).toBe('NodeOperationError');
				expect(error.message).toBe(message);
				expect(error.description).toBe(advice);
				expect(deleteLog(sandbox)).toStrictEqual([]);
			} else {
				expect(result.status).toBe('success');
				const output = result.outputOf(NODE_NAME);
				expect(output).toHaveLength(2);
				expect(output[0]).toStrictEqual({ json: { error: message, details: advice }, pairedItem: { item: 0 } });
				expect(output[1].json.code).toBe(200);
				expect(deleteLog(sandbox).flatMap((entry) => entry.ids)).toStrictEqual([seedIds[0]]);
			}
		} finally {
			await sandbox.close();
		}
	});
});
