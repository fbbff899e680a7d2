import {
	InvalidServerError,
	isLoopbackHost,
	normalizeServer,
} from '../nodes/WolkvoxCrm/helpers/server';

const WHERE_TO_FIND =
	'Log in at https://crm.wolkvox.com and copy the host from the address bar, e.g. crm0001.wolkvox.com.';
const EMPTY = `The CRM server is empty. ${WHERE_TO_FIND}`;
const SPACES = `The CRM server must not contain spaces or control characters. ${WHERE_TO_FIND}`;
const USER_INFO =
	'The CRM server must not contain a user name or password ("user:password@"). Enter only the host; the token goes in the Token field.';
const notAHost = (typed: string) => `"${typed}" is not a server host. ${WHERE_TO_FIND}`;
const notWeb = (scheme: string) =>
	`The CRM server must be a web address (https://…), not "${scheme}://". ${WHERE_TO_FIND}`;

/** Runs normalizeServer and returns the error it throws; fails the test if it does not throw. */
function rejectionOf(input: unknown): InvalidServerError {
	let result: unknown;
	try {
		result = normalizeServer(input);
	} catch (error) {
		expect(error).toBeInstanceOf(InvalidServerError);
		expect((error as Error).name).toBe('InvalidServerError');
		return error as InvalidServerError;
	}
	throw new Error(`expected ${JSON.stringify(input)} to be rejected, got ${JSON.stringify(result)}`);
}

