/**
 * The newest records of a range, found with few calls although one answer holds at most `cap`
 * records and the CRM does not say in which order it sends them: an answer that is complete
 * (engine/completeness.ts) holds its whole range; one that may not be is split and the newer
 * half asked first, so older records are only asked for when everything newer is empty. Pure:
 * the caller passes `fetch`.
 */
import { mayBeIncomplete } from '../WolkvoxCrm/engine/completeness';
import type { FetchRange } from '../WolkvoxCrm/engine/paging';

/** The records of the newest non-empty range answered in full (or of one crowded second); [] when the range is empty. */
export async function newestRecords<T>(fetch: FetchRange<T>, from: number, to: number, cap: number): Promise<T[]> {
	const pending: Array<[number, number]> = [[from, to]];
	while (pending.length > 0) {
		const [start, end] = pending.pop()!;
		const answer = await fetch(start, end, cap);
		const count = answer.records.length;
		if (count === 0) continue;
		if (!mayBeIncomplete({ count, reportedTotal: answer.reportedTotal }, cap, cap) || start === end) return answer.records;
		const middle = Math.floor((start + end) / 2);
		// The newer half on top.
		pending.push([start, middle], [middle + 1, end]);
	}
	return [];
}
