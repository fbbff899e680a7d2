/** Starts the local wolkvox sandbox with generated contacts and runs the node against it over HTTP. */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { generateRecords, startSandbox } from '../../sandbox/server';
import { deleteWorkflow, run } from './node';

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

export const OPERATION = 'bulk';
export const MODULE = 'contacts';

/** A sandbox whose operation "bulk" has `count` contacts; returns it with their ids. */
export async function sandboxWithContacts(count: number, options: IDataObject = {}) {
	const records = generateRecords(count, { seed: 7 });
	const sandbox = await startSandbox({
		...options,
		seed: { operations: { [OPERATION]: { [MODULE]: records } } },
	});
	return { sandbox, ids: records.map((record) => String(record.wolkvox_id)) };
}

export function remainingIds(sandbox: Sandbox): string[] {
	return (sandbox.records(OPERATION, MODULE) ?? []).map((record: { wolkvox_id: string }) => record.wolkvox_id);
}

export function deleteRequests(sandbox: Sandbox) {
	return sandbox.log.filter((entry: { path: string }) => entry.path.endsWith('custom/delete.php'));
}

type OnError = Parameters<typeof deleteWorkflow>[2];

/** One item per element of `idsPerItem` (a string or list each), deleted through the sandbox. */
export async function runDeletes(
	sandbox: Sandbox,
	idsPerItem: Array<string | string[]>,
	options: IDataObject,
	onError: OnError = 'stopWorkflow',
	multiple = true,
) {
	return await run(
		deleteWorkflow(
			{ crmOperation: OPERATION, module: MODULE, multiple, recordIds: '={{ $json.ids }}', options: options as INodeParameters },
			idsPerItem.map((ids) => ({ ids })),
			onError,
		),
		{ server: sandbox.url, token: sandbox.token, crmOperation: '' },
	);
}

/** Waits (up to 5 s) until the first delete request reached the sandbox, then switches its faults off. */
export async function healAfterFirstDelete(sandbox: Sandbox): Promise<void> {
	const deadline = Date.now() + 5000;
	while (deleteRequests(sandbox).length === 0 && Date.now() < deadline) await sleep(2);
	sandbox.configure({ faults: null });
}
