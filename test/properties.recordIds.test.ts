/**
 * Property-based tests (fast-check) for parseRecordIds, the parser of "Record IDs": laws over
 * generated input (generators in helpers/recordIdArbs.ts). The example-based tests live in
 * recordIds.test.ts; counterexamples the properties found are kept at the end as plain
 * regression tests. (The CRM server and the delete rules have their own properties.*.test.ts.)
 */
import fc from 'fast-check';

import { InvalidRecordIdsError, parseRecordIds } from '../nodes/WolkvoxCrm/helpers/recordIds';
import { outcome, safeShow, thrownBy } from './helpers/propertyTools';
import {
	anyInputArb,
	caseArb,
	idArb,
	joinIds,
	paddedIdArb,
	sepRunArb,
	singleSepArb,
	textListArb,
} from './helpers/recordIdArbs';

/** What the parser promises about every id it returns. */
function expectCleanIds(ids: unknown): void {
	expect(Array.isArray(ids)).toBe(true);
	// Plain checks (not one expect() per id): lists can be long.
	const bad = (ids as unknown[]).find(
		(id) =>
			typeof id !== 'string' ||
			id === '' ||
			id.trim() !== id ||
			// A separator inside an id would mean two ids were glued together.
			/[,;\r\n\t]/.test(id),
	);
	expect(bad).toBeUndefined();
}

/** Anything that is not an InvalidRecordIdsError (TypeError, RangeError...) fails the property. */
function parseOrRefuse(value: unknown): string[] | InvalidRecordIdsError {
	const result = outcome(() => parseRecordIds(value));
	if (result.ok) return result.value;
	if (result.error instanceof InvalidRecordIdsError) return result.error;
	throw new Error(`parseRecordIds threw ${String(result.error)} for ${safeShow(value)}`);
}

