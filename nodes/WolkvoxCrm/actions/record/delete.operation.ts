import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { InvalidRecordIdsError, parseRecordIds } from '../../helpers/recordIds';
import { apiRequest, type Connection } from '../../transport';
import { mapItems } from '../items';
import { crmOperationField, moduleField, readCrmTarget, timeoutOption, withOptions } from './common.fields';

const showForDelete = { show: { resource: ['record'], operation: ['delete'] } };

export const description: INodeProperties[] = [
	{ ...crmOperationField, displayOptions: showForDelete },
	{ ...moduleField, displayOptions: showForDelete },
	{
		displayName: 'Delete Multiple',
		name: 'multiple',
		type: 'boolean',
		default: false,
		description:
			'Whether to delete several records in one request. Off: each item deletes exactly one record.',
		displayOptions: showForDelete,
	},
	{
		displayName: 'Record IDs',
		name: 'recordIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: '647f6ff1660dff48d803ffe6',
		description:
			'ID of the record to delete (the last part of the record\'s address in the CRM). With Delete Multiple on: several IDs separated by commas or new lines, or an expression that returns a list.',
		displayOptions: showForDelete,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showForDelete,
		options: [timeoutOption],
	},
];

/** One delete request for one input item, checked before anything is sent. */
export interface DeleteRequest {
	operation: string;
	module: string;
	multiple: boolean;
	ids: string[];
}

export function buildDeleteRequest(
	this: IExecuteFunctions,
	connection: Connection,
	itemIndex: number,
): DeleteRequest {
	const { operation, module } = readCrmTarget.call(this, connection, itemIndex);
	const multiple = this.getNodeParameter('multiple', itemIndex, false) as boolean;

	let ids: string[];
	try {
		ids = parseRecordIds(this.getNodeParameter('recordIds', itemIndex, ''));
	} catch (error) {
		if (error instanceof InvalidRecordIdsError) {
			throw new NodeOperationError(this.getNode(), error.message, {
				itemIndex,
				description: `Item ${itemIndex}: fix the Record IDs field.`,
			});
		}
		throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
	}

	if (ids.length === 0) {
		throw new NodeOperationError(this.getNode(), 'No record IDs to delete', {
			itemIndex,
			description: `Item ${itemIndex}: the Record IDs field is empty for this item. Enter an ID or map the field that holds it, e.g. {{ $json.wolkvox_id }}.`,
		});
	}
	if (!multiple && ids.length > 1) {
		throw new NodeOperationError(
			this.getNode(),
			`${ids.length} record IDs were given, but Delete Multiple is off`,
			{
				itemIndex,
				description: `Item ${itemIndex}: turn on Delete Multiple to delete these records in one request, or give one ID per item.`,
			},
		);
	}
	return { operation, module, multiple, ids };
}

/** The body exactly as custom/delete.php documents it: one id as a string, several as a list. */
export function deleteRequestBody(request: DeleteRequest): IDataObject {
	return {
		operation: request.operation,
		module: request.module,
		multiple: request.multiple,
		'wolkvox-id': request.multiple ? request.ids : request.ids[0],
	};
}

/** One request per input item; each item gets exactly one output item, paired to it. */
export async function execute(
	this: IExecuteFunctions,
	connection: Connection,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const settings = withOptions.call(this, connection);
	return await mapItems.call(this, items, async (itemIndex) => {
		const request = buildDeleteRequest.call(this, settings, itemIndex);
		const envelope = await apiRequest.call(
			this,
			settings,
			{ method: 'POST', endpoint: 'custom/delete.php', body: deleteRequestBody(request) },
			itemIndex,
		);
		return { json: envelope as IDataObject, pairedItem: { item: itemIndex } };
	});
}
