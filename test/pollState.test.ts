/**
 * The trigger's state logic (pollState.ts) and its newest-record search (newestRecords.ts),
 * tested directly. The property: for any sequence of polls (some failing), any creation times
 * (ties, records showing up late within the overlap), any order of the CRM's answers (repeats,
 * records from before the asked range), every record created after activation is emitted
 * exactly once and nothing from before activation is emitted.
 */
import fc from 'fast-check';

import { fetchWindow } from '../nodes/WolkvoxCrmTrigger/fetchWindow';
import { newestRecords } from '../nodes/WolkvoxCrmTrigger/newestRecords';
import {
	applyPoll,
	readState,
	startState,
	windowStart,
	type PollSettings,
	type PollState,
	type SeenRecord,
} from '../nodes/WolkvoxCrmTrigger/pollState';

const ACTIVATION = 100_000;

/** One step of the world: time passes, records appear (maybe late), then a poll runs or fails. */
const stepArbitrary = (overlap: number) =>
	fc.record({
		advance: fc.integer({ min: 0, max: 20 }),
		// How far before "now" each new record's creation time lies (late arrivals, ties).
		appear: fc.array(fc.integer({ min: 0, max: overlap }), { maxLength: 6 }),
		pollFails: fc.boolean(),
		// The CRM's answer: its order, repeats, and records from before the range it was asked for.
		seed: fc.integer(),
		looseSeconds: fc.integer({ min: 0, max: 90 }),
		repeats: fc.integer({ min: 0, max: 3 }),
	});

/** A shuffled answer of every visible record from `from - loose` on, some twice. */
function answerFor(visible: SeenRecord[], from: number, step: { seed: number; looseSeconds: number; repeats: number }): SeenRecord[] {
	const inRange = visible.filter((record) => (record.second ?? Infinity) >= from - step.looseSeconds);
	const answer = [...inRange, ...inRange.slice(0, step.repeats)];
	let seed = step.seed;
	for (let i = answer.length - 1; i > 0; i--) {
		seed = (seed * 1103515245 + 12345) & 0x7fffffff;
		const j = seed % (i + 1);
		[answer[i], answer[j]] = [answer[j], answer[i]];
	}
	return answer;
}

interface World {
	before: SeenRecord[];
	after: SeenRecord[];
	/** Records that showed up already older than the window the next poll asks. */
	unreachable: string[];
	emitted: string[];
	orderBroken: boolean;
	state: PollState;
}

function simulate(
	settings: PollSettings,
	beforeOffsets: number[],
	activationSees: 'all' | 'newest',
	steps: Array<ReturnType<typeof stepArbitrary> extends fc.Arbitrary<infer Step> ? Step : never>,
): World {
	const before = beforeOffsets.map((offset, index) => ({ key: `old-${index}`, second: ACTIVATION - offset }));
	// Activation sees the newest records (as newestRecords gives them), or all of them.
	const newest = Math.max(...before.map((record) => record.second));
	const existing = activationSees === 'all' ? before : before.filter((record) => record.second === newest);
	let state = startState(existing, ACTIVATION - 500, settings);
	const visible: SeenRecord[] = [...before];
	const after: SeenRecord[] = [];
	const unreachable: string[] = [];
	const emitted: string[] = [];
	let orderBroken = false;
	let clock = ACTIVATION;
	const poll = (step: { seed: number; looseSeconds: number; repeats: number }) => {
		const answer = answerFor(visible, windowStart(state, settings), step);
		const { emit, next } = applyPoll(state, answer, settings);
		const seconds = emit.map((index) => answer[index].second ?? 0);
		if (seconds.some((second, i) => i > 0 && second < seconds[i - 1])) orderBroken = true;
		emitted.push(...emit.map((index) => answer[index].key));
		state = next;
	};
	steps.forEach((step, stepIndex) => {
		clock += step.advance;
		step.appear.forEach((late, index) => {
			// Never before activation: those are the "old" records.
			const record = { key: `new-${stepIndex}-${index}`, second: Math.max(ACTIVATION, clock - late) };
			visible.push(record);
			after.push(record);
			if (record.second < windowStart(state, settings)) unreachable.push(record.key);
		});
		if (!step.pollFails) poll(step);
	});
	poll({ seed: 1, looseSeconds: 0, repeats: 0 });
	return { before, after, unreachable, emitted, orderBroken, state };
}

