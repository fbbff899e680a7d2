/**
 * Shared by the fault, soak and hostile tests: runs the node against a sandbox with any
 * credential type, and checks what a run promises whatever went wrong on the way:
 *
 * - every input item ends in exactly one output item, paired to it: a success holding its ids in
 *   `data.wolkvox_id`, or an error item `{ error, details }` whose details name the item;
 * - or, without Continue On Fail, the run stops with a NodeApiError/NodeOperationError naming an item;
 * - the sandbox holds the seed minus exactly the ids reported deleted: nothing deleted that was not
 *   asked for or not reported, and no id reported deleted that still exists.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeParameters,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { WolkvoxCrmApi } from '../../credentials/WolkvoxCrmApi.credentials';
import { WolkvoxCrm } from '../../nodes/WolkvoxCrm/WolkvoxCrm.node';
import { runWorkflow } from '../engine';
import { NODE_NAME, NODE_TYPE, deleteWorkflow } from './node';
import { MODULE, OPERATION, remainingIds, type Sandbox } from './sandbox';

type FaultKind = import('../../sandbox/config').FaultKind;

export type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
export type RunResult = Awaited<ReturnType<typeof runWorkflow>>;

export const DELETE_SUFFIX = 'custom/delete.php';

/** The Wolkvox CRM API credential, except that the token header is lost on the way (as a proxy might do). */
export class TokenDroppingCredential extends WolkvoxCrmApi {
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const authenticated = await super.authenticate(credentials, requestOptions);
		const headers = { ...(authenticated.headers as IDataObject) };
		for (const name of Object.keys(headers)) if (name.toLowerCase() === 'wolkvox-token') delete headers[name];
		return { ...authenticated, headers };
	}
}

export interface NodeRun {
	/** One entry per input item: its ids (a string or a list). */
	idsPerItem: Array<string | string[]>;
	options: IDataObject;
	onError?: OnError;
	multiple?: boolean;
	/** Credential data on top of the sandbox's URL and token. */
	credentialOverrides?: ICredentialDataDecryptedObject;
	credentialType?: ICredentialType;
	/** Node parameters on top of the defaults (CRM operation "bulk", module "contacts"). */
	parameters?: INodeParameters;
}

/** Manual Trigger (one item per entry of idsPerItem, as `{ ids }`) → Wolkvox CRM → Delete, against the sandbox. */
export async function runAgainst(sandbox: Sandbox, spec: NodeRun): Promise<RunResult> {
	const workflow = deleteWorkflow(
		{
			crmOperation: OPERATION,
			module: MODULE,
			multiple: spec.multiple ?? spec.options.batchAcrossItems === true,
			recordIds: '={{ $json.ids }}',
			options: spec.options as INodeParameters,
			...spec.parameters,
		},
		spec.idsPerItem.map((ids) => ({ ids })),
		spec.onError ?? 'stopWorkflow',
	);
	return await runWorkflow({
		workflow,
		nodeTypes: { [NODE_TYPE]: new WolkvoxCrm() },
		credentialTypes: { wolkvoxCrmApi: spec.credentialType ?? new WolkvoxCrmApi() },
		credentials: {
			wolkvoxCrmApi: { server: sandbox.url, token: sandbox.token, crmOperation: '', ...spec.credentialOverrides },
		},
	});
}

interface LogEntry {
	path: string;
	status: number | null;
	ids: string[] | null;
	deleted: string[];
	fault: string | null;
	rateLimited: boolean;
	tokenPresent: boolean;
	redirected: boolean;
	/** The client went away before an answer was sent (e.g. its Timeout ran out). */
	clientAborted: boolean;
}

export function deleteLog(sandbox: Sandbox): LogEntry[] {
	return (sandbox.log as LogEntry[]).filter((entry) => entry.path.endsWith(DELETE_SUFFIX));
}

export function faultedCount(sandbox: Sandbox): number {
	return deleteLog(sandbox).filter((entry) => entry.fault !== null).length;
}

/**
 * Lets the sandbox's faults (or its rate limit) hit until `count` delete requests were faulted
 * (or limited), then turns them off, so that "it recovers" is proven on any seed, any machine
 * speed and any number of requests. Returns `stop()`, which ends the watch and tells how many
 * requests were hit.
 */
export function healAfter(
	sandbox: Sandbox,
	count: number,
	what: 'faults' | 'rateLimit' = 'faults',
): { stop: () => Promise<number> } {
	const hits = () =>
		what === 'faults' ? faultedCount(sandbox) : deleteLog(sandbox).filter((entry) => entry.rateLimited).length;
	let done = false;
	const watch = (async () => {
		while (!done && hits() < count) await sleep(1);
		if (!done) sandbox.configure({ [what]: null });
	})();
	return {
		stop: async () => {
			done = true;
			await watch;
			return hits();
		},
	};
}

