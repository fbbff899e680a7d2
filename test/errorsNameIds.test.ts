/**
 * Errors name what the item sent and what the API named: Update (per item and batched), Create
 * or Update and Delete (per item and batched) against an id the CRM does not have, on a server
 * whose 404 lists the unknown ids and on one whose 404 names none (sandbox notFoundNamesIds).
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { NODE_NAME, ORIGIN, QUERY_PATH, UPDATE_PATH, recordWorkflow, run } from './helpers/node';
import { MODULE, OPERATION, deleteRequests, runDeletes, sandboxWithContacts, type Sandbox } from './helpers/sandbox';

const MISSING = 'u-missing';
const UPDATE_MANY_PATH = '/server/API/v2/custom/updateMany.php';

beforeAll(() => {
	nock.disableNetConnect();
	nock.enableNetConnect('127.0.0.1');
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

/** A sandbox with `count` contacts, closed after `body`. */
async function withSandbox(count: number, options: IDataObject, body: (sandbox: Sandbox, ids: string[]) => Promise<void>) {
	const { sandbox, ids } = await sandboxWithContacts(count, options);
	try {
		await body(sandbox, ids);
	} finally {
		await sandbox.close();
	}
}

type OnError = 'stopWorkflow' | 'continueRegularOutput';

/** Update: one item per id, each writing namecontact = "Renamed". */
const runUpdates = async (sandbox: Sandbox, ids: string[], options: IDataObject, onError: OnError = 'continueRegularOutput') =>
	await run(
		recordWorkflow(
			'update',
			{
				crmOperation: OPERATION,
				module: MODULE,
				recordId: '={{ $json.id }}',
				fieldsToSend: 'defineBelow',
				fieldValues: { field: [{ name: 'namecontact', value: 'Renamed' }] },
				options: { maxRetries: 0, ...options },
			},
			ids.map((id) => ({ json: { id } })),
			onError,
		),
		{ server: sandbox.url, token: sandbox.token, crmOperation: '' },
	);

const logOf = (sandbox: Sandbox, path: string) =>
	sandbox.log.filter((entry: { path: string }) => entry.path.endsWith(path)) as Array<{ status: number; ids: string[] | null }>;
const renamed = (sandbox: Sandbox) =>
	(sandbox.records(OPERATION, MODULE) as Array<{ wolkvox_id: string; namecontact: string }>)
		.filter((record) => record.namecontact === 'Renamed')
		.map((record) => record.wolkvox_id);

const NOT_FOUND_UPDATE =
	'Something named in the request does not exist: check CRM Operation, Module (as the CRM shows it) and that the Record ID exists.';
const NOT_FOUND_DELETE =
	'Something named in the request does not exist: check CRM Operation, Module (as the CRM shows it) and that the record IDs exist and were not already deleted.';
const NAMED = `(HTTP 404, code 404, message "The record(s) ${MISSING} do not exist", the answer names ${MISSING})`;
const NAMES_NONE = '(HTTP 404, code 404, message "One or more records do not exist")';

