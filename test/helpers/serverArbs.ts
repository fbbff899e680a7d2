/**
 * Generators for the CRM server property tests (test/properties.server.test.ts): hosts, schemes,
 * ports, paths and whitespace as a user may type them, valid ones with the result the rules
 * promise, and user info with passwords that must never be repeated.
 */
import fc from 'fast-check';

/** The loopback hosts that may use plain http, decided here without the helper's own code. */
export function isLoopbackName(hostname: string): boolean {
	return (
		hostname === 'localhost' ||
		hostname === '[::1]' ||
		/^127(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(hostname)
	);
}

export const hostCharsArb = fc.constantFrom(
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
/** Dotted IPv4 addresses in canonical form, loopback ones (127.x.y.z), and legacy sv0000.crmvox.com hosts. */
const ipv4Arb = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
const loopbackArb = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => `127.${p.join('.')}`);
const legacyHostArb = fc.stringMatching(/^(sv|SV)[0-9]{4}\.crmvox\.com$/);
/** A hostname as a user may type it: valid or not, numeric, hex, loopback, legacy. */
export const typedHostArb: fc.Arbitrary<string> = fc.oneof(
	{
		weight: 6,
		arbitrary: fc.array(labelArb, { minLength: 1, maxLength: 4 }).map((l) => l.join('.')),
	},
	{ weight: 2, arbitrary: ipv4Arb },
	{ weight: 1, arbitrary: loopbackArb },
	{ weight: 1, arbitrary: legacyHostArb },
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
export const portArb = fc.option(
	fc.oneof(fc.constantFrom('', '80', '443', '0443', '8080', '99999'), fc.nat(65535).map(String)),
	{ nil: undefined },
);
export const tailArb = fc.oneof(
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
export const wsArb = fc.constantFrom('', ' ', '\n', '\t', ' \r\n');

export interface TypedServer {
	input: string;
	scheme: string;
	host: string;
	port: string | undefined;
}
export const typedServerArb: fc.Arbitrary<TypedServer> = fc
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
export function expectedHostname(typedHost: string): string {
	const name = typedHost.toLowerCase().replace(/\.$/, '');
	const legacy = /^sv(\d{4})\.crmvox\.com$/.exec(name);
	return legacy ? `crm${legacy[1]}.wolkvox.com` : name;
}

/** Splits "host:port" of a result, with the port the origin really connects to. */
export function endpointOf(origin: string): { hostname: string; port: number } {
	const url = new URL(origin);
	return {
		hostname: url.hostname,
		port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port),
	};
}

const USER_INFO_CHARS =
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=%:";
export const secretArb = fc
	.array(fc.constantFrom(...USER_INFO_CHARS.split('')), { minLength: 6, maxLength: 24 })
	// The "~" makes sure a match in a message is the secret itself, not a word that happens to match.
	.map((c) => `~${c.join('')}`);
/** How a scheme may be typed, including the typos URL parsers still read as a scheme. */
export const sloppyPrefixArb = fc.constantFrom(
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
export const anyHostishArb = fc.oneof(
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
		{ weight: 2, arbitrary: ipv4Arb },
		{ weight: 1, arbitrary: loopbackArb },
		{ weight: 1, arbitrary: legacyHostArb },
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
export const validServerArb: fc.Arbitrary<TypedServer> = fc
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
export function expectedServer({ scheme, host, port }: TypedServer): { origin: string; host: string } {
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
