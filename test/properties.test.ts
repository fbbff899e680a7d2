/**
 * Property-based tests (fast-check) for the two input parsers users type into:
 * parseRecordIds ("Record IDs") and normalizeServer ("CRM server"), and for the delete rules
 * (confirmedIds: which of the ids sent a success answer confirms).
 *
 * The example-based tests live in recordIds.test.ts and server.test.ts; this file checks
 * laws over generated input. Counterexamples that properties found are kept at the end of
 * each section as plain regression tests.
 */
import fc from 'fast-check';

import { confirmedIds, deleteBatchOperation } from '../nodes/WolkvoxCrm/actions/record/delete.results';
import { InvalidRecordIdsError, parseRecordIds } from '../nodes/WolkvoxCrm/helpers/recordIds';
import { InvalidServerError, normalizeServer } from '../nodes/WolkvoxCrm/helpers/server';

/** Runs fn; returns its result or the value it threw (never rethrows). */
function outcome<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: unknown } {
	try {
		return { ok: true, value: fn() };
	} catch (error) {
		return { ok: false, error };
	}
}

/** Runs fn and returns the error it throws; fails the test (outside any catch block) if it returns. */
function thrownBy(fn: () => unknown): unknown {
	const result = outcome(fn);
	if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
	return result.error;
}

// ---------------------------------------------------------------------------------------------
// parseRecordIds
// ---------------------------------------------------------------------------------------------

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

