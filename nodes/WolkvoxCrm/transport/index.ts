/**
 * The only code that talks to the wolkvox server: it builds the request, sends it through
 * n8n's authenticated HTTP helper, reads the envelope and turns every failure into a
 * NodeApiError that says what happened and what to do. The token is added by the credential
 * and is scrubbed from anything the server or the network stack says back.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { InvalidServerError, normalizeServer, type CrmServer } from '../helpers/server';
import { InvalidTokenError, normalizeToken } from '../helpers/token';
import { readEnvelope, type EnvelopeReading, type WolkvoxEnvelope } from './envelope';

export const CREDENTIAL_TYPE = 'wolkvoxCrmApi';

const API_PATH = '/server/API/v2/';
const DEFAULT_TIMEOUT_MS = 60_000;

/** What every request of one node run shares, read once from the credential. */
export interface Connection {
	server: CrmServer;
	/** The credential's CRM operation, used when a node leaves its own empty. */
	defaultCrmOperation: string;
	timeoutMs: number;
	/** Kept only to scrub it from messages: it is never put into a request here. */
	secrets: string[];
}

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Path below /server/API/v2/, e.g. `custom/delete.php` */
	endpoint: string;
	body?: IDataObject;
	qs?: IDataObject;
}

/** Reads and checks the credential; a bad server or token fails before anything is sent. */
export async function getConnection(this: IExecuteFunctions): Promise<Connection> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const token = typeof credentials.token === 'string' ? credentials.token : '';
	try {
		normalizeToken(credentials.token);
		return {
			server: normalizeServer(credentials.server),
			defaultCrmOperation:
				typeof credentials.crmOperation === 'string' ? credentials.crmOperation.trim() : '',
			timeoutMs: DEFAULT_TIMEOUT_MS,
			secrets: token.trim() === '' ? [] : [token.trim()],
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

/** Removes every secret from a text that came from outside (server messages, network errors). */
export function redact(text: string, secrets: string[]): string {
	return secrets.reduce((clean, secret) => clean.split(secret).join('***'), text);
}

function hintFor(code: number): string {
	if (code === 400) return 'A parameter is missing or malformed: check CRM Operation, Module and Record IDs.';
	if (code === 401) return 'The API received no token: check the Token in the Wolkvox CRM API credential.';
	if (code === 403) {
		return 'The token was refused, its daily quota is used up, or too many requests were sent. Check the token (CRM → Configuration → Wolkvox Integration → Tokens, Internal type) and its daily usage; if it is a limit, wait and run again.';
	}
	if (code === 404) {
		return 'Something named in the request does not exist: check CRM Operation, Module (as the CRM shows it) and that the record IDs exist and were not already deleted.';
	}
	if (code === 405) return 'The server refused the method: check that the CRM Server is a wolkvox CRM host.';
	if (code === 416) return 'The request asked for more than the API allows at once: send fewer record IDs per request.';
	if (code === 429) return 'Too many requests were sent: wait a moment and run again.';
	if (code >= 500) return 'The wolkvox server had a problem: try again later.';
	return 'Check the node parameters and the credential.';
}

function describeItem(itemIndex: number): string {
	return `Item ${itemIndex}`;
}

function errorFromReading(
	this: IExecuteFunctions,
	reading: Exclude<EnvelopeReading, { kind: 'success' }>,
	connection: Connection,
	itemIndex: number,
): NodeApiError {
	const { host } = connection.server;
	const clean = (text: string) => redact(text, connection.secrets);
	const node = this.getNode();
	const httpCode = String(reading.status);

	if (reading.kind === 'redirect') {
		let target = 'another address';
		try {
			if (reading.location) target = new URL(reading.location, connection.server.origin).host;
		} catch {
			target = 'another address';
		}
		return new NodeApiError(node, { httpCode }, {
			itemIndex,
			httpCode,
			message: `The server at ${host} redirected the request to ${clean(target)}`,
			description: `${describeItem(itemIndex)}: the wolkvox API does not redirect, so the CRM Server in the credential is probably not the right host. Enter the host you see in the address bar after logging in at crm.wolkvox.com (e.g. crm0001.wolkvox.com). The token was not sent to the other address.`,
		});
	}
	if (reading.kind === 'truncated') {
		return new NodeApiError(node, { httpCode }, {
			itemIndex,
			httpCode,
			message: `The answer from ${host} was cut off before the end`,
			description: `${describeItem(itemIndex)}: the connection broke while the answer was arriving, so it is unknown whether the request took effect. Check the records in the CRM and run the node again.`,
		});
	}
	if (reading.kind === 'notApi') {
		const what = reading.looksLikeHtml ? 'a web page' : 'something that is not JSON';
		const temporary = reading.status >= 500;
		return new NodeApiError(node, { httpCode }, {
			itemIndex,
			httpCode,
			message: `The server at ${host} did not answer like the wolkvox CRM API (HTTP ${reading.status}, ${what})`,
			description: temporary
				? `${describeItem(itemIndex)}: this is usually a temporary problem on the server side; try again later. If it persists, check the CRM Server in the credential (e.g. crm0001.wolkvox.com).`
				: `${describeItem(itemIndex)}: check the CRM Server in the credential. It must be the host you see after logging in at crm.wolkvox.com, e.g. crm0001.wolkvox.com.`,
		});
	}

	const code = reading.apiCode !== undefined && reading.apiCode >= 400 ? reading.apiCode : reading.status;
	const effectiveCode = code >= 400 ? code : 400;
	const reason = reading.apiError ?? reading.apiMessage ?? `HTTP ${reading.status}`;
	const details = [`HTTP ${reading.status}`];
	if (reading.apiCode !== undefined) details.push(`code ${reading.apiCode}`);
	if (reading.apiMessage !== undefined && reading.apiMessage !== reason) {
		details.push(`message "${clean(reading.apiMessage)}"`);
	}
	const errorResponse: JsonObject = JSON.parse(clean(JSON.stringify(reading.envelope)));
	return new NodeApiError(node, errorResponse, {
		itemIndex,
		httpCode: String(effectiveCode),
		message: `The wolkvox CRM API refused the request: ${clean(reason)}`,
		description: `${describeItem(itemIndex)}: ${hintFor(effectiveCode)} (${details.join(', ')})`,
	});
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

function errorFromNetwork(
	this: IExecuteFunctions,
	error: unknown,
	connection: Connection,
	itemIndex: number,
): NodeApiError {
	const { host } = connection.server;
	const node = this.getNode();
	const code = networkCodeOf(error);
	const seconds = Math.round(connection.timeoutMs / 1000);
	const known: Record<string, [string, string]> = {
		ECONNREFUSED: [
			`Could not connect to ${host}: the connection was refused`,
			'Check the CRM Server in the credential (host and port).',
		],
		ENOTFOUND: [
			`The CRM server ${host} was not found`,
			'Check the spelling of the CRM Server in the credential, e.g. crm0001.wolkvox.com.',
		],
		EAI_AGAIN: [
			`The name of the CRM server ${host} could not be looked up`,
			'The DNS lookup failed temporarily: check the network of your n8n and try again.',
		],
		ECONNABORTED: [
			`${host} did not answer within ${seconds} s`,
			'The server is slow or unreachable: try again later.',
		],
		ETIMEDOUT: [
			`${host} did not answer within ${seconds} s`,
			'The server is slow or unreachable: try again later.',
		],
		ECONNRESET: [
			`The connection to ${host} was closed before an answer arrived`,
			'It is unknown whether the request took effect: check the records in the CRM and run the node again.',
		],
	};
	const [message, hint] = (code && known[code]) || [
		`The request to ${host} failed${code ? ` (${code})` : ''}`,
		redact(error instanceof Error ? error.message : String(error), connection.secrets),
	];
	// No network code in the error response: n8n would swap our message for its generic one.
	return new NodeApiError(node, { reason: 'network' }, {
		itemIndex,
		message,
		description: `${describeItem(itemIndex)}: ${hint}`,
	});
}

/** Sends one API call and returns the envelope of a successful answer; throws NodeApiError otherwise. */
export async function apiRequest(
	this: IExecuteFunctions,
	connection: Connection,
	request: ApiRequest,
	itemIndex: number,
): Promise<WolkvoxEnvelope> {
	const options: IHttpRequestOptions = {
		method: request.method,
		// Relative: the credential points it at the normalised server and adds the token.
		url: `${API_PATH}${request.endpoint}`,
		headers:
			request.body === undefined
				? { Accept: 'application/json' }
				: { Accept: 'application/json', 'Content-Type': 'application/json' },
		qs: request.qs,
		body: request.body,
		// Raw text, so that HTML pages and cut-off answers can be told apart from JSON.
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// A redirect would carry the token to whatever host the server names.
		disableFollowRedirect: true,
		timeout: connection.timeoutMs,
	};

	let response: { statusCode: number; body: unknown; headers: Record<string, unknown> };
	try {
		response = await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, options);
	} catch (error) {
		throw errorFromNetwork.call(this, error, connection, itemIndex);
	}

	const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? '');
	const location = response.headers?.location;
	const reading = readEnvelope(response.statusCode, body, typeof location === 'string' ? location : undefined);
	if (reading.kind === 'success') return reading.envelope;
	throw errorFromReading.call(this, reading, connection, itemIndex);
}
