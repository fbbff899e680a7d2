/**
 * The one rule for "this answer of a query endpoint may hold only part of what matched", used by
 * every reader: Record → Search by field, the date-range paging engine and the trigger. The CRM
 * publishes neither its paging nor how many records one answer holds, so an answer counts as
 * complete only when it cannot have been cut. Pure.
 */

/** What an answer held, as far as telling whether it is whole goes. */
export interface AnswerSize {
	/** How many records the answer held. */
	count: number;
	/** A count of matching records the API gave besides the records, if any. */
	reportedTotal?: number;
}

/**
 * Whether the answer may be incomplete: it holds at least `cap` records (Max Records per Answer,
 * the most one answer is taken to hold), at least as many as were asked for (`asked`, the
 * `limit` sent, when the endpoint takes one; more than asked means the server ignored it, and
 * then its own cap is unknown), or it reports a total larger than what it holds.
 */
export function mayBeIncomplete(answer: AnswerSize, cap: number, asked?: number): boolean {
	if (answer.count >= cap) return true;
	if (asked !== undefined && answer.count >= asked) return true;
	return answer.reportedTotal !== undefined && answer.reportedTotal > answer.count;
}

/**
 * How many records at least matched, as far as the answer tells: its total when it gives a
 * larger one, else what it held.
 */
export function knownMatches(answer: AnswerSize): number {
	return Math.max(answer.count, answer.reportedTotal ?? 0);
}
