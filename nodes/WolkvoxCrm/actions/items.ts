import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

type NodeError = NodeApiError | NodeOperationError;

/** Any failure as an n8n node error tied to its item (ours already are; others get wrapped). */
export function toNodeError(this: IExecuteFunctions, error: unknown, itemIndex: number): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(this.getNode(), error as Error, { itemIndex });
}

/**
 * The output item for an item that failed, when the user chose to continue on fail. Only the
 * keys n8n recognises as an error item (`error`, `details`), so that "continue using error
 * output" routes it to the error output; `details` keeps the advice on how to fix it.
 */
export function errorItem(error: NodeError, itemIndex: number): INodeExecutionData {
	const json: INodeExecutionData['json'] = { error: error.message };
	if (error.description) json.details = error.description;
	return { json, pairedItem: { item: itemIndex } };
}

/** The error that stops a run, with what the run had already changed added to its advice. */
export function withAlreadyDone<E>(error: E, alreadyDone: string | undefined): E {
	if (alreadyDone && error instanceof Error && 'description' in error) {
		const described = error as Error & { description?: string | null };
		described.description = `${described.description ?? ''} Before the node stopped, ${alreadyDone}.`.trim();
	}
	return error;
}
