/**
 * Turns whatever a user pastes as "CRM server" into the origin the API lives on.
 *
 * Users copy the host from the browser's address bar, often with the scheme, a path or a
 * trailing slash; old notes still carry the legacy crmvox.com hosts. We accept all of that,
 * keep only scheme + host + port, and refuse anything that would send the token somewhere
 * unexpected (credentials in the URL, odd characters, plain http to a remote host).
 */

export interface CrmServer {
	/** `https://crm0001.wolkvox.com` (or `http://127.0.0.1:PORT` for a local sandbox) */
	origin: string;
	/** host and port, for messages: `crm0001.wolkvox.com` */
	host: string;
}

/** Thrown for input that is not a usable server; the message says how to fix it. */
export class InvalidServerError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'InvalidServerError';
	}
}

const WHERE_TO_FIND =
	'Log in at https://crm.wolkvox.com and copy the host from the address bar, e.g. crm0001.wolkvox.com.';

// The hosts were moved on 2024-09-01 and the old names switched off after 2024-11-30.
const LEGACY_HOST = /^sv(\d{4})\.crmvox\.com$/;

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isLoopbackHost(hostname: string): boolean {
	if (hostname === 'localhost' || hostname === '[::1]') return true;
	const ipv4 = IPV4.exec(hostname);
	return ipv4 !== null && ipv4[1] === '127';
}

function isValidHostname(hostname: string): boolean {
	if (hostname === '[::1]') return true;
	const ipv4 = IPV4.exec(hostname);
	if (ipv4) return ipv4.slice(1).every((part) => Number(part) <= 255);
	if (hostname.length > 253) return false;
	const labels = hostname.split('.');
	// A bare word ("wolkvox") is almost always a typo; only localhost may be single-label.
	if (labels.length < 2 && hostname !== 'localhost') return false;
	return labels.every((label) => HOST_LABEL.test(label)) && !/^\d+$/.test(labels[labels.length - 1]);
}

/** The host as typed, lower-cased: after any scheme and slashes, before the port, path, query or fragment. */
function typedHostname(typed: string, hasScheme: boolean): string {
	const authority = (hasScheme ? typed.replace(/^[a-z][a-z0-9+.-]*:/i, '') : typed)
		.replace(/^[/\\]+/, '')
		.split(/[/\\?#]/, 1)[0];
	const host = authority.startsWith('[')
		? authority.slice(0, authority.indexOf(']') + 1)
		: authority.split(':', 1)[0];
	return host.toLowerCase();
}

function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

export function normalizeServer(input: unknown): CrmServer {
	if (typeof input !== 'string' || input.trim() === '') {
		throw new InvalidServerError(`The CRM server is empty. ${WHERE_TO_FIND}`);
	}
	const typed = input.trim();
	// eslint-disable-next-line no-control-regex
	if (/[\s\u0000-\u001f\u007f]/.test(typed)) {
		throw new InvalidServerError(
			`The CRM server must not contain spaces or control characters. ${WHERE_TO_FIND}`,
		);
	}

	const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(typed);
	const scheme = schemeMatch ? schemeMatch[1].toLowerCase() : undefined;
	if (scheme !== undefined && scheme !== 'https' && scheme !== 'http') {
		throw new InvalidServerError(
			`The CRM server must be a web address (https://…), not "${scheme}://". ${WHERE_TO_FIND}`,
		);
	}

	// Checked before parsing, so that the "not a server host" message never repeats a password.
	// The host part ends at the first "/", "?" or "#"; an "@" after that is in the path or query.
	// Any "scheme:" and slashes before it are skipped, also mistyped ones ("https:/u:pw@…", "//u:pw@…").
	const noUserInfo =
		'The CRM server must not contain a user name or password ("user:password@"). Enter only the host; the token goes in the Token field.';
	if (/^[^/?#]*@/.test(typed.replace(/^[a-z][a-z0-9+.-]*:/i, '').replace(/^[/\\]+/, ''))) {
		throw new InvalidServerError(noUserInfo);
	}
	const url = parseUrl(scheme ? typed : `https://${typed}`);
	if (url === undefined) {
		throw new InvalidServerError(`"${typed}" is not a server host. ${WHERE_TO_FIND}`);
	}
	if (url.username !== '' || url.password !== '') {
		throw new InvalidServerError(noUserInfo);
	}

	// The URL parser rewrites some hosts to other ones: "010.0.0.1" is octal (8.0.0.1), "192.168.1" is
	// 192.168.0.1, "%30" is decoded. Only an internationalised name may change (to punycode).
	const typedHost = typedHostname(typed, scheme !== undefined).replace(/\.$/, '');
	let hostname = url.hostname.replace(/\.$/, '');
	if ((/^[ -~]*$/.test(typedHost) && typedHost !== hostname) || !isValidHostname(hostname)) {
		throw new InvalidServerError(`"${typed}" is not a server host. ${WHERE_TO_FIND}`);
	}
	const legacy = LEGACY_HOST.exec(hostname);
	if (legacy) hostname = `crm${legacy[1]}.wolkvox.com`;

	// The token must never travel in clear text: plain http only for a local sandbox.
	const loopback = isLoopbackHost(hostname);
	const protocol = loopback && (scheme === 'http' || scheme === undefined) ? 'http' : 'https';
	const defaultPort = protocol === 'https' ? '443' : '80';
	// Without a scheme the text was read as https; a loopback host gets http, so read its port as http
	// does ("localhost:443" keeps 443).
	const typedPort =
		protocol === 'http' && scheme === undefined ? (parseUrl(`http://${typed}`) ?? url).port : url.port;
	const port = typedPort !== '' && typedPort !== defaultPort && !legacy ? `:${typedPort}` : '';
	const host = `${hostname}${port}`;
	return { origin: `${protocol}://${host}`, host };
}
