/**
 * "One request (or a few) per input item": runs an operation's handler for every item with as
 * many items in flight as the run allows, keeps the output in input order, and applies n8n's
 * Continue On Fail. Operations that batch across items use engine/batches.ts instead.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { errorItem, toNodeError, withAlreadyDone } from '../actions/items';

export interface PerItemRun {
	/** Items processed at once (the run's Concurrent Requests). */
	concurrency: number;
	/** The item's output items (none, one or several), each already paired to the item. */
	handle: (itemIndex: number) => Promise<INodeExecutionData[]>;
	/**
	 * Words added to the stopping error about what the run had already done, e.g. "the records
	 * of 3 other item(s) were deleted"; `doneItems` is how many items had succeeded.
	 */
	alreadyDone?: (doneItems: number) => string;
}

/**
 * Without Continue On Fail the run stops at the first failure (the lowest item, when several
 * were in flight), starts nothing more and says what was already done; with it, a failed item
 * becomes an error item paired to it and the others go on.
 */
export async function runPerItem(
	this: IExecuteFunctions,
	itemCount: number,
	run: PerItemRun,
): Promise<INodeExecutionData[]> {
	const continueOnFail = this.continueOnFail();
	const results: Array<INodeExecutionData[] | undefined> = new Array(itemCount);
	const stop: { itemIndex: number; error?: NodeApiError | NodeOperationError } = { itemIndex: itemCount };

	const processItem = async (itemIndex: number): Promise<void> => {
		try {
			results[itemIndex] = await run.handle(itemIndex);
		} catch (error) {
			const nodeError = toNodeError.call(this, error, itemIndex);
			if (continueOnFail) results[itemIndex] = [errorItem(nodeError, itemIndex)];
			else if (itemIndex < stop.itemIndex) Object.assign(stop, { itemIndex, error: nodeError });
		}
	};

	// Each worker takes the next item, so an item waiting to be retried never holds the others back.
	let nextItem = 0;
	const worker = async () => {
		while (!stop.error && nextItem < itemCount) await processItem(nextItem++);
	};
	const workers = Math.max(1, Math.min(Math.floor(run.concurrency), itemCount));
	await Promise.all(Array.from({ length: workers }, worker));

	if (stop.error) {
		// Without Continue On Fail every result so far is a success.
		const doneItems = results.filter(Boolean).length;
		throw withAlreadyDone(stop.error, doneItems > 0 ? run.alreadyDone?.(doneItems) : undefined);
	}
	return results.flatMap((outputs) => outputs ?? []);
}
