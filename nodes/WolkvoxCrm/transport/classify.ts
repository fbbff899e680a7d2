/**
 * What a failed attempt means for the next step (transport/index.ts decides): is it worth
 * another attempt, may it have taken effect on the server, is it a rate limit or the daily
 * quota. Pure, and every text that came from outside is scrubbed of the secrets here.
 */
import type { JsonObject } from 'n8n-workflow';

import { idsNamedIn, type EnvelopeReading } from './envelope';
import type { RequestFailure } from './failures';

/** Removes every secret from a text that came from outside (server messages, network errors). */
export function redact(text: string, secrets: string[]): string {
	return secrets.reduce((clean, secret) => clean.split(secret).join('***'), text);
}

/** The network-level code (ECONNREFUSED, ETIMEDOUT…) wherever n8n's wrapping put it. */
function networkCodeOf(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
	// Anything else must be an HTTP date ("Sat, 28 Nov 2026 12:00:30 GMT"); Date.parse reads "-3" as a year.
	if (!/[a-z]/i.test(value)) return undefined;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const UNCERTAIN_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE']);
const RETRYABLE_NETWORK_CODES = new Set([...UNCERTAIN_NETWORK_CODES, 'ECONNREFUSED', 'EAI_AGAIN']);
// Limits that pass with time; the daily quota ("TOKEN LIMIT EXCEEDED") does not, within a run.
const RATE_LIMIT_TEXT = /simultaneous|per ip|rate|too many|requests per|limit of requests/i;
const DAILY_QUOTA_TEXT = /token limit|quota/i;
// "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)": other requests with the token were in flight.
const TOKEN_BUSY_TEXT = /simultaneous/i;

export function classifyReading(
	reading: Exclude<EnvelopeReading, { kind: 'success' }>,
	retryAfter: number | undefined,
	secrets: string[],
): RequestFailure {
	if (reading.kind === 'redirect') {
		return { kind: 'redirect', status: reading.status, location: reading.location, namedIds: [], retryable: false, mayHaveTakenEffect: false };
	}
	if (reading.kind === 'truncated') {
		return { kind: 'truncated', status: reading.status, namedIds: [], retryable: true, mayHaveTakenEffect: true };
	}
	if (reading.kind === 'notApi') {
		const serverError = reading.status >= 500;
		return {
			kind: 'notApi',
			status: reading.status,
			looksLikeHtml: reading.looksLikeHtml,
			namedIds: [],
			retryable: serverError,
			mayHaveTakenEffect: serverError,
		};
	}
	const code = reading.apiCode !== undefined && reading.apiCode >= 400 ? reading.apiCode : reading.status;
	const text = `${reading.apiError ?? ''} ${reading.apiMessage ?? ''}`;
	// A used-up daily quota does not pass within the run, whatever status it comes with.
	const dailyQuota = code >= 400 && code < 500 && DAILY_QUOTA_TEXT.test(text);
	const rateLimited =
		!dailyQuota &&
		(code === 429 || ((code === 403 || code === 416) && (RATE_LIMIT_TEXT.test(text) || retryAfter !== undefined)));
	const serverError = code >= 500 && code !== 501 && code !== 505;
	return {
		kind: 'apiError',
		status: reading.status,
		apiCode: reading.apiCode,
		code,
		apiError: reading.apiError === undefined ? undefined : redact(reading.apiError, secrets),
		apiMessage: reading.apiMessage === undefined ? undefined : redact(reading.apiMessage, secrets),
		envelope: JSON.parse(redact(JSON.stringify(reading.envelope), secrets)) as JsonObject,
		namedIds: idsNamedIn(reading.envelope),
		rateLimited,
		tokenBusy: rateLimited && TOKEN_BUSY_TEXT.test(text),
		dailyQuota,
		retryAfterMs: retryAfter,
		retryable: rateLimited || serverError,
		mayHaveTakenEffect: serverError,
	};
}

export function classifyNetworkError(error: unknown, secrets: string[]): RequestFailure {
	const networkCode = networkCodeOf(error);
	return {
		kind: 'network',
		networkCode,
		detail: redact(error instanceof Error ? error.message : String(error), secrets),
		namedIds: [],
		retryable: networkCode !== undefined && RETRYABLE_NETWORK_CODES.has(networkCode),
		mayHaveTakenEffect: networkCode === undefined || UNCERTAIN_NETWORK_CODES.has(networkCode),
	};
}
