import { redact, retryAfterMs } from '../nodes/WolkvoxCrm/transport';

describe('retryAfterMs', () => {
	const now = Date.parse('2026-11-28T12:00:00Z');

	test.each([
		['5', 5000],
		[' 0 ', 0],
		['Sat, 28 Nov 2026 12:00:30 GMT', 30_000],
		['Sat, 28 Nov 2026 11:59:00 GMT', 0],
	])('%j means %i ms', (value, expected) => {
		expect(retryAfterMs(value, now)).toBe(expected);
	});

	test.each([[undefined], [''], ['soon'], ['-3']])('%j is not a usable Retry-After', (value) => {
		expect(retryAfterMs(value, now)).toBeUndefined();
	});
});

describe('redact', () => {
	test('every occurrence of every secret becomes ***, the rest stays', () => {
		expect(redact('bad abc1 and abc1 or zz9', ['abc1', 'zz9'])).toBe('bad *** and *** or ***');
		expect(redact('nothing secret here', ['abc1'])).toBe('nothing secret here');
	});
});
