/**
 * Dates for the CRM's date-range search. The API takes and gives wall-clock times
 * ("YYYY-MM-DD HH:MM[:SS]") without a time zone, so inside the node a moment is a number of
 * wall-clock seconds: the seconds since 1970-01-01 00:00 of that wall time read as if it were
 * UTC. Ranges are then plain integers to split, whatever the zone. Pure: no n8n, no luxon.
 */

/** A date input the node could not read; the caller names the item and the field. */
export class InvalidDateError extends Error {}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Wall-clock seconds of these calendar fields, or undefined when they are no real date. */
function wallSeconds(year: number, month: number, day: number, hour: number, minute: number, second: number): number | undefined {
	if (year < 1000 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
	const milliseconds = Date.UTC(year, month - 1, day, hour, minute, second);
	// Date.UTC rolls 31 February over into March: a different day means it was not a date.
	if (new Date(milliseconds).getUTCDate() !== day) return undefined;
	return milliseconds / 1000;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(timeZone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		});
		formatters.set(timeZone, formatter);
	}
	return formatter;
}

/** The wall-clock seconds that a moment (milliseconds since the epoch) shows in a time zone. */
export function instantToWallSeconds(milliseconds: number, timeZone: string): number {
	const parts: Record<string, number> = {};
	for (const part of formatterFor(timeZone).formatToParts(new Date(milliseconds))) {
		if (part.type !== 'literal') parts[part.type] = Number(part.value);
	}
	const year = parts.year;
	return Date.UTC(year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) / 1000;
}

function fromString(text: string, timeZone: string): number {
	const match = WALL_TIME.exec(text.trim());
	if (!match) throw new InvalidDateError(`"${text}" is not a date and time`);
	const [, year, month, day, hour = '0', minute = '0', second = '0', offset] = match;
	const wall = wallSeconds(+year, +month, +day, +hour, +minute, +second);
	if (wall === undefined) throw new InvalidDateError(`"${text}" is not a real date and time`);
	if (offset === undefined) return wall; // already a wall time in the workflow's zone
	// A moment with an offset: find its wall time in the workflow's zone.
	let offsetMinutes = 0;
	if (offset.toUpperCase() !== 'Z') {
		const digits = offset.replace(':', '');
		offsetMinutes = (offset.startsWith('-') ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3) || 0));
	}
	return instantToWallSeconds((wall - offsetMinutes * 60) * 1000, timeZone);
}

/**
 * Reads a date parameter as wall-clock seconds in `timeZone` (the workflow's): a string
 * "YYYY-MM-DD HH:MM[:SS]" or an ISO string without offset is taken as it is (a date alone
 * means its midnight); an ISO string with an offset, a JavaScript Date, a Luxon DateTime (what
 * n8n expressions such as {{ $now }} give) or epoch milliseconds/seconds is converted. Fractions
 * of a second are dropped.
 */
export function toWallSeconds(value: unknown, timeZone: string): number {
	const seconds = typeof value === 'string' ? fromString(value, timeZone) : fromMoment(value, timeZone);
	if (seconds < FIRST_SECOND || seconds > LAST_SECOND) throw new InvalidDateError('this date is outside the years 1000 to 9999');
	return seconds;
}

const FIRST_SECOND = Date.UTC(1000, 0, 1) / 1000;
const LAST_SECOND = Date.UTC(9999, 11, 31, 23, 59, 59) / 1000;

function fromMoment(value: unknown, timeZone: string): number {
	let milliseconds: number | undefined;
	if (value instanceof Date) milliseconds = value.getTime();
	else if (typeof value === 'number') milliseconds = Math.abs(value) < 1e11 ? value * 1000 : value;
	else if (value !== null && typeof value === 'object' && typeof (value as { toMillis?: unknown }).toMillis === 'function') {
		milliseconds = Number((value as { toMillis(): unknown }).toMillis());
	}
	if (milliseconds === undefined) throw new InvalidDateError('this is not a date and time');
	if (!Number.isFinite(milliseconds)) throw new InvalidDateError('this is not a valid date and time');
	return Math.floor(instantToWallSeconds(milliseconds, timeZone));
}

/** "YYYY-MM-DD HH:MM", with ":SS" when `withSeconds`. */
export function formatWallSeconds(seconds: number, withSeconds = seconds % 60 !== 0): string {
	const iso = new Date(seconds * 1000).toISOString(); // 2026-11-01T08:30:05.000Z
	return `${iso.slice(0, 10)} ${iso.slice(11, withSeconds ? 19 : 16)}`;
}

/**
 * Both bounds of one request in the API's format. Seconds are added when a bound has them, or
 * when the range is shorter than a minute: "10:05" may mean 10:05:00 or 10:05:59 to the API,
 * which is too vague for a range that narrow.
 */
export function formatRange(from: number, to: number): { from: string; to: string } {
	const withSeconds = from % 60 !== 0 || to % 60 !== 0 || to - from < 60;
	return { from: formatWallSeconds(from, withSeconds), to: formatWallSeconds(to, withSeconds) };
}
