/** How the kinds of fields are read from sample records and how a mapped value is sent (pure). */
import { fieldsFromMapping, fieldsOfRecords, kindOfSchemaField, kindOfValue, mapperField, mergeKinds, valueForKind } from '../nodes/WolkvoxCrm/helpers/fieldKinds';

describe('kinds from the values a field shows', () => {
	test.each([
		['text', 'Medellín'],
		['number', 6700],
		['telephone', { country: 'Colombia', code: '57', value: '3004567812' }],
		['currency', { value: '6700', symbol: 'COP', convert: 6700 }],
		['search', { value: 'Valentina', value_id: '647f8371e5c917f858c55c2c' }],
		['relation', { type: 'relation', value: 'Q4', value_id: '66f1f9657022ff5baf6dae2f' }],
		['address', { value: 'Calle 145a #12-60' }],
		['table', [{ Ropa: 'Camisetas' }]],
		['table', { type: 'table', value: [{ Ropa: 'Camisetas' }] }],
		['asGiven', { user: 'x', nombre: 'y' }],
		[undefined, ''],
		[undefined, null],
	])('%s: %j', (kind, value) => expect(kindOfValue(value)).toBe(kind));

	test('one kind per field: a typed shape wins over empty or text values; numbers only when all are numbers; two shapes are sent as given', () => {
		expect(mergeKinds(['telephone', undefined, 'text'])).toBe('telephone');
		expect(mergeKinds(['number', 'text'])).toBe('text');
		expect(mergeKinds(['number', undefined])).toBe('number');
		expect(mergeKinds([undefined])).toBe('text');
		expect(mergeKinds(['telephone', 'currency'])).toBe('asGiven');
	});

	test('the union of the records\' fields, in the order first seen, without system fields', () => {
		expect(fieldsOfRecords([{ a: 'x', wolkvox_id: '1', b: 2 }, { c: { value: 'v' }, b: 3, 'wolkvox-id': '1' }])).toStrictEqual([
			{ name: 'a', kind: 'text' },
			{ name: 'b', kind: 'number' },
			{ name: 'c', kind: 'address' },
		]);
	});

	test('the kind survives the saved schema, and a field of unknown shape is sent as given', () => {
		for (const kind of ['text', 'number', 'telephone', 'currency', 'address', 'search', 'relation', 'table', 'asGiven'] as const) {
			expect(kindOfSchemaField(mapperField('Campo (x)', kind))).toBe(kind);
		}
		expect(kindOfSchemaField(undefined)).toBe('asGiven');
	});
});

describe('a mapped value as it is sent', () => {
	test('plain values are wrapped in their kind; typed objects pass; a search result\'s object gets its type', () => {
		expect(valueForKind('telephone', '300', 'f')).toStrictEqual({ type: 'telephone', value: '300' });
		expect(valueForKind('telephone', { value: '300', country: 'Colombia', code: '57' }, 'f')).toStrictEqual({ type: 'telephone', value: '300', country: 'Colombia', code: '57' });
		expect(valueForKind('address', { type: 'address', value: 'Calle 1' }, 'f')).toStrictEqual({ type: 'address', value: 'Calle 1' });
		expect(valueForKind('currency', 9900, 'f')).toStrictEqual({ type: 'currency', value: '9900', convert: 9900 });
		expect(valueForKind('table', [{ a: 1 }], 'f')).toStrictEqual({ type: 'table', value: [{ a: 1 }] });
		expect(valueForKind('number', '12', 'f')).toBe(12);
		expect(() => valueForKind('number', 'doce', 'field "Cantidad"')).toThrow('The value of field "Cantidad" must be a number (e.g. 1750905 or 12.5), but it is "doce"');
		expect(valueForKind('asGiven', { any: 'thing' }, 'f')).toStrictEqual({ any: 'thing' });
	});

	test('a field named __proto__ is a field like any other', () => {
		const fields = fieldsFromMapping({ mappingMode: 'defineBelow', value: JSON.parse('{"__proto__": "x"}') }, {});
		expect(Object.keys(fields)).toStrictEqual(['__proto__']);
	});
});
