/** Creates through the node against the sandbox, and the ledger that checks "never twice". */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { startSandbox } from '../../sandbox/server';
import { report } from './faults';
import { NODE_NAME, recordWorkflow, run } from './node';
import { MODULE, OPERATION, type Sandbox } from './sandbox';

export const TRANSIENT = ['http500', 'http502', 'http503', 'reset', 'truncated'];
export const RETRIES = { maxRetries: 10, maxRetryWait: 0.01 };
export const idcontact = (index: number) => `c${String(index).padStart(6, '0')}`;

export interface CreateLedger {
	items: number;
	created: number;
	/** Items told "may have been created", and how many of those records do exist. */
	uncertain: number;
	uncertainThatExist: number;
	refused: number;
	duplicates: string[];
	problems: string[];
	inserts: number;
	faulted: number;
}

/** Compares what the node said about each item with the records the sandbox holds. */
export function createLedger(output: INodeExecutionData[], sandbox: Sandbox, count: number): CreateLedger {
	const records = (sandbox.records(OPERATION, MODULE) ?? []) as Array<{ idcontact?: string; wolkvox_id: string }>;
	const byContact = new Map<string, string[]>();
	for (const record of records) {
		if (record.idcontact === undefined) continue;
		byContact.set(record.idcontact, [...(byContact.get(record.idcontact) ?? []), record.wolkvox_id]);
	}
	const book: CreateLedger = { items: count, created: 0, uncertain: 0, uncertainThatExist: 0, refused: 0, duplicates: [], problems: [], inserts: 0, faulted: 0 };
	book.duplicates = [...byContact].filter(([, ids]) => ids.length > 1).map(([contact]) => contact);
	const inserts = sandbox.log.filter((entry: { path: string }) => /custom\/insert(Many)?\.php$/.test(entry.path));
	book.inserts = inserts.length;
	book.faulted = inserts.filter((entry: { fault: unknown }) => entry.fault).length;
	if (output.length !== count) book.problems.push(`${output.length} output items for ${count} input items`);
	output.forEach((item, index) => {
		const paired = (item.pairedItem as { item: number } | undefined)?.item;
		const ids = byContact.get(idcontact(paired ?? -1)) ?? [];
		if (paired !== index) book.problems.push(`output ${index} is paired to ${paired}`);
		if (typeof item.json.wolkvox_id === 'string' && item.json.code !== undefined) {
			book.created++;
			if (ids.length !== 1 || ids[0] !== item.json.wolkvox_id) book.problems.push(`item ${index} reported ${item.json.wolkvox_id}, the sandbox holds [${ids}]`);
		} else if (/may have been created/.test(String(item.json.error))) {
			book.uncertain++;
			if (ids.length === 1) book.uncertainThatExist++;
		} else {
			book.refused++;
			if (ids.length > 0) book.problems.push(`item ${index} was refused (${item.json.error}) but exists`);
		}
	});
	return book;
}

export function reportLedger(name: string, book: CreateLedger, ms: number): void {
	report(
		`${name}: ${book.items} items, ${book.inserts} insert requests (${book.faulted} faulted); created ${book.created}, ` +
			`"may have been created" ${book.uncertain} (of which exist ${book.uncertainThatExist}), refused ${book.refused}; ` +
			`duplicates ${book.duplicates.length}, problems ${book.problems.length}; ${(ms / 1000).toFixed(1)} s`,
	);
}

export async function sandboxForCreates(faults: IDataObject, options: IDataObject = {}) {
	return await startSandbox({
		...options,
		faults: { rate: 0.02, kinds: TRANSIENT, ...faults } as never,
		seed: { operations: { [OPERATION]: { [MODULE]: [] } } },
	});
}

export async function runCreates(sandbox: Sandbox, count: number, options: IDataObject) {
	const items = Array.from({ length: count }, (_, index) => ({ json: { idcontact: idcontact(index), namecontact: `Contact ${index}` } }));
	const result = await run(
		recordWorkflow('create', { crmOperation: OPERATION, module: MODULE, fieldsToSend: 'mapAutomatically', options: { ...RETRIES, ...options } }, items, 'continueRegularOutput'),
		{ server: sandbox.url, token: sandbox.token, crmOperation: '' },
	);
	return result.outputOf(NODE_NAME);
}

