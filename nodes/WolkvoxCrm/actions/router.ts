import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getConnection, type Connection } from '../transport';
import { addRunHints } from './hints';
import { errorItem, toNodeError } from './items';
import type { OperationExecute } from './operation';
import * as activity from './activity/Activity.resource';
import * as cases from './case/Case.resource';
import * as record from './record/Record.resource';
import * as token from './token/Token.resource';

type OperationModule = { execute: OperationExecute };

const resources: Record<string, Record<string, OperationModule>> = {
	activity: activity.operations,
	case: cases.operations,
	record: record.operations,
	token: token.operations,
};

/** Hands the input to the chosen operation; resource and operation are the same for all items. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const selected = resources[resource]?.[operation];
	if (!selected) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported by this version of the node`,
		);
	}

	let connection: Connection;
	try {
		connection = await getConnection.call(this);
	} catch (error) {
		// A broken credential fails every item alike.
		const nodeError = toNodeError.call(this, error, 0);
		if (!this.continueOnFail()) throw nodeError;
		return [items.map((_, itemIndex) => errorItem(nodeError, itemIndex))];
	}
	try {
		return [await selected.execute.call(this, connection, items)];
	} finally {
		addRunHints.call(this, connection.scheduler.stats);
	}
}
