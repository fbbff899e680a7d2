import type { IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { mayBeIncomplete } from '../../engine/completeness';
import { runPerItem } from '../../engine/perItem';
import { readAnswer } from '../../helpers/records';
import { simplifyRecord } from '../../helpers/simplify';
import { apiRequest, type FieldAdvice } from '../../transport';
import { addHint } from '../hints';
import type { OperationExecute } from '../operation';
import { ParameterReader } from '../parameters';
import {
	crmOperationField,
	maxRecordsPerAnswerOption,
	optionsField,
	readAnswerCap,
	readCrmOperation,
	readWanted,
	requestOptions,
	returnAllFields,
	simplifyField,
	withOptions,
} from '../record/common.fields';
import { caseQueryField } from './caseFields';
import { fail } from '../readers';

const displayOptions = { show: { resource: ['case'], operation: ['search'] } };

export const description: INodeProperties[] = [
	{ ...crmOperationField, displayOptions },
	{ ...caseQueryField('The case field to match.'), displayOptions },
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		default: '',
		placeholder: 'camila.restrepo@gmail.com',
		description: 'The value the field must have. For type case: Request, Complaints, Claims, Suggestions or a custom type.',
		displayOptions,
	},
	...returnAllFields(displayOptions.show),
	{ ...simplifyField, displayOptions },
	optionsField([
			maxRecordsPerAnswerOption,
			...requestOptions,
		], displayOptions),
];

const searchAdvice: FieldAdvice = {
	badRequest: 'check Field and Value',
	notFound: 'check CRM Operation',
};

/** cases/queryCases.php once per item: every case whose field has the value. */
export const execute: OperationExecute = async function (connection, items) {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const settings = withOptions(connection, options);
	const cap = readAnswerCap(options);
	const reader = new ParameterReader(this);
	const possiblyCut: number[] = [];

	const handle = async (itemIndex: number): Promise<INodeExecutionData[]> => {
		const operation = readCrmOperation.call(this, settings, itemIndex, reader);
		const field = String(reader.get('field', itemIndex, 'email contact'));
		const value = reader.get<unknown>('value', itemIndex, '') ?? '';
		if (typeof value === 'object') fail(this, itemIndex, 'The value to search for is a list or an object', 'give Value as text or a number, e.g. {{ $json.email }}.');
		const wanted = readWanted.call(this, reader, itemIndex);
		const simplify = reader.get('simplify', itemIndex, true) !== false;

		const envelope = await apiRequest.call(
			this,
			settings,
			{ method: 'POST', endpoint: 'cases/queryCases.php', body: { operation, field, value: String(value) }, advice: searchAdvice },
			itemIndex,
		);
		const answer = readAnswer(envelope);
		const cases = answer.records.slice(0, wanted);
		if (mayBeIncomplete({ count: answer.records.length, reportedTotal: answer.reportedTotal }, cap) && cases.length < (wanted ?? Infinity)) possiblyCut.push(itemIndex);
		return cases.map((found) => ({ json: (simplify ? simplifyRecord(found) : found) as IDataObject, pairedItem: { item: itemIndex } }));
	};

	const output = await runPerItem.call(this, items.length, { concurrency: settings.scheduler.concurrency, handle });
	if (possiblyCut.length > 0) {
		possiblyCut.sort((a, b) => a - b);
		addHint.call(
			this,
			`The CRM's answer for item(s) ${possiblyCut.join(', ')} may be incomplete: it held as many cases as one answer holds (Max Records per Answer: ${cap}) or reported more than it held. Narrow the search with a more specific field and value.`,
		);
	}
	return output;
};
