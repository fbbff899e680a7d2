import nock from 'nock';

import { WolkvoxCrmApi } from '../credentials/WolkvoxCrmApi.credentials';
import { ORIGIN, TOKEN, USAGE_PATH, credentials, runCredentialTest, usageAnswer } from './helpers/node';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Wolkvox CRM API credential', () => {
	test('declares the internal names workflows store, a password token field, the three fields and the test notice', () => {
		const credential = new WolkvoxCrmApi();
		expect(credential.name).toBe('wolkvoxCrmApi');
		expect(credential.displayName).toBe('Wolkvox CRM API');
		expect(credential.properties.map((property) => property.name)).toStrictEqual(['server', 'token', 'crmOperation', 'testNotice']);
		// crm.wolkvox.com is the login page, not the user's CRM: no default, the placeholder shows the shape.
		const server = credential.properties.find((property) => property.name === 'server')!;
		expect(server.default).toBe('');
		expect(server.placeholder).toBe('crm0001.wolkvox.com');
		expect(server.hint).toContain('address bar after logging in at crm.wolkvox.com');
		const notice = credential.properties.find((property) => property.name === 'testNotice')!;
		expect(notice.type).toBe('notice');
		expect(notice.displayName).toContain('The credential test needs CRM Operation');
		expect(notice.displayOptions).toStrictEqual({ show: { crmOperation: [''] } });
		const token = credential.properties.find((property) => property.name === 'token')!;
		expect(token.typeOptions).toStrictEqual({ password: true });
		const crmOperation = credential.properties.find((property) => property.name === 'crmOperation')!;
		expect(crmOperation.description).toContain('spends one call of the token\'s daily quota');
	});

	test('authenticate adds only the Wolkvox-Token header and points relative URLs at the normalised server', async () => {
		const authenticated = await new WolkvoxCrmApi().authenticate(
			{ server: 'https://sv0001.crmvox.com/', token: `  ${TOKEN}\n`, crmOperation: 'demo' },
			{ url: '/server/API/v2/custom/delete.php', method: 'POST', headers: { Accept: 'application/json' } },
		);
		expect(authenticated).toStrictEqual({
			url: '/server/API/v2/custom/delete.php',
			method: 'POST',
			baseURL: ORIGIN,
			headers: { Accept: 'application/json', 'Wolkvox-Token': TOKEN },
		});
	});

	test('the credential test passes: GET tokenInformation.php for the credential\'s operation, with the token header', async () => {
		const seen: Array<{ path: string; token: unknown }> = [];
		nock(ORIGIN)
			.get(USAGE_PATH)
			.query({ operation: 'demo' })
			.reply(function (uri) {
				seen.push({ path: uri, token: this.req.headers['wolkvox-token'] });
				return [200, usageAnswer];
			});

		const result = await runCredentialTest(credentials());
		expect(result).toMatchObject({ status: 'OK', message: 'Connection successful!' });
		expect(seen).toStrictEqual([{ path: `${USAGE_PATH}?operation=demo`, token: TOKEN }]);
	});

	test('the legacy host is tested on its successor', async () => {
		const scope = nock('https://crm0000.wolkvox.com').get(USAGE_PATH).query(true).reply(200, usageAnswer);
		const result = await runCredentialTest(credentials({ server: 'sv0000.crmvox.com' }));
		expect(result.status).toBe('OK');
		expect(scope.isDone()).toBe(true);
	});

	test.each([
		[403, { code: 403, error: 'PLEASE VALIDATE TOKEN' }, 'The API refused the token, or its daily quota or request limit is used up.'],
		[401, { code: 401, error: 'PLEASE ENTER THE WOLKVOX-TOKEN' }, 'The API did not receive a token: check the Token field.'],
		[404, { code: 404, error: 'OPERATION NOT FOUND' }, 'Not found: check the CRM Server'],
		[502, '<html>Bad Gateway</html>', 'Bad Gateway'],
	])('HTTP %s fails the test with advice', async (status, body, message) => {
		// n8n sends a request that got 401 once more after re-authenticating, so allow two.
		nock(ORIGIN).get(USAGE_PATH).query(true).times(2).reply(status, body);
		const result = await runCredentialTest(credentials());
		expect(result.status).toBe('Error');
		expect(result.message).toContain(message);
	});

	test.each([
		[{ code: '403', error: 'TOKEN LIMIT EXCEEDED', msg: '' }],
		[{ code: 403, error: 'TOKEN LIMIT EXCEEDED', msg: '' }],
	])('HTTP 200 carrying an error code in the body (%j) fails the test', async (body) => {
		nock(ORIGIN).get(USAGE_PATH).query(true).reply(200, body);
		const result = await runCredentialTest(credentials());
		expect(result).toMatchObject({
			status: 'Error',
			message: expect.stringContaining('The API refused the token, or its daily quota or request limit is used up.'),
		});
	});

	test.each([
		['an HTML page', '<html><body>Iniciar sesión</body></html>'],
		['a cut-off body', '{"code":"200","error":"nu'],
	])('HTTP 200 with %s fails the test with advice on the server', async (_, body) => {
		nock(ORIGIN).get(USAGE_PATH).query(true).reply(200, body);
		const result = await runCredentialTest(credentials());
		expect(result).toMatchObject({
			status: 'Error',
			message: expect.stringContaining('The server did not answer like the wolkvox CRM API'),
		});
	});

	test('a redirect fails the test and is not followed', async () => {
		nock(ORIGIN).get(USAGE_PATH).query(true).reply(302, '', { Location: 'https://login.example.net/' });
		const elsewhere = nock('https://login.example.net').get(/.*/).reply(200, usageAnswer);
		const result = await runCredentialTest(credentials());
		expect(result).toMatchObject({ status: 'Error', message: expect.stringContaining('redirect') });
		expect(elsewhere.isDone()).toBe(false);
	});

	test('without a CRM Operation the test says it needs one and sends nothing', async () => {
		const scope = nock(ORIGIN).get(USAGE_PATH).query(true).reply(200, usageAnswer);
		const result = await runCredentialTest(credentials({ crmOperation: '' }));
		expect(result.status).toBe('Error');
		expect(result.message).toContain('The credential test needs the CRM Operation');
		expect(scope.isDone()).toBe(false);
	});

	test.each([
		['crm0001.wolkvox.com/ x', 'must not contain spaces'],
		['admin:secret@crm0001.wolkvox.com', 'must not contain a user name or password'],
		// The field has no default any more: an empty one says where to find the host.
		['', 'The CRM server is empty. Log in at https://crm.wolkvox.com and copy the host from the address bar'],
	])('a bad server (%s) fails the test before anything is sent', async (server, message) => {
		const scope = nock(/.*/).get(/.*/).reply(200, usageAnswer);
		const result = await runCredentialTest(credentials({ server }));
		expect(result.status).toBe('Error');
		expect(result.message).toContain(message);
		expect(result.message).not.toContain('secret');
		expect(scope.isDone()).toBe(false);
	});

	test('a token with a line break is refused, and the message does not repeat it', async () => {
		const scope = nock(/.*/).get(/.*/).reply(200, usageAnswer);
		const result = await runCredentialTest(credentials({ token: `${TOKEN}\r\nX-Injected: yes` }));
		expect(result.status).toBe('Error');
		expect(result.message).toContain('contains line breaks or control characters');
		expect(result.message).not.toContain(TOKEN);
		expect(scope.isDone()).toBe(false);
	});

	test('a credential saved with the old default server (crm.wolkvox.com) is read as before', async () => {
		const authenticated = await new WolkvoxCrmApi().authenticate(
			{ server: 'crm.wolkvox.com', token: TOKEN, crmOperation: 'demo' },
			{ url: USAGE_PATH, method: 'GET', qs: { operation: 'demo' } },
		);
		expect(authenticated.baseURL).toBe('https://crm.wolkvox.com');
	});
});