describe('poll state: every record once', () => {
	const overlap = 30;
	const settings: PollSettings = { overlapSeconds: overlap, maxRemembered: 10_000, answerCap: 100_000 };

	it('emits every record created after activation exactly once, oldest first, and none from before', () => {
		fc.assert(
			fc.property(
				fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 8 }),
				fc.constantFrom<'all' | 'newest'>('all', 'newest'),
				fc.array(stepArbitrary(overlap), { maxLength: 40 }),
				(beforeOffsets, activationSees, steps) => {
					const world = simulate(settings, beforeOffsets, activationSees, steps);
					expect(world.emitted.length).toBe(new Set(world.emitted).size);
					expect([...world.emitted].sort()).toEqual(world.after.map((record) => record.key).sort());
					expect(world.orderBroken).toBe(false);
				},
			),
			{ numRuns: 400 },
		);
	});

	it('never emits a record twice when it may remember only a few ids; what it drops is older than its floor', () => {
		fc.assert(
			fc.property(
				fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 8 }),
				fc.array(stepArbitrary(overlap), { maxLength: 40 }),
				fc.integer({ min: 1, max: 4 }),
				(beforeOffsets, steps, maxRemembered) => {
					const world = simulate({ overlapSeconds: overlap, maxRemembered, answerCap: 100_000 }, beforeOffsets, 'newest', steps);
					expect(world.emitted.length).toBe(new Set(world.emitted).size);
					expect(world.emitted.filter((key) => key.startsWith('old-'))).toEqual([]);
					expect(Object.keys(world.state.seen).length).toBeLessThanOrEqual(maxRemembered + 20);
				},
			),
			{ numRuns: 300 },
		);
	});
});

describe('poll state: the window asked again holds less than half an answer', () => {
	it('never emits twice; misses only records that showed up older than the window; a quiet window is one answer', () => {
		fc.assert(
			fc.property(
				fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 8 }),
				fc.array(stepArbitrary(30), { maxLength: 40 }),
				fc.integer({ min: 1, max: 8 }),
				(beforeOffsets, steps, answerCap) => {
					const settings: PollSettings = { overlapSeconds: 30, maxRemembered: 10_000, answerCap };
					const world = simulate(settings, beforeOffsets, 'newest', steps);
					expect(world.emitted.length).toBe(new Set(world.emitted).size);
					expect(world.emitted.filter((key) => key.startsWith('old-'))).toEqual([]);
					const missed = world.after.map((record) => record.key).filter((key) => !world.emitted.includes(key));
					expect(missed.filter((key) => !world.unreachable.includes(key))).toEqual([]);
					// What the next poll asks again: fewer known records than half an answer, or only the cursor's second.
					const start = windowStart(world.state, settings);
					const known = Object.values(world.state.seen).filter((second) => second >= start);
					const atCursor = known.filter((second) => second === world.state.cursor).length;
					expect(known.length < Math.max(1, Math.floor(answerCap / 2)) || known.length === atCursor).toBe(true);
				},
			),
			{ numRuns: 400 },
		);
	});
});

describe('poll state: examples', () => {
	const settings: PollSettings = { overlapSeconds: 600, maxRemembered: 5000, answerCap: 200 };

	it('starts at the newest existing record and remembers the ids at that second', () => {
		const state = startState(
			[
				{ key: 'a', second: 1000 },
				{ key: 'b', second: 2000 },
				{ key: 'c', second: 2000 },
			],
			0,
			settings,
		);
		expect(state).toEqual({ cursor: 2000, floor: 2000, seen: { b: 2000, c: 2000 } });
		// A third record of the same second shows up later: it is new; the two known ones are not.
		const { emit } = applyPoll(
			state,
			[
				{ key: 'c', second: 2000 },
				{ key: 'd', second: 2000 },
				{ key: 'b', second: 2000 },
			],
			settings,
		);
		expect(emit).toEqual([1]);
	});

	it('starts from the start of the searched range when the CRM had no record', () => {
		expect(startState([], 5000, settings)).toEqual({ cursor: 5000, floor: 5000, seen: {} });
	});

	it('counts a record without a readable creation time as made at the cursor, and emits it once', () => {
		const state: PollState = { cursor: 3000, floor: 0, seen: {} };
		const first = applyPoll(state, [{ key: 'x', second: undefined }], settings);
		expect(first.emit).toEqual([0]);
		expect(first.next.seen).toEqual({ x: 3000 });
		expect(applyPoll(first.next, [{ key: 'x', second: undefined }], settings).emit).toEqual([]);
	});

	it('takes any text as a record key, also the names of object properties', () => {
		const keys = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
		const first = applyPoll({ cursor: 10, floor: 0, seen: {} }, keys.map((key) => ({ key, second: 10 })), settings);
		expect(first.emit).toEqual([0, 1, 2, 3]);
		const stored = readState(JSON.parse(JSON.stringify(first.next)));
		expect(Object.keys(stored?.seen ?? {}).sort()).toEqual([...keys].sort());
		expect(applyPoll(stored!, keys.map((key) => ({ key, second: 10 })), settings).emit).toEqual([]);
	});

	it('reads a stored state back, and treats a malformed one as none', () => {
		expect(readState({ cursor: 1, floor: 0, seen: { a: 1, bad: 'x' }, module: 'contacts' })).toEqual({ cursor: 1, floor: 0, seen: { a: 1 } });
		expect(readState(undefined)).toBeUndefined();
		expect(readState({ cursor: '1', floor: 0, seen: {} })).toBeUndefined();
		expect(readState({ cursor: 1, floor: 0, seen: null })).toBeUndefined();
	});
});

