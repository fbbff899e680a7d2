import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { foundRecords, idOfRecord, recordsMatching, writeOutput } from '../../helpers/answers';
import { searchValueOf, type FieldObject } from '../../helpers/fields';
import type { Connection } from '../../transport';
import { toNodeError } from '../items';
import type { OperationExecute } from '../operation';
import type { ParameterReader } from '../parameters';
import { executeWrite, writeOperationDescription } from './writeOperation';
import { createRecord, queryByField, updateRecord, type WriteTarget } from './writes';

export const description: INodeProperties[] = writeOperationDescription('upsert', {
	fieldPickers: [
		{
			displayName: 'Match Field',
			name: 'matchField',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'emailcontact',
			description:
				'The field whose value identifies the record, e.g. idcontact or emailcontact, exactly as the CRM names it. Its value is taken from the fields below: the node searches for it, updates the record found, or creates one when there is none.',
		},
	],
	options: [
		{
			displayName: 'On Multiple Matches',
			name: 'onMultipleMatches',
			type: 'options',
			options: [
				{ name: 'Error', value: 'error', description: 'Fail the item and name the matching records' },
				{ name: 'Update All', value: 'updateAll', description: 'Update every matching record (one request each)' },
			],
			default: 'error',
			description: 'What to do when several records hold the match value',
		},
	],
});

/** The match field and the value to search for, taken from the fields to write. */
function readMatch(this: IExecuteFunctions, reader: ParameterReader, fields: FieldObject, itemIndex: number) {
	const field = reader.get<unknown>('matchField', itemIndex, '');
	// Byte-exact like every field name; only a name of nothing but spaces is empty.
	if (typeof field !== 'string' || field.trim() === '') {
		throw new NodeOperationError(this.getNode(), 'No match field is set', {
			itemIndex,
			description: `Item ${itemIndex}: fill in Match Field with the name of a field that identifies the record, e.g. idcontact or emailcontact.`,
		});
	}
	const value = Object.prototype.hasOwnProperty.call(fields, field) ? searchValueOf(fields[field]) : undefined;
	if (value === undefined) {
		throw new NodeOperationError(this.getNode(), `The fields to write have no value for the match field "${field}"`, {
			itemIndex,
			description: `Item ${itemIndex}: the node searches by the value it writes to "${field}", so that field must be among the fields sent, with a text or number value. Add it, or choose another Match Field.`,
		});
	}
	return { field, value };
}

/**
 * Items with the same match value wait for each other, so that two of them in flight at once
 * cannot both find nothing and both create the record.
 */
class SameValueQueue {
	private readonly tails = new Map<string, Promise<unknown>>();

	async run<T>(key: string, task: () => Promise<T>): Promise<T> {
		const previous = this.tails.get(key) ?? Promise.resolve();
		const current = previous.catch(() => undefined).then(task);
		this.tails.set(key, current);
		try {
			return await current;
		} finally {
			if (this.tails.get(key) === current) this.tails.delete(key);
		}
	}
}

async function upsertItem(
	this: IExecuteFunctions,
	connection: Connection,
	target: WriteTarget,
	match: { field: string; value: string | number },
	fields: FieldObject,
	updateAll: boolean,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const answer = await queryByField.call(this, connection, target, match.field, match.value, itemIndex);
	const matches = recordsMatching(foundRecords(answer), match.field, match.value);
	const ids = matches.map(idOfRecord);
	const output = (json: Record<string, unknown>, action: string) => ({ json: { ...json, action } as IDataObject, pairedItem: { item: itemIndex } });

	if (ids.length === 0) {
		return [output(writeOutput(await createRecord.call(this, connection, target, fields, itemIndex)), 'created')];
	}
	if (ids.some((id) => id === undefined)) {
		throw new NodeOperationError(this.getNode(), `A record found by "${match.field}" has no wolkvox_id`, {
			itemIndex,
			description: `Item ${itemIndex}: the search answer does not say which record to update, so nothing was written. Choose a Match Field whose search returns records with their IDs.`,
		});
	}
	if (ids.length > 1 && !updateAll) {
		throw new NodeOperationError(this.getNode(), `${ids.length} records have ${match.field} = "${match.value}": ${ids.join(', ')}`, {
			itemIndex,
			description: `Item ${itemIndex}: nothing was written. Choose a Match Field that is unique to one record, merge the duplicates in the CRM, or set On Multiple Matches to Update All.`,
		});
	}
	const outputs: INodeExecutionData[] = [];
	for (const recordId of ids as string[]) {
		try {
			const envelope = await updateRecord.call(this, connection, target, { recordId, fields }, itemIndex);
			outputs.push(output(writeOutput(envelope), 'updated'));
		} catch (error) {
			const nodeError = toNodeError.call(this, error, itemIndex);
			if (outputs.length > 0) {
				const done = ids.slice(0, outputs.length).join(', ');
				nodeError.description = `${nodeError.description ?? ''} The records ${done} had already been updated.`.trim();
			}
			throw nodeError;
		}
	}
	return outputs;
}

/** Per item: one search by the match field, then one update per match or one create (2 requests). */
export const execute: OperationExecute = async function (connection, items) {
	const queue = new SameValueQueue();
	return await executeWrite(this, connection, items, {
		alreadyDone: (doneItems) => `the API had accepted the writes of ${doneItems} other item(s)`,
		requestsPerItem: 2,
		write: async ({ itemIndex, target, fields, reader, options, connection: settings }) => {
			const match = readMatch.call(this, reader, fields, itemIndex);
			const key = JSON.stringify([target.operation, target.module, match.field, String(match.value).trim().toLowerCase()]);
			const updateAll = options.onMultipleMatches === 'updateAll';
			return await queue.run(key, async () => await upsertItem.call(this, settings, target, match, fields, updateAll, itemIndex));
		},
	});
};