describe.each([
	['a 404 that names the unknown id', true, NAMED],
	['a 404 that names none (notFoundNamesIds off)', false, NAMES_NONE],
])('Update of an id the CRM does not have, %s', (_, notFoundNamesIds, details) => {
	test('one request per item, Continue On Fail: the error item names the id the item sent', async () => {
		await withSandbox(3, { notFoundNamesIds }, async (sandbox, ids) => {
			const result = await runUpdates(sandbox, [ids[0], MISSING, ids[2]], {});
			const output = result.outputOf(NODE_NAME);
			expect(output).toHaveLength(3);
			expect(output[1]).toStrictEqual({
				json: {
					error: 'The wolkvox CRM API refused the request: RECORD NOT FOUND',
					details: `Item 1 (Record ID ${MISSING}): ${NOT_FOUND_UPDATE} ${details}`,
				},
				pairedItem: { item: 1 },
			});
			expect([output[0], output[2]].map((item) => [item.json.wolkvox_id, item.pairedItem])).toStrictEqual([
				[ids[0], { item: 0 }],
				[ids[2], { item: 2 }],
			]);
			expect(logOf(sandbox, 'custom/update.php').map((entry) => entry.status)).toStrictEqual([200, 404, 200]);
		});
	});

	test('one request per item, stop on error: the error that stops the run names the item and its id', async () => {
		await withSandbox(3, { notFoundNamesIds }, async (sandbox, ids) => {
			const result = await runUpdates(sandbox, [ids[0], MISSING, ids[2]], {}, 'stopWorkflow');
			expect(result.status).toBe('error');
			const error = result.nodeError(NODE_NAME)!;
			expect(error.context.itemIndex).toBe(1);
			expect(error.message).toBe('The wolkvox CRM API refused the request: RECORD NOT FOUND');
			expect(error.description).toBe(
				`Item 1 (Record ID ${MISSING}): ${NOT_FOUND_UPDATE} ${details} Before the node stopped, the API had accepted the updates of 1 other item(s).`,
			);
			expect(renamed(sandbox)).toStrictEqual([ids[0]]);
		});
	});

	test('Batch Across Items, 150 items: only the item with the unknown id fails, and its error names its id alone', async () => {
		await withSandbox(149, { notFoundNamesIds }, async (sandbox, ids) => {
			const sent = [...ids.slice(0, 97), MISSING, ...ids.slice(97)];
			const result = await runUpdates(sandbox, sent, { batchAcrossItems: true });
			const output = result.outputOf(NODE_NAME);
			expect(output).toHaveLength(150);
			expect(output[97]).toStrictEqual({
				json: {
					error: 'The record was not updated: The wolkvox CRM API refused the request: RECORD NOT FOUND',
					details: `Item 97 (Record ID ${MISSING}): ${NOT_FOUND_UPDATE} ${details}`,
				},
				pairedItem: { item: 97 },
			});
			const others = output.filter((_, index) => index !== 97);
			expect(others.map((item) => [item.json.wolkvox_id, item.pairedItem])).toStrictEqual(
				sent.map((id, item) => [id, { item }]).filter(([id]) => id !== MISSING),
			);
			expect(renamed(sandbox).sort()).toStrictEqual([...ids].sort());
			const requests = logOf(sandbox, UPDATE_MANY_PATH.replace('/server/API/v2/', ''));
			// Named: the 100 of the first request, then 99 without it, then the last 50. Named none:
			// the refused half is halved again (50, 25, 12, 6, 3, 2, 1) down to the unknown id.
			expect(requests.map((entry) => [entry.ids!.length, entry.status])).toStrictEqual(
				notFoundNamesIds
					? [[100, 404], [99, 200], [50, 200]]
					: [
							[100, 404], [50, 200], [50, 404], [25, 200], [25, 404], [13, 200], [12, 404], [6, 200], [6, 404],
							[3, 200], [3, 404], [2, 404], [1, 404], [1, 200], [1, 200], [50, 200],
						],
			);
		});
	});
});

