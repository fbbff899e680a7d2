import { fieldsFromEntries, fieldsFromJson, InvalidFieldError, searchValueOf, typedValue } from '../nodes/WolkvoxCrm/helpers/fields';
import { foundRecords, recordsMatching, writeOutput } from '../nodes/WolkvoxCrm/helpers/answers';

describe('fields: names are data, never code or trimmed', () => {
	test('a field called __proto__ is an own field in the JSON body, not the object prototype', () => {
		const fields = fieldsFromEntries([{ name: '__proto__', value: 'x' }, { name: 'constructor', value: 'y' }]);
		expect(JSON.stringify(fields)).toBe('{"__proto__":"x","constructor":"y"}');
		expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
		const mapped = fieldsFromJson(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'));
		expect(JSON.stringify(mapped)).toBe('{"__proto__":{"polluted":true},"a":1}');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	test('names keep leading and trailing spaces and accents', () => {
		expect(Object.keys(fieldsFromEntries([{ name: ' Año ', value: '1' }]))).toStrictEqual([' Año ']);
	});

	test('an input key that is empty is refused in Map Automatically', () => {
		expect(() => fieldsFromJson({ '': 1 })).toThrow(InvalidFieldError);
	});

	test('an unknown type names the entry and the types', () => {
		expect(() => typedValue({ name: 'x', type: 'date', value: '1' }, 'field 3 ("x")')).toThrow(
			'field 3 ("x") has the unknown type "date"; choose one of text, number, telephone, currency, address, search, relation, table',
		);
	});

	test('a text value that is an object is refused rather than sent as [object Object]', () => {
		expect(() => typedValue({ type: 'text', value: { a: 1 } }, 'field 1 ("x")')).toThrow('The value of field 1 ("x") must be text, not an object');
	});

	test('table rows may come as a parsed list or one object', () => {
		expect(typedValue({ type: 'table', rows: { Ropa: 'Camisetas' } }, 'f')).toStrictEqual({ type: 'table', value: [{ Ropa: 'Camisetas' }] });
		expect(typedValue({ type: 'table', rows: [{ a: 1 }] }, 'f')).toStrictEqual({ type: 'table', value: [{ a: 1 }] });
	});

	test.each([
		['a1', 'a1'],
		[12, 12],
		[{ type: 'telephone', value: '300' }, '300'],
		['  ', undefined],
		[null, undefined],
		[{ a: 1 }, undefined],
	])('search value of %j is %j', (value, expected) => {
		expect(searchValueOf(value)).toBe(expected);
	});
});

describe('answers', () => {
	test('writeOutput adds wolkvox_id only for a code-200 answer naming one id', () => {
		expect(writeOutput({ code: 200, data: { wolkvox_id: ['a', 'b'] } })).toStrictEqual({ code: 200, data: { wolkvox_id: ['a', 'b'] } });
		expect(writeOutput({ code: '200', data: { wolkvox_id: ' ' } })).toStrictEqual({ code: '200', data: { wolkvox_id: ' ' } });
		expect(writeOutput({ code: '200', data: { wolkvox_id: 'a' } })).toStrictEqual({ code: '200', data: { wolkvox_id: 'a' }, wolkvox_id: 'a' });
	});

	test('foundRecords reads a list, one record, an object of records, and nothing', () => {
		expect(foundRecords({ data: [{ wolkvox_id: 'a' }, 'junk', null] })).toStrictEqual([{ wolkvox_id: 'a' }]);
		expect(foundRecords({ data: { wolkvox_id: 'a' } })).toStrictEqual([{ wolkvox_id: 'a' }]);
		expect(foundRecords({ data: { 0: { wolkvox_id: 'a' }, 1: { wolkvox_id: 'b' } } })).toHaveLength(2);
		expect(foundRecords({ data: 'none' })).toStrictEqual([]);
		expect(foundRecords({})).toStrictEqual([]);
	});

	test('recordsMatching keeps equal values (case and spaces aside) and records that do not show the field', () => {
		const records = [{ e: 'Ana@x.co' }, { e: 'joana@x.co' }, { other: 1 }, { e: { value: 'ana@x.co' } }];
		expect(recordsMatching(records, 'e', 'ana@x.co')).toStrictEqual([records[0], records[2], records[3]]);
	});
});
