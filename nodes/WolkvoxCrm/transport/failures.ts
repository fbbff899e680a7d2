/**
 * What a failed API call was, and the words a workflow builder reads about it. Pure: the
 * transport classifies, this file explains.
 */
import type { JsonObject } from 'n8n-workflow';

import type { CrmServer } from '../helpers/server';
import { hoursUntilResetOf, whenQuotaRestarts } from '../helpers/usage';

export interface RequestFailure {
	/** `notSent`: the run's daily quota was already used up, so this request never left (see scheduler.ts). */
	kind: 'apiError' | 'notApi' | 'truncated' | 'redirect' | 'network' | 'notSent';
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
	/** "Item N (Record ID …): " and the advice. */
	description: string;
	/** The description without the item and its record ids, for words that name them already. */
	advice: string;
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

/** When the quota comes back, as a daily-quota refusal said (as tokenInformation.php does); never a guessed time. */
export function quotaComesBack(refusal: RequestFailure): string {
	const data = (refusal.envelope as { data?: unknown } | undefined)?.data;
	return whenQuotaRestarts(hoursUntilResetOf(data));
}

const QUOTA_TOOLS =
	'Token → Get Usage shows the count; the option Check Daily Quota First stops a run before it sends anything when it does not fit.';

/** Record ids for a message: all of a few, the first ten of many. */
export function listOfIds(ids: string[]): string {
	const shown = ids.slice(0, 10).join(', ');
	return ids.length > 10 ? `${shown} and ${ids.length - 10} more` : shown;
}

/** "Item 3", or "Item 3 (Record ID u-1)" when the item sent record ids: the start of every item's error. */
export function itemLabel(itemIndex: number, recordIds: string[] = []): string {
	if (recordIds.length === 0) return `Item ${itemIndex}`;
	return `Item ${itemIndex} (Record ID${recordIds.length === 1 ? '' : 's'} ${listOfIds(recordIds)})`;
}

function hintFor(code: number, failure: RequestFailure, advice: FieldAdvice): string {
	if (failure.dailyQuota) {
		return `The token's daily quota of API calls is used up, so the API accepts no more calls from it; the quota comes back ${quotaComesBack(failure)}. Run the rest then, or use another token. ${QUOTA_TOOLS}`;
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

/** What describeFailure needs besides the failure. */
export interface FailureContext {
	itemIndex: number;
	attempts: number;
	timeoutMs: number;
	advice?: FieldAdvice;
	/** The record ids the item sent (Update, Delete): named in the error, so one item of many can be found. */
	recordIds?: string[];
}

/** Message, description and HTTP code of the NodeApiError for a failure that is final. */
export function describeFailure(failure: RequestFailure, server: CrmServer, context: FailureContext): FailureWords {
	const words = wordsFor(failure, server, context);
	return { ...words, description: `${itemLabel(context.itemIndex, context.recordIds)}: ${words.advice}` };
}

function wordsFor(failure: RequestFailure, server: CrmServer, context: FailureContext): Omit<FailureWords, 'description'> {
	const { host } = server;
	const tries = context.attempts > 1 ? ` (${context.attempts} attempts)` : '';
	const httpCode = failure.status === undefined ? undefined : String(failure.status);

	if (failure.kind === 'notSent') {
		const sentBefore = failure.mayHaveTakenEffect
			? ' An earlier attempt of this request lost its answer, so it is unknown whether that one took effect.'
			: '';
		return {
			message: "Not sent because the token's daily quota of API calls is used up",
			advice: `The API refused an earlier request of this run because the token's daily quota of API calls is used up, so the node sent nothing more; the quota comes back ${quotaComesBack(failure)}.${sentBefore} Run this item again then, or use another token. ${QUOTA_TOOLS}`,
			errorResponse: { reason: 'dailyQuota' },
		};
	}
	if (failure.kind === 'redirect') {
		let target = 'another address';
		try {
			if (failure.location) target = new URL(failure.location, server.origin).host;
		} catch {
			target = 'another address';
		}
		return {
			message: `The server at ${host} redirected the request to ${target}`,
			advice: 'the wolkvox API does not redirect, so the CRM Server in the credential is probably not the right host. Enter the host you see in the address bar after logging in at crm.wolkvox.com (e.g. crm0001.wolkvox.com). The token was not sent to the other address.',
			httpCode,
			errorResponse: { httpCode: httpCode ?? null },
		};
	}
	if (failure.kind === 'truncated') {
		return {
			message: `The answer from ${host} was cut off before the end`,
			advice: `the connection broke while the answer was arriving${tries}, so it is unknown whether the request took effect. Check the records in the CRM and run the node again.`,
			httpCode,
			errorResponse: { httpCode: httpCode ?? null },
		};
	}
	if (failure.kind === 'notApi') {
		const what = failure.looksLikeHtml ? 'a web page' : 'something that is not JSON';
		const temporary = (failure.status ?? 0) >= 500;
		return {
			message: `The server at ${host} did not answer like the wolkvox CRM API (HTTP ${failure.status}, ${what})`,
			advice: temporary
				? `this is usually a temporary problem on the server side; try again later${tries}. If it persists, check the CRM Server in the credential (e.g. crm0001.wolkvox.com).`
				: 'check the CRM Server in the credential. It must be the host you see after logging in at crm.wolkvox.com, e.g. crm0001.wolkvox.com.',
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
		return { message, advice: `${hint}${tries}`, errorResponse: { reason: 'network' } };
	}

	const code = failure.code !== undefined && failure.code >= 400 ? failure.code : 400;
	const reason = failure.apiError ?? failure.apiMessage ?? `HTTP ${failure.status}`;
	const details = [`HTTP ${failure.status}`];
	if (failure.apiCode !== undefined) details.push(`code ${failure.apiCode}`);
	if (failure.apiMessage !== undefined && failure.apiMessage !== reason) details.push(`message "${failure.apiMessage}"`);
	// E.g. the ids a 404 does not know: in a request of many, the ones to look at.
	if (failure.namedIds.length > 0) details.push(`the answer names ${listOfIds(failure.namedIds)}`);
	if (context.attempts > 1) details.push(`${context.attempts} attempts`);
	return {
		message: `The wolkvox CRM API refused the request: ${reason}`,
		advice: `${hintFor(code, failure, context.advice ?? {})} (${details.join(', ')})`,
		httpCode: String(code),
		errorResponse: failure.envelope ?? {},
	};
}
