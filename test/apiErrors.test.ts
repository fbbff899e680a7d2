import nock from 'nock';

import { DELETE_PATH, NODE_NAME, ORIGIN, TOKEN, deleteWorkflow, deletedAnswer, run } from './helpers/node';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const NO_RETRIES = { maxRetries: 0 };

const HTML_PAGE = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';

type Answer = (scope: nock.Interceptor) => nock.Scope;

/** A socket-level failure as Node reports it (nock needs a real Error to pass it through). */
const networkError = (code: string, message: string) => Object.assign(new Error(message), { code });

/** Each way the server can say no, and what the user must read. */
const refusals: Array<[string, Answer, string, RegExp, string | null]> = [
	[
		'HTTP 404 with a wolkvox error body',
		(i) =>
			i.reply(404, {
				code: 404,
				error: 'RECORD NOT FOUND',
				msg: 'The record(s) 647f6ff1660dff48d803ffe6 do not exist',
				data: { wolkvox_id: ['647f6ff1660dff48d803ffe6'] },
			}),
		'The wolkvox CRM API refused the request: RECORD NOT FOUND',
		/^Item 0 \(Record ID 647f6ff1660dff48d803ffe6\): Something named in the request does not exist: check CRM Operation, Module .* record IDs exist .*\(HTTP 404, code 404, message "The record\(s\) 647f6ff1660dff48d803ffe6 do not exist", the answer names 647f6ff1660dff48d803ffe6\)$/,
		'404',
	],
	[
		'HTTP 200 whose body code is the string "403"',
		(i) => i.reply(200, { code: '403', error: 'PLEASE VALIDATE TOKEN', msg: 'Forbidden' }),
		'The wolkvox CRM API refused the request: PLEASE VALIDATE TOKEN',
		/^Item 0 \(Record ID 647f6ff1660dff48d803ffe6\): The token was refused, its daily quota is used up.*\(HTTP 200, code 403, message "Forbidden"\)$/,
		'403',
	],
	[
		'HTTP 200 with code 200 but an error message',
		(i) => i.reply(200, { code: 200, error: 'The module does not exist', msg: '' }),
		'The wolkvox CRM API refused the request: The module does not exist',
		/^Item 0 \(Record ID 647f6ff1660dff48d803ffe6\): A parameter is missing or malformed.*\(HTTP 200, code 200\)$/,
		'400',
	],
	[
		'HTTP 401 without a token',
		(i) => i.reply(401, { code: 401, error: 'PLEASE ENTER THE WOLKVOX-TOKEN', msg: 'Unauthorized' }),
		'The wolkvox CRM API refused the request: PLEASE ENTER THE WOLKVOX-TOKEN',
		/^Item 0 \(Record ID 647f6ff1660dff48d803ffe6\): The API received no token: check the Token in the Wolkvox CRM API credential\./,
		'401',
	],
	[
		'HTTP 429 with only a message',
		(i) => i.reply(429, { msg: 'Too many requests' }),
		'The wolkvox CRM API refused the request: Too many requests',
		/^Item 0 \(Record ID 647f6ff1660dff48d803ffe6\): The API is limiting how fast requests may come: lower Concurrent Requests or set Max Requests per Second in the node options, or raise Max Retries\. \(HTTP 429\)$/,
		'429',
	],
	[
		'HTTP 500 with an empty JSON object',
		(i) => i.reply(500, {}),
		'The wolkvox CRM API refused the request: HTTP 500',
		/^Item 0 \(Record ID 647f6ff1660dff48d803ffe6\): The wolkvox server had a problem: try again later\./,
		'500',
	],
	[
		'an HTML page with HTTP 200 (wrong host, e.g. the CRM web app)',
		(i) => i.reply(200, '<html><body>Login</body></html>', { 'Content-Type': 'text/html' }),
		'The server at crm0001.wolkvox.com did not answer like the wolkvox CRM API (HTTP 200, a web page)',
		/^Item 0 \(Record ID 647f6ff1660dff48d803ffe6\): check the CRM Server in the credential\. It must be the host you see after logging in at crm\.wolkvox\.com/,
		'200',
	],
	[
		'an HTML error page with HTTP 502',
		(i) => i.reply(502, HTML_PAGE, { 'Content-Type': 'text/html' }),
		'The server at crm0001.wolkvox.com did not answer like the wolkvox CRM API (HTTP 502, a web page)',
		/^Item 0 \(Record ID 647f6ff1660dff48d803ffe6\): this is usually a temporary problem on the server side; try again later/,
		'502',
	],
	[
		'a JSON body cut off in the middle',
		(i) => i.reply(200, '{"code":200,"error":"null","msg":"Have been succ', { 'Content-Type': 'application/json' }),
		'The answer from crm0001.wolkvox.com was cut off before the end',
		/^Item 0 \(Record ID 647f6ff1660dff48d803ffe6\): the connection broke while the answer was arriving, so it is unknown whether the request took effect/,
		'200',
	],
	[
		'an empty body',
		(i) => i.reply(200, ''),
		'The server at crm0001.wolkvox.com did not answer like the wolkvox CRM API (HTTP 200, something that is not JSON)',
		/^Item 0 \(Record ID 647f6ff1660dff48d803ffe6\): check the CRM Server/,
		'200',
	],
	[
		'a refused connection',
		(i) => i.replyWithError(networkError('ECONNREFUSED', 'connect ECONNREFUSED')),
		'Could not connect to crm0001.wolkvox.com: the connection was refused',
		/^Item 0 \(Record ID 647f6ff1660dff48d803ffe6\): Check the CRM Server in the credential \(host and port\)\.$/,
		null,
	],
	[
		'an unknown host',
		(i) => i.replyWithError(networkError('ENOTFOUND', 'getaddrinfo ENOTFOUND')),
		'The CRM server crm0001.wolkvox.com was not found',
		/^Item 0 \(Record ID 647f6ff1660dff48d803ffe6\): Check the spelling of the CRM Server/,
		null,
	],
	[
		'a reset connection',
		(i) => i.replyWithError(networkError('ECONNRESET', 'socket hang up')),
		'The connection to crm0001.wolkvox.com was closed before an answer arrived',
		/^Item 0 \(Record ID 647f6ff1660dff48d803ffe6\): It is unknown whether the request took effect/,
		null,
	],
];

