import { InvalidRecordIdsError, parseRecordIds } from '../nodes/WolkvoxCrm/helpers/recordIds';

const ID1 = '647f6ff1660dff48d803ffe6';
const ID2 = '647f6ff1660dff48d803ffe7';
const ID3 = '6074aaa0801374bbbbb781025ccc7d3';
const LOOK_LIKE = 'Record IDs look like 647f6ff1660dff48d803ffe6.';
const ONE_EACH = 'contains spaces, quotes or brackets. Separate IDs with commas or new lines, one ID each.';
const NO_WOLKVOX_ID =
	'is an object without a "wolkvox_id". Map the ID field itself, e.g. {{ $json.wolkvox_id }}.';

/** Runs parseRecordIds and returns the error it throws; fails the test if it does not throw. */
function rejectionOf(value: unknown): InvalidRecordIdsError {
	let result: unknown;
	try {
		result = parseRecordIds(value);
	} catch (error) {
		expect(error).toBeInstanceOf(InvalidRecordIdsError);
		expect((error as Error).name).toBe('InvalidRecordIdsError');
		return error as InvalidRecordIdsError;
	}
	throw new Error(`expected the value to be rejected, got ${JSON.stringify(result)}`);
}

describe('parseRecordIds: text', () => {
	it.each([
		['a single id', ID1, [ID1]],
		['a single id with surrounding whitespace', `  ${ID1}\n`, [ID1]],
		['comma separated', `${ID1},${ID2},${ID3}`, [ID1, ID2, ID3]],
		['comma and space separated', `${ID1}, ${ID2} ,  ${ID3}`, [ID1, ID2, ID3]],
		['semicolon separated (spreadsheet export)', `${ID1};${ID2}`, [ID1, ID2]],
		['one per line', `${ID1}\n${ID2}\n${ID3}`, [ID1, ID2, ID3]],
		['one per line with CRLF', `${ID1}\r\n${ID2}\r\n`, [ID1, ID2]],
		['old Mac line ends', `${ID1}\r${ID2}`, [ID1, ID2]],
		['tab separated (a row pasted from a sheet)', `${ID1}\t${ID2}`, [ID1, ID2]],
		['mixed separators', `${ID1},\n${ID2};\t${ID3}`, [ID1, ID2, ID3]],
		['empty entries are skipped', `,${ID1},,${ID2},\n\n;`, [ID1, ID2]],
		['a column pasted with blank lines', `\n${ID1}\n\n  \n${ID2}\n`, [ID1, ID2]],
		['a short numeric id stays text', '12345', ['12345']],
		['a long numeric id keeps every digit', '123456789012345678901234', ['123456789012345678901234']],
		['ids with dashes and underscores', 'rec-1,rec_2', ['rec-1', 'rec_2']],
	])('%s', (_, input, expected) => {
		expect(parseRecordIds(input)).toEqual(expected);
	});

	it.each(['', '   ', '\n\r\n', ',', ' , ; \t '])('nothing but separators or whitespace gives no ids: %j', (input) => {
		expect(parseRecordIds(input)).toEqual([]);
	});

	it.each([
		['a JSON array', `["${ID1}","${ID2}"]`, [ID1, ID2]],
		['a JSON array with spaces and surrounding whitespace', ` [ "${ID1}" , "${ID2}" ]\n`, [ID1, ID2]],
		['a multi-line JSON array', `[\n  "${ID1}",\n  "${ID2}"\n]`, [ID1, ID2]],
		['an empty JSON array', '[]', []],
		['a nested JSON array', `[["${ID1}"],["${ID2}","${ID3}"]]`, [ID1, ID2, ID3]],
		['a JSON array with a null entry', `[null,"${ID1}"]`, [ID1]],
		['a JSON array of query results', `[{"wolkvox_id":"${ID1}"},{"wolkvox_id":"${ID2}"}]`, [ID1, ID2]],
		['a JSON array with an integer', `["${ID1}", 5]`, [ID1, '5']],
		['JSON array entries that are themselves lists', `["${ID1},${ID2}"]`, [ID1, ID2]],
	])('%s', (_, input, expected) => {
		expect(parseRecordIds(input)).toEqual(expected);
	});
});

