/**
 * Soak: 2,000 ids deleted with Batch Across Items while 10 % of the requests meet a transient
 * fault (seeded, so every run is the same), retries on, Continue On Fail on. Each case starts a
 * sandbox holding the 2,000 records plus 100 that nobody asks for. What is proven is the
 * accounting under faults, which needs many faulted requests, not many items: the rate is high so
 * that every case meets faults (the 10,000-item figures are for bench/). Every id must end either
 * deleted (reported so, and gone from the sandbox) or reported in an error item (and still
 * there): never both, never neither, and nothing deleted that was not reported.
 *
 * Every case runs against both server behaviours: deletes all-or-nothing (one unknown id refuses
 * the request) and partial deletes (the known ids are removed and listed in an HTTP 200, the
 * unknown ones left out).
 *
 * Prints one summary line per behaviour.
 */
import type { IDataObject } from 'n8n-workflow';

import { generateRecords, startSandbox } from '../sandbox/server';
import { deleteLog, ledger, report, runAgainst, type Ledger } from './helpers/faults';

type SandboxOptions = NonNullable<Parameters<typeof startSandbox>[0]>;
import { MODULE, OPERATION } from './helpers/sandbox';

const IDS = 2_000;
const BYSTANDERS = 100;
const RATE = 0.1;
const TRANSIENT = ['http500', 'http502', 'http503', 'reset', 'truncated'];
// A stall holds the socket far longer than the node's Timeout (1 s), so it is always met as a timeout, however slow the machine.
const STALL_MS = 30_000;

interface SoakCase {
	name: string;
	/** The ids of each item, from the 2,000 seeded ids. */
	items: (ids: string[]) => string[][];
	options: IDataObject;
	faults?: IDataObject;
	sandbox?: IDataObject;
	/** Errors this case must produce (ids the API refuses, or batches that run out of retries). */
	expectErrors?: boolean;
	/**
	 * Unknown ids in requests whose answer is lost: a partial server deletes the known ones, and
	 * the resend's "not found" for all cannot tell an id it just deleted from one it never had.
	 */
	unknownIdsLost?: boolean;
}

const RETRIES = { maxRetries: 10, maxRetryWait: 0.01 };
const chunk = (ids: string[], size: number) =>
	Array.from({ length: Math.ceil(ids.length / size) }, (_, index) => ids.slice(index * size, (index + 1) * size));
const unknownId = (index: number) => `ee${index.toString(16).padStart(22, '0')}`;

const CASES: SoakCase[] = [
	{
		name: '2,000 items of one id, 100 per request',
		items: (ids) => chunk(ids, 1),
		options: { maxIdsPerRequest: 100, ...RETRIES },
	},
	{
		name: '2,000 items of one id, 10 per request (200 requests)',
		items: (ids) => chunk(ids, 1),
		options: { maxIdsPerRequest: 10, ...RETRIES },
	},
	{
		name: '20 items of 100 ids, 25 per request',
		items: (ids) => chunk(ids, 100),
		options: { maxIdsPerRequest: 25, ...RETRIES },
	},
	{
		name: 'faults after the delete was applied (the answer lost), 200 items of 10 ids, 20 per request',
		items: (ids) => chunk(ids, 10),
		options: { maxIdsPerRequest: 20, ...RETRIES },
		faults: { afterCommit: true },
	},
	{
		name: 'stalls as well, 400 items of 5 ids, 25 per request, 4 concurrent, Timeout 1 s',
		items: (ids) => chunk(ids, 5),
		options: { maxIdsPerRequest: 25, concurrency: 4, timeout: 1, ...RETRIES },
		faults: { kinds: [...TRANSIENT, 'stall'], stallMs: STALL_MS },
	},
	{
		name: 'a server that takes only 30 ids per request (416), Max IDs 100',
		items: (ids) => chunk(ids, 4),
		options: { maxIdsPerRequest: 100, ...RETRIES },
		sandbox: { maxIdsPerDelete: 30 },
	},
	{
		name: '200 items of 10 ids, 10 of them with an unknown id too, errors as HTTP 200',
		items: (ids) => chunk(ids, 10).map((item, index) => (index % 20 === 7 ? [...item.slice(0, 5), unknownId(index), ...item.slice(5)] : item)),
		options: { maxIdsPerRequest: 50, ...RETRIES },
		sandbox: { errorsAsHttp200: true },
		expectErrors: true,
	},
	{
		name: '1,000 items of 3 ids, each repeating an id of the item before, 100 per request',
		items: (ids) => chunk(ids, 2).map((item, index, all) => (index === 0 ? item : [...item, all[index - 1][1]])),
		options: { maxIdsPerRequest: 100, ...RETRIES },
	},
	{
		name: 'answers lost after commit, 2,000 items of one id, 10 per request (200 requests)',
		items: (ids) => chunk(ids, 1),
		options: { maxIdsPerRequest: 10, ...RETRIES },
		faults: { afterCommit: true },
	},
	{
		// After a lost answer, "not found" for only some ids means those never existed: not "already gone".
		name: 'answers lost after commit and 10 unknown ids, 200 items of 10 ids, 50 per request',
		items: (ids) => chunk(ids, 10).map((item, index) => (index % 20 === 3 ? [unknownId(index), ...item] : item)),
		options: { maxIdsPerRequest: 50, ...RETRIES },
		faults: { afterCommit: true },
		expectErrors: true,
		unknownIdsLost: true,
	},
	{
		name: 'one item of 2,000 ids, 100 per request',
		items: (ids) => [ids],
		options: { maxIdsPerRequest: 100, ...RETRIES },
	},
	{
		name: 'Max Retries 0: faulted batches end as error items, 2,000 items of one id, 50 per request',
		items: (ids) => chunk(ids, 1),
		options: { maxIdsPerRequest: 50, maxRetries: 0 },
		expectErrors: true,
	},
];

