import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { mayBeIncomplete } from '../../engine/completeness';
import { recordsInRange, RangeTooDenseError, type FetchRange } from '../../engine/paging';
import { runPerItem } from '../../engine/perItem';
import { formatRange, formatWallSeconds, InvalidDateError, toWallSeconds } from '../../helpers/dates';
import { createdSecondOf, readAnswer, type CrmRecord } from '../../helpers/records';
import { simplifyRecord } from '../../helpers/simplify';
import { apiRequest, type Connection, type FieldAdvice } from '../../transport';
import { addHint } from '../hints';
import type { OperationExecute } from '../operation';
import { ParameterReader } from '../parameters';
import {
	crmOperationField,
	fieldPicker,
	maxRecordsPerAnswerOption,
	moduleFields,
	optionsField,
	readAnswerCap,
	readCrmTarget,
	readWanted,
	requestOptions,
	returnAllFields,
	simplifyField,
	withOptions,
} from './common.fields';

const showForSearch = { show: { resource: ['record'], operation: ['search'] } };
const showFor = (searchBy: string) => ({ show: { ...showForSearch.show, searchBy: [searchBy] } });

export const description: INodeProperties[] = [
	{ ...crmOperationField, displayOptions: showForSearch },
	...moduleFields(showForSearch.show),
	{
		displayName: 'Search By',
		name: 'searchBy',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Date Range', value: 'dateRange', description: 'Records created within a range of dates, every one of them' },
			{ name: 'Field Value', value: 'fieldValue', description: 'Records whose field has a given value' },
		],
		default: 'fieldValue',
		displayOptions: showForSearch,
	},
	...fieldPicker(
		{
			displayName: 'Field',
			name: 'field',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'emailcontact',
			description: 'Name of the field to match, exactly as the module shows it: spaces, accents and capitals count',
		},
		showFor('fieldValue').show,
	),
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		default: '',
		placeholder: 'camila.restrepo@gmail.com',
		description: 'The value the field must have',
		displayOptions: showFor('fieldValue'),
	},
	{
		displayName: 'From',
		name: 'from',
		type: 'dateTime',
		default: '',
		required: true,
		description:
			"Start of the range, included. The range applies to the records' creation time (wolkvox_fecha_creacion), as far as known. Read in the workflow's time zone (Workflow Settings): the CRM does not publish the zone of its own times.",
		displayOptions: showFor('dateRange'),
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'dateTime',
		default: '',
		required: true,
		description:
			"End of the range, included. The range applies to the records' creation time (wolkvox_fecha_creacion), as far as known. Read in the workflow's time zone (Workflow Settings): the CRM does not publish the zone of its own times.",
		displayOptions: showFor('dateRange'),
	},
	...returnAllFields(showForSearch.show),
	{ ...simplifyField, displayOptions: showForSearch },
	optionsField([
			maxRecordsPerAnswerOption,
			...requestOptions,
		], showForSearch),
];

/** This operation's words for the API refusing a search. */
const searchAdvice: FieldAdvice = {
	badRequest: 'check Module, and Field or the dates (as the CRM names the field, spaces and accents included)',
	notFound: 'check CRM Operation, Module and Field (as the CRM shows them)',
};

/** What one item asks for, read and checked before anything is sent. */
type Search = { operation: string; module: string; wanted?: number } & (
	| { by: 'fieldValue'; field: string; value: string }
	| { by: 'dateRange'; from: number; to: number }
);

function fail(this: IExecuteFunctions, itemIndex: number, message: string, fix: string): never {
	throw new NodeOperationError(this.getNode(), message, { itemIndex, description: `Item ${itemIndex}: ${fix}` });
}

function readDate(this: IExecuteFunctions, parameters: ParameterReader, name: 'from' | 'to', itemIndex: number): number {
	const label = name === 'from' ? 'From' : 'To';
	const value = parameters.get(name, itemIndex, '');
	const timeZone = this.getTimezone();
	if (value === '' || value === null || value === undefined) {
		fail.call(this, itemIndex, `${label} is empty`, `fill in ${label} with a date and time, e.g. 2026-11-01 08:00.`);
	}
	try {
		return toWallSeconds(value, timeZone);
	} catch (error) {
		if (!(error instanceof InvalidDateError)) {
			// Intl refuses a time zone it does not know.
			fail.call(this, itemIndex, `The workflow's time zone "${timeZone}" is not known`, 'choose a time zone in the Workflow Settings.');
		}
		return fail.call(
			this,
			itemIndex,
			`${label} is not a valid date: ${error.message}`,
			`enter ${label} as a date and time such as 2026-11-01 08:00 or 2026-11-01T08:00:00-05:00, or pick one with the date picker.`,
		);
	}
}