describe('Record → Delete: what the server says no with', () => {
	test.each(refusals)('%s → a NodeApiError that says what happened and what to do', async (_, answer, message, description, httpCode) => {
		answer(nock(ORIGIN).post(DELETE_PATH));
		// No retries here: each answer is final (retries have their own tests).
		const result = await run(deleteWorkflow({ recordIds: '647f6ff1660dff48d803ffe6', options: NO_RETRIES }));

		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME)!;
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toBe(message);
		expect(error.description).toMatch(description);
		expect(error.context.itemIndex).toBe(0);
		expect((error as { httpCode?: string | null }).httpCode ?? null).toBe(httpCode);
	});

	test.each(refusals)('%s, with Continue On Fail → an error item paired to its input; the next item still runs', async (_, answer, message) => {
		answer(nock(ORIGIN).post(DELETE_PATH));
		nock(ORIGIN).post(DELETE_PATH).reply(200, deletedAnswer(['second']));
		const result = await run(
			deleteWorkflow({ recordIds: '={{ $json.id }}', options: NO_RETRIES }, [{ id: 'first' }, { id: 'second' }], 'continueRegularOutput'),
		);

		expect(result.status).toBe('success');
		const output = result.outputOf(NODE_NAME);
		expect(output).toHaveLength(2);
		expect(output[0]).toMatchObject({ json: { error: message }, pairedItem: { item: 0 } });
		expect(Object.keys(output[0].json).sort()).toStrictEqual(['details', 'error']);
		expect(output[1]).toStrictEqual({ json: deletedAnswer(['second']), pairedItem: { item: 1 } });
	});

	test('a timeout: the Timeout option bounds how long one request may take', async () => {
		nock(ORIGIN).post(DELETE_PATH).delay(3000).reply(200, deletedAnswer(['a1']));
		const result = await run(deleteWorkflow({ recordIds: 'a1', options: { timeout: 1, maxRetries: 0 } }));

		expect(result.status).toBe('error');
		expect(result.nodeError(NODE_NAME)!.message).toBe('crm0001.wolkvox.com did not answer within 1 s');
	});

	test('the item index in the error is the failing item, not the first one', async () => {
		nock(ORIGIN).post(DELETE_PATH).reply(200, deletedAnswer(['a']));
		nock(ORIGIN).post(DELETE_PATH).reply(404, { code: 404, error: 'RECORD NOT FOUND', msg: 'missing' });
		const result = await run(deleteWorkflow({ recordIds: '={{ $json.id }}' }, [{ id: 'a' }, { id: 'b' }]));

		const error = result.nodeError(NODE_NAME)!;
		expect(error.context.itemIndex).toBe(1);
		expect(error.description).toMatch(/^Item 1 \(Record ID b\): /);
		expect(error.description).toContain('Before the node stopped, the records of 1 other item(s) were deleted.');
	});
});

describe('Record → Delete: redirects never carry the token away', () => {
	test('a 307 to another host is reported, and the other host receives nothing', async () => {
		nock(ORIGIN)
			.post(DELETE_PATH)
			.reply(307, '', { Location: 'https://collector.example.net/steal' });
		const elsewhere = nock('https://collector.example.net').post(/.*/).reply(200, deletedAnswer(['a1']));
		const result = await run(deleteWorkflow({ recordIds: 'a1' }));

		expect(result.status).toBe('error');
		const error = result.nodeError(NODE_NAME)!;
		expect(error.message).toBe('The server at crm0001.wolkvox.com redirected the request to collector.example.net');
		expect(error.description).toContain('The token was not sent to the other address.');
		expect(elsewhere.isDone()).toBe(false);
	});
});

describe('Record → Delete: the token stays secret', () => {
	test('a server that echoes the token in its error gets it scrubbed from message, description and output', async () => {
		nock(ORIGIN)
			.post(DELETE_PATH)
			.reply(403, { code: 403, error: `TOKEN ${TOKEN} IS NOT VALID`, msg: `rejected ${TOKEN}` });
		nock(ORIGIN)
			.post(DELETE_PATH)
			.reply(403, { code: 403, error: `TOKEN ${TOKEN} IS NOT VALID`, msg: `rejected ${TOKEN}` });

		const stopped = await run(deleteWorkflow({ recordIds: 'a1' }));
		const error = stopped.nodeError(NODE_NAME)!;
		expect(error.message).toBe('The wolkvox CRM API refused the request: TOKEN *** IS NOT VALID');
		expect(error.description).toContain('message "rejected ***"');

		const continued = await run(deleteWorkflow({ recordIds: 'a1' }, [{}], 'continueRegularOutput'));
		expect(JSON.stringify(continued.outputOf(NODE_NAME))).not.toContain(TOKEN);
		expect(JSON.stringify(stopped.run)).not.toContain(TOKEN);
	});
});