describe('parseRecordIds: properties', () => {
	it('never throws anything but InvalidRecordIdsError, and only returns clean ids (arbitrary input)', () => {
		fc.assert(
			fc.property(anyInputArb, (value) => {
				const result = parseOrRefuse(value);
				if (!(result instanceof InvalidRecordIdsError)) expectCleanIds(result);
				else expect(result.message).toMatch(/^(The record ID|Record ID #\d+(\.\d+)*) /);
			}),
			{ numRuns: 2000 },
		);
	});

	it('keeps every id, in order, from text with random separators, blank entries and whitespace', () => {
		fc.assert(
			fc.property(textListArb, ({ value, ids }) => {
				expect(parseRecordIds(value)).toEqual(ids);
			}),
			{ numRuns: 1000 },
		);
	});

	it('keeps every id, in order, from nested arrays, JSON text, numbers and query results', () => {
		fc.assert(
			fc.property(caseArb, ({ value, ids }) => {
				const parsed = parseRecordIds(value);
				expect(parsed).toEqual(ids);
				expectCleanIds(parsed);
			}),
			{ numRuns: 1000 },
		);
	});

	it('the same ids as text, as an array and as JSON text parse to the same list', () => {
		fc.assert(
			fc.property(
				fc.array(idArb, { maxLength: 30 }),
				fc.array(singleSepArb, { minLength: 1 }),
				(ids, seps) => {
					const text = joinIds(
						ids.map((id) => ({ text: id })),
						seps,
					);
					expect(parseRecordIds(text)).toEqual(ids);
					expect(parseRecordIds(ids)).toEqual(ids);
					expect(parseRecordIds(JSON.stringify(ids))).toEqual(ids);
					expect(parseRecordIds(ids.map((wolkvox_id) => ({ wolkvox_id })))).toEqual(ids);
				},
			),
			{ numRuns: 1000 },
		);
	});

	it('a very long list (20,000 ids, random separators) comes back whole and in order', () => {
		fc.assert(
			fc.property(
				fc.array(fc.stringMatching(/^[0-9a-f]{24}$/), { minLength: 20_000, maxLength: 20_000 }),
				fc.array(sepRunArb, { minLength: 1, maxLength: 50 }),
				(ids, seps) => {
					expect(
						parseRecordIds(
							joinIds(
								ids.map((id) => ({ text: id })),
								seps,
							),
						),
					).toEqual(ids);
					expect(parseRecordIds(ids)).toEqual(ids);
				},
			),
			// Once is enough for the size; shrinking 20,000 entries would take too long.
			{ numRuns: 1, endOnFailure: true },
		);
	});

	// ---- refusals name the entry ----

	/** Strings that cannot be an id: a forbidden character strictly inside. */
	const badTextArb = fc
		.tuple(
			idArb,
			fc.constantFrom(
				' ',
				'\u00a0',
				'\u2003',
				'"',
				"'",
				'[',
				']',
				'{',
				'}',
				'\u0001',
				'\u007f',
				'\u0000',
			),
			idArb,
		)
		.map(([a, bad, b]) => `${a}${bad}${b}`);
	/** Values that cannot be an id, and that survive JSON.stringify unchanged. */
	const badJsonableArb: fc.Arbitrary<unknown> = fc.oneof(
		fc.boolean(),
		badTextArb,
		fc.integer({ min: Number.MIN_SAFE_INTEGER, max: -1 }),
		fc
			.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 })
			.filter((n) => !Number.isInteger(n)),
		fc.constantFrom(2 ** 53, 1e300),
		fc.constantFrom<unknown>(
			{},
			{ id: 'x' },
			{ wolkvox_id: '' },
			{ wolkvox_id: '  ' },
			{ json: { wolkvox_id: 'x' } },
		),
	);
	const badValueArb: fc.Arbitrary<unknown> = fc.oneof(
		badJsonableArb,
		fc.constantFrom<unknown>(NaN, Infinity, -Infinity, new Date(0), BigInt(1), Symbol('x'), {
			wolkvox_id: 5,
		}),
	);
	/** Entries that are fine in a list (some hold no id; they still count as a position). */
	const goodEntryArb: fc.Arbitrary<unknown> = fc.oneof(
		idArb,
		paddedIdArb.map((p) => p.text),
		fc.maxSafeNat(),
		idArb.map((wolkvox_id) => ({ wolkvox_id })),
		fc.constantFrom<unknown>(null, '', '  ', []),
		fc.array(idArb, { maxLength: 3 }),
	);

	/** Checks the error names the entry: "The record ID ..." for a lone value, else "Record ID #<pos> ...". */
	function expectNamed(value: unknown, position: string): void {
		const error = thrownBy(() => parseRecordIds(value));
		expect(error).toBeInstanceOf(InvalidRecordIdsError);
		const expected = position === '' ? 'The record ID ' : `Record ID #${position} `;
		expect((error as Error).message.startsWith(expected)).toBe(true);
	}

	it('a bad entry in an array is refused with its position, also inside a nested array', () => {
		fc.assert(
			fc.property(
				fc.array(goodEntryArb, { maxLength: 8 }),
				fc.array(goodEntryArb, { maxLength: 8 }),
				fc.array(goodEntryArb, { maxLength: 4 }),
				badValueArb,
				fc.boolean(),
				(before, after, nestedBefore, bad, nested) => {
					if (nested) {
						const list = [...before, [...nestedBefore, bad], ...after];
						expectNamed(list, `${before.length + 1}.${nestedBefore.length + 1}`);
					} else {
						expectNamed([...before, bad, ...after], `${before.length + 1}`);
					}
				},
			),
			{ numRuns: 1000 },
		);
	});

	it('a bad entry in JSON text is refused with its position', () => {
		fc.assert(
			fc.property(
				fc.array(goodEntryArb, { maxLength: 8 }),
				fc.array(goodEntryArb, { maxLength: 8 }),
				badJsonableArb,
				(before, after, bad) => {
					expectNamed(JSON.stringify([...before, bad, ...after]), `${before.length + 1}`);
				},
			),
			{ numRuns: 1000 },
		);
	});

	it('a bad entry in a text list is refused with its position (one separator between entries)', () => {
		fc.assert(
			fc.property(
				fc.array(paddedIdArb, { maxLength: 10 }),
				fc.array(paddedIdArb, { maxLength: 10 }),
				badTextArb,
				fc.array(singleSepArb, { minLength: 1, maxLength: 5 }),
				fc.option(fc.array(paddedIdArb, { maxLength: 3 })),
				(before, after, bad, seps, arrayBefore) => {
					const entries = [...before, { text: bad }, ...after];
					const text = joinIds(entries, seps);
					const position = entries.length === 1 ? '' : `${before.length + 1}`;
					expectNamed(text, position);
					// The same text as an entry of an array: its position is prefixed.
					if (arrayBefore !== null) {
						const prefix = `${arrayBefore.length + 1}`;
						expectNamed(
							[...arrayBefore.map((p) => p.text), text],
							position === '' ? prefix : `${prefix}.${position}`,
						);
					}
				},
			),
			{ numRuns: 1000 },
		);
	});

	// ---- regressions found by the properties ----

	it('refuses lists nested too deeply instead of overflowing the stack (found by the properties)', () => {
		let deep: unknown = '647f6ff1660dff48d803ffe6';
		for (let i = 0; i < 20_000; i++) deep = [deep];
		expect(thrownBy(() => parseRecordIds(deep))).toBeInstanceOf(InvalidRecordIdsError);
		const deepJson = `${'['.repeat(20_000)}"647f6ff1660dff48d803ffe6"${']'.repeat(20_000)}`;
		expect(thrownBy(() => parseRecordIds(deepJson))).toBeInstanceOf(InvalidRecordIdsError);
	});

	it('refuses a list that contains itself instead of overflowing the stack', () => {
		const cyclic: unknown[] = ['647f6ff1660dff48d803ffe6'];
		cyclic.push(cyclic);
		const error = thrownBy(() => parseRecordIds(cyclic));
		expect(error).toBeInstanceOf(InvalidRecordIdsError);
		expect((error as Error).message).toMatch(/^Record ID #2\.2\.2/);
	});

	it('still accepts reasonably nested lists', () => {
		let nested: unknown = ['a1', 'b2'];
		for (let i = 0; i < 30; i++) nested = [nested];
		expect(parseRecordIds(nested)).toEqual(['a1', 'b2']);
	});
});

// ---------------------------------------------------------------------------------------------
// normalizeServer
// ---------------------------------------------------------------------------------------------