describe('normalizeServer: accepted input', () => {
	it.each([
		// What the docs tell the user to copy
		['crm0001.wolkvox.com', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		['crm0000.wolkvox.com', 'https://crm0000.wolkvox.com', 'crm0000.wolkvox.com'],
		['crm.wolkvox.com', 'https://crm.wolkvox.com', 'crm.wolkvox.com'],
		['crm01.wolkvox.com', 'https://crm01.wolkvox.com', 'crm01.wolkvox.com'],
		// Scheme, trailing slash, capitals, surrounding whitespace
		['https://crm0001.wolkvox.com/', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		['HTTPS://CRM0001.WOLKVOX.COM', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		['HtTpS://crm0001.wolkvox.com', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		['CRM0001.WOLKVOX.COM', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		['  crm0001.wolkvox.com \n', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		['\tcrm0001.wolkvox.com\r\n', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		['//crm0001.wolkvox.com', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		// A whole URL copied from the browser: path, query and fragment are dropped
		[
			'https://crm0001.wolkvox.com/es/app/module/contacts/647f6ff1660dff48d803ffe6?tab=2#notes',
			'https://crm0001.wolkvox.com',
			'crm0001.wolkvox.com',
		],
		['crm0001.wolkvox.com/server/API/v2/custom/delete.php', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		['https://crm0001.wolkvox.com/?next=/home', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		['https://crm0001.wolkvox.com#top', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		// An "@" after the path starts is part of the path, not credentials
		['crm0001.wolkvox.com/@someone', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		['https://crm0001.wolkvox.com/login?email=ana@example.com', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		['https://crm0001.wolkvox.com?email=ana@example.com', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		['crm0001.wolkvox.com#ana@example.com', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		// Ports: kept unless they are the default for the scheme
		['crm.example.com:8443', 'https://crm.example.com:8443', 'crm.example.com:8443'],
		['https://crm.example.com:8443/x', 'https://crm.example.com:8443', 'crm.example.com:8443'],
		['https://crm0001.wolkvox.com:443', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		['https://crm0001.wolkvox.com:0443', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		['crm0001.wolkvox.com:', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		// Trailing dot of a fully qualified name
		['crm0001.wolkvox.com.', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		['https://crm0001.wolkvox.com./', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		// Public IPv4 address
		['1.2.3.4', 'https://1.2.3.4', '1.2.3.4'],
		['255.255.255.255', 'https://255.255.255.255', '255.255.255.255'],
		// Label limits: 63 characters per label is the maximum
		[`${'a'.repeat(63)}.com`, `https://${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`],
		['a-b.wolkvox.com', 'https://a-b.wolkvox.com', 'a-b.wolkvox.com'],
		// Internationalised names become punycode
		['münchen.example', 'https://xn--mnchen-3ya.example', 'xn--mnchen-3ya.example'],
	])('%j → %s', (input, origin, host) => {
		expect(normalizeServer(input)).toEqual({ origin, host });
	});
});

describe('normalizeServer: legacy crmvox.com hosts', () => {
	it.each([
		['sv0000.crmvox.com', 'crm0000.wolkvox.com'],
		['sv0001.crmvox.com', 'crm0001.wolkvox.com'],
		['https://sv0001.crmvox.com/', 'crm0001.wolkvox.com'],
		['https://sv0000.crmvox.com/server/API/v2/custom/delete.php', 'crm0000.wolkvox.com'],
		['http://sv0001.crmvox.com', 'crm0001.wolkvox.com'],
		['SV0001.CRMVOX.COM', 'crm0001.wolkvox.com'],
		['sv0001.crmvox.com.', 'crm0001.wolkvox.com'],
		['https://sv0001.crmvox.com:443/login', 'crm0001.wolkvox.com'],
		// The old port has no meaning on the new host; it is dropped
		['sv0001.crmvox.com:8443', 'crm0001.wolkvox.com'],
	])('%j → https://%s', (input, host) => {
		expect(normalizeServer(input)).toEqual({ origin: `https://${host}`, host });
	});

	it.each(['sv00001.crmvox.com', 'sv001.crmvox.com', 'svabcd.crmvox.com', 'sv0001.crmvox.com.evil.example'])(
		'%j is not a legacy host and is kept as typed',
		(input) => {
			expect(normalizeServer(input)).toEqual({ origin: `https://${input}`, host: input });
		},
	);
});

describe('normalizeServer: clear text only for a local sandbox', () => {
	it.each([
		['127.0.0.1:8080', 'http://127.0.0.1:8080', '127.0.0.1:8080'],
		['http://127.0.0.1:8080/x', 'http://127.0.0.1:8080', '127.0.0.1:8080'],
		['127.0.0.1', 'http://127.0.0.1', '127.0.0.1'],
		['127.5.6.7:81', 'http://127.5.6.7:81', '127.5.6.7:81'],
		['localhost:3000', 'http://localhost:3000', 'localhost:3000'],
		['HTTP://LOCALHOST:3000/', 'http://localhost:3000', 'localhost:3000'],
		['http://localhost:80', 'http://localhost', 'localhost'],
		['localhost.', 'http://localhost', 'localhost'],
		['http://[::1]:9000', 'http://[::1]:9000', '[::1]:9000'],
		['[::1]', 'http://[::1]', '[::1]'],
	])('%j → %s', (input, origin, host) => {
		expect(normalizeServer(input)).toEqual({ origin, host });
	});

	it.each([
		['https://localhost', 'https://localhost', 'localhost'],
		['https://localhost:8443', 'https://localhost:8443', 'localhost:8443'],
		['https://127.0.0.1:8443', 'https://127.0.0.1:8443', '127.0.0.1:8443'],
		['https://[::1]:443', 'https://[::1]', '[::1]'],
	])('an explicit https on loopback stays https: %j', (input, origin, host) => {
		expect(normalizeServer(input)).toEqual({ origin, host });
	});

	it.each([
		['http://crm0001.wolkvox.com', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		['http://crm0001.wolkvox.com/', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		['HTTP://CRM0001.WOLKVOX.COM', 'https://crm0001.wolkvox.com', 'crm0001.wolkvox.com'],
		['http://crm.example.com:80', 'https://crm.example.com', 'crm.example.com'],
		['http://crm.example.com:8080', 'https://crm.example.com:8080', 'crm.example.com:8080'],
		['http://1.2.3.4', 'https://1.2.3.4', '1.2.3.4'],
		// Look-alikes of loopback are remote hosts
		['http://localhost.evil.example', 'https://localhost.evil.example', 'localhost.evil.example'],
		['http://127.0.0.1.nip.io', 'https://127.0.0.1.nip.io', '127.0.0.1.nip.io'],
		['http://0.0.0.0:8080', 'https://0.0.0.0:8080', '0.0.0.0:8080'],
	])('plain http to a remote host is upgraded to https: %j', (input, origin, host) => {
		const server = normalizeServer(input);
		expect(server).toEqual({ origin, host });
		expect(server.origin.startsWith('https://')).toBe(true);
	});
});

describe('normalizeServer: rejected input', () => {
	it.each([[''], ['   '], ['\n\t'], [null], [undefined], [42], [{}], [['crm0001.wolkvox.com']], [true]])(
		'empty or not text: %j',
		(input) => {
			expect(rejectionOf(input).message).toBe(EMPTY);
		},
	);

	it.each([
		['crm0001 .wolkvox.com'],
		['crm0001.wolkvox.com x'],
		['https://crm0001.wolkvox.com/a b'],
		['crm0001.wolkvox.com\tx'],
		['crm\n0001.wolkvox.com'],
		['crm0001.wolkvox.com\r\nX-Injected: 1'],
		['crm\u00010001.wolkvox.com'],
		['crm0001.wolkvox.com\u0000'],
		['crm\u007f.wolkvox.com'],
		['crm0001.wolkvox.com\u00a0x'],
	])('inner whitespace or control characters: %j', (input) => {
		expect(rejectionOf(input).message).toBe(SPACES);
	});

	it.each([
		['user:pass@crm0001.wolkvox.com'],
		['https://user:pass@crm0001.wolkvox.com'],
		['https://user@crm0001.wolkvox.com/'],
		['@crm0001.wolkvox.com'],
		['https://@crm0001.wolkvox.com'],
		['https://crm0001.wolkvox.com@evil.example'],
		['crm0001.wolkvox.com:443@evil.example'],
		['mailto:ana@example.com'],
	])('credentials in the URL: %j', (input) => {
		expect(rejectionOf(input).message).toBe(USER_INFO);
	});

	it.each([
		['https://admin:Sup3rS3cret@999.1.1.1', 'Sup3rS3cret'],
		['admin:Sup3rS3cret@[broken', 'Sup3rS3cret'],
		['https://admin:Sup3rS3cret@crm0001.wolkvox.com:99999', 'Sup3rS3cret'],
		['https://admin:Sup3rS3cret@crm0001.wolkvox.com', 'Sup3rS3cret'],
	])('the message for %j asks to remove the credentials and never repeats the password', (input, password) => {
		const error = rejectionOf(input);
		expect(error.message).toBe(USER_INFO);
		expect(error.message).not.toContain(password);
	});

	it.each([
		['ftp://crm0001.wolkvox.com', 'ftp'],
		['FTP://crm0001.wolkvox.com', 'ftp'],
		['ws://crm0001.wolkvox.com', 'ws'],
		['file:///etc/passwd', 'file'],
	])('scheme other than http(s): %j', (input, scheme) => {
		expect(rejectionOf(input).message).toBe(notWeb(scheme));
	});

	it.each([
		['javascript:alert(1)'],
		['data:text/html,hi'],
		['https://'],
		['https:/crm0001.wolkvox.com'],
		['https:crm0001.wolkvox.com'],
		['wolkvox'],
		['crm0001'],
		['crm..wolkvox.com'],
		['.crm0001.wolkvox.com'],
		['crm0001.wolkvox.com..'],
		['-bad.wolkvox.com'],
		['bad-.wolkvox.com'],
		['crm_1.wolkvox.com'],
		['999.1.1.1'],
		['256.0.0.1'],
		['crm.123'],
		[`${'a'.repeat(64)}.com`],
		[`${'a.'.repeat(130)}com`],
		['crm0001.wolkvox.com:99999'],
		['crm0001.wolkvox.com:abc'],
		['[2001:db8::1]'],
		['[::ffff:127.0.0.1]'],
	])('not a usable host: %j', (input) => {
		expect(rejectionOf(input).message).toBe(notAHost(input));
	});

	it('names the trimmed input in the message', () => {
		expect(rejectionOf('  wolkvox  ').message).toBe(notAHost('wolkvox'));
	});

	it('every rejection message says where to find the server or what to remove', () => {
		for (const input of ['', 'a b', 'ftp://x.example', 'wolkvox', 'crm..wolkvox.com']) {
			expect(rejectionOf(input).message).toContain(WHERE_TO_FIND);
		}
		expect(rejectionOf('u:p@crm0001.wolkvox.com').message).toContain('Enter only the host');
	});
});

describe('normalizeServer: properties of the result', () => {
	const inputs = [
		'crm0001.wolkvox.com',
		'https://crm0001.wolkvox.com/a/b?c=d#e',
		'crm.example.com:8443',
		'sv0001.crmvox.com',
		'127.0.0.1:8080',
		'http://[::1]:9000',
		'http://crm0001.wolkvox.com',
	];

	it.each(inputs)('origin is scheme://host with nothing after it: %j', (input) => {
		const { origin, host } = normalizeServer(input);
		expect(origin).toMatch(/^https?:\/\/[^/?#@\s]+$/);
		expect(origin.replace(/^https?:\/\//, '')).toBe(host);
	});

	it.each(inputs)('is idempotent: normalizing the origin again gives the same result (%j)', (input) => {
		const first = normalizeServer(input);
		expect(normalizeServer(first.origin)).toEqual(first);
	});

	it('never yields http for a host that is not loopback', () => {
		for (const input of ['http://crm0001.wolkvox.com', 'http://1.2.3.4:80', 'http://sv0001.crmvox.com', 'http://x.example:8080']) {
			const { origin, host } = normalizeServer(input);
			expect(origin).toBe(`https://${host}`);
		}
	});
});

describe('isLoopbackHost', () => {
	it.each(['localhost', '[::1]', '127.0.0.1', '127.255.255.254'])('%j is loopback', (host) => {
		expect(isLoopbackHost(host)).toBe(true);
	});

	it.each(['localhost.evil.example', '128.0.0.1', '0.0.0.0', '10.0.0.1', '::1', 'crm0001.wolkvox.com', '127.0.0.1.nip.io', ''])(
		'%j is not loopback',
		(host) => {
			expect(isLoopbackHost(host)).toBe(false);
		},
	);
});
