/**
 * Property-based tests (fast-check) for normalizeServer, the reader of "CRM server": laws over
 * generated input (generators in helpers/serverArbs.ts). The example-based tests live in
 * server.test.ts; counterexamples the properties found are kept at the end as plain
 * regression tests.
 */
import fc from 'fast-check';

import { InvalidServerError, normalizeServer } from '../nodes/WolkvoxCrm/helpers/server';
import { outcome, safeShow, thrownBy } from './helpers/propertyTools';
import {
	anyHostishArb,
	endpointOf,
	expectedHostname,
	expectedServer,
	hostCharsArb,
	isLoopbackName,
	portArb,
	secretArb,
	sloppyPrefixArb,
	tailArb,
	typedHostArb,
	typedServerArb,
	validServerArb,
	wsArb,
} from './helpers/serverArbs';

const USER_INFO =
	'The CRM server must not contain a user name or password ("user:password@"). Enter only the host; the token goes in the Token field.';

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