describe('Delete of an id the CRM does not have', () => {
	test('one request per item: the error item names the id the item sent and the one the API named', async () => {
		await withSandbox(3, {}, async (sandbox, ids) => {
			const result = await runDeletes(sandbox, [ids[0], MISSING, ids[2]], { maxRetries: 0 }, 'continueRegularOutput', false);
			const output = result.outputOf(NODE_NAME);
			expect(output[1]).toStrictEqual({
				json: {
					error: 'The wolkvox CRM API refused the request: RECORD NOT FOUND',
					details: `Item 1 (Record ID ${MISSING}): ${NOT_FOUND_DELETE} ${NAMED}`,
				},
				pairedItem: { item: 1 },
			});
			expect(deleteRequests(sandbox).map((entry) => entry.status)).toStrictEqual([200, 404, 200]);
		});
	});

	test('Delete Multiple, one request per item, a server that names none: the error names every id the item sent', async () => {
		await withSandbox(3, { notFoundNamesIds: false }, async (sandbox, ids) => {
			const result = await runDeletes(sandbox, [[ids[0], MISSING]], { maxRetries: 0 }, 'continueRegularOutput');
			expect(result.outputOf(NODE_NAME)).toStrictEqual([
				{
					json: {
						error: 'The wolkvox CRM API refused the request: RECORD NOT FOUND',
						details: `Item 0 (Record IDs ${ids[0]}, ${MISSING}): ${NOT_FOUND_DELETE} ${NAMES_NONE}`,
					},
					pairedItem: { item: 0 },
				},
			]);
		});
	});

	test.each([
		['names it', true, NAMED],
		['names none', false, NAMES_NONE],
	])('Batch Across Items, a server that %s: the item of the unknown id says so, with only its own id', async (_, notFoundNamesIds, details) => {
		await withSandbox(5, { notFoundNamesIds }, async (sandbox, ids) => {
			const result = await runDeletes(sandbox, [ids[0], [ids[1], MISSING], ids[2]], { batchAcrossItems: true, maxRetries: 0 }, 'continueRegularOutput');
			const output = result.outputOf(NODE_NAME);
			expect(output).toHaveLength(3);
			expect(output[1]).toStrictEqual({
				json: {
					error: `1 of 2 record IDs could not be deleted: The wolkvox CRM API refused the request: RECORD NOT FOUND`,
					details: `Item 1: not deleted: ${MISSING}; deleted: ${ids[1]}. ${NOT_FOUND_DELETE} ${details}`,
				},
				pairedItem: { item: 1 },
			});
			expect([output[0].pairedItem, output[2].pairedItem]).toStrictEqual([{ item: 0 }, { item: 2 }]);
			expect(output[0].json.data).toStrictEqual({ wolkvox_id: [ids[0]] });
		});
	});
});

describe('Create or Update: the update of the record found fails (nock)', () => {
	test('the error names the record the search found and the item tried to update', async () => {
		nock(ORIGIN)
			.post(QUERY_PATH)
			.reply(200, { code: 200, error: 'null', msg: '1 records found', data: [{ wolkvox_id: 'r-gone', emailcontact: 'ana@example.com' }] });
		nock(ORIGIN)
			.post(UPDATE_PATH)
			.reply(404, { code: 404, error: 'RECORD NOT FOUND', msg: 'Deleted meanwhile', data: { wolkvox_id: 'r-gone' } });
		const result = await run(
			recordWorkflow(
				'upsert',
				{ matchField: 'emailcontact', fieldsToSend: 'mapAutomatically', options: { maxRetries: 0 } },
				[{ json: { emailcontact: 'ana@example.com', namecontact: 'Ana' } }],
				'continueRegularOutput',
			),
		);
		expect(result.outputOf(NODE_NAME)).toStrictEqual([
			{
				json: {
					error: 'The wolkvox CRM API refused the request: RECORD NOT FOUND',
					details: `Item 0 (Record ID r-gone): ${NOT_FOUND_UPDATE} (HTTP 404, code 404, message "Deleted meanwhile", the answer names r-gone)`,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	test('an answer that names an id the item did not send still shows it, next to the one it sent', async () => {
		nock(ORIGIN).post(QUERY_PATH).reply(200, { code: 200, error: 'null', msg: 'found', data: [{ wolkvox_id: 'r-1', emailcontact: 'a@example.com' }] });
		nock(ORIGIN).post(UPDATE_PATH).reply(400, { code: '400', error: 'INVALID RECORD', data: { wolkvox_id: ['r-1', 'r-2'] } });
		const result = await run(
			recordWorkflow('upsert', { matchField: 'emailcontact', fieldsToSend: 'mapAutomatically', options: { maxRetries: 0 } }, [{ json: { emailcontact: 'a@example.com' } }], 'continueRegularOutput'),
		);
		expect(result.outputOf(NODE_NAME)[0].json).toStrictEqual({
			error: 'The wolkvox CRM API refused the request: INVALID RECORD',
			details:
				'Item 0 (Record ID r-1): A parameter is missing or malformed: check CRM Operation, Module, and the field names (exactly as the CRM shows them) and values. (HTTP 400, code 400, the answer names r-1, r-2)',
		});
	});
});