describe('parseRecordIds: values from expressions', () => {
	it.each([
		['null', null, []],
		['undefined', undefined, []],
		['an empty array', [], []],
		['an array of ids', [ID1, ID2], [ID1, ID2]],
		['an array of ids with whitespace and empty entries', [` ${ID1} `, '', '  ', ID2], [ID1, ID2]],
		['nested arrays', [ID1, [ID2, [ID3]]], [ID1, ID2, ID3]],
		['empty nested arrays', [[], [[]]], []],
		['arrays with null and undefined entries', [null, ID1, undefined], [ID1]],
		['an array entry holding a list as text', [ID1, `${ID2}\n${ID3}`], [ID1, ID2, ID3]],
		['an array entry holding a JSON array as text', [`["${ID1}","${ID2}"]`], [ID1, ID2]],
		['integers become strings', [1, 2, 0], ['1', '2', '0']],
		['a single integer', 7, ['7']],
		['the largest safe integer', Number.MAX_SAFE_INTEGER, ['9007199254740991']],
		['negative zero is 0', -0, ['0']],
		['a query result object', { wolkvox_id: ID1, namecontact: 'Ana' }, [ID1]],
		['query result objects', [{ wolkvox_id: ID1 }, { wolkvox_id: ` ${ID2} ` }], [ID1, ID2]],
		['query results mixed with plain ids', [{ wolkvox_id: ID1 }, ID2], [ID1, ID2]],
		['a wolkvox_id holding a list', { wolkvox_id: `${ID1},${ID2}` }, [ID1, ID2]],
	])('%s', (_, input, expected) => {
		expect(parseRecordIds(input)).toEqual(expected);
	});

	it('keeps the order given', () => {
		expect(parseRecordIds(`${ID3}\n${ID1}\n${ID2}`)).toEqual([ID3, ID1, ID2]);
		expect(parseRecordIds([ID3, [ID1], { wolkvox_id: ID2 }])).toEqual([ID3, ID1, ID2]);
	});

	it('keeps duplicates (removing them is not this function\'s job)', () => {
		expect(parseRecordIds(`${ID1},${ID1},${ID2}`)).toEqual([ID1, ID1, ID2]);
		expect(parseRecordIds([ID1, ID1])).toEqual([ID1, ID1]);
	});

	it('does not change the array it is given', () => {
		const input = [` ${ID1} `, [ID2]];
		const copy = JSON.parse(JSON.stringify(input));
		parseRecordIds(input);
		expect(input).toEqual(copy);
	});
});