/**
 * Loses the answer of chosen delete requests after the sandbox applied them (its own
 * `afterCommit` fault, switched on for exactly those requests): for each of `ids`, the first
 * request that carries it. The choice is made the moment the sandbox
 * notes the request's ids, which it does after reading the body and before drawing the fault;
 * that needs one request at a time (Concurrent Requests 1, the default). Callers check the log's
 * `fault` fields, so a sandbox that changes this order fails their test instead of passing it.
 */
export function loseFirstAnswerWith(sandbox: Sandbox, ids: string[], kind: FaultKind = 'reset'): void {
	const pending = new Set(ids);
	const decide = (asked: string[] | null) => {
		const hit = (asked ?? []).filter((id) => pending.has(id));
		hit.forEach((id) => pending.delete(id));
		const lose = hit.length > 0;
		sandbox.configure({ faults: lose ? { rate: 1, kinds: [kind], seed: 1, afterCommit: true } : null });
	};
	const log = sandbox.log as LogEntry[];
	const push = log.push.bind(log);
	log.push = (...entries: LogEntry[]) => {
		for (const entry of entries) {
			if (!entry.path.endsWith(DELETE_SUFFIX)) continue;
			let asked = entry.ids;
			Object.defineProperty(entry, 'ids', {
				enumerable: true,
				get: () => asked,
				set: (value: string[] | null) => {
					asked = value;
					decide(value);
				},
			});
		}
		return push(...entries);
	};
}

/**
 * Fills the sandbox's per-IP rate window with `count` API requests that are not deletes (they
 * are refused for want of a token, but counted), so the node's first delete is rate limited.
 */
export async function fillRateWindow(sandbox: Sandbox, count: number): Promise<void> {
	await Promise.all(
		Array.from({ length: count }, async () => {
			const response = await fetch(`${sandbox.url}/server/API/v2/custom/query.php`, { method: 'POST', body: '{}' });
			await response.text();
		}),
	);
}

/** All output items of the node, from the main output and (with continueErrorOutput) the error output. */
export function allOutputs(result: RunResult): INodeExecutionData[] {
	return [...result.outputOf(NODE_NAME, 0), ...result.outputOf(NODE_NAME, 1)];
}

export interface ItemOutcome {
	itemIndex: number;
	ok: boolean;
	/** Ids the item reports deleted (an error item of a batch may report some). */
	deleted: string[];
	/** Ids the item reports not deleted (refused, or not sent). */
	notDeleted: string[];
	/** For error items. */
	error?: string;
	details?: string;
}

/** What a run that gave output items reported, set against what the sandbox did. */
export interface Ledger {
	items: ItemOutcome[];
	/** Output items missing, doubled, unpaired or malformed. */
	problems: string[];
	/** Asked-for ids no item reports, or reported both deleted and not deleted. */
	lost: string[];
	/** Ids gone from the sandbox that no item reports deleted (asked for or not). */
	extra: string[];
	/**
	 * Ids reported deleted that the sandbox did not delete: confirmed by an answer but still there
	 * or never there, or reported already gone (`alreadyGoneIds`) but still there.
	 */
	phantom: string[];
	/**
	 * Ids reported already gone ("not found" when sent again after a lost answer) that were never
	 * in the sandbox: true that they are not in the CRM, but nothing deleted them.
	 */
	goneNeverThere: string[];
	/** Seed ids gone from the sandbox. */
	removed: Set<string>;
	/** Delete requests the sandbox saw, and how many of them it faulted. */
	requests: number;
	faulted: number;
}

export type Settled =
	| ({ kind: 'outputs' } & Ledger)
	| {
			kind: 'stopped';
			itemIndex: number;
			error: NodeApiError | NodeOperationError;
			message: string;
			description: string;
			removed: Set<string>;
	  };

const asList = (ids: string | string[]) => (Array.isArray(ids) ? ids : [ids]);


/**
 * An item's error starts with the item: "Item 3: " (Batch Across Items, whose words list the ids
 * themselves) or, with the record ids it sent, "Item 3 (Record ID a): " / "(Record IDs a, b): ".
 */
function startsWithItem(details: string, itemIndex: number, ids: string[]): boolean {
	const named = ids.length === 1 ? `Record ID ${ids[0]}` : `Record IDs ${ids.join(', ')}`;
	return details.startsWith(`Item ${itemIndex}: `) || (ids.length <= 10 && details.startsWith(`Item ${itemIndex} (${named}): `));
}

