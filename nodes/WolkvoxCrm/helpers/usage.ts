/**
 * Reads the answer of token/tokenInformation.php (the token's daily usage). Pure: no HTTP, no n8n.
 *
 * The documented answer is
 * `{"code":"200","error":"null","msg":"…","data":{"token_limit":4800,"token_use_today":0,
 * "available_consumition_options":4800,"hours_to_rest…":"…"}}`: numbers may come as strings,
 * and the last key is cut off in the docs, so any key starting with `hours_to_` is read as
 * the hours until the count restarts. A value the answer does not give is null, never guessed.
 */

export interface TokenUsage {
	/** Calls the token may make per day (`token_limit`). */
	limit: number | null;
	/** Calls made today, the usage call itself included (`token_use_today`). */
	usedToday: number | null;
	/** Calls left today (`available_consumition_options`, the API's spelling). */
	remaining: number | null;
	/** Hours until the daily count restarts (the `hours_to_…` key). */
	hoursUntilReset: number | null;
}

/** A number, or a string holding only a number ("4800", " 12.5 "); anything else is null. */
export function numberOf(value: unknown): number | null {
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
	return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `data` as one object: as documented, or the first object of a list; undefined otherwise. */
function usageData(data: unknown): Record<string, unknown> | undefined {
	if (isObject(data)) return data;
	if (Array.isArray(data)) return data.find(isObject);
	return undefined;
}

/** The hours until the count restarts, from the first `hours_to_…` key that holds a number. */
export function hoursUntilResetOf(data: unknown): number | null {
	const fields = usageData(data);
	if (!fields) return null;
	for (const [key, value] of Object.entries(fields)) {
		if (key.toLowerCase().startsWith('hours_to_')) {
			const hours = numberOf(value);
			if (hours !== null) return hours;
		}
	}
	return null;
}

/** The usage in plain words from the envelope's `data`. */
export function readTokenUsage(data: unknown): TokenUsage {
	const fields = usageData(data) ?? {};
	return {
		limit: numberOf(fields.token_limit),
		usedToday: numberOf(fields.token_use_today),
		remaining: numberOf(fields.available_consumition_options),
		hoursUntilReset: hoursUntilResetOf(fields),
	};
}

/**
 * Calls left today: what the API says is left, or else its limit minus what it says was used.
 * Null when the answer says neither.
 */
export function callsLeft(usage: TokenUsage): number | null {
	if (usage.remaining !== null) return Math.max(0, usage.remaining);
	if (usage.limit !== null && usage.usedToday !== null) return Math.max(0, usage.limit - usage.usedToday);
	return null;
}

/** "in 5 hours" / "in 1 hour" as the API said, or "tomorrow, when the count restarts". */
export function whenQuotaRestarts(hoursUntilReset: number | null): string {
	if (hoursUntilReset === null) return 'tomorrow, when the count restarts';
	return `in ${hoursUntilReset} hour${hoursUntilReset === 1 ? '' : 's'} (as the API said)`;
}
