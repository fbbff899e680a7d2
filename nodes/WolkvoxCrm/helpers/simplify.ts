/**
 * "Simplify" for records the CRM returns. Typed fields come back as objects holding a `value`:
 * telephone {country, code, value}, currency {value, symbol, convert}, search/relation
 * {value, value_id, …}. Simplified, each such field is its plain `value` (also inside a list
 * of them). Everything else stays as it is: wolkvox_id, the system fields, and objects
 * without a `value` key such as wolkvox_owner {user, nombre, id, email}, which has no single
 * plain value to stand for it. Pure.
 */

type Json = Record<string, unknown>;

function isTypedValue(value: unknown): value is { value: unknown } {
	return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, 'value');
}

function plain(value: unknown): unknown {
	if (isTypedValue(value)) return value.value;
	if (Array.isArray(value)) return value.map((element) => (isTypedValue(element) ? element.value : element));
	return value;
}

/** A new record with each typed field replaced by its plain value; the input is not changed. */
export function simplifyRecord(record: Json): Json {
	const simplified: Json = {};
	for (const [key, value] of Object.entries(record)) simplified[key] = plain(value);
	return simplified;
}
