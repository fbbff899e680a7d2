/** Thrown for a credential token that cannot be sent; the message never repeats the token. */
export class InvalidTokenError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'InvalidTokenError';
	}
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** The token as it goes into the Wolkvox-Token header: trimmed, one line, not empty. */
export function normalizeToken(value: unknown): string {
	const token = typeof value === 'string' ? value.trim() : '';
	if (token === '') {
		throw new InvalidTokenError(
			'The Wolkvox CRM API credential has no token. Paste the token from CRM → Configuration → Wolkvox Integration → Tokens.',
		);
	}
	if (CONTROL_CHARACTERS.test(token)) {
		// A line break in a header value could smuggle other headers into the request.
		throw new InvalidTokenError(
			'The token in the Wolkvox CRM API credential contains line breaks or control characters. Copy it again from the CRM and paste it as one line.',
		);
	}
	return token;
}
