/**
 * Turns the "Record IDs" parameter into a clean list of ids.
 *
 * Users type one id, paste a column (one per line), a comma separated list, or map an
 * expression that returns an array (maybe of query results). Empty entries are skipped;
 * anything that cannot be an id is refused with a message that says which entry and why,
 * so that no id is ever silently dropped.
 */

/** Thrown for a value that is not a record id; the message says which entry and how to fix it. */
export class InvalidRecordIdsError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'InvalidRecordIdsError';
	}
}

const SEPARATORS = /[,;\r\n\t]+/;
// eslint-disable-next-line no-control-regex
const FORBIDDEN_INSIDE_ID = /[\s\u0000-\u001f\u007f"'[\]{}]/;
// Lists inside lists deeper than this are refused: deeper (or self-containing) lists would
// overflow the stack instead of giving a message.
const MAX_NESTING = 100;

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** "Record ID #2.3" for the 3rd entry of the 2nd; "The record ID" when there is only one. */
function label(path: number[]): string {
	return path.length === 0 ? 'The record ID' : `Record ID #${path.join('.')}`;
}

function cleanId(raw: string, path: number[]): string | undefined {
	const id = raw.trim();
	if (id === '') return undefined;
	if (FORBIDDEN_INSIDE_ID.test(id)) {
		throw new InvalidRecordIdsError(
			`${label(path)} ("${id.slice(0, 60)}") contains spaces, quotes or brackets. Separate IDs with commas or new lines, one ID each.`,
		);
	}
	return id;
}

function fromText(text: string, path: number[], out: string[]): void {
	const trimmed = text.trim();
	// A JSON array pasted as text, e.g. ["id1","id2"]
	if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(trimmed);
		} catch {
			parsed = undefined;
		}
		if (Array.isArray(parsed)) {
			fromValue(parsed, path, out);
			return;
		}
	}
	const parts = trimmed.split(SEPARATORS);
	parts.forEach((part, index) => {
		const id = cleanId(part, parts.length > 1 ? [...path, index + 1] : path);
		if (id !== undefined) out.push(id);
	});
}

function fromValue(value: unknown, path: number[], out: string[]): void {
	if (value === null || value === undefined) return;
	if (typeof value === 'string') {
		fromText(value, path, out);
		return;
	}
	if (typeof value === 'number') {
		if (!Number.isSafeInteger(value) || value < 0) {
			throw new InvalidRecordIdsError(
				`${label(path)} is the number ${value}, which cannot be a record ID. Record IDs look like 647f6ff1660dff48d803ffe6.`,
			);
		}
		out.push(String(value));
		return;
	}
	if (Array.isArray(value)) {
		if (path.length >= MAX_NESTING) {
			throw new InvalidRecordIdsError(
				`${label(path)} is a list nested more than ${MAX_NESTING} lists deep. Pass a flat list of IDs.`,
			);
		}
		value.forEach((entry, index) => fromValue(entry, [...path, index + 1], out));
		return;
	}
	if (typeof value === 'object') {
		// A record as returned by a query: take its id.
		const id = (value as Record<string, unknown>).wolkvox_id;
		if (typeof id === 'string' && id.trim() !== '') {
			fromText(id, path, out);
			return;
		}
		throw new InvalidRecordIdsError(
			`${label(path)} is an object without a "wolkvox_id". Map the ID field itself, e.g. {{ $json.wolkvox_id }}.`,
		);
	}
	throw new InvalidRecordIdsError(
		`${label(path)} is ${describe(value)} (${String(value)}), not an ID. Record IDs look like 647f6ff1660dff48d803ffe6.`,
	);
}

/** Parses the parameter into ids, in the order given, trimmed, without empty entries. */
export function parseRecordIds(value: unknown): string[] {
	const ids: string[] = [];
	fromValue(value, [], ids);
	return ids;
}
