/**
 * Reads what the wolkvox CRM API answered. The envelope is `{code, error, msg, data}`, but the
 * details vary: `code` is a number or a string, `error` is "null", null or a message, and an
 * error may come with HTTP 200 and only a `code` in the body. Pure: no HTTP, no n8n.
 */

export type WolkvoxEnvelope = Record<string, unknown> & {
	code?: unknown;
	error?: unknown;
	msg?: unknown;
	data?: unknown;
};

export type EnvelopeReading =
	| { kind: 'success'; envelope: WolkvoxEnvelope }
	/** The API answered and said no (HTTP status or body `code` >= 400, or an `error` message). */
	| { kind: 'apiError'; envelope: WolkvoxEnvelope; status: number; apiCode?: number; apiError?: string; apiMessage?: string }
	/** Whatever answered is not the API: an HTML page, plain text, nothing at all. */
	| { kind: 'notApi'; status: number; looksLikeHtml: boolean }
	/** It started like JSON but stopped: the connection broke mid-answer. */
	| { kind: 'truncated'; status: number }
	| { kind: 'redirect'; status: number; location?: string };

const NO_ERROR_VALUES = new Set(['', 'null', 'none', 'false', '0', 'undefined']);

/** `error` as a message, or undefined when it means "no error". */
export function errorMessageOf(value: unknown): string | undefined {
	if (value === null || value === undefined || value === false || value === 0) return undefined;
	if (typeof value === 'string') {
		const text = value.trim();
		return NO_ERROR_VALUES.has(text.toLowerCase()) ? undefined : text;
	}
	if (typeof value === 'object') {
		if (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0) return undefined;
		const message = (value as Record<string, unknown>).message;
		return typeof message === 'string' && message.trim() !== '' ? message.trim() : JSON.stringify(value);
	}
	return String(value);
}

/** `code` as a number, whether it came as 200 or "200"; undefined when absent or not numeric. */
export function codeOf(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value === 'string' && /^\s*\d{3}\s*$/.test(value)) return Number(value);
	return undefined;
}

function textOf(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	return text === '' ? undefined : text;
}

export function readEnvelope(status: number, body: string, location?: string): EnvelopeReading {
	if (status >= 300 && status < 400) return { kind: 'redirect', status, location };

	const text = body.trim();
	let parsed: unknown;
	try {
		parsed = text === '' ? undefined : JSON.parse(text);
	} catch {
		if (/^[{[]/.test(text)) return { kind: 'truncated', status };
		return { kind: 'notApi', status, looksLikeHtml: /^<|<html|<body|<!doctype/i.test(text) };
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		return { kind: 'notApi', status, looksLikeHtml: false };
	}

	const envelope = parsed as WolkvoxEnvelope;
	const apiCode = codeOf(envelope.code);
	const apiError = errorMessageOf(envelope.error);
	const failed = status >= 400 || (apiCode !== undefined && apiCode >= 400) || apiError !== undefined;
	if (!failed) return { kind: 'success', envelope };
	return { kind: 'apiError', envelope, status, apiCode, apiError, apiMessage: textOf(envelope.msg) };
}

/**
 * The record ids an answer names in `data.wolkvox_id` (a string or a list; `data` may also be a
 * list of such objects): the removed or created records of a success, the unknown ones of an
 * error. Empty strings name nothing (the documented delete sample lists `["", ""]`).
 */
export function idsNamedIn(envelope: WolkvoxEnvelope | undefined): string[] {
	const ids: string[] = [];
	const collect = (value: unknown) => {
		if (typeof value === 'string' && value.trim() !== '') ids.push(value.trim());
		else if (Array.isArray(value)) for (const entry of value) if (typeof entry === 'string' && entry.trim() !== '') ids.push(entry.trim());
	};
	const data = envelope?.data;
	const objects = Array.isArray(data) ? data : [data];
	for (const object of objects) {
		if (object && typeof object === 'object' && !Array.isArray(object)) collect((object as Record<string, unknown>).wolkvox_id);
	}
	return ids;
}
