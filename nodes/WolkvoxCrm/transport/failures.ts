/**
 * What a failed API call was, and the words a workflow builder reads about it. Pure: the
 * transport classifies, this file explains.
 */
import type { JsonObject } from 'n8n-workflow';

import type { CrmServer } from '../helpers/server';
import { hoursUntilResetOf, whenQuotaRestarts } from '../helpers/usage';

export interface RequestFailure {
	kind: 'apiError' | 'notApi' | 'truncated' | 'redirect' | 'network';
	/** HTTP status, when there was an answer */
	status?: number;
	/** `code` from the body, when it had a numeric one */
	apiCode?: number;
	/** The code that decides the meaning: the body's when it says error, else the HTTP status */
	code?: number;
	apiError?: string;
	apiMessage?: string;
	/** The API's answer, scrubbed of secrets */
	envelope?: JsonObject;
	/** Ids the error answer names in `data.wolkvox_id` */
	namedIds: string[];
	looksLikeHtml?: boolean;
	location?: string;
	networkCode?: string;
	detail?: string;
	rateLimited?: boolean;
	/** A rate limit saying the token had too many requests in flight at once (other runs may be using it) */
	tokenBusy?: boolean;
	/** The token's daily quota is used up ("TOKEN LIMIT EXCEEDED"): nothing passes until it restarts */
	dailyQuota?: boolean;
	retryAfterMs?: number;
	/** Worth another attempt: limits, server errors, broken answers */
	retryable: boolean;
	/** The server may have carried out the request although the answer says otherwise */
	mayHaveTakenEffect: boolean;
}

export interface FailureWords {
	message: string;
	description: string;
	httpCode?: string;
	errorResponse: JsonObject;
}

/**
 * What to fix in the operation's own fields, in its own words, for the refusals that are about
 * them; the transport's generic words are used where an operation has none.
 */
export interface FieldAdvice {
	/** 400: a parameter is missing or malformed. */
	badRequest?: string;
	/** 404: something named in the request does not exist. */
	notFound?: string;
	/** 416: the request holds more than the API allows at once. */
	tooLarge?: string;
}

function hintFor(code: number, failure: RequestFailure, advice: FieldAdvice): string {
	if (failure.dailyQuota) {
		// The refusal may say when the count restarts (as tokenInformation.php does); never guess a time.
		const data = (failure.envelope as { data?: unknown } | undefined)?.data;
		return `The token's daily quota of API calls is used up, so the API accepts no more calls from it; the quota comes back ${whenQuotaRestarts(hoursUntilResetOf(data))}. Run the rest then, or use another token. Token → Get Usage shows the count; the option Check Daily Quota First stops a run before it sends anything when it does not fit.`;
	}
	if (code === 400) return `A parameter is missing or malformed: ${advice.badRequest ?? 'check CRM Operation, Module and the other parameters of the node'}.`;
	if (code === 401) return 'The API received no token: check the Token in the Wolkvox CRM API credential.';
	if (failure.tokenBusy) {
		return 'The token had too many requests in flight at once (wolkvox allows a few per token, across every workflow using it): keep Concurrent Requests at 1, run fewer executions with this token at the same time, or raise Max Retries.';
	}
	if (failure.rateLimited) {
		return 'The API is limiting how fast requests may come: lower Concurrent Requests or set Max Requests per Second in the node options, or raise Max Retries.';
	}
	if (code === 403) {
		return 'The token was refused, its daily quota is used up, or too many requests were sent. Check the token (CRM → Configuration → Wolkvox Integration → Tokens, Internal type) and its daily usage; if it is a limit, wait and run again.';
	}
	if (code === 404) {
		return `Something named in the request does not exist: ${advice.notFound ?? 'check CRM Operation and Module (as the CRM shows it)'}.`;
	}
	if (code === 405) return 'The server refused the method: check that the CRM Server is a wolkvox CRM host.';
	if (code === 416) return `The request asked for more than the API allows at once${advice.tooLarge ? `: ${advice.tooLarge}` : ''}.`;
	if (code >= 500) return 'The wolkvox server had a problem: try again later.';
	return 'Check the node parameters and the credential.';
}