/**
 * Reads the ids out of a Batch Across Items error: "Item 3: not deleted: a, b; not sent because
 * the node stopped at an earlier error: c; deleted: d. <advice>". Undefined for other errors.
 */
export function batchErrorIds(details: string): { deleted: string[]; notDeleted: string[] } | undefined {
	const match = /^Item \d+: ((?:not deleted|not sent because)[^.]*)\./.exec(details);
	if (!match) return undefined;
	const result = { deleted: [] as string[], notDeleted: [] as string[] };
	for (const part of match[1].split('; ')) {
		const colon = part.lastIndexOf(': ');
		const ids = colon === -1 ? [] : part.slice(colon + 2).split(', ');
		if (part.startsWith('deleted: ')) result.deleted.push(...ids);
		else if (part.startsWith('not deleted: ') || part.startsWith('not sent because')) result.notDeleted.push(...ids);
	}
	return result;
}

/** The ids of the seed the sandbox no longer holds. */
function removedFrom(sandbox: Sandbox, seedIds: string[]): Set<string> {
	const remaining = new Set(remainingIds(sandbox));
	return new Set(seedIds.filter((id) => !remaining.has(id)));
}

/**
 * Pure bookkeeping (no expect: thousands of expect() calls would dominate a big run): every
 * output item against its input item, every id against what the sandbox did.
 */
export function ledger(
	result: RunResult,
	sandbox: Sandbox,
	seedIds: string[],
	idsPerItem: Array<string | string[]>,
): Ledger {
	const removed = removedFrom(sandbox, seedIds);
	const seed = new Set(seedIds);
	const log = deleteLog(sandbox);
	const problems: string[] = [];
	// The log tells the same story as the records: each removed id deleted by exactly one request.
	const logged = log.flatMap((entry) => entry.deleted ?? []);
	if (logged.length !== new Set(logged).size) problems.push('the sandbox log shows an id deleted twice');
	if (logged.length !== removed.size || logged.some((id) => !removed.has(id))) problems.push('the sandbox log and records disagree');

	const outputs = allOutputs(result);
	const byItem = new Map<number, INodeExecutionData>();
	// n8n copies the input item's fields into the items it routes to the error output.
	const errorOutput = new Set(result.outputOf(NODE_NAME, 1));
	for (const output of outputs) {
		const paired = output.pairedItem as { item?: unknown } | undefined;
		const index = paired?.item;
		if (typeof index !== 'number' || Object.keys(paired!).length !== 1) problems.push(`output not paired to one item: ${JSON.stringify(paired)}`);
		else if (index < 0 || index >= idsPerItem.length) problems.push(`output paired to item ${index}, which does not exist`);
		else if (byItem.has(index)) problems.push(`two outputs paired to item ${index}`);
		else byItem.set(index, output);
	}

	const alreadyGone = new Set<string>();
	const items: ItemOutcome[] = idsPerItem.map((ids, itemIndex) => {
		const unique = [...new Set(asList(ids))];
		const output = byItem.get(itemIndex);
		if (output === undefined) {
			problems.push(`item ${itemIndex} has no output`);
			return { itemIndex, ok: false, deleted: [], notDeleted: [] };
		}
		const json = output.json;
		// Error items are { error, details }; a success is the API's envelope (which has `error: "null"`).
		if (!('code' in json)) {
			const keys = Object.keys(json).filter((key) => !(errorOutput.has(output) && key === 'ids')).sort().join(',');
			if (keys !== 'details,error') problems.push(`item ${itemIndex}: error item with keys ${keys}`);
			if (typeof json.error !== 'string' || json.error === '') problems.push(`item ${itemIndex}: error is not a message`);
			const details = typeof json.details === 'string' ? json.details : '';
			if (!startsWithItem(details, itemIndex, unique)) problems.push(`item ${itemIndex}: details do not name the item: ${details.slice(0, 80)}`);
			const split = batchErrorIds(details) ?? { deleted: [], notDeleted: unique };
			return { itemIndex, ok: false, ...split, error: String(json.error), details };
		}
		const data = json.data as { wolkvox_id?: string[] | string } | undefined;
		const deleted = data?.wolkvox_id === undefined ? [] : asList(data.wolkvox_id);
		if (Number(json.code) !== 200) problems.push(`item ${itemIndex}: success with code ${String(json.code)}`);
		if (JSON.stringify(deleted) !== JSON.stringify(unique)) {
			problems.push(`item ${itemIndex}: reports ${JSON.stringify(deleted).slice(0, 80)} deleted, asked ${JSON.stringify(ids).slice(0, 80)}`);
		}
		const gone = Array.isArray(json.alreadyGoneIds) ? (json.alreadyGoneIds as string[]) : [];
		gone.forEach((id) => alreadyGone.add(id));
		return { itemIndex, ok: true, deleted, notDeleted: [] };
	});

	// Every asked-for id: reported deleted or not deleted (by each item that asked for it), never both.
	const deletedIds = new Set<string>();
	const notDeletedIds = new Set<string>();
	const lost: string[] = [];
	items.forEach((item) => {
		const said = new Set([...item.deleted, ...item.notDeleted]);
		for (const id of new Set(asList(idsPerItem[item.itemIndex]))) {
			if (!said.has(id) || (item.deleted.includes(id) && item.notDeleted.includes(id))) lost.push(id);
		}
		item.deleted.forEach((id) => deletedIds.add(id));
		item.notDeleted.forEach((id) => notDeletedIds.add(id));
	});
	for (const id of deletedIds) if (notDeletedIds.has(id)) lost.push(id);

	return {
		items,
		problems,
		lost: [...new Set(lost)],
		extra: [...removed].filter((id) => !deletedIds.has(id)),
		phantom: [...deletedIds].filter((id) => !removed.has(id) && (!alreadyGone.has(id) || seed.has(id))),
		goneNeverThere: [...alreadyGone].filter((id) => !seed.has(id)),
		removed,
		requests: log.length,
		faulted: log.filter((entry) => entry.fault !== null).length,
	};
}

