/**
 * The fields to write in node version 2: n8n's field mapper, filled from sample records of the
 * chosen module (methods/fields.ts), plus Additional Fields for names the sample does not show.
 * Both are read into the same `fields` object the v1 parameters give, so the write engine
 * (per item and Batch Across Items) is the same for both versions.
 */
import type { IDisplayOptions, IExecuteFunctions, INodeExecutionData, INodeProperties, ResourceMapperField } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { fieldsFromMapping } from '../../helpers/fieldKinds';
import { fieldsFromEntries, InvalidFieldError, type FieldEntry, type FieldObject } from '../../helpers/fields';
import { LOAD_COST } from '../../methods/cost';
import { toNodeError } from '../items';
import type { ParameterReader } from '../parameters';

/** Fields (the mapper) and Additional Fields, shown for one operation in version 2. */
export function mappedFieldsUi(displayOptions: IDisplayOptions, entryValues: INodeProperties[]): INodeProperties[] {
	const show = { ...displayOptions.show, '@version': [2] };
	return [
		{
			displayName: 'Fields',
			name: 'fieldMapping',
			type: 'resourceMapper',
			noDataExpression: true,
			// Not required: Additional Fields alone may give the fields; the node says when none are given.
			default: { mappingMode: 'defineBelow', value: null },
			hint: LOAD_COST,
			typeOptions: {
				loadOptionsDependsOn: ['module.value', 'crmOperation'],
				resourceMapper: {
					resourceMapperMethod: 'getMappingFields',
					mode: 'add',
					fieldWords: { singular: 'field', plural: 'fields' },
					addAllFields: true,
					multiKeyMatch: false,
					supportAutoMap: true,
					noFieldsError:
						'No fields to offer: the sample of this module holds no records, or it could not be loaded. Add the fields by name under Additional Fields.',
				},
			},
			displayOptions: { show },
		},
		{
			displayName: 'Additional Fields',
			name: 'additionalFields',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Field',
			default: {},
			description: 'Fields the list above does not offer (the sample records did not show them), by name, with their type',
			displayOptions: { show },
			options: [{ displayName: 'Field', name: 'field', values: entryValues }],
		},
	];
}

type Mapping = { mappingMode?: unknown; value?: Record<string, unknown> | null; schema?: ResourceMapperField[] };

/** The adapter: the mapper's value and Additional Fields of one item as the `fields` to send. */
export function readMappedFields(
	this: IExecuteFunctions,
	reader: ParameterReader,
	items: INodeExecutionData[],
	itemIndex: number,
): FieldObject {
	const mapping = reader.get<Mapping | undefined>('fieldMapping', itemIndex, undefined);
	const automatic = mapping?.mappingMode === 'autoMapInputData';
	let fields: FieldObject;
	try {
		fields = fieldsFromMapping(mapping, items[itemIndex].json);
		const extra = fieldsFromEntries(reader.get<{ field?: FieldEntry[] } | undefined>('additionalFields', itemIndex, {})?.field ?? []);
		for (const name of Object.keys(extra)) {
			if (Object.prototype.hasOwnProperty.call(fields, name)) {
				throw new InvalidFieldError(`The field "${name}" is given both in Fields and in Additional Fields: keep one of them`);
			}
			Object.defineProperty(fields, name, { value: extra[name], enumerable: true, writable: true, configurable: true });
		}
	} catch (error) {
		if (!(error instanceof InvalidFieldError)) throw toNodeError.call(this, error, itemIndex);
		throw new NodeOperationError(this.getNode(), error.message, {
			itemIndex,
			description: `Item ${itemIndex}: correct ${automatic ? 'the input item' : 'Fields'} or Additional Fields.`,
		});
	}
	if (Object.keys(fields).length === 0) {
		throw new NodeOperationError(this.getNode(), 'No fields to send', {
			itemIndex,
			description: automatic
				? `Item ${itemIndex}: the input item has no fields to write (the wolkvox_* system fields are never sent). Send an item with the fields to write, or add them under Additional Fields.`
				: `Item ${itemIndex}: give a value to at least one field under Fields, or add one under Additional Fields.`,
		});
	}
	return fields;
}
