/** The sandbox's cases/* endpoints and the activities module, over HTTP. */
import { encodeMultipart, type FormPart } from '../nodes/WolkvoxCrm/transport/multipart';
import { parseArgs, startSandbox } from '../sandbox/server';
import { call, HEX24, type Loose, type Options, type Sandbox } from './helpers/sandboxHttp';

const API = '/server/API/v2/';
const CASE1 = '6570a1b2c3d4e5f601234561';
const CASE2 = '6570a1b2c3d4e5f601234562';

let sb: Sandbox;
afterEach(async () => await sb?.close());
const start = async (options: Options = {}) => (sb = await startSandbox(options));

async function postForm(path: string, parts: FormPart[], token = sb.token): Promise<{ status: number; json: Loose }> {
	const { body, contentType } = encodeMultipart(parts);
	const res = await fetch(sb.url + API + path, { method: 'POST', headers: { 'Content-Type': contentType, 'Wolkvox-Token': token }, body });
	return { status: res.status, json: JSON.parse(await res.text()) };
}

const text = (entries: Record<string, string>): FormPart[] => Object.entries(entries).map(([name, value]) => ({ name, value }));
const newCase = { operation: 'demo', 'case-type': 'Request', responsible: 'lmora_@demo', owner: 'ADMIN_@demo', contact: 'a@b.co', description: 'Hola', status: 'open', priority: 'low' };

describe('sandbox cases/queryCases.php', () => {
	test('finds cases by a documented field, named as the query names them; other names → 400', async () => {
		await start();
		const found = await call(sb, `${API}cases/queryCases.php`, { body: { operation: 'demo', field: 'email contact', value: 'valentina.ospina@gmail.com' } });
		expect(found.status).toBe(200);
		expect(found.json.msg).toBe('2 records were are found');
		expect(found.json.data.map((c: Loose) => c.wolkvox_id)).toStrictEqual([CASE1, '6570a1b2c3d4e5f601234563']);
		expect(found.json.data[0]['type case']).toBe('Complaints');
		const byId = await call(sb, `${API}cases/queryCases.php`, { body: { operation: 'demo', field: 'wolkvox-id', value: CASE2 } });
		expect(byId.json.data).toHaveLength(1);
		const bad = await call(sb, `${API}cases/queryCases.php`, { body: { operation: 'demo', field: 'emailcontact', value: 'x' } });
		expect(bad.status).toBe(400);
		expect(bad.json.msg).toMatch(/^field must be one of: status, priority, email contact/);
	});

	test("caseAnswerKeys 'write' answers with the write names", async () => {
		await start({ caseAnswerKeys: 'write' });
		const found = await call(sb, `${API}cases/queryCases.php`, { body: { operation: 'demo', field: 'wolkvox-id', value: CASE1 } });
		expect(found.json.data[0]).toMatchObject({ 'wolkvox-id': CASE1, 'case-type': 'Complaints', responsible: 'lmora_@demo', owner: 'ADMIN_@demo', contact: 'valentina.ospina@gmail.com', description: 'The invoice of November was charged twice' });
		expect(found.json.data[0]).not.toHaveProperty('type case');
		expect(found.json.data[0]).not.toHaveProperty('wolkvox_id');
	});

	test('the External token is refused here (403)', async () => {
		await start();
		const res = await call(sb, `${API}cases/queryCases.php`, { body: { operation: 'demo', field: 'status', value: 'open' }, token: sb.externalToken });
		expect(res.status).toBe(403);
	});
});

describe('sandbox cases/insert.php and insertAttach.php', () => {
	test('form-data with form as a JSON string creates a case and answers its id', async () => {
		await start();
		const res = await postForm('cases/insert.php', [...text(newCase), { name: 'form', value: '{"Canal":"Teléfono"}' }]);
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({ code: 200, error: 'null', msg: 'Case created successfully' });
		expect(res.json.data.wolkvox_id).toMatch(HEX24);
		const stored = sb.records('demo', 'cases').find((c: Loose) => c.wolkvox_id === res.json.data.wolkvox_id);
		expect(stored).toMatchObject({ 'type case': 'Request', 'responsible user': 'lmora_@demo', 'owner user': 'ADMIN_@demo', 'email contact': 'a@b.co', description: 'Hola', status: 'open', priority: 'low', form: { Canal: 'Teléfono' } });
	});

	test('caseInsertReturnsId false: the answer has no id; a JSON body is refused; a missing key → 400', async () => {
		await start({ caseInsertReturnsId: false });
		const res = await postForm('cases/insert.php', text(newCase));
		expect(res.json).toStrictEqual({ code: '200', error: 'null', msg: 'Case created successfully', data: null });
		expect(sb.records('demo', 'cases')).toHaveLength(4);
		const json = await call(sb, `${API}cases/insert.php`, { body: newCase });
		expect(json.status).toBe(400);
		expect(json.json.error).toBe('THE BODY MUST BE FORM-DATA');
		const missing = await postForm('cases/insert.php', text({ ...newCase, priority: '' }));
		expect(missing.json.msg).toBe('Missing required parameter(s): priority');
	});

	test('insertAttach.php takes JSON with base64 attachments', async () => {
		await start();
		const res = await call(sb, `${API}cases/insertAttach.php`, { body: { ...newCase, form: {}, attachments: ['aGVsbG8='] } });
		expect(res.status).toBe(200);
		const stored = sb.records('demo', 'cases').find((c: Loose) => c.wolkvox_id === res.json.data.wolkvox_id);
		expect(stored.attachments).toStrictEqual([{ bytes: 5 }]);
	});
});

