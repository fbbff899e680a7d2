/**
 * The records in a successful query answer of the CRM ({code, error, msg, data}). `data` comes
 * as a list of records, an object of records keyed by anything, one record on its own, or not
 * at all ("0 records were are found"). Pure.
 */

import { toWallSeconds } from './dates';

export type CrmRecord = Record<string, unknown>;

/** The record's creation time (wolkvox_fecha_creacion) as wall-clock seconds, if readable. */
export function createdSecondOf(record: CrmRecord): number | undefined {
	try {
		return toWallSeconds(record.wolkvox_fecha_creacion, 'UTC');
	} catch {
		return undefined;
	}
}

function isRecord(value: unknown): value is CrmRecord {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The records of `data`, in the order the API sent them; entries that are no objects are not records. */
export function recordsOf(data: unknown): CrmRecord[] {
	if (Array.isArray(data)) return data.filter(isRecord);
	if (!isRecord(data)) return [];
	if ('wolkvox_id' in data) return [data];
	return Object.values(data).filter(isRecord);
}

/**
 * How many records the answer says it found, when that is given besides the records: a
 * "Total records" key (seen in one client) or the number in msg ("12 records were are found").
 */
export function reportedTotalOf(envelope: Record<string, unknown>): number | undefined {
	const total = envelope['Total records'];
	if (typeof total === 'number' && Number.isFinite(total)) return total;
	if (typeof total === 'string' && /^\s*\d+\s*$/.test(total)) return Number(total);
	const match = typeof envelope.msg === 'string' ? /^\s*(\d+)\s+records?\b/i.exec(envelope.msg) : null;
	return match ? Number(match[1]) : undefined;
}

/** An answer as engine/paging.ts reads it. */
export function readAnswer(envelope: Record<string, unknown>): { records: CrmRecord[]; reportedTotal?: number } {
	return { records: recordsOf(envelope.data), reportedTotal: reportedTotalOf(envelope) };
}
