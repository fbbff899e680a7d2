/**
 * The fields of a module as sample records show them, and back: which kind of value each field
 * holds (inferred from the shapes the CRM sends), how the field mapper of node version 2 lists
 * it, and how a mapped value becomes what insert.php and update.php take. Pure: no n8n context,
 * no HTTP.
 */
import type { FieldType, ResourceMapperField } from 'n8n-workflow';

import { InvalidFieldError, isTypedValue, typedValue, type FieldObject } from './fields';

/** Kinds sent as typed objects ({"type": kind, "value": …}), as "Define Below" sends them. */
export const TYPED_KINDS = ['telephone', 'currency', 'address', 'search', 'relation', 'table'] as const;
export type TypedKind = (typeof TYPED_KINDS)[number];
/** `asGiven`: a shape the node does not know; the value is sent exactly as mapped. */
export type FieldKind = 'text' | 'number' | TypedKind | 'asGiven';

/** Names of system fields: the CRM sets them, they are never written. */
export const isSystemField = (name: string): boolean => name.startsWith('wolkvox_') || name === 'wolkvox-id';

function isObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The kind of one value as the CRM returns it; undefined when it says nothing (empty, null). */
export function kindOfValue(value: unknown): FieldKind | undefined {
	if (value === null || value === undefined || value === '') return undefined;
	if (typeof value === 'number') return 'number';
	if (typeof value === 'string' || typeof value === 'boolean') return 'text';
	if (Array.isArray(value)) return value.every(isObject) ? 'table' : 'asGiven';
	if (!isObject(value)) return 'asGiven';
	if (typeof value.type === 'string' && (TYPED_KINDS as readonly string[]).includes(value.type)) return value.type as TypedKind;
	if ('country' in value || 'code' in value) return 'telephone';
	if ('symbol' in value || 'convert' in value) return 'currency';
	if ('value_id' in value || 'searchModuleName' in value) return 'search';
	if (Array.isArray(value.value)) return 'table';
	// Only a value (the documented address shape): an address.
	if (Object.keys(value).every((key) => key === 'value' || key === 'type')) return 'address';
	return 'asGiven';
}

/** One kind for all the values a field showed: a typed shape wins, numbers only if all are numbers. */
export function mergeKinds(kinds: Array<FieldKind | undefined>): FieldKind {
	const seen = new Set(kinds.filter((kind): kind is FieldKind => kind !== undefined));
	const typed = TYPED_KINDS.filter((kind) => seen.has(kind));
	if (typed.length === 1 && !seen.has('asGiven')) return typed[0];
	if (typed.length > 1 || seen.has('asGiven')) return 'asGiven';
	if (seen.size === 1 && seen.has('number')) return 'number';
	return 'text';
}

/** Every writable field the records show, in the order first seen, with its kind. */
export function fieldsOfRecords(records: Array<Record<string, unknown>>): Array<{ name: string; kind: FieldKind }> {
	const kinds = new Map<string, Array<FieldKind | undefined>>();
	for (const record of records) {
		for (const [name, value] of Object.entries(record)) {
			if (isSystemField(name) || name.trim() === '') continue;
			if (!kinds.has(name)) kinds.set(name, []);
			kinds.get(name)!.push(kindOfValue(value));
		}
	}
	return [...kinds].map(([name, seen]) => ({ name, kind: mergeKinds(seen) }));
}

/**
 * How the mapper lists a field. The kind must survive in the saved workflow, which keeps only
 * the schema n8n knows: text and numbers by their n8n type, typed kinds (no n8n type, so any
 * value passes) by a "(kind)" after the name, which the user sees too.
 */
export function mapperField(name: string, kind: FieldKind): ResourceMapperField {
	const types: Partial<Record<FieldKind, FieldType>> = { text: 'string', number: 'number' };
	const typed = (TYPED_KINDS as readonly string[]).includes(kind);
	return {
		id: name,
		displayName: typed ? `${name} (${kind})` : name,
		required: false,
		defaultMatch: false,
		canBeUsedToMatch: kind !== 'table',
		display: true,
		type: types[kind],
	};
}

/** The kind a saved schema entry stands for (the reverse of mapperField). */
export function kindOfSchemaField(field: Pick<ResourceMapperField, 'displayName' | 'type'> | undefined): FieldKind {
	if (field?.type === 'string') return 'text';
	if (field?.type === 'number') return 'number';
	const suffix = /\((telephone|currency|address|search|relation|table)\)$/.exec(field?.displayName ?? '');
	return suffix ? (suffix[1] as TypedKind) : 'asGiven';
}

/** A mapped value as the API takes it, for a field of the given kind. */
export function valueForKind(kind: FieldKind, value: unknown, label: string): unknown {
	if (kind === 'asGiven' || isTypedValue(value)) return value;
	if (kind === 'text' || kind === 'number') return typedValue({ type: kind, value }, label);
	// A typed value as a search returns it (no "type", e.g. {value, country, code}): add the type.
	if (isObject(value) && kind !== 'table') return { type: kind, ...value };
	if (kind === 'table') return typedValue({ type: 'table', rows: isObject(value) && Array.isArray(value.value) ? value.value : value }, label);
	return typedValue({ type: kind, value }, label);
}

/** Sets a key as an own property, so that a field called "__proto__" is a field like any other. */
function setField(fields: FieldObject, name: string, value: unknown): void {
	Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The fields of one item from the mapper. "Map Each Field Below": the values given (an empty
 * one is not sent). "Map Automatically": the input item's fields but the system ones. Either
 * way each value is sent as its field's kind says.
 */
export function fieldsFromMapping(
	mapping: { mappingMode?: unknown; value?: Record<string, unknown> | null; schema?: ResourceMapperField[] } | undefined,
	json: Record<string, unknown>,
): FieldObject {
	const schema = new Map((mapping?.schema ?? []).map((field) => [field.id, field]));
	const automatic = mapping?.mappingMode === 'autoMapInputData';
	const source = automatic ? json : (mapping?.value ?? {});
	const fields: FieldObject = {};
	for (const [name, value] of Object.entries(source)) {
		if (value === undefined || value === null || value === '') continue;
		if (automatic && isSystemField(name)) continue;
		if (name === '') throw new InvalidFieldError('The input has a field with an empty name: rename it');
		const known = schema.get(name);
		setField(fields, name, valueForKind(known ? kindOfSchemaField(known) : 'asGiven', value, `field "${name}"`));
	}
	return fields;
}