describe('sandbox cases/update.php: the whole case is replaced', () => {
	test('keys not sent are blanked; files are appended; an unknown id → 404', async () => {
		await start();
		const res = await postForm('cases/update.php', [
			...text({ operation: 'demo', 'wolkvox-id': CASE1, 'case-type': 'Claims', responsible: 'lmora_@demo', status: 'closed', priority: 'high', form: '{"Canal":"Email"}' }),
			{ name: 'file', value: Buffer.from('abc'), fileName: 'a.txt', contentType: 'text/plain' },
		]);
		expect(res.status).toBe(200);
		expect(res.json.data).toStrictEqual({ wolkvox_id: CASE1 });
		const stored = sb.records('demo', 'cases').find((c: Loose) => c.wolkvox_id === CASE1);
		expect(stored).toMatchObject({ 'type case': 'Claims', status: 'closed', 'owner user': '', 'email contact': '', description: '', form: { Canal: 'Email' }, attachments: [{ bytes: 3 }] });
		const unknown = await postForm('cases/update.php', text({ operation: 'demo', 'wolkvox-id': 'ffffffffffffffffffffffff', 'case-type': 'Claims', responsible: 'x', status: 's', priority: 'p', form: '{}' }));
		expect(unknown.status).toBe(404);
	});
});

describe('sandbox cases/listHistoryNote.php', () => {
	test('needs the External token; gives the notes of the matching cases up to limit', async () => {
		await start();
		const body = { operation: 'demo', field: 'wolkvox-id', value: CASE1, limit: 5 };
		const internal = await call(sb, `${API}cases/listHistoryNote.php`, { body });
		expect(internal.status).toBe(403);
		expect(internal.json.msg).toBe('Forbidden: this API needs an External token');
		const notes = await call(sb, `${API}cases/listHistoryNote.php`, { body, token: sb.externalToken });
		expect(notes.json.data.map((n: Loose) => n.note)).toStrictEqual(['Customer called, sent the two charges by e-mail', 'Refund requested to billing']);
		const one = await call(sb, `${API}cases/listHistoryNote.php`, { body: { ...body, limit: '1' }, token: sb.externalToken });
		expect(one.json.data).toHaveLength(1);
	});
});

describe('sandbox wolkvox_activities', () => {
	test('custom/insert.php stores the activity with its type', async () => {
		await start();
		const res = await call(sb, `${API}custom/insert.php`, { body: { operation: 'demo', module: 'wolkvox_activities', type: 'call', fields: { name: 'Llamada' } } });
		expect(res.status).toBe(200);
		expect(sb.records('demo', 'wolkvox_activities')).toMatchObject([{ name: 'Llamada', type: 'call', wolkvox_id: res.json.data.wolkvox_id }]);
	});
});

describe('sandbox case switches', () => {
	test('CLI flags and options; a wrong answer style is refused', async () => {
		expect(parseArgs(['--external-token', 'ext-1', '--case-answer-keys', 'write', '--case-insert-without-id'])).toEqual({
			ttlMs: 600000,
			externalToken: 'ext-1',
			caseAnswerKeys: 'write',
			caseInsertReturnsId: false,
		});
		await expect(startSandbox({ caseAnswerKeys: 'camel' as never })).rejects.toThrow('sandbox option caseAnswerKeys must be one of query, write');
		await start({ externalToken: 'ext-1' });
		expect(sb.externalToken).toBe('ext-1');
		const res = await fetch(`${sb.url}/__sandbox/config`);
		const config = await res.json();
		expect(config).not.toHaveProperty('externalToken');
		expect(config).toMatchObject({ caseAnswerKeys: 'query', caseInsertReturnsId: true });
	});
});
