import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { writeOutput } from '../../helpers/answers';
import type { OperationExecute } from '../operation';
import { batchOptions, CREATE_BATCH } from './writeBatches';
import { executeWrite, writeOperationDescription } from './writeOperation';
import { createRecord } from './writes';

export const description: INodeProperties[] = writeOperationDescription('create', { options: batchOptions });

/** One custom/insert.php per item (an item whose answer was lost is not sent again), or insertMany.php batches. */
export const execute: OperationExecute = async function (connection, items) {
	return await executeWrite(this, connection, items, {
		alreadyDone: (doneItems) => `the API had accepted the records of ${doneItems} other item(s)`,
		requestsPerItem: 1,
		write: async ({ itemIndex, target, fields, connection: settings }) => {
			const envelope = await createRecord.call(this, settings, target, fields, itemIndex);
			return [{ json: writeOutput(envelope) as IDataObject, pairedItem: { item: itemIndex } }];
		},
		batch: { run: CREATE_BATCH, unitOf: ({ fields }) => ({ fields }) },
	});
};