describe('parseRecordIds: rejected values name the entry', () => {
	it.each([
		['a single id with an inner space', 'abc def', `The record ID ("abc def") ${ONE_EACH}`],
		['the 2nd of a comma list', `${ID1},abc def`, `Record ID #2 ("abc def") ${ONE_EACH}`],
		['the 3rd line of a column', `${ID1}\n${ID2}\nabc def`, `Record ID #3 ("abc def") ${ONE_EACH}`],
		['double quotes', `${ID1},"${ID2}"`, `Record ID #2 (""${ID2}"") ${ONE_EACH}`],
		['single quotes', `'${ID1}'`, `The record ID ("'${ID1}'") ${ONE_EACH}`],
		['square brackets', `${ID1},[${ID2}]`, `Record ID #2 ("[${ID2}]") ${ONE_EACH}`],
		['curly braces', `{${ID1}}`, `The record ID ("{${ID1}}") ${ONE_EACH}`],
		['a JSON-like list that is not JSON', '[a,b]', `Record ID #1 ("[a") ${ONE_EACH}`],
		['a JSON array cut short', `["${ID1}","${ID2}"`, `Record ID #1 ("["${ID1}"") ${ONE_EACH}`],
		['a JSON object as text', `{"wolkvox_id":"${ID1}"}`, `The record ID ("{"wolkvox_id":"${ID1}"}") ${ONE_EACH}`],
		['a non-breaking space inside', 'abc\u00a0def', `The record ID ("abc\u00a0def") ${ONE_EACH}`],
		['the 2nd array entry', [ID1, 'abc def'], `Record ID #2 ("abc def") ${ONE_EACH}`],
		['an entry inside a JSON array text', `["${ID1}","abc def"]`, `Record ID #2 ("abc def") ${ONE_EACH}`],
		['the 2nd entry of a nested array', [ID1, [ID2, 'abc def']], `Record ID #2.2 ("abc def") ${ONE_EACH}`],
		['the 2nd id of a list in the 1st array entry', [`${ID1},abc def`], `Record ID #1.2 ("abc def") ${ONE_EACH}`],
		['a wolkvox_id with a space', [ID1, { wolkvox_id: 'abc def' }], `Record ID #2 ("abc def") ${ONE_EACH}`],
	])('%s', (_, input, message) => {
		expect(rejectionOf(input).message).toBe(message);
	});

	it.each([
		['a control character', 'abc\u0001def'],
		['a NUL character', 'abc\u0000def'],
		['a DEL character', 'abc\u007fdef'],
	])('an id with %s is refused, not passed on', (_, input) => {
		expect(rejectionOf(input).message).toContain('The record ID ("abc');
	});

	it('shortens a very long offending entry to 60 characters in the message', () => {
		const long = `${'x'.repeat(100)} y`;
		const message = rejectionOf(long).message;
		expect(message).toBe(`The record ID ("${'x'.repeat(60)}") ${ONE_EACH}`);
	});

	it.each([
		['a negative number', -1, `The record ID is the number -1, which cannot be a record ID. ${LOOK_LIKE}`],
		['a fraction', 1.5, `The record ID is the number 1.5, which cannot be a record ID. ${LOOK_LIKE}`],
		['NaN', NaN, `The record ID is the number NaN, which cannot be a record ID. ${LOOK_LIKE}`],
		['Infinity', Infinity, `The record ID is the number Infinity, which cannot be a record ID. ${LOOK_LIKE}`],
		[
			'an integer too large to be exact',
			2 ** 53,
			`The record ID is the number 9007199254740992, which cannot be a record ID. ${LOOK_LIKE}`,
		],
		['a negative number in a list', [ID1, -3], `Record ID #2 is the number -3, which cannot be a record ID. ${LOOK_LIKE}`],
		['a fraction in JSON text', '[1.5]', `Record ID #1 is the number 1.5, which cannot be a record ID. ${LOOK_LIKE}`],
	])('%s', (_, input, message) => {
		expect(rejectionOf(input).message).toBe(message);
	});

	it('refuses a numeric id in JSON text that lost digits, instead of sending a different id', () => {
		// JSON.parse turns this into 123456789012345680000: not the id the user pasted.
		const message = rejectionOf('[123456789012345678901]').message;
		expect(message).toBe(
			`Record ID #1 is the number 123456789012345680000, which cannot be a record ID. ${LOOK_LIKE}`,
		);
	});

	it.each([
		['true', true, `The record ID is a boolean (true), not an ID. ${LOOK_LIKE}`],
		['false', false, `The record ID is a boolean (false), not an ID. ${LOOK_LIKE}`],
		['a boolean in a list', [ID1, ID2, true], `Record ID #3 is a boolean (true), not an ID. ${LOOK_LIKE}`],
		['a boolean in JSON text', '[true]', `Record ID #1 is a boolean (true), not an ID. ${LOOK_LIKE}`],
		['a bigint', BigInt(5), `The record ID is a bigint (5), not an ID. ${LOOK_LIKE}`],
	])('%s', (_, input, message) => {
		expect(rejectionOf(input).message).toBe(message);
	});

	it.each([
		['an object without wolkvox_id', { id: ID1 }, `The record ID ${NO_WOLKVOX_ID}`],
		['an empty object', {}, `The record ID ${NO_WOLKVOX_ID}`],
		['a whole item instead of the id', [{ json: { wolkvox_id: ID1 } }], `Record ID #1 ${NO_WOLKVOX_ID}`],
		['the 2nd entry is an object without wolkvox_id', [ID1, { id: 1 }], `Record ID #2 ${NO_WOLKVOX_ID}`],
		['an object in a nested list', [[ID1, { name: 'x' }]], `Record ID #1.2 ${NO_WOLKVOX_ID}`],
		['an empty wolkvox_id', { wolkvox_id: '' }, `The record ID ${NO_WOLKVOX_ID}`],
		['a blank wolkvox_id', [{ wolkvox_id: '  ' }], `Record ID #1 ${NO_WOLKVOX_ID}`],
		['a date', new Date(0), `The record ID ${NO_WOLKVOX_ID}`],
	])('%s', (_, input, message) => {
		expect(rejectionOf(input).message).toBe(message);
	});

	it('never drops an entry silently: the first bad entry fails the whole list', () => {
		expect(() => parseRecordIds([ID1, ID2, { id: 'x' }, ID3])).toThrow(InvalidRecordIdsError);
		expect(() => parseRecordIds(`${ID1}\n"${ID2}"\n${ID3}`)).toThrow(InvalidRecordIdsError);
	});
});

describe('parseRecordIds: large input', () => {
	const count = 100_000;
	const ids = Array.from({ length: count }, (_, i) => i.toString(16).padStart(24, '0'));

	it('parses 100,000 ids, one per line', () => {
		const parsed = parseRecordIds(ids.join('\n'));
		expect(parsed).toHaveLength(count);
		expect(parsed).toEqual(ids);
	});

	it('parses 100,000 ids as a comma list with CRLF and spaces', () => {
		const parsed = parseRecordIds(ids.join(' ,\r\n '));
		expect(parsed).toHaveLength(count);
		expect(parsed[0]).toBe(ids[0]);
		expect(parsed[count - 1]).toBe(ids[count - 1]);
	});

	it('parses an array of 100,000 ids', () => {
		expect(parseRecordIds(ids)).toEqual(ids);
	});

	it('parses 100,000 ids as JSON text', () => {
		expect(parseRecordIds(JSON.stringify(ids))).toEqual(ids);
	});

	it('parses 100,000 query results', () => {
		expect(parseRecordIds(ids.map((id) => ({ wolkvox_id: id })))).toEqual(ids);
	});

	it('names the position of a bad entry deep in a long list', () => {
		const withBad = [...ids];
		withBad[99_999] = 'bad id';
		expect(rejectionOf(withBad.join('\n')).message).toBe(`Record ID #100000 ("bad id") ${ONE_EACH}`);
	});
});
