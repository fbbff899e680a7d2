import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { guardQuota, quotaGuardOption } from '../../engine/quota';
import { runPerItem } from '../../engine/perItem';
import { InvalidRecordIdsError, parseRecordIds } from '../../helpers/recordIds';
import { recordsOf, type CrmRecord } from '../../helpers/records';
import { simplifyRecord } from '../../helpers/simplify';
import { apiRequest, WolkvoxApiError, type FieldAdvice } from '../../transport';
import { toNodeError } from '../items';
import type { OperationExecute } from '../operation';
import { ParameterReader } from '../parameters';
import { crmOperationField, moduleFields, optionsField, readCrmTarget, requestOptions, simplifyField, withOptions } from './common.fields';

const displayOptions = { show: { resource: ['record'], operation: ['get'] } };

export const description: INodeProperties[] = [
	{ ...crmOperationField, displayOptions },
	...moduleFields(displayOptions.show),
	{
		displayName: 'Record IDs',
		name: 'recordIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: '647f6ff1660dff48d803ffe6',
		description: 'ID of the record to get (the last part of its address in the CRM), or several separated by commas or new lines, or an expression that returns a list. One API call per ID.',
		displayOptions,
	},
	{
		displayName: 'If Not Found',
		name: 'ifNotFound',
		type: 'options',
		options: [
			{ name: 'Error', value: 'error', description: 'Fail the item, naming the ID the CRM does not have' },
			{ name: 'Skip', value: 'skip', description: 'Give no output for that ID' },
		],
		default: 'error',
		displayOptions,
	},
	{ ...simplifyField, displayOptions },
	optionsField([quotaGuardOption, ...requestOptions], displayOptions),
];

const getAdvice: FieldAdvice = { badRequest: 'check Module and Record IDs', notFound: 'check CRM Operation and Module (as the CRM shows it)' };

/** A 404 that says the record is not there (not the module or the operation). */
function recordNotFound(error: WolkvoxApiError, id: string): boolean {
	const failure = error.requestFailure;
	const text = `${failure.apiError ?? ''} ${failure.apiMessage ?? ''}`;
	return failure.code === 404 && (failure.namedIds.includes(id) || /record/i.test(text)) && !/module|operation/i.test(text);
}

function readIds(this: IExecuteFunctions, reader: ParameterReader, itemIndex: number): string[] {
	let ids: string[];
	try {
		ids = parseRecordIds(reader.get('recordIds', itemIndex, ''));
	} catch (error) {
		if (!(error instanceof InvalidRecordIdsError)) throw toNodeError.call(this, error, itemIndex);
		throw new NodeOperationError(this.getNode(), error.message, { itemIndex, description: `Item ${itemIndex}: correct Record IDs.` });
	}
	if (ids.length === 0) {
		throw new NodeOperationError(this.getNode(), 'No record ID to get', { itemIndex, description: `Item ${itemIndex}: fill in Record IDs, e.g. {{ $json.wolkvox_id }}.` });
	}
	return ids;
}

/** custom/query.php on wolkvox_id, one call per id (get-by-id is not a published endpoint). */
export const execute: OperationExecute = async function (connection, items) {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const settings = withOptions(connection, options);
	const reader = new ParameterReader(this);
	if (options.quotaGuard === true) {
		let needed = 0;
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				needed += readIds.call(this, reader, itemIndex).length;
			} catch {
				// This item fails in the run itself, before it sends anything.
			}
		}
		await guardQuota(this, settings, options, () => readCrmTarget.call(this, settings, 0, reader).operation, needed);
	}

	const handle = async (itemIndex: number): Promise<INodeExecutionData[]> => {
		const target = readCrmTarget.call(this, settings, itemIndex, reader);
		const ids = readIds.call(this, reader, itemIndex);
		const skipMissing = reader.get('ifNotFound', itemIndex, 'error') === 'skip';
		const simplify = reader.get('simplify', itemIndex, true) !== false;
		const output: INodeExecutionData[] = [];
		for (const id of ids) {
			let records: CrmRecord[];
			try {
				const envelope = await apiRequest.call(
					this,
					settings,
					{ method: 'POST', endpoint: 'custom/query.php', body: { operation: target.operation, module: target.module, field: 'wolkvox_id', value: id }, advice: getAdvice },
					itemIndex,
				);
				records = recordsOf(envelope.data);
			} catch (error) {
				// An API that answers a query for an unknown id with 404 RECORD NOT FOUND (rather than no records).
				if (!(error instanceof WolkvoxApiError && recordNotFound(error, id))) throw toNodeError.call(this, error, itemIndex);
				records = [];
			}
			// Only the record that has this id: an answer holding others does not stand for it.
			const found = records.filter((record) => String(record.wolkvox_id) === id);
			if (found.length === 0 && !skipMissing) {
				throw new NodeOperationError(this.getNode(), `No record with the ID ${id} in ${target.module}`, {
					itemIndex,
					description: `Item ${itemIndex}: the CRM has no record ${id} in module ${target.module} of CRM operation ${target.operation}. Check the ID and Module, or set If Not Found to Skip.`,
				});
			}
			for (const record of found.slice(0, 1)) {
				output.push({ json: (simplify ? simplifyRecord(record) : record) as IDataObject, pairedItem: { item: itemIndex } });
			}
		}
		return output;
	};

	return await runPerItem.call(this, items.length, { concurrency: settings.scheduler.concurrency, handle });
};