interface Figures {
	ids: number;
	items: number;
	itemsLost: number;
	idsLost: number;
	extra: number;
	phantom: number;
	goneNeverThere: number;
	requests: number;
	faulted: number;
	errorItems: number;
	ms: number;
}

type DeleteMode = 'allOrNothing' | 'partial';
const DELETE_MODES: DeleteMode[] = ['allOrNothing', 'partial'];
const figures = new Map<DeleteMode, Figures[]>(DELETE_MODES.map((mode) => [mode, []]));

afterAll(() => {
	for (const [deleteMode, ofMode] of figures) if (ofMode.length) summarize(deleteMode, ofMode);
});

function summarize(deleteMode: DeleteMode, figures: Figures[]): void {
	const sum = (key: keyof Figures) => figures.reduce((total, figure) => total + figure[key], 0);
	report(
		`soak (${deleteMode}): ${figures.length} cases, ${sum('ids')} ids in ${sum('items')} items, ${sum('requests')} requests, ` +
			`${sum('faulted')} faulted, ${sum('errorItems')} error items; items lost ${sum('itemsLost')}, ` +
			`ids lost ${sum('idsLost')}, extra deletions ${sum('extra')}, reported deleted but not deleted ${sum('phantom')}, ` +
			`reported already gone but never there ${sum('goneNeverThere')}; ` +
			`${(sum('ms') / 1000).toFixed(1)} s`,
	);
}

describe.each(DELETE_MODES)('soak (%s): 2,000 ids, Batch Across Items, 10 % transient faults, retries on', (deleteMode) => {
	test.each(CASES.map((soakCase, index) => [soakCase.name, soakCase, index] as const))(
		'%s',
		async (_, soakCase, index) => {
			const started = Date.now();
			const records = generateRecords(IDS + BYSTANDERS, { seed: 100 + index });
			const seedIds = records.map((record) => String(record.wolkvox_id));
			const sandbox = await startSandbox({
				deleteMode,
				...soakCase.sandbox,
				faults: { rate: RATE, kinds: TRANSIENT, seed: 1000 + index, ...soakCase.faults } as SandboxOptions['faults'],
				seed: { operations: { [OPERATION]: { [MODULE]: records } } },
			});
			try {
				const idsPerItem = soakCase.items(seedIds.slice(0, IDS));
				const result = await runAgainst(sandbox, {
					idsPerItem,
					options: { batchAcrossItems: true, ...soakCase.options },
					onError: 'continueRegularOutput',
				});
				expect(result.status).toBe('success');
				const book: Ledger = ledger(result, sandbox, seedIds, idsPerItem);
				const itemsLost = book.problems.filter((problem) => /no output|two outputs|not paired/.test(problem)).length;
				const errorItems = book.items.filter((item) => !item.ok).length;
				figures.get(deleteMode)!.push({
					ids: new Set(idsPerItem.flat()).size,
					items: idsPerItem.length,
					itemsLost,
					idsLost: book.lost.length,
					extra: book.extra.length,
					phantom: book.phantom.length,
					goneNeverThere: book.goneNeverThere.length,
					requests: book.requests,
					faulted: book.faulted,
					errorItems,
					ms: Date.now() - started,
				});

				expect(book.problems.slice(0, 10)).toStrictEqual([]);
				expect(book.lost.slice(0, 10)).toStrictEqual([]);
				expect(book.extra.slice(0, 10)).toStrictEqual([]);
				expect(book.phantom.slice(0, 10)).toStrictEqual([]);
				// Only where the answers cannot tell (see unknownIdsLost) may an id that never existed come back as already gone.
				if (!(soakCase.unknownIdsLost && deleteMode === 'partial')) expect(book.goneNeverThere).toStrictEqual([]);
				else expect(book.goneNeverThere.every((id) => id.startsWith('ee'))).toBe(true);
				// The faults did happen, and the 100 records nobody asked for are all there.
				expect(book.faulted).toBeGreaterThan(0);
				if ((soakCase.faults?.kinds as string[] | undefined)?.includes('stall')) {
					expect(deleteLog(sandbox).some((entry) => entry.fault === 'stall')).toBe(true);
				}
				expect(seedIds.slice(IDS).filter((id) => book.removed.has(id))).toStrictEqual([]);
				if (soakCase.expectErrors) expect(errorItems).toBeGreaterThan(0);
				else expect(book.items.filter((item) => !item.ok).map((item) => item.details).slice(0, 3)).toStrictEqual([]);
			} finally {
				await sandbox.close();
			}
		},
	);
});