/**
 * Checks the promises of a run (see the top of this file) and returns what each item reported.
 * Without Continue On Fail a failed run has no output items; then the error must name an item
 * whose records are untouched, and nothing may be deleted that was not asked for.
 */
export function settle(
	result: RunResult,
	sandbox: Sandbox,
	seedIds: string[],
	idsPerItem: Array<string | string[]>,
): Settled {
	if (result.status === 'error') {
		const removed = removedFrom(sandbox, seedIds);
		const logged = deleteLog(sandbox).flatMap((entry) => entry.deleted ?? []);
		expect(logged.length).toBe(new Set(logged).size);
		expect(new Set(logged)).toStrictEqual(removed);
		// Nothing deleted that was not asked for.
		const asked = new Set(idsPerItem.flatMap(asList));
		expect([...removed].filter((id) => !asked.has(id))).toStrictEqual([]);
		// The engine stores a copy of the error thrown (own properties, message and stack), not the instance.
		const error = result.nodeError(NODE_NAME) as NodeApiError | NodeOperationError;
		expect(error).toBeDefined();
		expect(['NodeApiError', 'NodeOperationError']).toContain(error.name);
		const itemIndex = error.context?.itemIndex as number;
		expect(typeof itemIndex).toBe('number');
		expect(itemIndex).toBeGreaterThanOrEqual(0);
		expect(itemIndex).toBeLessThan(idsPerItem.length);
		const description = error.description ?? '';
		expect(startsWithItem(description, itemIndex, [...new Set(asList(idsPerItem[itemIndex]))])).toBe(true);
		// The item the run stopped at did not lose its records (no fault here happens after commit).
		expect(asList(idsPerItem[itemIndex]).filter((id) => removed.has(id))).toStrictEqual([]);
		// A stopped run has no output to report deletions in; the error tells how many there were.
		expect(result.outputOf(NODE_NAME)).toStrictEqual([]);
		const before = /Before the node stopped, (\d+) record\(s\) were deleted/.exec(description);
		if (before) expect(Number(before[1])).toBe(removed.size);
		return { kind: 'stopped', itemIndex, error, message: error.message, description, removed };
	}

	expect(result.status).toBe('success');
	const book = ledger(result, sandbox, seedIds, idsPerItem);
	expect(book.problems.slice(0, 10)).toStrictEqual([]);
	expect(book.lost.slice(0, 10)).toStrictEqual([]);
	// The sandbox holds the seed minus exactly the ids reported deleted.
	expect(book.extra.slice(0, 10)).toStrictEqual([]);
	expect(book.phantom.slice(0, 10)).toStrictEqual([]);
	expect(book.goneNeverThere.slice(0, 10)).toStrictEqual([]);
	return { kind: 'outputs', ...book };
}

/** Every message and details (or message and description) of a settled run's failures. */
export function failureTexts(settled: Settled): Array<{ message: string; details: string }> {
	if (settled.kind === 'stopped') return [{ message: settled.message, details: settled.description }];
	return settled.items
		.filter((item) => !item.ok)
		.map((item) => ({ message: item.error ?? '', details: item.details ?? '' }));
}

/** Prints a one-line figure in the test output (the linter forbids console in node code, not here). */
export function report(line: string): void {
	// eslint-disable-next-line no-console
	console.log(line);
}
