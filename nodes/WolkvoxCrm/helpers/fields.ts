/**
 * Builds the `fields` object that custom/insert.php and custom/update.php take, from what the
 * user gave: the input item's JSON ("Map Automatically") or typed entries ("Define Below").
 * Field names go byte-exact (the CRM has names with spaces, accents and trailing spaces);
 * typed values become the objects of the API notes §3.3. Pure: no n8n items, no HTTP.
 */

/** Thrown for input that cannot become a field; the message says which entry and how to fix it. */
export class InvalidFieldError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'InvalidFieldError';
	}
}

export type FieldObject = Record<string, unknown>;

export const FIELD_TYPES = ['text', 'number', 'telephone', 'currency', 'address', 'search', 'relation', 'table'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** One "Define Below" entry as n8n hands it over (keys absent when the editor left them out). */
export interface FieldEntry {
	name?: unknown;
	type?: unknown;
	value?: unknown;
	country?: unknown;
	code?: unknown;
	symbol?: unknown;
	convert?: unknown;
	valueId?: unknown;
	searchModuleName?: unknown;
	rows?: unknown;
}

/** Sets a key as an own property, so that a field called "__proto__" is a field like any other. */
function setField(fields: FieldObject, name: string, value: unknown): void {
	Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A value the API already gets in its typed shape, e.g. `{ type: 'address', value: '…' }`. */
export function isTypedValue(value: unknown): value is { type: string; value?: unknown } {
	return isPlainObject(value) && typeof value.type === 'string' && 'value' in value;
}

function plainText(value: unknown, what: string): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	throw new InvalidFieldError(`${what} must be text, not ${Array.isArray(value) ? 'a list' : 'an object'}`);
}

function numberOf(value: unknown, what: string): number {
	const text = typeof value === 'number' ? String(value) : plainText(value, what).trim();
	const number = Number(text);
	if (text === '' || !Number.isFinite(number)) {
		throw new InvalidFieldError(`${what} must be a number (e.g. 1750905 or 12.5), but it is "${text}"`);
	}
	return number;
}

/** Adds `key: text` only when the text is not empty: the API gets no empty extras. */
function withExtra(target: FieldObject, key: string, value: unknown, what: string): void {
	const text = plainText(value, what).trim();
	if (text !== '') target[key] = text;
}

function tableRows(value: unknown, what: string): unknown[] {
	let rows = value;
	if (typeof rows === 'string') {
		if (rows.trim() === '') return [];
		let parsed = true;
		try {
			rows = JSON.parse(rows);
		} catch {
			parsed = false;
		}
		if (!parsed) throw new InvalidFieldError(`${what} must be JSON, e.g. [{"Ropa": "Camisetas"}]`);
	}
	if (isPlainObject(rows)) rows = [rows];
	if (!Array.isArray(rows) || !rows.every(isPlainObject)) {
		throw new InvalidFieldError(`${what} must be a list of rows, each an object of column → value, e.g. [{"Ropa": "Camisetas"}]`);
	}
	return rows;
}

/** The value the API gets for one typed entry. */
export function typedValue(entry: FieldEntry, label: string): unknown {
	const type = entry.type === undefined || entry.type === '' ? 'text' : entry.type;
	const what = `${label} (${String(type)})`;
	switch (type) {
		case 'text':
			return plainText(entry.value, `The value of ${label}`);
		case 'number':
			return numberOf(entry.value, `The value of ${label}`);
		case 'address':
			return { type: 'address', value: plainText(entry.value, `The value of ${what}`) };
		case 'telephone': {
			const phone: FieldObject = { type: 'telephone', value: plainText(entry.value, `The value of ${what}`) };
			withExtra(phone, 'country', entry.country, `The country of ${what}`);
			withExtra(phone, 'code', entry.code, `The country code of ${what}`);
			return phone;
		}
		case 'currency': {
			const amount = plainText(entry.value, `The value of ${what}`);
			const money: FieldObject = { type: 'currency', value: amount };
			withExtra(money, 'symbol', entry.symbol, `The symbol of ${what}`);
			// The observed shape repeats the amount as a number; empty = the amount itself.
			const convert = plainText(entry.convert, `The converted value of ${what}`).trim();
			money.convert = numberOf(convert === '' ? amount : convert, `The converted value of ${what}`);
			return money;
		}
		case 'search':
		case 'relation': {
			const link: FieldObject = { type, value: plainText(entry.value, `The value of ${what}`) };
			withExtra(link, 'value_id', entry.valueId, `The record ID of ${what}`);
			withExtra(link, 'searchModuleName', entry.searchModuleName, `The module of ${what}`);
			return link;
		}
		case 'table':
			return { type: 'table', value: tableRows(entry.rows, `The rows of ${what}`) };
		default:
			throw new InvalidFieldError(`${label} has the unknown type "${String(type)}"; choose one of ${FIELD_TYPES.join(', ')}`);
	}
}

/** "Define Below": every entry becomes one field, in the order given. */
export function fieldsFromEntries(entries: FieldEntry[]): FieldObject {
	const fields: FieldObject = {};
	const firstEntryOf = new Map<string, number>();
	entries.forEach((entry, index) => {
		const label = `field ${index + 1}`;
		// Never trimmed: only a name of nothing but spaces counts as empty.
		if (typeof entry.name !== 'string' || entry.name.trim() === '') {
			throw new InvalidFieldError(`The name of ${label} is empty: enter the field name exactly as the CRM shows it`);
		}
		const name = entry.name;
		const earlier = firstEntryOf.get(name);
		if (earlier !== undefined) {
			throw new InvalidFieldError(`Fields ${earlier + 1} and ${index + 1} are both named "${name}": keep one of them`);
		}
		firstEntryOf.set(name, index);
		setField(fields, name, typedValue(entry, `field ${index + 1} ("${name}")`));
	});
	return fields;
}

/**
 * The names in "Fields to Exclude": split at commas. A name matches a key exactly; if no key
 * is exactly it, the name without surrounding spaces matches (so "a, b" excludes "b").
 */
export function excludedKeys(json: Record<string, unknown>, exclude: string): Set<string> {
	const keys = new Set<string>();
	for (const name of exclude.split(',')) {
		if (name.trim() === '') continue;
		keys.add(Object.prototype.hasOwnProperty.call(json, name) ? name : name.trim());
	}
	return keys;
}

/** "Map Automatically": the item's JSON minus the excluded keys; typed values go as they are. */
export function fieldsFromJson(json: Record<string, unknown>, exclude = ''): FieldObject {
	const skip = excludedKeys(json, exclude);
	const fields: FieldObject = {};
	for (const [name, value] of Object.entries(json)) {
		if (skip.has(name)) continue;
		if (name === '') {
			throw new InvalidFieldError('The input has a field with an empty name: rename it, or add it to Fields to Exclude');
		}
		setField(fields, name, value);
	}
	return fields;
}

/** The value a search for this field should look for: a typed value is searched by its `value`. */
export function searchValueOf(value: unknown): string | number | undefined {
	const plain = isTypedValue(value) ? value.value : value;
	if (typeof plain === 'number' && Number.isFinite(plain)) return plain;
	if (typeof plain === 'string' && plain.trim() !== '') return plain;
	return undefined;
}
