import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Connection } from '../transport';

/**
 * What every operation file exports as `execute`: the router calls it once per run with the
 * credential's connection and all input items, and it returns the output items.
 */
export type OperationExecute = (
	this: IExecuteFunctions,
	connection: Connection,
	items: INodeExecutionData[],
) => Promise<INodeExecutionData[]>;
