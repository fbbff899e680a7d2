import { InvalidTokenError, normalizeToken } from '../nodes/WolkvoxCrm/helpers/token';

const NO_TOKEN =
	'The Wolkvox CRM API credential has no token. Paste the token from CRM → Configuration → Wolkvox Integration → Tokens.';
const ONE_LINE =
	'The token in the Wolkvox CRM API credential contains line breaks or control characters. Copy it again from the CRM and paste it as one line.';

// Built at run time: real CRM tokens are long lowercase hex strings (~50–70 characters).
const hexToken = 'a1b2c3d4e5f6'.repeat(5);
const halfA = hexToken.slice(0, 30);
const halfB = hexToken.slice(30);

/** Runs normalizeToken and returns the error it throws; fails the test if it does not throw. */
function rejectionOf(value: unknown): InvalidTokenError {
	try {
		normalizeToken(value);
	} catch (error) {
		expect(error).toBeInstanceOf(InvalidTokenError);
		expect((error as Error).name).toBe('InvalidTokenError');
		return error as InvalidTokenError;
	}
	throw new Error('expected the value to be rejected');
}

describe('normalizeToken: accepted', () => {
	it.each([
		['as pasted', hexToken, hexToken],
		['surrounding spaces', `  ${hexToken}  `, hexToken],
		['a trailing newline (copied with the line end)', `${hexToken}\n`, hexToken],
		['a trailing CRLF', `${hexToken}\r\n`, hexToken],
		['leading and trailing tabs', `\t${hexToken}\t`, hexToken],
		['surrounding non-breaking spaces', `\u00a0${hexToken}\u00a0`, hexToken],
		['a leading byte order mark', `\ufeff${hexToken}`, hexToken],
		['the short placeholder from the docs', 'A8K3J7F2', 'A8K3J7F2'],
		['upper case is kept as is', hexToken.toUpperCase(), hexToken.toUpperCase()],
	])('%s', (_, input, expected) => {
		expect(normalizeToken(input)).toBe(expected);
	});

	it('does not validate the format (the docs give none)', () => {
		expect(normalizeToken('x')).toBe('x');
		expect(normalizeToken('tok-en_with.punct/=+')).toBe('tok-en_with.punct/=+');
	});
});

describe('normalizeToken: rejected', () => {
	it.each([[''], [' '], ['\n\t\r\n'], [null], [undefined], [0], [12345], [{}], [[hexToken]], [true]])(
		'no usable token: %j',
		(input) => {
			expect(rejectionOf(input).message).toBe(NO_TOKEN);
		},
	);

	it.each([
		['a line break inside', `${halfA}\n${halfB}`],
		['a CRLF inside', `${halfA}\r\n${halfB}`],
		['a carriage return inside', `${halfA}\r${halfB}`],
		['a header smuggled after a line break', `${hexToken}\r\nX-Injected: yes`],
		['a tab inside', `${halfA}\t${halfB}`],
		['a NUL character', `${halfA}\u0000${halfB}`],
		['an escape character', `${halfA}\u001b${halfB}`],
		['a DEL character', `${halfA}\u007f${halfB}`],
	])('%s', (_, input) => {
		expect(rejectionOf(input).message).toBe(ONE_LINE);
	});

	it('never repeats the token, or any part of it, in an error message', () => {
		const inputs = [`${halfA}\n${halfB}`, `${halfA}\u0000${halfB}`, `  ${halfA}\r\n${halfB}  `];
		for (const input of inputs) {
			const error = rejectionOf(input);
			for (const text of [error.message, String(error), error.stack ?? '']) {
				expect(text).not.toContain(halfA);
				expect(text).not.toContain(halfB);
				expect(text).not.toContain(halfA.slice(0, 8));
			}
		}
	});
});
