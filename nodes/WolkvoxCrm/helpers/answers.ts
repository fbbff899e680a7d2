/**
 * Reads what the write and query endpoints answered, without assuming more than they say: the
 * answers of insert.php and update.php are unpublished, and query.php sends its records as a
 * list, as one object, or not at all. Pure: no n8n items, no HTTP.
 */
import { codeOf, type WolkvoxEnvelope } from '../transport/envelope';

export type FoundRecord = Record<string, unknown>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The id in `data.wolkvox_id` (a string or a one-element list), only when the answer says 200. */
export function writtenRecordId(envelope: WolkvoxEnvelope): string | undefined {
	if (codeOf(envelope.code) !== 200 || !isPlainObject(envelope.data)) return undefined;
	const id = envelope.data.wolkvox_id;
	const single = Array.isArray(id) && id.length === 1 ? id[0] : id;
	return typeof single === 'string' && single.trim() !== '' ? single : undefined;
}

/** The output of a write: the answer as it came, plus `wolkvox_id` on top when it confirms one. */
export function writeOutput(envelope: WolkvoxEnvelope): Record<string, unknown> {
	const id = writtenRecordId(envelope);
	return id === undefined ? { ...envelope } : { ...envelope, wolkvox_id: id };
}

/** The records of a query answer: `data` as a list, one record, an object of records, or missing. */
export function foundRecords(envelope: WolkvoxEnvelope): FoundRecord[] {
	const { data } = envelope;
	if (Array.isArray(data)) return data.filter(isPlainObject);
	if (!isPlainObject(data)) return [];
	if ('wolkvox_id' in data) return [data];
	return Object.values(data).filter(isPlainObject);
}

function comparable(value: unknown): string | undefined {
	const plain = isPlainObject(value) && 'value' in value ? value.value : value;
	if (typeof plain === 'string' || typeof plain === 'number' || typeof plain === 'boolean') {
		return String(plain).trim().toLowerCase();
	}
	return undefined;
}

/**
 * The records that really hold `value` in `field`. Whether query.php matches exactly is
 * unpublished: a record whose field holds something else (a partial match) is left out, so
 * that Create or Update never writes to a record it was not meant for. Case and surrounding
 * spaces are ignored; a record that does not show the field at all is trusted to the API.
 */
export function recordsMatching(records: FoundRecord[], field: string, value: string | number): FoundRecord[] {
	const wanted = comparable(value);
	return records.filter((record) => {
		if (!Object.prototype.hasOwnProperty.call(record, field)) return true;
		return comparable(record[field]) === wanted;
	});
}

/** The record's `wolkvox_id`, when it has one. */
export function idOfRecord(record: FoundRecord): string | undefined {
	const id = record.wolkvox_id;
	return typeof id === 'string' && id.trim() !== '' ? id : undefined;
}
