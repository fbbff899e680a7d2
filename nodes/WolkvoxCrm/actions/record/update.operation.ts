import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { writeOutput } from '../../helpers/answers';
import { InvalidRecordIdsError, parseRecordIds } from '../../helpers/recordIds';
import { toNodeError } from '../items';
import type { OperationExecute } from '../operation';
import type { ParameterReader } from '../parameters';
import { attachmentOptions, DEFAULT_MAX_ATTACHMENT_MB, readAttachments } from './attachments';
import { UPDATE_BATCH, batchOptions, type UpdateUnit } from './writeBatches';
import { executeWrite, writeOperationDescription, type WriteItem } from './writeOperation';
import { updateRecord } from './writes';

export const description: INodeProperties[] = writeOperationDescription('update', {
	parameters: [
		{
			displayName: 'Record ID',
			name: 'recordId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '647f6ff1660dff48d803ffe6',
			description:
				'The wolkvox_id of the record to update (the last part of the record\'s address in the CRM), e.g. mapped from the wolkvox_id of a search result',
		},
	],
	options: [...attachmentOptions, ...batchOptions],
});

/** Exactly one record id, or an error naming the item. */
function readRecordId(this: IExecuteFunctions, reader: ParameterReader, itemIndex: number): string {
	let ids: string[];
	try {
		ids = parseRecordIds(reader.get('recordId', itemIndex, ''));
	} catch (error) {
		if (!(error instanceof InvalidRecordIdsError)) throw toNodeError.call(this, error, itemIndex);
		throw new NodeOperationError(this.getNode(), error.message, {
			itemIndex,
			description: `Item ${itemIndex}: fix the Record ID field.`,
		});
	}
	if (ids.length !== 1) {
		throw new NodeOperationError(
			this.getNode(),
			ids.length === 0 ? 'No record ID to update' : `${ids.length} record IDs were given, but Update takes one`,
			{
				itemIndex,
				description: `Item ${itemIndex}: ${ids.length === 0 ? 'the Record ID field is empty for this item.' : 'give one ID per item.'} Map the ID of the record, e.g. {{ $json.wolkvox_id }}.`,
			},
		);
	}
	return ids[0];
}

/** One custom/update.php per item (with its attachments when asked for), or updateMany.php batches. */
export const execute: OperationExecute = async function (connection, items) {
	return await executeWrite(this, connection, items, {
		alreadyDone: (doneItems) => `the API had accepted the updates of ${doneItems} other item(s)`,
		requestsPerItem: 1,
		write: async ({ itemIndex, target, fields, reader, options, connection: settings }) => {
			const recordId = readRecordId.call(this, reader, itemIndex);
			const attachments = await readAttachments.call(
				this,
				itemIndex,
				this.getNodeParameter('options.attachmentProperties', itemIndex, ''),
				options.maxAttachmentMb ?? DEFAULT_MAX_ATTACHMENT_MB,
			);
			const envelope = await updateRecord.call(this, settings, target, { recordId, fields, attachments }, itemIndex);
			return [{ json: writeOutput(envelope) as IDataObject, pairedItem: { item: itemIndex } }];
		},
		batch: { run: UPDATE_BATCH, unitOf: (item) => batchedUpdate.call(this, item) },
	});
};

/** One record of an updateMany.php request: its id travels inside the element, as "wolkvox-id". */
function batchedUpdate(this: IExecuteFunctions, { itemIndex, reader, fields, options }: WriteItem): UpdateUnit {
	const recordId = readRecordId.call(this, reader, itemIndex);
	const attachmentNames = this.getNodeParameter('options.attachmentProperties', itemIndex, '');
	if (typeof attachmentNames === 'string' && attachmentNames.trim() !== '') {
		throw new NodeOperationError(this.getNode(), 'Attachments cannot be sent with Batch Across Items', {
			itemIndex,
			description: `Item ${itemIndex}: only update.php takes attachments. Turn off Batch Across Items to attach files, or leave Binary Fields to Attach empty.`,
		});
	}
	if (Object.prototype.hasOwnProperty.call(fields, 'wolkvox-id')) {
		throw new NodeOperationError(this.getNode(), 'A field named "wolkvox-id" cannot be sent with Batch Across Items', {
			itemIndex,
			description: `Item ${itemIndex}: in updateMany.php "wolkvox-id" names the record to update. Remove that field${options.batchAcrossItems ? ' (or add it to Fields to Exclude)' : ''}; the record is the one in Record ID.`,
		});
	}
	return { recordId, fields };
}