const NETWORK_WORDS: Record<string, (host: string, seconds: number) => [string, string]> = {
	ECONNREFUSED: (host) => [
		`Could not connect to ${host}: the connection was refused`,
		'Check the CRM Server in the credential (host and port).',
	],
	ENOTFOUND: (host) => [
		`The CRM server ${host} was not found`,
		'Check the spelling of the CRM Server in the credential, e.g. crm0001.wolkvox.com.',
	],
	EAI_AGAIN: (host) => [
		`The name of the CRM server ${host} could not be looked up`,
		'The DNS lookup failed temporarily: check the network of your n8n and try again.',
	],
	ECONNABORTED: (host, seconds) => [
		`${host} did not answer within ${seconds} s`,
		'The server is slow or unreachable: try again later, or raise Timeout in the node options.',
	],
	ETIMEDOUT: (host, seconds) => [
		`${host} did not answer within ${seconds} s`,
		'The server is slow or unreachable: try again later, or raise Timeout in the node options.',
	],
	ECONNRESET: (host) => [
		`The connection to ${host} was closed before an answer arrived`,
		'It is unknown whether the request took effect: check the records in the CRM and run the node again.',
	],
};

/** Message, description and HTTP code of the NodeApiError for a failure that is final. */
export function describeFailure(
	failure: RequestFailure,
	server: CrmServer,
	context: { itemIndex: number; attempts: number; timeoutMs: number; advice?: FieldAdvice },
): FailureWords {
	const { host } = server;
	const item = `Item ${context.itemIndex}`;
	const tries = context.attempts > 1 ? ` (${context.attempts} attempts)` : '';
	const httpCode = failure.status === undefined ? undefined : String(failure.status);

	if (failure.kind === 'redirect') {
		let target = 'another address';
		try {
			if (failure.location) target = new URL(failure.location, server.origin).host;
		} catch {
			target = 'another address';
		}
		return {
			message: `The server at ${host} redirected the request to ${target}`,
			description: `${item}: the wolkvox API does not redirect, so the CRM Server in the credential is probably not the right host. Enter the host you see in the address bar after logging in at crm.wolkvox.com (e.g. crm0001.wolkvox.com). The token was not sent to the other address.`,
			httpCode,
			errorResponse: { httpCode: httpCode ?? null },
		};
	}
	if (failure.kind === 'truncated') {
		return {
			message: `The answer from ${host} was cut off before the end`,
			description: `${item}: the connection broke while the answer was arriving${tries}, so it is unknown whether the request took effect. Check the records in the CRM and run the node again.`,
			httpCode,
			errorResponse: { httpCode: httpCode ?? null },
		};
	}
	if (failure.kind === 'notApi') {
		const what = failure.looksLikeHtml ? 'a web page' : 'something that is not JSON';
		const temporary = (failure.status ?? 0) >= 500;
		return {
			message: `The server at ${host} did not answer like the wolkvox CRM API (HTTP ${failure.status}, ${what})`,
			description: temporary
				? `${item}: this is usually a temporary problem on the server side; try again later${tries}. If it persists, check the CRM Server in the credential (e.g. crm0001.wolkvox.com).`
				: `${item}: check the CRM Server in the credential. It must be the host you see after logging in at crm.wolkvox.com, e.g. crm0001.wolkvox.com.`,
			httpCode,
			errorResponse: { httpCode: httpCode ?? null },
		};
	}
	if (failure.kind === 'network') {
		const seconds = Math.round(context.timeoutMs / 1000);
		const words = failure.networkCode ? NETWORK_WORDS[failure.networkCode] : undefined;
		const [message, hint] = words
			? words(host, seconds)
			: [`The request to ${host} failed${failure.networkCode ? ` (${failure.networkCode})` : ''}`, failure.detail ?? ''];
		// No network code in the error response: n8n would swap our message for its generic one.
		return { message, description: `${item}: ${hint}${tries}`, errorResponse: { reason: 'network' } };
	}

	const code = failure.code !== undefined && failure.code >= 400 ? failure.code : 400;
	const reason = failure.apiError ?? failure.apiMessage ?? `HTTP ${failure.status}`;
	const details = [`HTTP ${failure.status}`];
	if (failure.apiCode !== undefined) details.push(`code ${failure.apiCode}`);
	if (failure.apiMessage !== undefined && failure.apiMessage !== reason) details.push(`message "${failure.apiMessage}"`);
	if (context.attempts > 1) details.push(`${context.attempts} attempts`);
	return {
		message: `The wolkvox CRM API refused the request: ${reason}`,
		description: `${item}: ${hintFor(code, failure, context.advice ?? {})} (${details.join(', ')})`,
		httpCode: String(code),
		errorResponse: failure.envelope ?? {},
	};
}