function readSearch(this: IExecuteFunctions, parameters: ParameterReader, connection: Connection, itemIndex: number): Search {
	const { operation, module } = readCrmTarget.call(this, connection, itemIndex, parameters);
	const wanted = readWanted.call(this, parameters, itemIndex);

	if (parameters.get('searchBy', itemIndex, 'fieldValue') === 'dateRange') {
		const from = readDate.call(this, parameters, 'from', itemIndex);
		const to = readDate.call(this, parameters, 'to', itemIndex);
		if (to < from) {
			fail.call(
				this,
				itemIndex,
				`To (${formatWallSeconds(to)}) is before From (${formatWallSeconds(from)})`,
				`set To to the same moment as From or later; both are read in the workflow's time zone (${this.getTimezone()}).`,
			);
		}
		return { operation, module, wanted, by: 'dateRange', from, to };
	}

	// Byte-exact: field names may end in a space on real tenants.
	const field = String(parameters.get('field', itemIndex, '') ?? '');
	if (field.trim() === '') {
		fail.call(this, itemIndex, 'No field to search by', 'fill in Field with the field name exactly as the module shows it, e.g. emailcontact.');
	}
	const value = parameters.get('value', itemIndex, '') ?? '';
	if (typeof value === 'object') {
		fail.call(this, itemIndex, 'The value to search for is a list or an object', 'give Value as text or a number, e.g. {{ $json.email }}.');
	}
	return { operation, module, wanted, by: 'fieldValue', field, value: String(value) };
}

/** Turns the range engine's "too dense" into words that say what to do. */
function denseRangeError(this: IExecuteFunctions, error: RangeTooDenseError, itemIndex: number): NodeOperationError {
	return new NodeOperationError(
		this.getNode(),
		`At least ${error.count} records were created within the same second, ${formatWallSeconds(error.second, true)}`,
		{
			itemIndex,
			description: `Item ${itemIndex}: ${error.reason}, and a range cannot be split below one second, so not every record of that second can be fetched. No record of this item was output. ${
				error.count > error.held
					? 'Find those records with Search By: Field Value.'
					: 'If your CRM sends more records per answer, raise Max Records per Answer; otherwise find those records with Search By: Field Value.'
			}`,
		},
	);
}

export const execute: OperationExecute = async function (connection, items) {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const settings = withOptions(connection, options);
	const cap = readAnswerCap(options);
	const parameters = new ParameterReader(this);
	const possiblyCut: number[] = [];

	const request = async (search: Search, itemIndex: number, endpoint: string, body: IDataObject) =>
		readAnswer(
			await apiRequest.call(
				this,
				settings,
				{ method: 'POST', endpoint, body: { operation: search.operation, module: search.module, ...body }, advice: searchAdvice },
				itemIndex,
			),
		);

	const handle = async (itemIndex: number): Promise<INodeExecutionData[]> => {
		const search = readSearch.call(this, parameters, settings, itemIndex);
		const simplify = parameters.get('simplify', itemIndex, true) !== false;
		const output: INodeExecutionData[] = [];
		const add = (record: CrmRecord) =>
			output.push({ json: (simplify ? simplifyRecord(record) : record) as IDataObject, pairedItem: { item: itemIndex } });

		if (search.by === 'fieldValue') {
			// No range to split: a full answer can only be reported.
			const answer = await request(search, itemIndex, 'custom/query.php', { field: search.field, value: search.value });
			const incomplete = mayBeIncomplete({ count: answer.records.length, reportedTotal: answer.reportedTotal }, cap);
			answer.records.slice(0, search.wanted).forEach(add);
			if (incomplete && output.length < (search.wanted ?? Infinity)) possiblyCut.push(itemIndex);
			return output;
		}

		const fetch: FetchRange<CrmRecord> = async (from, to, limit) => {
			// A long search stops between requests when the user cancels the execution.
			if (this.getExecutionCancelSignal?.()?.aborted) {
				fail.call(this, itemIndex, 'The execution was cancelled', 'the search stopped before it had every record.');
			}
			return await request(search, itemIndex, 'custom/queryDates.php', { date: true, ...formatRange(from, to), limit });
		};
		try {
			for await (const record of recordsInRange(fetch, { from: search.from, to: search.to, cap, limit: search.wanted, secondOf: createdSecondOf })) add(record);
		} catch (error) {
			throw error instanceof RangeTooDenseError ? denseRangeError.call(this, error, itemIndex) : error;
		}
		return output;
	};

	const output = await runPerItem.call(this, items.length, { concurrency: settings.scheduler.concurrency, handle });
	if (possiblyCut.length > 0) {
		possiblyCut.sort((a, b) => a - b);
		addHint.call(
			this,
			`The CRM's answer for item(s) ${possiblyCut.join(', ')} may be incomplete: it held as many records as one answer holds (Max Records per Answer: ${cap}) or reported more than it held. Narrow the search with a more specific field and value, or use Search By: Date Range, which fetches every record of a range.`,
		);
	}
	return output;
};