function safeShow(value: unknown): string {
	const shown = outcome(() => fc.stringify(value));
	return (shown.ok ? shown.value : typeof value).slice(0, 300);
}

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
const idArb = fc.oneof(
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
const paddedIdArb = fc
	.tuple(padArb, idArb, padArb)
	.map(([a, id, b]) => ({ text: `${a}${id}${b}`, id }));

const ONE_SEPARATOR = [',', ';', '\n', '\r\n', '\r', '\t'];
/** A single separator with optional non-separator whitespace around it. */
const singleSepArb = fc
	.tuple(padArb, fc.constantFrom(...ONE_SEPARATOR), padArb)
	.map((p) => p.join(''));
/** Any run of separators and whitespace, including empty entries (",,", ", ,", blank lines). */
const sepRunArb = fc
	.array(fc.oneof(fc.constantFrom(...ONE_SEPARATOR), padArb), { minLength: 1, maxLength: 5 })
	.filter((parts) => parts.some((p) => ONE_SEPARATOR.includes(p)))
	.map((p) => p.join(''));
/** Leading or trailing noise: separators and whitespace, possibly nothing. */
const edgeArb = fc
	.array(fc.oneof(fc.constantFrom(...ONE_SEPARATOR), padArb), { maxLength: 3 })
	.map((p) => p.join(''));

/** Joins padded ids with the given separators (one fewer than ids). */
function joinIds(ids: Array<{ text: string }>, seps: string[]): string {
	return ids.map((p, i) => (i === 0 ? p.text : `${seps[(i - 1) % seps.length]}${p.text}`)).join('');
}

/** Free text holding the given ids: random separators, blank entries and surrounding noise. */
const textListArb = fc
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
const { tree: caseArb } = fc.letrec<{ tree: Case; node: Case }>((tie) => ({
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
const anyInputArb: fc.Arbitrary<unknown> = fc.letrec<{ any: unknown }>((tie) => ({
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

const USER_INFO =
	'The CRM server must not contain a user name or password ("user:password@"). Enter only the host; the token goes in the Token field.';

/** The loopback hosts that may use plain http, decided here without the helper's own code. */
function isLoopbackName(hostname: string): boolean {
	return (
		hostname === 'localhost' ||
		hostname === '[::1]' ||
		/^127(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(hostname)
	);
}

/** Anything that is not an InvalidServerError fails; a result must have the promised shape. */
function normalizeOrRefuse(input: unknown): { origin: string; host: string } | InvalidServerError {
	const result = outcome(() => normalizeServer(input));
	if (!result.ok) {
		if (result.error instanceof InvalidServerError) return result.error;
		throw new Error(`normalizeServer threw ${String(result.error)} for ${safeShow(input)}`);
	}
	const server = result.value;
	// Plain checks collected into one expect(): this runs thousands of times.
	const { origin, host } = server;
	const problems: string[] = [];
	if (Object.keys(server).sort().join() !== 'host,origin')
		problems.push('keys other than origin and host');
	if (typeof origin !== 'string' || typeof host !== 'string') {
		problems.push('origin or host is not a string');
	} else {
		const hostname = host.replace(/:\d+$/, '');
		if (origin.startsWith('http://')) {
			if (!isLoopbackName(hostname)) problems.push('plain http to a host that is not loopback');
			if (origin !== `http://${host}`) problems.push('origin is not http://<host>');
		} else if (origin !== `https://${host}`) {
			problems.push('origin is not https://<host>');
		}
		const url = new URL(origin);
		if (url.pathname !== '/' || url.search !== '' || url.hash !== '')
			problems.push('origin has a path, query or fragment');
		if (url.username !== '' || url.password !== '') problems.push('origin has user info');
		if (url.host !== host) problems.push(`new URL(origin).host is ${url.host}`);
		if (url.origin !== origin) problems.push(`new URL(origin).origin is ${url.origin}`);
	}
	expect({ input, server, problems }).toEqual({ input, server, problems: [] });
	return server;
}

const hostCharsArb = fc.constantFrom(
	..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/@?#[]\\%~!$&'()*+,;= \t\u00a0éÅ中".split(
		'',
	),
);

/** A DNS label (letters in both cases, digits, inner hyphens), sometimes only digits or hex. */
const labelArb = fc.oneof(
	{ weight: 5, arbitrary: fc.stringMatching(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?$/) },
	{ weight: 2, arbitrary: fc.stringMatching(/^[0-9]{1,4}$/) },
	{ weight: 1, arbitrary: fc.stringMatching(/^0x[0-9a-f]{1,3}$/) },
	{ weight: 1, arbitrary: fc.constantFrom('-a', 'a-', 'a_b', '') },
);
/** A hostname as a user may type it: valid or not, numeric, hex, loopback, legacy. */
const typedHostArb: fc.Arbitrary<string> = fc.oneof(
	{
		weight: 6,
		arbitrary: fc.array(labelArb, { minLength: 1, maxLength: 4 }).map((l) => l.join('.')),
	},
	{
		weight: 2,
		arbitrary: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.')),
	},
	{
		weight: 1,
		arbitrary: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => `127.${p.join('.')}`),
	},
	{ weight: 1, arbitrary: fc.stringMatching(/^(sv|SV)[0-9]{4}\.crmvox\.com$/) },
	{
		weight: 1,
		arbitrary: fc.constantFrom(
			'localhost',
			'LocalHost',
			'[::1]',
			'crm0001.wolkvox.com',
			'crm.wolkvox.com',
			'127.1',
			'010.0.0.1',
			'2130706433',
		),
	},
	{ weight: 1, arbitrary: fc.domain() },
);
const schemeArb = fc.constantFrom('', '', 'https://', 'http://', 'HTTPS://', 'HtTp://', '//');
const portArb = fc.option(
	fc.oneof(fc.constantFrom('', '80', '443', '0443', '8080', '99999'), fc.nat(65535).map(String)),
	{ nil: undefined },
);
const tailArb = fc.oneof(
	fc.constant(''),
	fc.constantFrom(
		'/',
		'/es/app/module/contacts/647f6ff1660dff48d803ffe6',
		'?tab=2',
		'#notes',
		'/@someone',
		'?email=ana@example.com',
		'#ana@example.com',
		'\\x',
	),
	fc.webPath(),
	fc.webQueryParameters().map((q) => `?${q}`),
	fc.webFragments().map((f) => `#${f}`),
);
const wsArb = fc.constantFrom('', ' ', '\n', '\t', ' \r\n');

interface TypedServer {
	input: string;
	scheme: string;
	host: string;
	port: string | undefined;
}
const typedServerArb: fc.Arbitrary<TypedServer> = fc
	.tuple(wsArb, schemeArb, typedHostArb, fc.boolean(), portArb, tailArb, wsArb)
	.map(([ws1, scheme, host, dot, port, tail, ws2]) => {
		const h = dot ? `${host}.` : host;
		return {
			input: `${ws1}${scheme}${h}${port === undefined ? '' : `:${port}`}${tail}${ws2}`,
			scheme,
			host: h,
			port,
		};
	});

/** The hostname the result must carry for a typed host: lower-cased, no trailing dot, legacy hosts renamed. */
function expectedHostname(typedHost: string): string {
	const name = typedHost.toLowerCase().replace(/\.$/, '');
	const legacy = /^sv(\d{4})\.crmvox\.com$/.exec(name);
	return legacy ? `crm${legacy[1]}.wolkvox.com` : name;
}

/** Splits "host:port" of a result, with the port the origin really connects to. */
function endpointOf(origin: string): { hostname: string; port: number } {
	const url = new URL(origin);
	return {
		hostname: url.hostname,
		port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port),
	};
}

const USER_INFO_CHARS =
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=%:";
const secretArb = fc
	.array(fc.constantFrom(...USER_INFO_CHARS.split('')), { minLength: 6, maxLength: 24 })
	// The "~" makes sure a match in a message is the secret itself, not a word that happens to match.
	.map((c) => `~${c.join('')}`);
/** How a scheme may be typed, including the typos URL parsers still read as a scheme. */
const sloppyPrefixArb = fc.constantFrom(
	'',
	'https://',
	'http://',
	'HTTPS://',
	'//',
	'/',
	'\\\\',
	'https:/',
	'https:',
	'https:///',
	'https:\\\\',
	'https:/\\',
	'http:\\',
	'ftp:/',
	'ftp://',
	' https://',
);
const anyHostishArb = fc.oneof(
	typedHostArb,
	fc.constantFrom(
		'999.1.1.1',
		'[broken',
		'crm_1.wolkvox.com',
		'crm0001.wolkvox.com:99999',
		'wolkvox',
		'a..b',
		'',
	),
	fc.string({ unit: hostCharsArb, maxLength: 20 }),
);

/** Hosts that must be accepted: valid names with a letters-only TLD, canonical IPv4, loopback, legacy. */
const validHostArb: fc.Arbitrary<string> = fc
	.oneof(
		{
			weight: 6,
			arbitrary: fc
				.tuple(
					fc.array(fc.stringMatching(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?$/), {
						minLength: 1,
						maxLength: 3,
					}),
					fc.stringMatching(/^[a-zA-Z]{2,6}$/),
				)
				.map(([labels, tld]) => [...labels, tld].join('.')),
		},
		{
			weight: 2,
			arbitrary: fc
				.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255))
				.map((p) => p.join('.')),
		},
		{
			weight: 1,
			arbitrary: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => `127.${p.join('.')}`),
		},
		{ weight: 1, arbitrary: fc.stringMatching(/^(sv|SV)[0-9]{4}\.crmvox\.com$/) },
		{
			weight: 1,
			arbitrary: fc.constantFrom(
				'localhost',
				'LOCALHOST',
				'crm0001.wolkvox.com',
				'crm.wolkvox.com',
			),
		},
		{ weight: 1, arbitrary: fc.domain() },
	)
	// "xn--" labels must be valid punycode; random ones are not (and are rightly refused).
	.filter((host) => !/(^|\.)xn--/i.test(host));
const validPortArb = fc.option(
	fc.oneof(fc.constantFrom('', '80', '443', '0443', '8080'), fc.nat(65535).map(String)),
	{ nil: undefined },
);
const validServerArb: fc.Arbitrary<TypedServer> = fc
	.tuple(
		wsArb,
		schemeArb,
		fc.oneof(
			{ weight: 9, arbitrary: validHostArb.chain((h) => fc.constantFrom(h, `${h}.`)) },
			{ weight: 1, arbitrary: fc.constant('[::1]') },
		),
		validPortArb,
		tailArb,
		wsArb,
	)
	// "host:" followed by "/" reads as a scheme ("a.example://x", "a.example:/@x"): not generated here.
	.map(([ws1, scheme, host, p, tail, ws2]) =>
		p === '' && /^[/\\]/.test(tail)
			? ([ws1, scheme, host, undefined, tail, ws2] as const)
			: ([ws1, scheme, host, p, tail, ws2] as const),
	)
	.map(([ws1, scheme, host, port, tail, ws2]) => ({
		input: `${ws1}${scheme}${host}${port === undefined ? '' : `:${port}`}${tail}${ws2}`,
		scheme,
		host,
		port,
	}));

/** The result the rules promise, computed here from the parts that were typed. */
function expectedServer({ scheme, host, port }: TypedServer): { origin: string; host: string } {
	const hostname = expectedHostname(host);
	const legacy = /^sv\d{4}\.crmvox\.com\.?$/i.test(host);
	const typedScheme = { 'https://': 'https', 'http://': 'http' }[scheme.toLowerCase()];
	const protocol = isLoopbackName(hostname) && typedScheme !== 'https' ? 'http' : 'https';
	const defaults: Record<string, number> = { http: 80, https: 443 };
	const explicit = port === undefined || port === '' ? undefined : Number(port);
	const keepPort =
		!legacy &&
		explicit !== undefined &&
		!(typedScheme !== undefined && explicit === defaults[typedScheme]) &&
		explicit !== defaults[protocol];
	const withPort = keepPort ? `${hostname}:${explicit}` : hostname;
	return { origin: `${protocol}://${withPort}`, host: withPort };
}

describe('normalizeServer: properties', () => {
	it('accepts every valid host, with any scheme, port, path, query, fragment, trailing dot or whitespace', () => {
		fc.assert(
			fc.property(validServerArb, (typed) => {
				expect(normalizeOrRefuse(typed.input)).toEqual(expectedServer(typed));
			}),
			{ numRuns: 2000 },
		);
	});

	it('returns {origin, host} of the promised shape or throws InvalidServerError (arbitrary strings)', () => {
		fc.assert(
			fc.property(
				fc.oneof(
					fc.string(),
					fc.string({ unit: 'binary' }),
					fc.string({ unit: hostCharsArb, maxLength: 40 }),
					fc.webUrl({
						validSchemes: ['https', 'http', 'ftp', 'HTTPS'],
						withFragments: true,
						withQueryParameters: true,
						authoritySettings: {
							withIPv4: true,
							withIPv6: true,
							withIPv4Extended: true,
							withPort: true,
							withUserInfo: true,
						},
					}),
					typedServerArb.map((t) => t.input),
					fc.anything(),
				),
				(input) => {
					normalizeOrRefuse(input);
				},
			),
			{ numRuns: 2000 },
		);
	});

	it('keeps the typed host and port (lower-cased, no trailing dot, only legacy hosts renamed)', () => {
		fc.assert(
			fc.property(typedServerArb, ({ input, scheme, host, port }) => {
				const result = normalizeOrRefuse(input);
				if (result instanceof InvalidServerError) return;
				const { hostname, port: realPort } = endpointOf(result.origin);
				expect(hostname).toBe(expectedHostname(host));
				const legacy = /^sv\d{4}\.crmvox\.com\.?$/i.test(host);
				const typedScheme = scheme.toLowerCase().replace('://', '');
				const schemeDefault =
					typedScheme === 'http' ? 80 : typedScheme === 'https' ? 443 : undefined;
				const explicit = port === undefined || port === '' ? undefined : Number(port);
				if (legacy) expect(result.origin).toBe(`https://${hostname}`);
				else if (explicit === undefined || explicit === schemeDefault) {
					// No port, or the default one of the typed scheme: the default of the scheme used.
					expect(result.host).toBe(hostname);
				} else {
					expect(realPort).toBe(explicit);
				}
			}),
			{ numRuns: 2000 },
		);
	});

	it('plain http only for a loopback host typed with http:// or without a scheme', () => {
		fc.assert(
			fc.property(typedServerArb, ({ input, scheme }) => {
				const result = normalizeOrRefuse(input);
				if (result instanceof InvalidServerError) return;
				const http = result.origin.startsWith('http://');
				const { hostname } = endpointOf(result.origin);
				expect(http).toBe(isLoopbackName(hostname) && scheme.toLowerCase() !== 'https://');
			}),
			{ numRuns: 1000 },
		);
	});

	it('is idempotent: the origin it returns normalizes to itself', () => {
		fc.assert(
			fc.property(typedServerArb, ({ input }) => {
				const result = normalizeOrRefuse(input);
				if (result instanceof InvalidServerError) return;
				expect(normalizeServer(result.origin)).toEqual(result);
				// The bare host gives the same, except https typed explicitly for a loopback host.
				if (
					result.origin.startsWith('http://') ||
					!isLoopbackName(endpointOf(result.origin).hostname)
				) {
					expect(normalizeServer(result.host)).toEqual(result);
				}
			}),
			{ numRuns: 1000 },
		);
	});

	it('never yields a result for a value with user info', () => {
		fc.assert(
			fc.property(
				fc.oneof(
					fc
						.tuple(
							sloppyPrefixArb,
							fc.stringMatching(/^[a-zA-Z0-9._~-]{0,8}$/),
							fc.option(secretArb),
							typedHostArb,
							portArb,
							tailArb,
						)
						.map(
							([prefix, user, secret, host, port, tail]) =>
								`${prefix}${user}${secret === null ? '' : `:${secret}`}@${host}${port === undefined ? '' : `:${port}`}${tail}`,
						),
					fc
						.webUrl({ authoritySettings: { withUserInfo: true, withPort: true, withIPv4: true } })
						.filter((u) => /^[a-z]+:\/\/[^/?#]*@/.test(u)),
				),
				(input) => {
					const result = normalizeOrRefuse(input);
					expect(result).toBeInstanceOf(InvalidServerError);
				},
			),
			{ numRuns: 1500 },
		);
	});

	it('a value whose real host is X never yields another host Y hidden after "@"', () => {
		fc.assert(
			fc.property(
				fc.constantFrom('', 'https://', 'http://', '//'),
				typedHostArb,
				fc.constantFrom('#', '/', '?', '\\', '#/', '?x=', '/#', '\\\\', '#\\'),
				fc.string({ unit: fc.constantFrom(...'ab:/.@'.split('')), maxLength: 5 }),
				typedHostArb,
				(scheme, x, sep, junk, y) => {
					fc.pre(expectedHostname(x) !== expectedHostname(y));
					const result = normalizeOrRefuse(`${scheme}${x}${sep}${junk}@${y}`);
					if (result instanceof InvalidServerError) return;
					expect(endpointOf(result.origin).hostname).toBe(expectedHostname(x));
				},
			),
			{ numRuns: 1500 },
		);
	});

	it('"good@evil", "good:443@evil" and "user:good@evil" are refused, whichever host the reader picks', () => {
		fc.assert(
			fc.property(
				fc.constantFrom('', 'https://', 'http://', '//', 'HTTPS://'),
				typedHostArb,
				portArb,
				typedHostArb,
				(scheme, good, port, evil) => {
					const withPort = port === undefined ? '' : `:${port}`;
					expect(normalizeOrRefuse(`${scheme}${good}${withPort}@${evil}`)).toBeInstanceOf(
						InvalidServerError,
					);
					expect(normalizeOrRefuse(`${scheme}user:${good}@${evil}`)).toBeInstanceOf(
						InvalidServerError,
					);
				},
			),
			{ numRuns: 1000 },
		);
	});

	it('the error message never repeats a typed password', () => {
		fc.assert(
			fc.property(
				sloppyPrefixArb,
				fc.stringMatching(/^[a-zA-Z0-9._-]{0,8}$/),
				secretArb,
				anyHostishArb,
				tailArb,
				wsArb,
				(prefix, user, secret, host, tail, ws) => {
					const input = `${ws}${prefix}${user}:${secret}@${host}${tail}${ws}`;
					const result = normalizeOrRefuse(input);
					expect(result).toBeInstanceOf(InvalidServerError);
					expect((result as Error).message).not.toContain(secret);
				},
			),
			{ numRuns: 2000 },
		);
	});

	// ---- regressions found by the properties ----

	it.each([
		['https:/admin:Sup3rS3cret@crm0001.wolkvox.com'],
		['https:/\\admin:Sup3rS3cret@crm0001.wolkvox.com'],
		['https:///admin:Sup3rS3cret@999.1.1.1'],
		['//admin:Sup3rS3cret@999.1.1.1'],
		['/admin:Sup3rS3cret@crm.example.com:99999'],
		['ftp:/admin:Sup3rS3cret@crm0001.wolkvox.com'],
	])('user info after a mistyped scheme is refused without repeating the password: %j', (input) => {
		const error = thrownBy(() => normalizeServer(input));
		expect(error).toBeInstanceOf(InvalidServerError);
		expect((error as Error).message).toBe(USER_INFO);
	});

	it.each([
		// The URL parser reads these as other addresses: octal, shortened or a single number.
		['010.0.0.1'], // would be 8.0.0.1
		['192.168.1'], // would be 192.168.0.1
		['1.2.3'], // would be 1.2.0.3
		['2130706433'], // would be 127.0.0.1
		['0x7f.1'], // would be 127.0.0.1
		['https://127.000.000.001'],
		// Percent-escapes in the host are decoded by the parser
		['crm%30001.wolkvox.com'],
		['evil%2eexample.net'],
		// The same loopback address, but not as typed; only [::1] is accepted
		['[0:0:0:0:0:0:0:1]'],
	])('a host the URL parser would rewrite to another name is refused: %j', (input) => {
		const error = thrownBy(() => normalizeServer(input));
		expect(error).toBeInstanceOf(InvalidServerError);
		expect((error as Error).message).toContain('is not a server host');
	});

	it.each([
		['localhost:443', 'http://localhost:443', 'localhost:443'],
		['127.0.0.1:443', 'http://127.0.0.1:443', '127.0.0.1:443'],
		['//localhost:443/x', 'http://localhost:443', 'localhost:443'],
	])('a loopback host typed without a scheme keeps its port: %j', (input, origin, host) => {
		expect(normalizeServer(input)).toEqual({ origin, host });
	});

	it.each([
		['1.2.3.4.', 'https://1.2.3.4', '1.2.3.4'],
		['http://127.0.0.1.:8080/', 'http://127.0.0.1:8080', '127.0.0.1:8080'],
		['CRM0001.WOLKVOX.COM.:8443', 'https://crm0001.wolkvox.com:8443', 'crm0001.wolkvox.com:8443'],
	])('a typed host with a trailing dot is still the typed host: %j', (input, origin, host) => {
		expect(normalizeServer(input)).toEqual({ origin, host });
	});
});

// ---------------------------------------------------------------------------------------------
// confirmedIds: the delete rules
// ---------------------------------------------------------------------------------------------

/** Ids as the parser returns them; a small pool of short ones makes repeats and overlaps likely. */
const sentIdArb = fc.oneof(fc.constantFrom('a', 'b', 'c', 'd'), idArb);

/** What a success answer may list: ids sent (maybe padded), other ids, blanks, in the shapes the API may use. */
const answerArb = fc
	.array(sentIdArb, { minLength: 1, maxLength: 20 })
	.chain((sent) =>
		fc.record({
			sent: fc.constant(sent),
			listed: fc.array(
				fc.oneof(
					fc.constantFrom(...sent),
					fc.constantFrom(...sent).map((id) => ` ${id}\t`),
					sentIdArb,
					fc.constantFrom('', ' ', '\n'),
				),
				{ maxLength: 25 },
			),
			shape: fc.constantFrom('list', 'string', 'records', 'no data', 'null data', 'list of blanks'),
			code: fc.constantFrom(200, '200'),
		}),
	);

function envelopeOf({ listed, shape, code }: { listed: string[]; shape: string; code: number | string }) {
	const base = { code, error: 'null', msg: 'Have been succesfully removed' };
	switch (shape) {
		case 'list':
			return { ...base, data: { wolkvox_id: listed } };
		case 'string':
			return { ...base, data: { wolkvox_id: listed[0] ?? '' } };
		case 'records':
			return { ...base, data: listed.map((id) => ({ wolkvox_id: id })) };
		case 'null data':
			return { ...base, data: null };
		case 'list of blanks':
			return { ...base, data: { wolkvox_id: listed.map(() => '') } };
		default:
			return base;
	}
}

/** The ids an envelope of that shape really lists (blanks name nothing; padding is not part of an id). */
function listedBy({ listed, shape }: { listed: string[]; shape: string }): Set<string> {
	const named = shape === 'list' || shape === 'records' ? listed : shape === 'string' ? listed.slice(0, 1) : [];
	return new Set(named.map((id) => id.trim()).filter((id) => id !== ''));
}

describe('confirmedIds (the delete rules): properties', () => {
	it('removed and not removed split the ids sent: each id sent is in exactly one, in the order sent', () => {
		fc.assert(
			fc.property(answerArb, (answer) => {
				const { removed, notRemoved } = confirmedIds(answer.sent, envelopeOf(answer));
				const listed = listedBy(answer);
				const said = (id: string) => (listed.size === 0 || listed.has(id) ? removed : notRemoved);
				// Each occurrence of an id sent, in order, is consumed from the side the rule puts it on.
				const left = { removed: [...removed], notRemoved: [...notRemoved] };
				for (const id of answer.sent) {
					const side = said(id) === removed ? left.removed : left.notRemoved;
					expect(side.shift()).toBe(id);
				}
				expect(left).toStrictEqual({ removed: [], notRemoved: [] });
			}),
			{ numRuns: 500 },
		);
	});

	it('when the answer lists any id, only listed ids are removed and every listed id sent is removed; when it lists none, all are', () => {
		fc.assert(
			fc.property(answerArb, (answer) => {
				const { removed, notRemoved } = confirmedIds(answer.sent, envelopeOf(answer));
				const listed = listedBy(answer);
				if (listed.size === 0) {
					expect(removed).toStrictEqual(answer.sent);
					expect(notRemoved).toStrictEqual([]);
				} else {
					expect(removed.filter((id) => !listed.has(id))).toStrictEqual([]);
					expect(notRemoved.filter((id) => listed.has(id))).toStrictEqual([]);
				}
			}),
			{ numRuns: 500 },
		);
	});

	it('Batch Across Items reads the same answer the same way: done exactly for the removed ids, a reason for the others', () => {
		fc.assert(
			fc.property(answerArb, (answer) => {
				const envelope = envelopeOf(answer);
				const { removed } = confirmedIds(answer.sent, envelope);
				const readings = deleteBatchOperation.readSuccess(answer.sent, envelope);
				expect(readings).toHaveLength(answer.sent.length);
				expect(answer.sent.filter((_, index) => readings[index].done)).toStrictEqual(removed);
				const reasons = readings.filter((reading) => !reading.done).map((reading) => !reading.done && reading.reason);
				expect(reasons.every((reason) => typeof reason === 'string' && reason.includes('did not list'))).toBe(true);
			}),
			{ numRuns: 300 },
		);
	});
});
