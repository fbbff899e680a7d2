/**
 * Which records a poll emits, and what it remembers for the next one. Pure: no n8n, no HTTP.
 *
 * Times are wall-clock seconds as the CRM writes them (`wolkvox_fecha_creacion`, read as if it
 * were UTC): the CRM's time zone is not published, so the state only ever moves to times the
 * CRM itself put on records, never to this machine's clock.
 *
 * - `cursor`: the newest creation second seen so far.
 * - Each poll asks again from `cursor - overlap` (records can show up late, and a range bound
 *   may be read loosely), and `seen` remembers the records of that window, so a record is
 *   emitted once: not lost when several share a second, not repeated by the overlap.
 * - The window asked again holds fewer known records than `windowRecords` (about half of what
 *   one answer holds): after a burst it starts just after the newest records instead, so that a
 *   poll with nothing new is one answer that is not full, one API call, whatever came before.
 * - `floor`: nothing created before it is ever emitted (set at activation: no flood of old
 *   records; raised with the window, so that forgetting never means repeating).
 * - A failed poll changes nothing: the caller stores the next state only after a poll worked.
 */

export interface PollState {
	cursor: number;
	floor: number;
	/** Record key → creation second, for the records of the current overlap window. */
	seen: Record<string, number>;
}

/** A record as the state logic sees it: a stable key (its wolkvox_id) and its creation second. */
export interface SeenRecord {
	key: string;
	/** Undefined when the record has no readable creation time. */
	second: number | undefined;
}

export interface PollSettings {
	/** How far back each poll asks again, in seconds. */
	overlapSeconds: number;
	/** The most keys `seen` holds (a few more when they share the oldest kept second). */
	maxRemembered: number;
	/** The most records one answer holds: the window asked again holds fewer than half of that. */
	answerCap: number;
}

export const DEFAULT_POLL_SETTINGS: PollSettings = { overlapSeconds: 10 * 60, maxRemembered: 5000, answerCap: 200 };

/** The settings for answers of at most `answerCap` records. */
export function pollSettingsFor(answerCap: number): PollSettings {
	return { ...DEFAULT_POLL_SETTINGS, answerCap };
}

/**
 * The first second the next poll asks for: `overlap` before the cursor, but late enough that
 * fewer than half an answer of known records lie in the window. The cursor's own second is
 * always asked again (records may still be made in it), unless it already held a full answer:
 * asking it again could not bring the rest of it.
 */
export function windowStart(state: PollState, settings: PollSettings = DEFAULT_POLL_SETTINGS): number {
	const byTime = Math.max(state.floor, state.cursor - settings.overlapSeconds);
	const known = Object.values(state.seen)
		.filter((second) => second >= byTime)
		.sort((a, b) => b - a);
	if (known.filter((second) => second === state.cursor).length >= settings.answerCap) return Math.max(byTime, state.cursor + 1);
	const most = Math.max(1, Math.floor(settings.answerCap / 2));
	return known.length < most ? byTime : Math.max(byTime, Math.min(state.cursor, known[most - 1] + 1));
}

/** Keeps the keys of the window, at most about `maxRemembered` of them, raising the floor to the window's start. */
function remember(cursor: number, floor: number, seen: Map<string, number>, settings: PollSettings): PollState {
	const start = windowStart({ cursor, floor, seen: Object.fromEntries(seen) }, settings);
	floor = Math.max(floor, start);
	const kept = [...seen].filter(([, second]) => second >= start).sort(([, a], [, b]) => b - a);
	if (kept.length > settings.maxRemembered) {
		// Forget the oldest seconds whole, and never emit anything older again.
		const oldestKept = kept[settings.maxRemembered - 1][1];
		const firstDropped = kept.findIndex(([, second]) => second < oldestKept);
		if (firstDropped >= 0) kept.splice(firstDropped);
		floor = Math.max(floor, oldestKept);
	}
	// fromEntries makes own properties of every key, "__proto__" included.
	return { cursor, floor, seen: Object.fromEntries(kept) };
}

/**
 * The state at activation: "from now on", where now is the CRM's newest record (given as
 * `existing`), or `emptySince` when the CRM showed no record at all since then.
 */
export function startState(
	existing: SeenRecord[],
	emptySince: number,
	settings: PollSettings = DEFAULT_POLL_SETTINGS,
): PollState {
	const seconds = existing.map((record) => record.second).filter((second): second is number => second !== undefined);
	const newest = seconds.length > 0 ? Math.max(...seconds) : emptySince;
	const seen = new Map(existing.map((record) => [record.key, record.second ?? newest]));
	return remember(newest, newest, seen, settings);
}

/**
 * What one successful poll emits (the indexes into `answer`, oldest first) and the state after
 * it. `answer` is every record the CRM gave for [windowStart(state), …], in any order, possibly
 * with repeats and with records from before the window (they are ignored: the window is ours).
 */
export function applyPoll(
	state: PollState,
	answer: SeenRecord[],
	settings: PollSettings = DEFAULT_POLL_SETTINGS,
): { emit: number[]; next: PollState } {
	const start = windowStart(state, settings);
	const seen = new Map(Object.entries(state.seen));
	let cursor = state.cursor;
	const fresh: Array<{ index: number; second: number }> = [];
	answer.forEach((record, index) => {
		// A record without a readable time counts as made at the cursor: emitted once, like the others.
		const second = record.second ?? state.cursor;
		if (second < start || seen.has(record.key)) return;
		seen.set(record.key, second);
		cursor = Math.max(cursor, second);
		fresh.push({ index, second });
	});
	// Stable: records of one second keep the CRM's order.
	fresh.sort((a, b) => a.second - b.second);
	return { emit: fresh.map((entry) => entry.index), next: remember(cursor, state.floor, seen, settings) };
}

/** Reads a stored state back; anything malformed counts as no state (a fresh start). */
export function readState(value: unknown): PollState | undefined {
	if (value === null || typeof value !== 'object') return undefined;
	const { cursor, floor, seen } = value as Partial<PollState>;
	if (!Number.isFinite(cursor) || !Number.isFinite(floor) || seen === null || typeof seen !== 'object') return undefined;
	const kept = Object.entries(seen).filter(([, second]) => Number.isFinite(second));
	return { cursor: cursor as number, floor: floor as number, seen: Object.fromEntries(kept) };
}
