/**
 * The only code that talks to the wolkvox server: it builds the request, sends it through
 * n8n's authenticated HTTP helper within the run's limits, retries what is worth retrying,
 * reads the envelope and turns every failure into a NodeApiError that says what happened and
 * what to do (what a failure is: classify.ts; its words: failures.ts). The token is added by
 * the credential and is scrubbed from anything the server or the network stack says back.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IHttpRequestOptions,
	INode,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { InvalidServerError, normalizeServer, type CrmServer } from '../helpers/server';
import { InvalidTokenError, normalizeToken } from '../helpers/token';
import { classifyNetworkError, classifyReading, redact, retryAfterMs } from './classify';
import { readEnvelope, type WolkvoxEnvelope } from './envelope';
import { describeFailure, type FailureContext, type FailureWords, type FieldAdvice, type RequestFailure } from './failures';
import { encodeMultipart, type FormPart } from './multipart';
import { RequestScheduler } from './scheduler';

export { redact, retryAfterMs } from './classify';
export { itemLabel, listOfIds, quotaComesBack } from './failures';
export type { FieldAdvice, RequestFailure } from './failures';
export type { FormPart } from './multipart';
export { RequestScheduler, RunStats } from './scheduler';

export const CREDENTIAL_TYPE = 'wolkvoxCrmApi';

/** Where requests are sent from: a node run, a trigger's poll or an editor load (all offer what is used here). */
export type ApiContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

const API_PATH = '/server/API/v2/';

export interface RetryPolicy {
	/** Attempts after the first one. */
	maxRetries: number;
	/** The longest single wait between attempts, whatever Retry-After asks for. */
	maxWaitMs: number;
	/** The first backoff step; each retry doubles it (with jitter). */
	baseDelayMs: number;
}

/** What every request of one node run shares. */
export interface Connection {
	server: CrmServer;
	/** The credential's CRM operation, used when a node leaves its own empty. */
	defaultCrmOperation: string;
	timeoutMs: number;
	retry: RetryPolicy;
	scheduler: RequestScheduler;
	/** Kept only to scrub it from messages: it is never put into a request here. */
	secrets: string[];
}

export const DEFAULT_LIMITS = {
	timeoutMs: 60_000,
	concurrency: 1,
	maxPerSecond: 0,
	retry: { maxRetries: 5, maxWaitMs: 30_000, baseDelayMs: 500 } as RetryPolicy,
};

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Path below /server/API/v2/, e.g. `custom/delete.php` */
	endpoint: string;
	body?: IDataObject;
	/** A multipart/form-data body instead of JSON (cases/insert.php, cases/update.php). */
	form?: FormPart[];
	qs?: IDataObject;
	/**
	 * Whether the request may be sent again after an attempt that may have taken effect (a lost
	 * or cut-off answer, a server error). Deletes and updates may; a create may not: it would
	 * make the record twice. Refusals that certainly changed nothing (rate limits, a refused
	 * connection) are retried either way. Default true.
	 */
	resendable?: boolean;
	/** The operation's words on what to fix in its fields when the API refuses them. */
	advice?: FieldAdvice;
	/** The record ids the request names (Update, Delete): its errors name them. */
	recordIds?: string[];
	/** The items the request is for, when more than `itemIndex` (a batch): counted if it is not sent. */
	itemIndexes?: number[];
}

/** A failed API call, with what the callers need to decide what to do next. */
export class WolkvoxApiError extends NodeApiError {
	declare readonly requestFailure: RequestFailure;

	/** Some attempt may have taken effect on the server (no or cut-off answer, server error). */
	declare readonly uncertain: boolean;

	/** How the failure was described, to word it again for one item of a batch. */
	declare private readonly described: { server: CrmServer; context: FailureContext };

	constructor(
		node: INode,
		requestFailure: RequestFailure,
		uncertain: boolean,
		described: { server: CrmServer; context: FailureContext },
	) {
		const { message, description, httpCode, errorResponse } = describeFailure(requestFailure, described.server, described.context);
		super(node, errorResponse, { itemIndex: described.context.itemIndex, message, description, httpCode });
		// n8n and its editor know this error by its class name; what callers need stays out of the stored run.
		this.name = 'NodeApiError';
		Object.defineProperty(this, 'requestFailure', { value: requestFailure, enumerable: false });
		Object.defineProperty(this, 'uncertain', { value: uncertain, enumerable: false });
		Object.defineProperty(this, 'described', { value: described, enumerable: false });
	}

	/**
	 * The same failure in the words for one item of a request of many: its own index and record
	 * ids, and of the ids the answer names only its own.
	 */
	wordsFor(itemIndex: number, recordIds: string[]): FailureWords {
		const failure = { ...this.requestFailure, namedIds: this.requestFailure.namedIds.filter((id) => recordIds.includes(id)) };
		return describeFailure(failure, this.described.server, { ...this.described.context, itemIndex, recordIds });
	}
}

/** Reads and checks the credential; a bad server or token fails before anything is sent. */
export async function getConnection(this: ApiContext): Promise<Connection> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	try {
		const token = normalizeToken(credentials.token);
		return {
			server: normalizeServer(credentials.server),
			defaultCrmOperation:
				typeof credentials.crmOperation === 'string' ? credentials.crmOperation.trim() : '',
			timeoutMs: DEFAULT_LIMITS.timeoutMs,
			retry: DEFAULT_LIMITS.retry,
			scheduler: new RequestScheduler(DEFAULT_LIMITS.concurrency, DEFAULT_LIMITS.maxPerSecond),
			secrets: [token],
		};
	} catch (error) {
		if (error instanceof InvalidServerError || error instanceof InvalidTokenError) {
			throw new NodeOperationError(this.getNode(), error.message, {
				description: 'Open the Wolkvox CRM API credential of this node and correct it.',
			});
		}
		throw new NodeOperationError(this.getNode(), error as Error);
	}
}

