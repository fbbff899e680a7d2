/**
 * "Every record of a date range", although one answer of the CRM holds only so many records
 * and its paging is unpublished. An answer that may be incomplete (completeness.ts: as many
 * records as one answer holds or as were asked for, or a total saying there are more) has its
 * range split in two and each half asked again, down to single seconds; a single second that is
 * still incomplete is an error, never a success with part of its records. Pure: no n8n, no
 * HTTP; the caller passes `fetch`.
 *
 * Used by Record → Search and meant for the trigger ("every record created since the last
 * poll"): `for await (const record of recordsInRange(fetch, { from, to, cap })) …`.
 *
 * - Times are wall-clock seconds (see helpers/dates.ts); bounds are inclusive.
 * - The halves share their middle second: the API may read a bound as :00 or :59, and a
 *   record seen twice is dropped by its `wolkvox_id` (records without one pass as they come).
 * - Records come out as soon as an answer brings them, oldest range first; only a Set of ids
 *   and the ranges still to ask are held.
 */

import { knownMatches, mayBeIncomplete } from './completeness';

/** What one API call over [from, to] answered. */
export interface RangeAnswer<T> {
	/** The records of the answer, as the API sent them. */
	records: T[];
	/** A count of matching records the API gave besides the records, if any. */
	reportedTotal?: number;
}

/** One API call: the records created within [from, to], at most `limit` of them. */
export type FetchRange<T> = (from: number, to: number, limit: number) => Promise<RangeAnswer<T>>;

export interface RangeSearch<T = unknown> {
	/** First second of the range (wall-clock seconds, inclusive). */
	from: number;
	/** Last second of the range (inclusive). */
	to: number;
	/** The most records one answer of the CRM holds (Max Records per Answer). */
	cap: number;
	/** Stop after this many distinct records; undefined = all of them. */
	limit?: number;
	/** The record's creation second, when readable: an incomplete range is then split where its records are. */
	secondOf?: (record: T) => number | undefined;
}

/** The answer for one second may be incomplete: that second cannot be split further. */
export class RangeTooDenseError extends Error {
	constructor(
		/** The second (wall-clock seconds). */
		readonly second: number,
		/** How many records at least share the second: the answer's total when larger than what it held. */
		readonly count: number,
		readonly cap: number,
		/** How many records the answer for that second held. */
		readonly held: number = count,
	) {
		super(`At least ${count} records share one second; one answer held ${held} (Max Records per Answer ${cap})`);
		this.name = 'RangeTooDenseError';
	}

	/** Why the answer for that second may be incomplete, in the words Search and the trigger show. */
	get reason(): string {
		return this.count > this.held
			? `the CRM's answer for that second held ${this.held} records but reported ${this.count}`
			: `the CRM's answer for that second held ${this.held} records, as many as one answer is taken to hold (Max Records per Answer: ${this.cap})`;
	}
}

/** The record's id, or undefined when it has none. */
function idOf(record: unknown): string | undefined {
	const id = record !== null && typeof record === 'object' ? (record as { wolkvox_id?: unknown }).wolkvox_id : undefined;
	return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/**
 * Yields every record of the range once (and at most `limit` of them). Throws
 * RangeTooDenseError when one second holds an answer's worth of records, and whatever
 * `fetch` throws.
 */
export async function* recordsInRange<T>(fetch: FetchRange<T>, search: RangeSearch<T>): AsyncGenerator<T> {
	const cap = Math.max(1, Math.floor(search.cap));
	const wanted = search.limit === undefined ? Infinity : Math.max(0, Math.floor(search.limit));
	// Asking for no more than is wanted lets a small limit finish in one call.
	const askFor = Math.min(cap, wanted);
	const seen = new Set<string>();
	let given = 0;
	if (given >= wanted || search.to < search.from) return;

	// Ranges still to ask, the oldest on top.
	const pending: Array<[number, number]> = [[search.from, search.to]];
	while (pending.length > 0) {
		const [from, to] = pending.pop()!;
		// A single second cannot be split: ask for all one answer can hold.
		const limit = from === to ? cap : askFor;
		const answer = await fetch(from, to, limit);
		for (const record of answer.records) {
			const id = idOf(record);
			if (id !== undefined) {
				if (seen.has(id)) continue;
				seen.add(id);
			}
			yield record;
			if (++given >= wanted) return;
		}

		const size = { count: answer.records.length, reportedTotal: answer.reportedTotal };
		if (!mayBeIncomplete(size, cap, limit)) continue;
		if (from === to) throw new RangeTooDenseError(from, knownMatches(size), cap, size.count);
		if (to - from === 1) {
			pending.push([to, to], [from, from]);
		} else {
			const middle = splitSecond(answer.records, from, to, search.secondOf);
			pending.push([middle, to], [from, middle]);
		}
	}
}

/**
 * Where to split [from, to] (to - from >= 2), strictly inside it, from the creation seconds of
 * the records the answer held (else at the middle of the range). The CRM does not say in which
 * order it sends records, but its answer shows it: oldest first, the answer holds every record
 * before its newest second, so the split goes just before that second and the older part comes
 * back whole in one call; newest first, the mirror image; in any other order, at their median,
 * so that each half holds about half of them. A wrong guess costs calls, never records.
 */
function splitSecond<T>(records: T[], from: number, to: number, secondOf?: (record: T) => number | undefined): number {
	const seconds = secondOf ? records.map(secondOf).filter((second): second is number => second !== undefined && second >= from && second <= to) : [];
	if (seconds.length > 0) {
		const sorted = [...seconds].sort((a, b) => a - b);
		const oldest = sorted[0];
		const newest = sorted[sorted.length - 1];
		const ascending = seconds.every((second, i) => i === 0 || seconds[i - 1] <= second);
		const descending = seconds.every((second, i) => i === 0 || seconds[i - 1] >= second);
		let split = sorted[Math.floor((sorted.length - 1) / 2)];
		if (oldest < newest && ascending) split = newest - 1;
		if (oldest < newest && descending) split = oldest + 1;
		if (split > from && split < to) return split;
	}
	return Math.floor((from + to) / 2);
}
