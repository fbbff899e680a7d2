/**
 * Reading what an item's parameters say, for operations of any resource: a required text passed
 * exactly as typed, name/value pairs with byte-exact names, and the error that names the item.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ParameterReader } from './parameters';

/** Stops the item with an error that names it and says what to fix. */
export function fail(context: IExecuteFunctions, itemIndex: number, message: string, fix: string): never {
	throw new NodeOperationError(context.getNode(), message, { itemIndex, description: `Item ${itemIndex}: ${fix}` });
}

/** A required text parameter, passed exactly as typed (only an empty one is refused). */
export function readText(context: IExecuteFunctions, reader: ParameterReader, name: string, label: string, itemIndex: number): string {
	const value = reader.get<unknown>(name, itemIndex, '');
	if (value !== null && typeof value === 'object') fail(context, itemIndex, `${label} is a list or an object`, `give ${label} as text.`);
	const text = value === undefined || value === null ? '' : String(value);
	if (text.trim() === '') fail(context, itemIndex, `${label} is empty`, `fill in ${label}.`);
	return text;
}

/** Name/value pairs of one item (Case Fields, or another parameter of that shape) as an object, names byte-exact. */
export function readNamedValues(
	context: IExecuteFunctions,
	reader: ParameterReader,
	itemIndex: number,
	parameter: string,
	label: string,
): IDataObject {
	const entries = reader.get<{ field?: Array<{ name?: unknown; value?: unknown }> }>(parameter, itemIndex, {})?.field ?? [];
	const form: IDataObject = {};
	entries.forEach((entry, index) => {
		const name = typeof entry.name === 'string' ? entry.name : '';
		if (name.trim() === '') fail(context, itemIndex, `The name of entry ${index + 1} of ${label} is empty`, `fill in each entry of ${label} with the field name as the CRM shows it.`);
		Object.defineProperty(form, name, { value: entry.value ?? '', enumerable: true, writable: true, configurable: true });
	});
	return form;
}
