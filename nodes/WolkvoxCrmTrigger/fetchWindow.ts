/**
 * Every record of one poll's window that the CRM can give, within the time n8n gives a poll.
 * Pure: the caller passes `fetch` and the clock.
 *
 * - Time: n8n abandons a poll that runs past its budget (getPollBudgetMs, 5 minutes by
 *   default); a trigger that always ran over (a long backlog after a pause) would never move
 *   on. So after half the budget no further request is started once some new records are
 *   complete: the paging engine asks the oldest range first, so every record before the range
 *   it is about to ask has been fetched. The poll emits those; the next one goes on from there.
 * - Crowded seconds: when the answer for one second may be incomplete (engine/completeness.ts:
 *   a full answer, as in a bulk import, or a total larger than what it held), the range cannot
 *   be split further and the rest of that second cannot be fetched. The paging engine would stop
 *   there; a trigger stopping there would stop for good. So the records the answer holds are
 *   kept, the second is reported, and the search goes on with the later ranges.
 */
import { knownMatches, mayBeIncomplete } from '../WolkvoxCrm/engine/completeness';
import { recordsInRange, type FetchRange } from '../WolkvoxCrm/engine/paging';
import type { CrmRecord } from '../WolkvoxCrm/helpers/records';

/** A second whose answer may be incomplete: `held` records came, at least `count` exist. */
export interface CrowdedSecond {
	second: number;
	count: number;
	held: number;
}

/** What a poll fetched: every record of the window, or (`cutAt`) every record created before `cutAt`. */
export interface WindowRecords {
	records: CrmRecord[];
	cutAt?: number;
	crowded: CrowdedSecond[];
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
	// May hold a record twice (a crowded second's last record); the poll state drops repeats.
	const records: CrmRecord[] = [];
	const crowded: CrowdedSecond[] = [];
	const before = (cutAt: number) => records.filter((record) => (search.secondOf(record) ?? Infinity) < cutAt);
	let cutAt: number | undefined;
	const fetchInTime: FetchRange<CrmRecord> = async (from, to, limit) => {
		if (cutAt === undefined && search.now() > search.stopAfter && search.holdsNew(before(from))) cutAt = from;
		// Once cut, the ranges still to ask are answered as empty, without a request.
		if (cutAt !== undefined) return { records: [] };
		const answer = await fetch(from, to, limit);
		const size = { count: answer.records.length, reportedTotal: answer.reportedTotal };
		if (from !== to || !mayBeIncomplete(size, search.cap, limit)) return answer;
		// An incomplete second: keep all it gave, but hand the engine a complete-looking answer
		// (no total, and less than the limit) so that it goes on.
		crowded.push({ second: from, count: knownMatches(size), held: size.count });
		records.push(...answer.records.slice(limit - 1));
		return { records: answer.records.slice(0, limit - 1) };
	};
	for await (const record of recordsInRange(fetchInTime, search)) records.push(record);
	if (cutAt === undefined) return { records, crowded };
	const cut = cutAt;
	return { records: before(cut), cutAt: cut, crowded: crowded.filter((entry) => entry.second < cut) };
}
