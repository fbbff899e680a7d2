import { planBatches } from '../nodes/WolkvoxCrm/helpers/batches';

describe('planBatches (Batch Across Items)', () => {
	test('ids of all items, in order, cut into requests of at most the maximum', () => {
		const plan = planBatches(
			[
				{ itemIndex: 0, operation: 'demo', module: 'contacts', ids: ['a', 'b', 'c'] },
				{ itemIndex: 1, operation: 'demo', module: 'contacts', ids: ['d'] },
				{ itemIndex: 2, operation: 'demo', module: 'contacts', ids: ['e', 'f'] },
			],
			4,
		);
		expect(plan.batches).toStrictEqual([
			{ operation: 'demo', module: 'contacts', ids: ['a', 'b', 'c', 'd'] },
			{ operation: 'demo', module: 'contacts', ids: ['e', 'f'] },
		]);
		expect([...plan.uniqueIdsByItem.entries()]).toStrictEqual([
			[0, ['a', 'b', 'c']],
			[1, ['d']],
			[2, ['e', 'f']],
		]);
		expect(plan.duplicatesByItem.size).toBe(0);
	});

	test('different operations or modules never share a request; the same id in two modules is two records', () => {
		const plan = planBatches(
			[
				{ itemIndex: 0, operation: 'demo', module: 'contacts', ids: ['a'] },
				{ itemIndex: 1, operation: 'demo', module: 'leads', ids: ['a'] },
				{ itemIndex: 2, operation: 'other', module: 'contacts', ids: ['a', 'b'] },
				{ itemIndex: 3, operation: 'demo', module: 'contacts', ids: ['c'] },
			],
			100,
		);
		expect(plan.batches).toStrictEqual([
			{ operation: 'demo', module: 'contacts', ids: ['a', 'c'] },
			{ operation: 'demo', module: 'leads', ids: ['a'] },
			{ operation: 'other', module: 'contacts', ids: ['a', 'b'] },
		]);
		expect(plan.duplicatesByItem.size).toBe(0);
	});

	test('duplicates within an item and across items are sent once and reported per item', () => {
		const plan = planBatches(
			[
				{ itemIndex: 0, operation: 'demo', module: 'contacts', ids: ['a', 'b', 'a'] },
				{ itemIndex: 1, operation: 'demo', module: 'contacts', ids: ['b', 'c'] },
			],
			100,
		);
		expect(plan.batches.flatMap((batch) => batch.ids)).toStrictEqual(['a', 'b', 'c']);
		expect(plan.uniqueIdsByItem.get(0)).toStrictEqual(['a', 'b']);
		expect(plan.duplicatesByItem.get(0)).toStrictEqual(['a']);
		expect(plan.duplicatesByItem.get(1)).toStrictEqual(['b']);
	});

	test('100,000 ids plan in linear time into ceil(n / max) requests', () => {
		const ids = Array.from({ length: 100_000 }, (_, index) => index.toString(16).padStart(24, '0'));
		const plan = planBatches([{ itemIndex: 0, operation: 'demo', module: 'contacts', ids }], 1000);
		expect(plan.batches).toHaveLength(100);
		expect(plan.batches.flatMap((batch) => batch.ids)).toStrictEqual(ids);
	});
});
