import nock from 'nock';

import { startSandbox } from '../sandbox/server';
import { CONTACT1, CONTACT2, nodeWorkflow, pathsOf, runOn, type Sandbox } from './helpers/cases';
import { NODE_NAME, ORIGIN, QUERY_PATH, run } from './helpers/node';

const UNKNOWN = 'ffffffffffffffffffffffff';
const base = { resource: 'record', operation: 'get', module: 'contacts' };

let sandbox: Sandbox | undefined;
afterEach(async () => {
	await sandbox?.close();
	sandbox = undefined;
	nock.cleanAll();
	nock.enableNetConnect();
});

describe('Record → Get', () => {
	test('one query.php on wolkvox_id per id, ids from a list or one per item, outputs paired, simplified', async () => {
		sandbox = await startSandbox();
		const items = [{ json: { ids: `${CONTACT1}, ${CONTACT2}` } }, { json: { ids: [CONTACT2] } }];
		const result = await runOn(sandbox, { ...base, recordIds: '={{ $json.ids }}' }, items);
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => [item.json.wolkvox_id, item.pairedItem])).toStrictEqual([
			[CONTACT1, { item: 0 }],
			[CONTACT2, { item: 0 }],
			[CONTACT2, { item: 1 }],
		]);
		expect(output[0].json.telephonecontact).toBe('3004567812');
		expect(pathsOf(sandbox)).toStrictEqual(['custom/query.php', 'custom/query.php', 'custom/query.php']);
		const raw = await runOn(sandbox, { ...base, recordIds: CONTACT1, simplify: false });
		expect(raw.outputOf(NODE_NAME)[0].json.telephonecontact).toStrictEqual({ country: 'Colombia', code: '57', value: '3004567812' });
	});

	test('an id the CRM does not have: an error naming it (item 1), or with Skip no output for it', async () => {
		sandbox = await startSandbox();
		const items = [{ json: { id: CONTACT1 } }, { json: { id: UNKNOWN } }];
		const failed = await runOn(sandbox, { ...base, recordIds: '={{ $json.id }}' }, items, 'continueRegularOutput');
		const output = failed.outputOf(NODE_NAME);
		expect(output[1]).toStrictEqual({
			json: {
				error: `No record with the ID ${UNKNOWN} in contacts`,
				details: `Item 1: the CRM has no record ${UNKNOWN} in module contacts of CRM operation demo. Check the ID and Module, or set If Not Found to Skip.`,
			},
			pairedItem: { item: 1 },
		});
		const skipped = await runOn(sandbox, { ...base, recordIds: `${UNKNOWN}\n${CONTACT2}`, ifNotFound: 'skip' });
		expect(skipped.outputOf(NODE_NAME).map((item) => item.json.wolkvox_id)).toStrictEqual([CONTACT2]);
	});

	test('Check Daily Quota First counts one call per id and stops before sending any', async () => {
		sandbox = await startSandbox({ dailyQuota: 10, quotaUsed: 7 });
		const result = await runOn(sandbox, { ...base, recordIds: `${CONTACT1},${CONTACT2},${CONTACT1}`, options: { quotaGuard: true } });
		expect(result.status).toBe('error');
		expect(result.nodeError(NODE_NAME)!.message).toBe('This run needs 3 API call(s), but the token has only 2 left today');
		expect(pathsOf(sandbox)).toStrictEqual(['token/tokenInformation.php']);
	});

	test('no id at all fails the item', async () => {
		sandbox = await startSandbox();
		const result = await runOn(sandbox, { ...base, recordIds: ' , ' });
		expect(result.nodeError(NODE_NAME)).toMatchObject({ message: 'No record ID to get', context: { itemIndex: 0 } });
	});
});

describe('Record → Get: an API that answers an unknown id with 404', () => {
	const notFound = { code: 404, error: 'RECORD NOT FOUND', msg: `The record ${UNKNOWN} does not exist`, data: null };

	test('RECORD NOT FOUND counts as not found (Skip: no output; Error: the error naming the id)', async () => {
		nock.disableNetConnect();
		nock(ORIGIN).post(QUERY_PATH).times(2).reply(404, notFound);
		const skipped = await run(nodeWorkflow({ ...base, recordIds: UNKNOWN, ifNotFound: 'skip' }));
		expect(skipped.status).toBe('success');
		expect(skipped.outputOf(NODE_NAME)).toStrictEqual([]);
		const failed = await run(nodeWorkflow({ ...base, recordIds: UNKNOWN }));
		expect(failed.nodeError(NODE_NAME)!.message).toBe(`No record with the ID ${UNKNOWN} in contacts`);
	});

	test('MODULE NOT FOUND stays an API error', async () => {
		nock.disableNetConnect();
		nock(ORIGIN).post(QUERY_PATH).reply(404, { code: 404, error: 'MODULE NOT FOUND', msg: 'The module "contactos" does not exist', data: null });
		const result = await run(nodeWorkflow({ ...base, module: 'contactos', recordIds: UNKNOWN, ifNotFound: 'skip' }));
		expect(result.nodeError(NODE_NAME)!.message).toBe('The wolkvox CRM API refused the request: MODULE NOT FOUND');
	});
});