function headerText(headers: Record<string, unknown> | undefined, name: string): string | undefined {
	const value = headers?.[name];
	if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
	return typeof value === 'string' ? value : undefined;
}

/** Exponential backoff with jitter, stretched to Retry-After, never longer than the policy allows. */
function delayBeforeRetry(policy: RetryPolicy, retryNumber: number, retryAfter?: number): number {
	const step = policy.baseDelayMs * 2 ** (retryNumber - 1);
	const jittered = step / 2 + Math.random() * (step / 2);
	return Math.min(policy.maxWaitMs, Math.max(jittered, retryAfter ?? 0));
}

type Attempt =
	| { ok: true; envelope: WolkvoxEnvelope }
	| { ok: false; failure: RequestFailure }
	/** Not sent: the run had met a used-up daily quota (this is that refusal). */
	| { ok: false; quotaRefusal: RequestFailure };

async function attemptOnce(
	this: ApiContext,
	connection: Connection,
	options: IHttpRequestOptions,
): Promise<Attempt> {
	let response: { statusCode: number; body: unknown; headers: Record<string, unknown> };
	try {
		response = await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, options);
	} catch (error) {
		return { ok: false, failure: classifyNetworkError(error, connection.secrets) };
	}
	const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? '');
	// A server that echoes the token must not put it into an output item or an error.
	const body = redact(text, connection.secrets);
	const reading = readEnvelope(response.statusCode, body, headerText(response.headers, 'location'));
	if (reading.kind === 'success') return { ok: true, envelope: reading.envelope };
	const retryAfter = retryAfterMs(headerText(response.headers, 'retry-after'));
	return { ok: false, failure: classifyReading(reading, retryAfter, connection.secrets) };
}

/**
 * Sends one API call and returns the envelope of a successful answer. Rate limits, server
 * errors, cut-off answers and broken connections are retried with backoff; anything else, or
 * the last failed attempt, throws a WolkvoxApiError naming the item.
 */
export async function apiRequest(
	this: ApiContext,
	connection: Connection,
	request: ApiRequest,
	itemIndex: number,
): Promise<WolkvoxEnvelope> {
	const form = request.form === undefined ? undefined : encodeMultipart(request.form);
	const contentType = form?.contentType ?? (request.body === undefined ? undefined : 'application/json');
	const options: IHttpRequestOptions = {
		method: request.method,
		// Relative: the credential points it at the normalised server and adds the token.
		url: `${API_PATH}${request.endpoint}`,
		headers: contentType === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': contentType },
		qs: request.qs,
		body: form?.body ?? request.body,
		// Raw text, so that HTML pages and cut-off answers can be told apart from JSON.
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// A redirect would carry the token to whatever host the server names.
		disableFollowRedirect: true,
		timeout: connection.timeoutMs,
	};

	const fail = (failure: RequestFailure, attempts: number, uncertain: boolean) => {
		const context = { itemIndex, attempts, timeoutMs: connection.timeoutMs, advice: request.advice, recordIds: request.recordIds };
		return new WolkvoxApiError(this.getNode(), failure, uncertain, { server: connection.server, context });
	};
	const { stats } = connection.scheduler;
	let uncertain = false;
	for (let attempt = 1; ; attempt++) {
		const result: Attempt = await connection.scheduler.run(
			async () => await attemptOnce.call(this, connection, options),
			(quotaRefusal) => ({ ok: false, quotaRefusal }),
		);
		if ('quotaRefusal' in result) {
			for (const index of request.itemIndexes ?? [itemIndex]) stats.itemsNotSent.add(index);
			const notSent: RequestFailure = { kind: 'notSent', envelope: result.quotaRefusal.envelope, namedIds: [], retryable: false, mayHaveTakenEffect: uncertain };
			throw fail(notSent, attempt, uncertain);
		}
		if (result.ok) {
			connection.scheduler.noteAccepted();
			return result.envelope;
		}

		const { failure } = result;
		// Every later call would be refused too: the run sends nothing more (scheduler.ts).
		if (failure.dailyQuota) stats.dailyQuotaRefusal ??= failure;
		if (failure.rateLimited) {
			// The whole run waits out Retry-After, but never longer than the user allows between retries.
			const pause = failure.retryAfterMs === undefined ? undefined : Math.min(failure.retryAfterMs, connection.retry.maxWaitMs);
			connection.scheduler.noteRateLimited(pause, failure.tokenBusy === true);
		}
		else if (failure.kind === 'apiError') connection.scheduler.noteAccepted();
		uncertain ||= failure.mayHaveTakenEffect;
		// A poll has no cancel signal: it ends with its run.
		const cancelled = 'getExecutionCancelSignal' in this && this.getExecutionCancelSignal?.()?.aborted === true;
		const mustNotResend = request.resendable === false && failure.mayHaveTakenEffect;
		if (!failure.retryable || mustNotResend || attempt > connection.retry.maxRetries || cancelled) throw fail(failure, attempt, uncertain);
		await sleep(delayBeforeRetry(connection.retry, attempt, failure.retryAfterMs));
	}
}
