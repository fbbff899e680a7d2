import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { fetchTokenUsage } from '../../engine/quota';
import { errorItem, toNodeError } from '../items';
import type { OperationExecute } from '../operation';
import { crmOperationField, readCrmOperation } from '../record/common.fields';

const showForGetUsage = { show: { resource: ['token'], operation: ['getUsage'] } };

export const description: INodeProperties[] = [
	{
		displayName:
			'Asks the API once per run, however many items come in, and returns one item. That call itself uses one unit of the token\'s daily quota (it is included in Used Today).',
		name: 'getUsageNotice',
		type: 'notice',
		default: '',
		displayOptions: showForGetUsage,
	},
	{ ...crmOperationField, displayOptions: showForGetUsage },
];

/**
 * The usage belongs to the token, not to an item: one call for the run (CRM Operation read
 * from the first item), one output item paired to the first input item.
 */
export const execute: OperationExecute = async function (connection) {
	const itemIndex = 0;
	try {
		const crmOperation = readCrmOperation.call(this, connection, itemIndex);
		const { usage, answer } = await fetchTokenUsage.call(this, connection, crmOperation, itemIndex);
		const json: IDataObject = { ...usage, raw: answer as IDataObject };
		return [{ json, pairedItem: { item: itemIndex } }];
	} catch (error) {
		const nodeError = toNodeError.call(this, error, itemIndex);
		if (!this.continueOnFail()) throw nodeError;
		return [errorItem(nodeError, itemIndex)];
	}
};
