import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { writeOutput } from '../../helpers/answers';
import { InvalidRecordIdsError, parseRecordIds } from '../../helpers/recordIds';
import { runPerItem } from '../../engine/perItem';
import type { Connection } from '../../transport';
import { toNodeError } from '../items';
import { ParameterReader } from '../parameters';
import { attachmentOptions, DEFAULT_MAX_ATTACHMENT_MB, readAttachments } from './attachments';
import { crmOperationField, moduleField, readCrmTarget, requestOptions, withOptions } from './common.fields';
import { readRecordFields, recordFieldsUi } from './recordFields';
import { updateRecord } from './writes';

const showForUpdate = { show: { resource: ['record'], operation: ['update'] } };

export const description: INodeProperties[] = [
	{ ...crmOperationField, displayOptions: showForUpdate },
	{ ...moduleField, displayOptions: showForUpdate },
	{
		displayName: 'Record ID',
		name: 'recordId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '647f6ff1660dff48d803ffe6',
		description:
			'The wolkvox_id of the record to update (the last part of the record\'s address in the CRM), e.g. mapped from the wolkvox_id of a search result',
		displayOptions: showForUpdate,
	},
	...recordFieldsUi(showForUpdate),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showForUpdate,
		options: [...attachmentOptions, ...requestOptions],
	},
];

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

/** One custom/update.php per item, with the item's attachments when asked for. */
export async function execute(
	this: IExecuteFunctions,
	connection: Connection,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const settings = withOptions(connection, options);
	const reader = new ParameterReader(this);
	return await runPerItem.call(this, items.length, {
		concurrency: settings.scheduler.concurrency,
		alreadyDone: (doneItems) => `the API had accepted the updates of ${doneItems} other item(s)`,
		handle: async (itemIndex) => {
			const target = readCrmTarget.call(this, settings, itemIndex);
			const recordId = readRecordId.call(this, reader, itemIndex);
			const fields = readRecordFields.call(this, reader, items, itemIndex);
			const attachments = await readAttachments.call(
				this,
				itemIndex,
				this.getNodeParameter('options.attachmentProperties', itemIndex, ''),
				options.maxAttachmentMb ?? DEFAULT_MAX_ATTACHMENT_MB,
			);
			const envelope = await updateRecord.call(this, settings, target, { recordId, fields, attachments }, itemIndex);
			return [{ json: writeOutput(envelope) as IDataObject, pairedItem: { item: itemIndex } }];
		},
	});
}
