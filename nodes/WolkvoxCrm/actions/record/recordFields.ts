/**
 * The "fields to write" part of Create, Update and Create or Update: the parameters (one
 * definition, shown by each operation with its own displayOptions) and reading them into the
 * `fields` object of one item.
 */
import type { IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { fieldsFromEntries, fieldsFromJson, InvalidFieldError, type FieldEntry, type FieldObject } from '../../helpers/fields';
import { toNodeError } from '../items';
import type { ParameterReader } from '../parameters';
import { mappedFieldsUi, readMappedFields } from './mappedFields';

const entryOf = (types: string[]): IDisplayOptions => ({ show: { type: types } });

/** The values of one "Define Below" entry; the extras show only for the types that use them. */
export const fieldEntryValues: INodeProperties[] = [
	{
		displayName: 'Field Name',
		name: 'name',
		type: 'string',
		default: '',
		placeholder: 'namecontact',
		description:
			'The field name exactly as the CRM shows it, spaces and accents included (e.g. Tipo de cliente). It is sent as typed, never trimmed.',
	},
	{
		displayName: 'Type',
		name: 'type',
		type: 'options',
		default: 'text',
		options: [
			{ name: 'Address', value: 'address', description: 'Sent as {"type": "address", "value": …}' },
			{ name: 'Currency', value: 'currency', description: 'Sent as {"type": "currency", "value", "symbol", "convert"}' },
			{ name: 'Number', value: 'number', description: 'Sent as a JSON number' },
			{ name: 'Relation', value: 'relation', description: 'A link to a record of another module, like Search' },
			{ name: 'Search', value: 'search', description: 'Sent as {"type": "search", "value", "value_id", "searchModuleName"}' },
			{ name: 'Table', value: 'table', description: 'Rows of a table field, sent as {"type": "table", "value": [rows]}' },
			{ name: 'Telephone', value: 'telephone', description: 'Sent as {"type": "telephone", "value", "country", "code"}' },
			{ name: 'Text', value: 'text', description: 'Sent as a plain string' },
		],
	},
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		default: '',
		description: 'The value to write. For Search and Relation: the text the CRM shows for the linked record.',
		displayOptions: { hide: { type: ['table'] } },
	},
	{
		displayName: 'Country',
		name: 'country',
		type: 'string',
		default: '',
		placeholder: 'Colombia',
		displayOptions: entryOf(['telephone']),
	},
	{
		displayName: 'Country Code',
		name: 'code',
		type: 'string',
		default: '',
		placeholder: '57',
		displayOptions: entryOf(['telephone']),
	},
	{
		displayName: 'Currency Symbol',
		name: 'symbol',
		type: 'string',
		default: '',
		placeholder: 'COP',
		displayOptions: entryOf(['currency']),
	},
	{
		displayName: 'Converted Value',
		name: 'convert',
		type: 'string',
		default: '',
		description: 'The amount as a number. Empty: the Value, read as a number.',
		displayOptions: entryOf(['currency']),
	},
	{
		displayName: 'Linked Record ID',
		name: 'valueId',
		type: 'string',
		default: '',
		placeholder: '647f6ff1660dff48d803ffe6',
		description: 'The wolkvox_id of the linked record (sent as value_id)',
		displayOptions: entryOf(['search', 'relation']),
	},
	{
		displayName: 'Linked Module',
		name: 'searchModuleName',
		type: 'string',
		default: '',
		placeholder: 'contacts',
		description: 'The module of the linked record (sent as searchModuleName)',
		displayOptions: entryOf(['search', 'relation']),
	},
	{
		displayName: 'Rows (JSON)',
		name: 'rows',
		type: 'json',
		default: '[]',
		description: 'A list of rows, each an object of column name → value, e.g. [{"Ropa": "Camisetas"}]',
		displayOptions: entryOf(['table']),
	},
];

/** Fields to Send, Fields to Exclude and Fields (v1), or the mapper (v2), shown for one operation. */
export function recordFieldsUi(operationDisplay: IDisplayOptions): INodeProperties[] {
	// Version 1 keeps the 0.2.0 parameters; version 2 has the field mapper (mappedFields.ts).
	const show = { ...operationDisplay.show, '@version': [1] };
	const displayOptions = { show };
	return [
		{
			displayName: 'Fields to Send',
			name: 'fieldsToSend',
			type: 'options',
			options: [
				{
					name: 'Map Automatically',
					value: 'mapAutomatically',
					description: 'Send every field of the input item, under its own name, except the ones excluded below',
				},
				{ name: 'Define Below', value: 'defineBelow', description: 'Name each field, its type and its value' },
			],
			default: 'defineBelow',
			displayOptions,
		},
		{
			displayName: 'Fields to Exclude',
			name: 'fieldsToExclude',
			type: 'string',
			default: '',
			placeholder: 'wolkvox_id, internal_note',
			description:
				'Names of input fields not to send, separated by commas (e.g. wolkvox_id and the other wolkvox_* fields of a search result)',
			displayOptions: { show: { ...show, fieldsToSend: ['mapAutomatically'] } },
		},
		{
			displayName: 'Fields',
			name: 'fieldValues',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Field',
			default: {},
			displayOptions: { show: { ...show, fieldsToSend: ['defineBelow'] } },
			options: [{ displayName: 'Field', name: 'field', values: fieldEntryValues }],
		},
		...mappedFieldsUi(operationDisplay, fieldEntryValues),
	];
}

/** The `fields` of one item, or an error naming the item and what to fix. */
export function readRecordFields(
	this: IExecuteFunctions,
	reader: ParameterReader,
	items: INodeExecutionData[],
	itemIndex: number,
): FieldObject {
	if (this.getNode().typeVersion >= 2) return readMappedFields.call(this, reader, items, itemIndex);
	const mapAutomatically = reader.get<string>('fieldsToSend', itemIndex, 'defineBelow') === 'mapAutomatically';
	let fields: FieldObject;
	try {
		if (mapAutomatically) {
			const exclude = reader.get<unknown>('fieldsToExclude', itemIndex, '');
			fields = fieldsFromJson(items[itemIndex].json, typeof exclude === 'string' ? exclude : '');
		} else {
			const collection = reader.get<{ field?: FieldEntry[] } | undefined>('fieldValues', itemIndex, {});
			fields = fieldsFromEntries(collection?.field ?? []);
		}
	} catch (error) {
		if (!(error instanceof InvalidFieldError)) throw toNodeError.call(this, error, itemIndex);
		throw new NodeOperationError(this.getNode(), error.message, {
			itemIndex,
			description: `Item ${itemIndex}: correct ${mapAutomatically ? 'the input item or Fields to Exclude' : 'Fields'}.`,
		});
	}
	if (Object.keys(fields).length === 0) {
		throw new NodeOperationError(this.getNode(), 'No fields to send', {
			itemIndex,
			description: mapAutomatically
				? `Item ${itemIndex}: the input item has no fields left after Fields to Exclude. Send an item with the fields to write.`
				: `Item ${itemIndex}: add at least one field under Fields, with its name as the CRM shows it.`,
		});
	}
	return fields;
}
