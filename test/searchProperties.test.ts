/**
 * Property-based tests (fast-check) for Record → Search: the date conversion (helpers/dates.ts)
 * and the range splitting that makes results complete (engine/paging.ts), against a stand-in
 * CRM that caps its answers.
 */
import fc from 'fast-check';

import { recordsInRange, RangeTooDenseError } from '../nodes/WolkvoxCrm/engine/paging';
import { formatRange, formatWallSeconds, instantToWallSeconds, InvalidDateError, toWallSeconds } from '../nodes/WolkvoxCrm/helpers/dates';
import { readAnswer } from '../nodes/WolkvoxCrm/helpers/records';
import { answerQueryDates, recordsAt, type FakeCrm } from './helpers/search';

const ZONES = ['UTC', 'America/Bogota', 'America/Mexico_City', 'America/New_York', 'Europe/Madrid', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham'];
const MIN = Date.UTC(1971, 0, 1);
const MAX = Date.UTC(2099, 11, 31);

const wallTime = fc.integer({ min: MIN / 1000, max: MAX / 1000 });
const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

const swedishFormats = new Map<string, Intl.DateTimeFormat>();
/** "YYYY-MM-DD HH:MM:SS" in a zone, straight from Intl: the reference the node is checked against. */
function swedishFormat(zone: string): Intl.DateTimeFormat {
	if (!swedishFormats.has(zone)) swedishFormats.set(zone, new Intl.DateTimeFormat('sv-SE', { timeZone: zone, dateStyle: 'short', timeStyle: 'medium' }));
	return swedishFormats.get(zone)!;
}

describe('date conversion', () => {
	test('a wall time typed as "YYYY-MM-DD HH:MM[:SS]" or ISO without offset is taken as it is, in any zone', () => {
		fc.assert(
			fc.property(wallTime, fc.constantFrom(...ZONES), fc.boolean(), (seconds, zone, isoStyle) => {
				const text = formatWallSeconds(seconds, true);
				const typed = isoStyle ? text.replace(' ', 'T') : text;
				expect(toWallSeconds(typed, zone)).toBe(seconds);
				// Without seconds: the same minute.
				expect(toWallSeconds(formatWallSeconds(seconds, false), zone)).toBe(seconds - (seconds % 60));
			}),
			{ numRuns: 2000 },
		);
	});

	test('a moment with any offset lands on the wall time the zone shows for it (as Intl formats it)', () => {
		fc.assert(
			fc.property(fc.integer({ min: MIN, max: MAX }), fc.integer({ min: -14 * 60, max: 14 * 60 }), fc.constantFrom(...ZONES), (ms, offsetMinutes, zone) => {
				const instant = ms - (ms % 1000);
				// The moment written with this offset: its wall time there, plus the offset.
				const there = new Date(instant + offsetMinutes * 60_000).toISOString().slice(0, 19);
				const sign = offsetMinutes < 0 ? '-' : '+';
				const iso = `${there}${sign}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
				const expected = swedishFormat(zone).format(new Date(instant));
				expect(formatWallSeconds(toWallSeconds(iso, zone), true)).toBe(expected);
				// The same moment as a Date, epoch milliseconds or a Luxon-like object gives the same.
				expect(toWallSeconds(new Date(instant), zone)).toBe(toWallSeconds(iso, zone));
				// Numbers below 1e11 are read as epoch seconds (1e11 ms is March 1973).
				if (instant >= 1e11) expect(toWallSeconds(instant, zone)).toBe(toWallSeconds(iso, zone));
				expect(toWallSeconds(instant / 1000, zone)).toBe(toWallSeconds(iso, zone));
				expect(toWallSeconds({ toMillis: () => instant }, zone)).toBe(instantToWallSeconds(instant, zone));
			}),
			{ numRuns: 2000 },
		);
	});

	test('anything else is refused with InvalidDateError, never a wrong date', () => {
		fc.assert(
			fc.property(fc.oneof(fc.string(), fc.constantFrom('2026-02-29 10:00', '2026-04-31', '2026-11-01 24:00', '2026-11-01 10:60', '0999-01-01', '2026-11-01T10:00:00+2')), (text) => {
				let result: number | Error;
				try {
					result = toWallSeconds(text, 'UTC');
				} catch (error) {
					result = error as Error;
				}
				if (result instanceof Error) {
					expect(result).toBeInstanceOf(InvalidDateError);
					return;
				}
				// Accepted without an offset: it must read back as the same calendar date it started with.
				if (!/[zZ+]|\d-\d\d:?\d\d\s*$/.test(text.trim().slice(10))) expect(text.trim().slice(0, 10)).toBe(formatWallSeconds(result).slice(0, 10));
			}),
			{ numRuns: 3000 },
		);
	});

	test('request bounds: seconds only when a bound has them or the range is shorter than a minute, and they read back exactly', () => {
		fc.assert(
			fc.property(wallTime, fc.integer({ min: 0, max: 10_000 }), (from, length) => {
				const bounds = formatRange(from, from + length);
				const withSeconds = bounds.from.length === 19;
				expect(bounds.to.length).toBe(bounds.from.length);
				expect(withSeconds).toBe(from % 60 !== 0 || (from + length) % 60 !== 0 || length < 60);
				expect(toWallSeconds(bounds.from, 'UTC')).toBe(from);
				expect(toWallSeconds(bounds.to, 'UTC')).toBe(from + length);
			}),
			{ numRuns: 2000 },
		);
	});
});

/** Runs the range engine against a fake CRM; returns the records given or the error, and the calls made. */
async function search(crm: FakeCrm, from: number, to: number, limit?: number) {
	const calls: Array<{ from: number; to: number; limit: number }> = [];
	const fetch = async (a: number, b: number, askedFor: number) => {
		calls.push({ from: a, to: b, limit: askedFor });
		return readAnswer(answerQueryDates(crm, { ...formatRange(a, b), limit: askedFor }));
	};
	const given: Array<Record<string, unknown>> = [];
	try {
		for await (const record of recordsInRange(fetch, { from, to, cap: crm.cap, limit })) given.push(record);
		return { given, calls };
	} catch (error) {
		return { given, calls, error };
	}
}

/** Timestamps with many ties: a few "busy" seconds and a spread, over a span of up to two days. */
const distribution = fc
	.record({
		span: fc.integer({ min: 0, max: 172_800 }),
		busy: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
		picks: fc.array(fc.tuple(fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 300 }),
	})
	.map(({ span, busy, picks }) =>
		({
			span,
			seconds: picks.map(([toBusy, where]) => Math.floor((toBusy && busy.length ? busy[Math.floor(where * busy.length) % busy.length] : where) * span)),
		}),
	);

const START = Date.UTC(2026, 10, 1) / 1000;

describe('range splitting', () => {
	test('for any cap and any timestamps: every record exactly once, or a clear error when one second holds a full answer; calls stay bounded', async () => {
		await fc.assert(
			fc.asyncProperty(distribution, fc.integer({ min: 1, max: 40 }), fc.boolean(), async ({ span, seconds }, cap, minuteMeansEnd) => {
				const records = recordsAt(seconds.map((s) => START + s));
				const crm = { records, cap, minuteMeansEnd };
				const { given, calls, error } = await search(crm, START, START + span);

				const ties = new Map<number, number>();
				for (const s of seconds) ties.set(s, (ties.get(s) ?? 0) + 1);
				const densest = Math.max(0, ...ties.values());
				if (densest >= cap) {
					expect(error).toBeInstanceOf(RangeTooDenseError);
					expect((error as RangeTooDenseError).count).toBeGreaterThanOrEqual(cap);
				} else {
					expect(error).toBeUndefined();
					expect(given.map((record) => record.wolkvox_id).sort()).toStrictEqual(records.map((record) => record.wolkvox_id));
				}
				// Each depth of splitting has at most 2N/cap full answers (halves share one second), each asking twice more.
				const depth = Math.ceil(Math.log2(span + 1)) + 1;
				expect(calls.length).toBeLessThanOrEqual(1 + 2 * depth * Math.floor((2 * records.length) / cap));
			}),
			{ numRuns: 400 },
		);
	});

	test('with a limit: exactly min(limit, records) distinct records, and one call when the limit fits an answer', async () => {
		await fc.assert(
			fc.asyncProperty(distribution, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 100 }), async ({ span, seconds }, cap, limit) => {
				const records = recordsAt(seconds.map((s) => START + s));
				const { given, calls, error } = await search({ records, cap }, START, START + span, limit);
				const ids = given.map((record) => record.wolkvox_id);
				expect(new Set(ids).size).toBe(ids.length);
				if (error === undefined) expect(ids.length).toBe(Math.min(limit, records.length));
				else expect(error).toBeInstanceOf(RangeTooDenseError);
				if (limit <= cap) expect(calls).toHaveLength(1);
				// A range of one second asks for a whole answer, since it cannot be split.
				expect(calls[0].limit).toBe(span === 0 ? cap : Math.min(limit, cap));
			}),
			{ numRuns: 400 },
		);
	});

	test('a two-second range splits into its two seconds; a full second is the error', async () => {
		const records = recordsAt([START + 1, START + 1, START + 1]);
		const { given, calls, error } = await search({ records, cap: 3 }, START, START + 1);
		expect(given).toHaveLength(3);
		expect(calls.map(({ from, to }) => [from - START, to - START])).toStrictEqual([[0, 1], [0, 0], [1, 1]]);
		expect(error).toBeInstanceOf(RangeTooDenseError);
		expect((error as RangeTooDenseError).second).toBe(START + 1);
	});
});
