/**
 * Every record of one poll's window, within the time n8n gives a poll. n8n abandons a poll that
 * runs past its budget (getPollBudgetMs, 5 minutes by default); a trigger that always ran over
 * (a long backlog after a pause) would then never move on. So after half the budget no further
 * request is started once some new records are complete: the paging engine asks the oldest
 * range first, so every record before the range it is about to ask has been fetched. The poll
 * emits those, and the next poll goes on from there. Pure: the caller passes `fetch` and the clock.
 */
import { recordsInRange, type CrmRecord, type FetchRange } from './pendingSearch';

/** What a poll fetched: every record of the window, or (`cutAt`) every record created before `cutAt`. */
export interface WindowRecords {
	records: CrmRecord[];
	cutAt?: number;
}

export interface WindowSearch {
	from: number;
	to: number;
	cap: number;
	/** When (on `now`'s clock) to stop starting requests. */
	stopAfter: number;
	now: () => number;
	/** Whether these records hold any the poll would emit; only then may it stop early. */
	holdsNew: (records: CrmRecord[]) => boolean;
	/** The record's creation second, if readable. */
	secondOf: (record: CrmRecord) => number | undefined;
}

export async function fetchWindow(fetch: FetchRange<CrmRecord>, search: WindowSearch): Promise<WindowRecords> {
	const records: CrmRecord[] = [];
	const before = (cutAt: number) => records.filter((record) => (search.secondOf(record) ?? Infinity) < cutAt);
	let cutAt: number | undefined;
	const fetchInTime: FetchRange<CrmRecord> = async (from, to, limit) => {
		if (cutAt === undefined && search.now() > search.stopAfter && search.holdsNew(before(from))) cutAt = from;
		// Once cut, the ranges still to ask are answered as empty, without a request.
		return cutAt === undefined ? await fetch(from, to, limit) : { records: [] };
	};
	for await (const record of recordsInRange(fetchInTime, search)) records.push(record);
	return cutAt === undefined ? { records } : { records: before(cutAt), cutAt };
}
