import { callsLeft, hoursUntilResetOf, numberOf, readTokenUsage, whenQuotaRestarts } from '../nodes/WolkvoxCrm/helpers/usage';

describe('readTokenUsage', () => {
	test('the documented answer, numbers as numbers', () => {
		const data = { description: 'token', token_limit: 4800, token_use_today: 12, available_consumition_options: 4788, hours_to_reset: 7 };
		expect(readTokenUsage(data)).toStrictEqual({ limit: 4800, usedToday: 12, remaining: 4788, hoursUntilReset: 7 });
	});

	test('numbers as strings (with spaces and decimals)', () => {
		const data = { token_limit: '4800', token_use_today: ' 12 ', available_consumition_options: '4788', hours_to_rest: '6.5' };
		expect(readTokenUsage(data)).toStrictEqual({ limit: 4800, usedToday: 12, remaining: 4788, hoursUntilReset: 6.5 });
	});

	test.each([
		['hours_to_reset'],
		['hours_to_rest'],
		['hours_to_restart'],
		['Hours_To_Reset'],
	])('the hours key may be spelled %s (the docs cut it off)', (key) => {
		expect(readTokenUsage({ [key]: 3 }).hoursUntilReset).toBe(3);
	});

	test('missing or unusable values are null, never guessed', () => {
		const data = { token_limit: 'unlimited', token_use_today: null, available_consumition_options: '', hours_left: 4, hours_to_reset: '…' };
		expect(readTokenUsage(data)).toStrictEqual({ limit: null, usedToday: null, remaining: null, hoursUntilReset: null });
	});

	test.each([
		['missing', undefined],
		['null', null],
		['a string', 'token'],
		['an empty list', []],
	])('data %s: every value null', (_, data) => {
		expect(readTokenUsage(data)).toStrictEqual({ limit: null, usedToday: null, remaining: null, hoursUntilReset: null });
	});

	test('data as a list: its first object is read', () => {
		expect(readTokenUsage([null, { token_limit: 100, token_use_today: 1, available_consumition_options: 99 }])).toStrictEqual({
			limit: 100,
			usedToday: 1,
			remaining: 99,
			hoursUntilReset: null,
		});
	});

	test('the first hours_to_ key holding a number wins', () => {
		expect(hoursUntilResetOf({ hours_to_x: 'soon', hours_to_reset: '2' })).toBe(2);
	});
});

describe('numberOf', () => {
	test.each([
		[4800, 4800],
		['4800', 4800],
		['0', 0],
		['-3', -3],
		['1.25', 1.25],
	])('%j → %j', (value, expected) => expect(numberOf(value)).toBe(expected));

	test.each([[''], ['4,800'], ['12h'], [NaN], [Infinity], [true], [null], [undefined], [{}], [[5]]])('%j → null', (value) => {
		expect(numberOf(value)).toBeNull();
	});
});

describe('callsLeft', () => {
	const usage = (remaining: number | null, limit: number | null, usedToday: number | null) => ({
		remaining,
		limit,
		usedToday,
		hoursUntilReset: null,
	});

	test('what the API says is left', () => expect(callsLeft(usage(7, 4800, 10))).toBe(7));
	test('else the limit minus what was used', () => expect(callsLeft(usage(null, 100, 98))).toBe(2));
	test('never below zero', () => expect(callsLeft(usage(null, 100, 130))).toBe(0));
	test('unknown when the answer says neither', () => {
		expect(callsLeft(usage(null, 100, null))).toBeNull();
		expect(callsLeft(usage(null, null, 5))).toBeNull();
	});
});

describe('whenQuotaRestarts', () => {
	test.each([
		[5, 'in 5 hours (as the API said)'],
		[1, 'in 1 hour (as the API said)'],
		[0.5, 'in 0.5 hours (as the API said)'],
		[null, 'tomorrow, when the count restarts'],
	])('%j → %s', (hours, words) => expect(whenQuotaRestarts(hours)).toBe(words));
});
