/**
 * Plans "Batch Across Items": the ids of many items, grouped by the CRM operation and module
 * they belong to, each id once, cut into requests of at most `maxIdsPerRequest`. Pure.
 */

export interface ItemDeletion {
	itemIndex: number;
	operation: string;
	module: string;
	/** In the order the user gave them; may repeat. */
	ids: string[];
}

export interface PlannedBatch {
	operation: string;
	module: string;
	ids: string[];
}

export interface BatchPlan {
	batches: PlannedBatch[];
	/** Per item: its ids once each, in order. */
	uniqueIdsByItem: Map<number, string[]>;
	/** Per item: ids it repeats, or that an earlier item already asked for (sent once). */
	duplicatesByItem: Map<number, string[]>;
	/** Per record (see recordKey): the first item that asked for it, to be named in its errors. */
	firstOwner: Map<string, number>;
}

/** Key of one id within one module of one CRM operation. */
export function recordKey(operation: string, module: string, id: string): string {
	return JSON.stringify([operation, module, id]);
}

export function planBatches(items: ItemDeletion[], maxIdsPerRequest: number): BatchPlan {
	const size = Math.max(1, Math.floor(maxIdsPerRequest));
	const idsByTarget = new Map<string, PlannedBatch>();
	const firstOwner = new Map<string, number>();
	const uniqueIdsByItem = new Map<number, string[]>();
	const duplicatesByItem = new Map<number, string[]>();

	for (const item of items) {
		const targetKey = JSON.stringify([item.operation, item.module]);
		let target = idsByTarget.get(targetKey);
		if (!target) {
			target = { operation: item.operation, module: item.module, ids: [] };
			idsByTarget.set(targetKey, target);
		}
		const own = new Set<string>();
		const duplicates: string[] = [];
		for (const id of item.ids) {
			const key = recordKey(item.operation, item.module, id);
			if (own.has(id) || firstOwner.has(key)) {
				if (!duplicates.includes(id)) duplicates.push(id);
			}
			if (!firstOwner.has(key)) {
				firstOwner.set(key, item.itemIndex);
				target.ids.push(id);
			}
			own.add(id);
		}
		uniqueIdsByItem.set(item.itemIndex, [...own]);
		if (duplicates.length) duplicatesByItem.set(item.itemIndex, duplicates);
	}

	const batches: PlannedBatch[] = [];
	for (const target of idsByTarget.values()) {
		for (let start = 0; start < target.ids.length; start += size) {
			batches.push({ operation: target.operation, module: target.module, ids: target.ids.slice(start, start + size) });
		}
	}
	return { batches, uniqueIdsByItem, duplicatesByItem, firstOwner };
}