describe('newestRecords', () => {
	/** A CRM answer: the records of [from, to], at most `limit`, in a scrambled order. */
	const crm = (seconds: number[], calls: Array<[number, number]>) => async (from: number, to: number, limit: number) => {
		calls.push([from, to]);
		const inRange = seconds.filter((second) => second >= from && second <= to).reverse();
		return { records: inRange.slice(0, limit).map((second) => ({ second })) };
	};

	it('finds a record of the newest second for any records and any cap, with few calls', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 300 }),
				fc.integer({ min: 1, max: 50 }),
				async (seconds, cap) => {
					const calls: Array<[number, number]> = [];
					const found = await newestRecords(crm(seconds, calls), 0, 100_000, cap);
					if (seconds.length === 0) {
						expect(found).toEqual([]);
						return;
					}
					expect(found.map((record) => record.second)).toContain(Math.max(...seconds));
					// At most two calls per halving of the range (17 halvings to one second), plus the first.
					expect(calls.length).toBeLessThanOrEqual(2 * 17 + 1);
				},
			),
			{ numRuns: 300 },
		);
	});

	it('needs one call when the range is not full', async () => {
		const calls: Array<[number, number]> = [];
		expect(await newestRecords(crm([5, 9, 7], calls), 0, 100, 200)).toHaveLength(3);
		expect(calls).toEqual([[0, 100]]);
	});
});

describe('fetchWindow: within the poll budget', () => {
	type Rec = { wolkvox_id: string; second: number };
	const fetchOver = (records: Rec[], cap: number, calls: { count: number }) => async (from: number, to: number, limit: number) => {
		calls.count++;
		const inRange = records.filter((record) => record.second >= from && record.second <= to);
		return { records: inRange.slice(0, Math.min(limit, cap)) };
	};

	it('stops after its time only with complete records: all of them before the cut, at least one new', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 120 }),
				fc.integer({ min: 2, max: 10 }),
				fc.integer({ min: 0, max: 12 }),
				async (seconds, cap, callsBeforeStop) => {
					// At most cap - 1 records per second: a second cannot be split.
					const perSecond = new Map<number, number>();
					const kept = seconds.filter((second) => {
						perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
						return perSecond.get(second)! < cap;
					});
					const records = kept.map((second, index) => ({ wolkvox_id: `r${index}`, second }));
					const calls = { count: 0 };
					const result = await fetchWindow(fetchOver(records, cap, calls) as never, {
						from: 0,
						to: 2000,
						cap,
						stopAfter: callsBeforeStop,
						now: () => calls.count,
						holdsNew: (fetched) => fetched.length > 0,
						secondOf: (record) => (record as Rec).second,
					});
					const ids = (list: unknown[]) => list.map((record) => (record as Rec).wolkvox_id).sort();
					if (result.cutAt === undefined) {
						expect(ids(result.records)).toEqual(ids(records));
					} else {
						expect(ids(result.records)).toEqual(ids(records.filter((record) => record.second < result.cutAt!)));
						expect(result.records.length).toBeGreaterThan(0);
					}
				},
			),
			{ numRuns: 300 },
		);
	});
});
