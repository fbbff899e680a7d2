/**
 * Generators for the Record IDs property tests (test/properties.recordIds.test.ts) and the delete
 * rules (test/properties.deleteRules.test.ts): ids, the separators and whitespace a user types
 * between them, and whole values (text, arrays, JSON, query results) with the ids they hold.
 */
import fc from 'fast-check';

import { outcome } from './propertyTools';


// Characters an id may hold: everything but whitespace, control characters, quotes, brackets
// and the list separators. Hex ids are what the CRM really uses; the rest is stress.
const ID_CHARS = [
	...'0123456789abcdefABCDEFxyz',
	...'-_.:/#@!$%&*+=?^|~<>()`\\',
	'é',
	'ñ',
	'中',
	'😀',
	'\u200b', // zero-width space: not whitespace for String.prototype.trim (see report)
];
export const idArb = fc.oneof(
	{ weight: 3, arbitrary: fc.stringMatching(/^[0-9a-f]{24}$/) },
	{ weight: 1, arbitrary: fc.stringMatching(/^[0-9]{1,30}$/) },
	{
		weight: 3,
		arbitrary: fc
			.array(fc.constantFrom(...ID_CHARS), { minLength: 1, maxLength: 30 })
			.map((c) => c.join('')),
	},
);

// Whitespace that trim() removes but that is not a separator, so it cannot create an entry.
const PAD_CHARS = [' ', '\u00a0', '\u2003', '\u3000', '\ufeff', '\v', '\f', '\u2028'];
const padArb = fc.array(fc.constantFrom(...PAD_CHARS), { maxLength: 3 }).map((c) => c.join(''));
export const paddedIdArb = fc
	.tuple(padArb, idArb, padArb)
	.map(([a, id, b]) => ({ text: `${a}${id}${b}`, id }));

const ONE_SEPARATOR = [',', ';', '\n', '\r\n', '\r', '\t'];
/** A single separator with optional non-separator whitespace around it. */
export const singleSepArb = fc
	.tuple(padArb, fc.constantFrom(...ONE_SEPARATOR), padArb)
	.map((p) => p.join(''));
/** Any run of separators and whitespace, including empty entries (",,", ", ,", blank lines). */
export const sepRunArb = fc
	.array(fc.oneof(fc.constantFrom(...ONE_SEPARATOR), padArb), { minLength: 1, maxLength: 5 })
	.filter((parts) => parts.some((p) => ONE_SEPARATOR.includes(p)))
	.map((p) => p.join(''));
/** Leading or trailing noise: separators and whitespace, possibly nothing. */
const edgeArb = fc
	.array(fc.oneof(fc.constantFrom(...ONE_SEPARATOR), padArb), { maxLength: 3 })
	.map((p) => p.join(''));

/** Joins padded ids with the given separators (one fewer than ids). */
export function joinIds(ids: Array<{ text: string }>, seps: string[]): string {
	return ids.map((p, i) => (i === 0 ? p.text : `${seps[(i - 1) % seps.length]}${p.text}`)).join('');
}

/** Free text holding the given ids: random separators, blank entries and surrounding noise. */
export const textListArb = fc
	.tuple(
		fc.array(paddedIdArb, { minLength: 1, maxLength: 25 }),
		fc.array(sepRunArb, { minLength: 1, maxLength: 25 }),
		edgeArb,
		edgeArb,
	)
	.map(([ids, seps, before, after]) => ({
		value: `${before}${joinIds(ids, seps)}${after}`,
		ids: ids.map((p) => p.id),
	}));

/** A value together with the ids it must parse to, in order. */
interface Case {
	value: unknown;
	ids: string[];
}

// Values that hold no id and must be skipped silently.
const emptyLeafArb: fc.Arbitrary<Case> = fc
	.oneof(fc.constantFrom<unknown>(null, undefined, '', [], [[]], '[]', ' [ ] '), edgeArb)
	.map((value) => ({ value, ids: [] }));

const leafArb: fc.Arbitrary<Case> = fc.oneof(
	{ weight: 4, arbitrary: paddedIdArb.map((p) => ({ value: p.text, ids: [p.id] })) },
	{ weight: 2, arbitrary: textListArb },
	{ weight: 1, arbitrary: emptyLeafArb },
	{
		weight: 1,
		arbitrary: fc.maxSafeNat().map((n) => ({ value: n, ids: [String(n)] })),
	},
	{
		// A query result: the id is taken from wolkvox_id, the other fields are ignored.
		weight: 2,
		arbitrary: fc
			.tuple(
				fc.oneof(
					paddedIdArb.map((p) => ({ value: p.text, ids: [p.id] })),
					textListArb,
				),
				fc.dictionary(
					fc.string({ maxLength: 8 }),
					fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
					{ maxKeys: 3 },
				),
			)
			.map(([c, extra]) => ({ value: { ...extra, wolkvox_id: c.value }, ids: c.ids })),
	},
);

/** Leaves inside arrays nested at random, sometimes as JSON text of a sub-list. */
export const { tree: caseArb } = fc.letrec<{ tree: Case; node: Case }>((tie) => ({
	tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leafArb, tie('node')),
	node: fc
		.tuple(fc.array(tie('tree'), { maxLength: 5 }), fc.constantFrom('array', 'json', 'json-padded'))
		.map(([children, form]) => {
			const list = children.map((c) => c.value);
			const ids = children.flatMap((c) => c.ids);
			if (form === 'array') return { value: list, ids };
			const json = JSON.stringify(list, null, form === 'json-padded' ? 2 : undefined);
			return { value: form === 'json-padded' ? `\n ${json} \n` : json, ids };
		}),
}));

/** Whatever an expression can hand over, and more. */
export const anyInputArb: fc.Arbitrary<unknown> = fc.letrec<{ any: unknown }>((tie) => ({
	any: fc.oneof(
		{ depthSize: 'small' },
		fc.anything({
			withBigInt: true,
			withBoxedValues: true,
			withDate: true,
			withMap: true,
			withSet: true,
			withNullPrototype: true,
			withObjectString: true,
			withSparseArray: true,
			withTypedArray: true,
			withUnicodeString: true,
		}),
		fc.string({
			unit: fc.constantFrom(
				...ID_CHARS,
				...ONE_SEPARATOR,
				...PAD_CHARS,
				'"',
				"'",
				'[',
				']',
				'{',
				'}',
				'\u0000',
				'\u0085',
			),
		}),
		fc.string({ unit: 'binary' }),
		fc.double(),
		fc.boolean(),
		fc.constantFrom(Symbol('id'), () => 'id', -0, NaN, Infinity, -Infinity, 2 ** 53),
		fc.record({ wolkvox_id: tie('any') }, { requiredKeys: [] }),
		fc.array(tie('any'), { maxLength: 5 }),
		tie('any')
			.map((v) => outcome(() => JSON.stringify(v)))
			.map((r) => (r.ok ? r.value : undefined)),
	),
})).any;
