import type {
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { normalizeServer } from '../nodes/WolkvoxCrm/helpers/server';
import { normalizeToken } from '../nodes/WolkvoxCrm/helpers/token';

export const WOLKVOX_TOKEN_HEADER = 'Wolkvox-Token';

const CREDENTIAL_TEST_URL = '/server/API/v2/token/tokenInformation.php';

/** What each refusal of the credential test means for the person filling in the form. */
const TEST_FAILURES: Array<[number, string]> = [
	[400, 'The API refused the request as incomplete: check the CRM Operation name.'],
	[401, 'The API did not receive a token: check the Token field.'],
	[403, 'The API refused the token, or its daily quota or request limit is used up. Use an Internal token from CRM → Configuration → Wolkvox Integration → Tokens.'],
	[404, 'Not found: check the CRM Server (the host after logging in at crm.wolkvox.com) and the CRM Operation name.'],
	[405, 'The server refused the request method: check that the CRM Server is a wolkvox CRM host.'],
	[416, 'The API refused the request (limit reached): wait a moment and test again.'],
	[429, 'Too many requests: wait a moment and test again.'],
	[500, 'The wolkvox server had an internal error: try again later.'],
	[503, 'The wolkvox server is unavailable (maintenance?): try again later.'],
];

const REDIRECT_CODES = [301, 302, 303, 307, 308];

/**
 * Errors arrive either as an HTTP status or, with HTTP 200, as a `code` in the body (a number
 * or a string): a declarative test can only compare values, so every variant gets a rule.
 */
function credentialTestRules(): ICredentialTestRequest['rules'] {
	const rules: Array<IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody> = [];
	for (const [code, message] of TEST_FAILURES) {
		rules.push({ type: 'responseCode', properties: { value: code, message } });
		for (const value of [code, String(code)]) {
			rules.push({ type: 'responseSuccessBody', properties: { key: 'code', value, message } });
		}
	}
	// Every answer of the API carries a `code`; an HTML page or a cut-off body with HTTP 200 does not.
	rules.push({
		type: 'responseSuccessBody',
		properties: {
			key: 'code',
			value: undefined,
			message:
				'The server did not answer like the wolkvox CRM API: check the CRM Server (the host you see after logging in at crm.wolkvox.com, e.g. crm0001.wolkvox.com).',
		},
	});
	for (const code of REDIRECT_CODES) {
		rules.push({
			type: 'responseCode',
			properties: {
				value: code,
				message: 'The server answered with a redirect: enter the CRM host you see after logging in (e.g. crm0001.wolkvox.com).',
			},
		});
	}
	// n8n's type wants one kind of rule per list, but its tester checks each rule by its type.
	return rules as ICredentialTestRequest['rules'];
}

export class WolkvoxCrmApi implements ICredentialType {
	name = 'wolkvoxCrmApi';

	displayName = 'Wolkvox CRM API';

	icon: Icon = {
		light: 'file:../nodes/WolkvoxCrm/wolkvoxCrm.svg',
		dark: 'file:../nodes/WolkvoxCrm/wolkvoxCrm.dark.svg',
	};

	documentationUrl = 'https://github.com/wolkvox-crm-n8n/n8n-nodes-wolkvox-crm#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'CRM Server',
			name: 'server',
			type: 'string',
			// No default: crm.wolkvox.com is the login page, not the user's CRM.
			default: '',
			required: true,
			placeholder: 'crm0001.wolkvox.com',
			hint: 'The host in your browser\'s address bar after logging in at crm.wolkvox.com',
			description:
				'Host of your CRM: log in at https://crm.wolkvox.com and copy the part of the address bar between https:// and the first /, e.g. crm0000.wolkvox.com, crm0001.wolkvox.com or crm01.wolkvox.com. A pasted URL is cut down to its host; the old sv0000/sv0001.crmvox.com hosts are moved to their crm0000/crm0001.wolkvox.com successors.',
		},
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'In wolkvox CRM: Configuration → Wolkvox Integration → Tokens → Add token. Choose an Internal token (External tokens only work for case-note history). Sent only in the Wolkvox-Token header.',
		},
		{
			displayName: 'CRM Operation',
			name: 'crmOperation',
			type: 'string',
			default: '',
			placeholder: 'mycompany',
			hint: 'Needed to test this credential (Save / Retry): the test asks for the token\'s usage in this operation',
			description:
				'Name of your CRM operation (the part after ADMIN_@ in the admin login). Used when a node leaves its own CRM Operation empty, and needed by the credential test, which asks the API for the token\'s daily usage and spends one call of the token\'s daily quota.',
		},
		{
			displayName:
				'The credential test needs CRM Operation: without it the test fails, although the nodes can still use their own CRM Operation field',
			name: 'testNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { crmOperation: [''] } },
		},
	];

	/**
	 * Adds the token header and points relative requests at the normalised server, so that
	 * the node and the credential test reach exactly the same host.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const token = normalizeToken(credentials.token);
		if (requestOptions.url === CREDENTIAL_TEST_URL && !requestOptions.qs?.operation) {
			throw new Error('The credential test needs the CRM Operation: fill in the CRM Operation field (the part after ADMIN_@ in your admin login).');
		}
		const { origin } = normalizeServer(credentials.server);
		return {
			...requestOptions,
			baseURL: origin,
			headers: { ...requestOptions.headers, [WOLKVOX_TOKEN_HEADER]: token },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			url: CREDENTIAL_TEST_URL,
			qs: { operation: '={{ $credentials.crmOperation }}' },
			disableFollowRedirect: true,
		},
		rules: credentialTestRules(),
	};
}
