/**
 * TEMPORARY stand-ins, with the same signatures, for what branch `search` adds to
 * nodes/WolkvoxCrm (engine/paging.ts, helpers/dates.ts, helpers/records.ts,
 * helpers/simplify.ts). This file is deleted and the imports point there once Search lands.
 */

export type CrmRecord = Record<string, unknown>;

export interface RangeAnswer<T> {
	records: T[];
	reportedTotal?: number;
}

export type FetchRange<T> = (from: number, to: number, limit: number) => Promise<RangeAnswer<T>>;

export class RangeTooDenseError extends Error {
	constructor(
		readonly second: number,
		readonly count: number,
		readonly cap: number,
	) {
		super(`At least ${count} records share one second`);
	}
}

/** Stand-in: one call, no splitting of full answers. */
export async function* recordsInRange<T>(
	fetch: FetchRange<T>,
	search: { from: number; to: number; cap: number },
): AsyncGenerator<T> {
	yield* (await fetch(search.from, search.to, search.cap)).records;
}

export function formatWallSeconds(seconds: number): string {
	const iso = new Date(seconds * 1000).toISOString();
	return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

export function formatRange(from: number, to: number): { from: string; to: string } {
	return { from: formatWallSeconds(from), to: formatWallSeconds(to) };
}

export class InvalidDateError extends Error {}

/** Stand-in: only "YYYY-MM-DD HH:MM[:SS]" strings. */
export function toWallSeconds(value: unknown, timeZone: string): number {
	if (timeZone !== 'UTC') throw new InvalidDateError('the stand-in reads wall times only');
	const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim()) : null;
	if (!match) throw new InvalidDateError('not a date');
	const [, y, mo, d, h, mi, s = '0'] = match;
	return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) / 1000;
}

export function readAnswer(envelope: Record<string, unknown>): RangeAnswer<CrmRecord> {
	const data = envelope.data;
	const records = Array.isArray(data) ? data.filter((entry): entry is CrmRecord => entry !== null && typeof entry === 'object') : [];
	return { records };
}

/** Stand-in: no flattening. */
export function simplifyRecord(record: CrmRecord): CrmRecord {
	return record;
}
