import nock from 'nock';

import { collectStrings } from './engine';
import { DELETE_PATH, NODE_NAME, ORIGIN, TOKEN, credentials, deleteWorkflow, deletedAnswer, run } from './helpers/node';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const fail = (code: string) => Object.assign(new Error(`${code} while talking to the server`), { code });

/** Every way a delete can end; the server echoes the token wherever it can. */
const scenarios: Array<[string, (interceptor: nock.Interceptor) => nock.Scope]> = [
	['success', (i) => i.reply(200, deletedAnswer(['a1']))],
	['HTTP 403 echoing the token', (i) => i.reply(403, { code: 403, error: `bad token ${TOKEN}`, msg: TOKEN, data: { token: TOKEN } })],
	['HTTP 200 with an error code echoing the token', (i) => i.reply(200, { code: '401', error: `missing ${TOKEN}`, msg: `x ${TOKEN}` })],
	['HTML page echoing the token', (i) => i.reply(200, `<html>${TOKEN}</html>`)],
	['truncated body echoing the token', (i) => i.reply(200, `{"msg":"${TOKEN}`)],
	['redirect carrying the token in the location', (i) => i.reply(302, '', { Location: `https://other.example.net/?t=${TOKEN}` })],
	['refused connection', (i) => i.replyWithError(fail('ECONNREFUSED'))],
	['reset connection', (i) => i.replyWithError(fail('ECONNRESET'))],
	['network error that quotes the token', (i) => i.replyWithError(fail(`EPROTO ${TOKEN}`))],
];

describe('the token never reaches an output item, an error, or the stored run', () => {
	for (const onError of ['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput'] as const) {
		test.each(scenarios)(`%s (${onError})`, async (_, answer) => {
			answer(nock(ORIGIN).post(DELETE_PATH));
			const result = await run(deleteWorkflow({ recordIds: 'a1' }, [{}], onError));

			const stored = [...collectStrings(result.run), JSON.stringify(result.run)];
			expect(stored.filter((text) => text.includes(TOKEN))).toStrictEqual([]);
			const error = onError === 'stopWorkflow' && result.status === 'error' ? result.nodeError(NODE_NAME) : undefined;
			if (error) expect(collectStrings(error).filter((text) => text.includes(TOKEN))).toStrictEqual([]);

			// The scan is not vacuous: the token did go out, in the header of the request.
			expect(collectStrings(result.authenticatedRequests).some((text) => text.includes(TOKEN))).toBe(true);
		});
	}

	test.each([
		['a broken server', { server: 'https://x y' }],
		['a token with a line break', { token: `${TOKEN}\nX-Evil: 1` }],
	])('credential problems (%s) do not echo the token either', async (_, overrides) => {
		const result = await run(deleteWorkflow({ recordIds: 'a1' }), credentials(overrides));
		expect(result.status).toBe('error');
		const texts = [...collectStrings(result.run), ...collectStrings(result.nodeError(NODE_NAME))];
		expect(texts.filter((text) => text.includes(TOKEN))).toStrictEqual([]);
	});
});
