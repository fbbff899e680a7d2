/** The sandbox's write endpoints: insert.php, insertMany.php, update.php, updateMany.php. */
import { parseArgs } from '../sandbox/server';
import {
	C1,
	C2,
	C3,
	CRM_DATE,
	HEX24,
	INSERT,
	INSERT_MANY,
	QUERY,
	UNKNOWN,
	UPDATE,
	UPDATE_MANY,
	call,
	contact,
	contactIds,
	del,
	sandboxes,
	type Loose,
} from './helpers/sandboxHttp';

const start = sandboxes();
const DELETE = '/server/API/v2/custom/delete.php';

const TYPED = {
	Direccion: { type: 'address', value: 'Calle 145a #12-60' },
	Productos: { type: 'table', value: [{ Ropa: 'Camisetas' }] },
	Telefono: { type: 'telephone', value: '3001234567', country: 'Colombia', code: '57' },
	Precio: { type: 'currency', value: '1750905', symbol: 'COP', convert: 1750905 },
	Empresa: { type: 'search', value: 'Acme', value_id: C2, searchModuleName: 'contacts' },
	Padre: { type: 'relation', value: 'Otra', value_id: C3 },
};
const STORED = {
	Direccion: 'Calle 145a #12-60',
	Productos: [{ Ropa: 'Camisetas' }],
	Telefono: { value: '3001234567', country: 'Colombia', code: '57' },
	Precio: { value: '1750905', symbol: 'COP', convert: 1750905 },
	Empresa: { value: 'Acme', value_id: C2, searchModuleName: 'contacts' },
	Padre: { value: 'Otra', value_id: C3 },
};

const write = (fields: unknown, extra: Record<string, unknown> = {}) => ({ operation: 'demo', module: 'contacts', fields, ...extra });

describe('sandbox: insert.php', () => {
	it('insert creates a record with a fresh 24-hex id and system fields', async () => {
		const sb = await start();
		const r = await call(sb, INSERT, {
			body: {
				operation: 'demo',
				module: 'contacts',
				fields: {
					namecontact: 'Paula Andrea Giraldo',
					telephonecontact: { type: 'telephone', value: '3001112233', country: 'Colombia', code: '57' },
					emailcontact: 'paula.giraldo@gmail.com',
				},
			},
		});
		expect(r.status).toBe(200);
		expect(r.json).toEqual({ code: '200', error: 'null', msg: 'Record created successfully', data: { wolkvox_id: expect.stringMatching(HEX24) } });
		const id = r.json.data.wolkvox_id;
		const recs = sb.records('demo', 'contacts');
		expect(recs).toHaveLength(13);
		const created = recs.find((x: { wolkvox_id: string }) => x.wolkvox_id === id);
		expect(created.telephonecontact).toEqual({ value: '3001112233', country: 'Colombia', code: '57' });
		expect(created.wolkvox_fecha_creacion).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
		const back = await call(sb, QUERY, { body: { operation: 'demo', module: 'contacts', field: 'wolkvox_id', value: id } });
		expect(back.json.data).toHaveLength(1);
		expect((await call(sb, DELETE, { body: del(id, false) })).status).toBe(200);
		const bad = await call(sb, INSERT, { body: { operation: 'demo', module: 'contacts' } });
		expect(bad.status).toBe(400);
		expect(bad.json.msg).toContain('fields');
	});
	it('accepts the six field types, stores them without type; any other type → 400 naming the field, nothing written', async () => {
		const sb = await start();
		const r = await call(sb, INSERT, { body: write({ ...TYPED, plain: { value: 'x', type2: 1 } }) });
		expect(r.status).toBe(200);
		const id = r.json.data.wolkvox_id;
		expect(contact(sb, id)).toEqual(expect.objectContaining({ ...STORED, plain: { value: 'x', type2: 1 } }));
		expect(sb.log[0].inserted).toBe(id);
		for (const type of ['phone', 'Address', 5, null]) {
			const bad = await call(sb, INSERT, { body: write({ namecontact: 'X', 'Tipo de cliente': { type, value: 'VIP' } }) });
			expect({ type, status: bad.status, error: bad.json.error }).toEqual({ type, status: 400, error: 'SOME PARAMETERS ARE INVALID' });
			expect(bad.json.msg).toContain('Tipo de cliente');
		}
		expect(contactIds(sb)).toHaveLength(13);
	});
});

describe('sandbox: insertMany.php', () => {
	it('inserts every element in order and answers with the new ids in that order', async () => {
		const sb = await start();
		const before = contactIds(sb);
		const r = await call(sb, INSERT_MANY, { body: write([{ namecontact: 'Uno' }, { namecontact: 'Dos', ...TYPED }, { namecontact: 'Tres' }]) });
		expect(r.status).toBe(200);
		expect(r.json).toEqual({ code: 200, error: 'null', msg: '3 records have been inserted', data: { wolkvox_id: expect.any(Array) } });
		const ids: string[] = r.json.data.wolkvox_id;
		expect(ids).toHaveLength(3);
		for (const id of ids) expect(id).toMatch(HEX24);
		expect(contactIds(sb)).toEqual([...before, ...ids]);
		expect(ids.map((id) => contact(sb, id).namecontact)).toEqual(['Uno', 'Dos', 'Tres']);
		expect(contact(sb, ids[1])).toEqual(expect.objectContaining(STORED));
		const made = contact(sb, ids[0]);
		expect(made.wolkvox_fecha_creacion).toMatch(CRM_DATE);
		expect(made).toEqual(expect.objectContaining({ wolkvox_form_name: 'contacts', wolkvox_usuario_creacion: 'ADMIN_@demo', wolkvox_origen: 'API' }));
		expect(sb.log[0]).toEqual(expect.objectContaining({ inserted: ids, status: 200, operation: 'demo', module: 'contacts' }));
	});

	it('a bad list or any bad element → 400 naming it, and nothing is written', async () => {
		const sb = await start();
		const before = sb.records();
		const cases: Array<[unknown, string]> = [
			[{ namecontact: 'not a list' }, 'fields'],
			[[], 'fields'],
			[[{ namecontact: 'ok' }, 'text'], 'fields[1]'],
			[[{ namecontact: 'ok' }, {}], 'fields[1]'],
			[[{ namecontact: 'ok' }, null], 'fields[1]'],
			[[{ namecontact: 'ok' }, { namecontact: 'bad', Direccion: { type: 'street', value: 'x' } }], 'fields[1].Direccion'],
		];
		for (const [fields, named] of cases) {
			const r = await call(sb, INSERT_MANY, { body: write(fields) });
			expect({ fields, status: r.status, named: r.json.msg.includes(named) }).toEqual({ fields, status: 400, named: true });
		}
		expect((await call(sb, INSERT_MANY, { body: { operation: 'demo', module: 'contacts' } })).json.error).toBe('SOME PARAMETERS ARE REQUIRED');
		expect((await call(sb, INSERT_MANY, { body: write([{ a: 1 }], { module: 'Ghosts' }) })).status).toBe(404);
		expect(sb.records()).toEqual(before);
		expect(sb.log.every((e) => e.inserted === null)).toBe(true);
	});

	it('more elements than maxRecordsPerInsert (default 100) → 416 and nothing written; 0 = unlimited', async () => {
		const sb = await start();
		const many = (n: number) => Array.from({ length: n }, (_, i) => ({ namecontact: `N${i}` }));
		const over = await call(sb, INSERT_MANY, { body: write(many(101)) });
		expect(over.status).toBe(416);
		expect(over.json.error).toBe('EXCEEDS THE MAXIMUM NUMBER OF RECORDS PER REQUEST (100)');
		expect(contactIds(sb)).toHaveLength(12);
		expect((await call(sb, INSERT_MANY, { body: write(many(100)) })).status).toBe(200);
		expect(contactIds(sb)).toHaveLength(112);
		sb.configure({ maxRecordsPerInsert: 2 });
		expect((await call(sb, INSERT_MANY, { body: write(many(3)) })).json.error).toBe('EXCEEDS THE MAXIMUM NUMBER OF RECORDS PER REQUEST (2)');
		sb.configure({ maxRecordsPerInsert: 0 });
		expect((await call(sb, INSERT_MANY, { body: write(many(150)) })).json.msg).toBe('150 records have been inserted');
		expect(contactIds(sb)).toHaveLength(262);
		expect(parseArgs(['--max-records-per-write', '5'])).toEqual({ ttlMs: 600000, maxRecordsPerInsert: 5 });
	});
});

describe('sandbox: update.php', () => {
	it('changes only the fields sent, stamps the modification, and answers with the id', async () => {
		const sb = await start();
		const before = contact(sb, C1);
		const r = await call(sb, UPDATE, { body: write({ Ciudad: 'Cali', Direccion: TYPED.Direccion }, { 'wolkvox-id': C1 }) });
		expect(r.status).toBe(200);
		expect(r.json).toEqual({ code: 200, error: 'null', msg: 'Record updated successfully', data: { wolkvox_id: C1 } });
		const after = contact(sb, C1);
		// Every other field is as it was.
		const untouched = (record: Record<string, unknown>) =>
			Object.fromEntries(
				Object.entries(record).filter(
					([key]) => !['Ciudad', 'Direccion', 'wolkvox_fecha_modificacion', 'wolkvox_usuario_modificacion'].includes(key),
				),
			);
		expect(untouched(after)).toEqual(untouched(before));
		expect(after.Ciudad).toBe('Cali');
		expect(after.Direccion).toBe('Calle 145a #12-60');
		expect(after.wolkvox_fecha_modificacion).toMatch(CRM_DATE);
		expect(after.wolkvox_usuario_modificacion).toBe('ADMIN_@demo');
		expect(contact(sb, C2)).toEqual(expect.objectContaining({ Ciudad: 'Bogotá' }));
		expect(sb.log[0]).toEqual(expect.objectContaining({ ids: [C1], updated: [C1], status: 200 }));
		const back = await call(sb, QUERY, { body: { operation: 'demo', module: 'contacts', field: 'Ciudad', value: 'Cali' } });
		expect(back.json.data.map((x: Loose) => x.wolkvox_id)).toContain(C1);
	});

	it('an unknown id → 404 RECORD NOT FOUND naming it (or data null), nothing changed', async () => {
		const sb = await start();
		const before = sb.records();
		const r = await call(sb, UPDATE, { body: write({ Ciudad: 'Cali' }, { 'wolkvox-id': UNKNOWN }) });
		expect(r.status).toBe(404);
		expect(r.json).toEqual({ code: 404, error: 'RECORD NOT FOUND', msg: `The record(s) ${UNKNOWN} do not exist`, data: { wolkvox_id: [UNKNOWN] } });
		const lead = sb.records('demo', 'leads')[0].wolkvox_id;
		expect((await call(sb, UPDATE, { body: write({ Ciudad: 'Cali' }, { 'wolkvox-id': lead }) })).status).toBe(404);
		sb.configure({ notFoundNamesIds: false });
		const quiet = await call(sb, UPDATE, { body: write({ Ciudad: 'Cali' }, { 'wolkvox-id': UNKNOWN }) });
		expect(quiet.json).toEqual({ code: 404, error: 'RECORD NOT FOUND', msg: 'One or more records do not exist', data: null });
		expect(sb.records()).toEqual(before);
		expect(sb.log.every((e) => e.updated.length === 0)).toBe(true);
	});

	it('bad bodies → 400 naming what is wrong, nothing changed', async () => {
		const sb = await start();
		const before = sb.records();
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ operation: 'demo', module: 'contacts', fields: { a: 1 } }, 'wolkvox-id'],
			[write(undefined, { 'wolkvox-id': C1 }), 'fields'],
			[write({ a: 1 }, { 'wolkvox-id': [C1] }), 'wolkvox-id'],
			[write('Cali', { 'wolkvox-id': C1 }), 'fields'],
			[write({}, { 'wolkvox-id': C1 }), 'fields'],
			[write({ wolkvox_id: C2 }, { 'wolkvox-id': C1 }), 'wolkvox_id'],
			[write({ Direccion: { type: 'calle', value: 'x' } }, { 'wolkvox-id': C1 }), 'fields.Direccion'],
			[write({ a: 1 }, { 'wolkvox-id': C1, attachments: 'aGVsbG8=' }), 'attachments'],
			[write({ a: 1 }, { 'wolkvox-id': C1, attachments: ['aGVsbG8=', 'not base64!'] }), 'attachments[1]'],
			[write({ a: 1 }, { 'wolkvox-id': C1, attachments: ['abc'] }), 'attachments[0]'],
			[write({ a: 1 }, { 'wolkvox-id': C1, attachments: [5] }), 'attachments[0]'],
		];
		for (const [body, named] of cases) {
			const r = await call(sb, UPDATE, { body });
			expect({ body, status: r.status, named: r.json.msg.includes(named) }).toEqual({ body, status: 400, named: true });
		}
		expect(sb.records()).toEqual(before);
	});

	it('attachments: base64 strings stored as their decoded sizes, appended; over maxAttachmentBytes → 400 ATTACHMENT TOO LARGE', async () => {
		const sb = await start({ maxAttachmentBytes: 5 });
		const five = Buffer.from('hello').toString('base64');
		const r = await call(sb, UPDATE, { body: write({}, { 'wolkvox-id': C1, attachments: [five, 'AAA='] }) });
		expect(r.status).toBe(200);
		expect(contact(sb, C1).wolkvox_attachments).toEqual([{ bytes: 5 }, { bytes: 2 }]);
		await call(sb, UPDATE, { body: write({ Ciudad: 'Lima' }, { 'wolkvox-id': C1, attachments: ['AA=='] }) });
		expect(contact(sb, C1).wolkvox_attachments).toEqual([{ bytes: 5 }, { bytes: 2 }, { bytes: 1 }]);
		const big = await call(sb, UPDATE, { body: write({ Ciudad: 'Quito' }, { 'wolkvox-id': C1, attachments: [Buffer.from('hello!').toString('base64')] }) });
		expect(big.status).toBe(400);
		expect(big.json).toEqual({ code: 400, error: 'ATTACHMENT TOO LARGE', msg: 'attachments[0] is 6 bytes; at most 5 bytes per attachment', data: null });
		expect(contact(sb, C1).Ciudad).toBe('Lima');
		expect(parseArgs(['--max-attachment-bytes', '1024']).maxAttachmentBytes).toBe(1024);
	});

	it('the default attachment cap is 10 MiB decoded: one byte more → 400 ATTACHMENT TOO LARGE', async () => {
		const sb = await start();
		const cap = 10 * 1024 * 1024;
		expect(sb.config().maxAttachmentBytes).toBe(cap);
		const over = await call(sb, UPDATE, { body: write({}, { 'wolkvox-id': C1, attachments: [Buffer.alloc(cap + 1).toString('base64')] }) });
		expect(over.status).toBe(400);
		expect(over.json.msg).toBe(`attachments[0] is ${cap + 1} bytes; at most ${cap} bytes per attachment`);
		// the boundary itself (exactly the cap passes) is checked with a small cap above; one 14 MB upload is enough here
		expect(contact(sb, C1)).not.toHaveProperty('wolkvox_attachments');
	});
});

describe('sandbox: updateMany.php', () => {
	it('each element names its record with "wolkvox-id"; only the listed fields change', async () => {
		const sb = await start();
		const [b1, b2, b3] = [contact(sb, C1), contact(sb, C2), contact(sb, C3)];
		const r = await call(sb, UPDATE_MANY, { body: write([{ 'wolkvox-id': C1, Ciudad: 'Cali' }, { 'wolkvox-id': C2, Telefono: TYPED.Telefono }]) });
		expect(r.status).toBe(200);
		expect(r.json).toEqual({ code: 200, error: 'null', msg: '2 records have been updated', data: { wolkvox_id: [C1, C2] } });
		expect(contact(sb, C1)).toEqual({ ...b1, Ciudad: 'Cali', wolkvox_fecha_modificacion: expect.stringMatching(CRM_DATE), wolkvox_usuario_modificacion: 'ADMIN_@demo' });
		expect(contact(sb, C2)).toEqual({ ...b2, Telefono: STORED.Telefono, wolkvox_fecha_modificacion: expect.stringMatching(CRM_DATE), wolkvox_usuario_modificacion: 'ADMIN_@demo' });
		expect(contact(sb, C3)).toEqual(b3);
		expect(contact(sb, C1)).not.toHaveProperty('wolkvox-id');
		expect(sb.log[0]).toEqual(expect.objectContaining({ ids: [C1, C2], updated: [C1, C2] }));
	});

	it('PUT → 405 METHOD NOT ALLOWED (we use POST), nothing changed', async () => {
		const sb = await start();
		const before = sb.records();
		const r = await call(sb, UPDATE_MANY, { method: 'PUT', body: write([{ 'wolkvox-id': C1, Ciudad: 'Cali' }]) });
		expect(r.status).toBe(405);
		expect(r.json.error).toBe('METHOD NOT ALLOWED');
		expect(r.headers.get('allow')).toBe('POST');
		expect(sb.records()).toEqual(before);
	});

	it('all-or-nothing: any unknown id → 404 naming only the unknown ids (or data null), nothing written', async () => {
		const sb = await start();
		const before = sb.records();
		const body = write([{ 'wolkvox-id': C1, Ciudad: 'Cali' }, { 'wolkvox-id': UNKNOWN, Ciudad: 'Lima' }]);
		const r = await call(sb, UPDATE_MANY, { body });
		expect(r.status).toBe(404);
		expect(r.json).toEqual({ code: 404, error: 'RECORD NOT FOUND', msg: `The record(s) ${UNKNOWN} do not exist`, data: { wolkvox_id: [UNKNOWN] } });
		sb.configure({ notFoundNamesIds: false, deleteMode: 'partial' });
		const quiet = await call(sb, UPDATE_MANY, { body });
		expect(quiet.json.data).toBeNull();
		expect(sb.records()).toEqual(before);
	});

	it('an element without "wolkvox-id" or without fields → 400 naming it; more than maxRecordsPerInsert → 416', async () => {
		const sb = await start({ maxRecordsPerInsert: 2 });
		const before = sb.records();
		const missing = await call(sb, UPDATE_MANY, { body: write([{ 'wolkvox-id': C1, Ciudad: 'Cali' }, { Ciudad: 'Lima' }]) });
		expect(missing.status).toBe(400);
		expect(missing.json.msg).toContain('fields[1]');
		expect(missing.json.msg).toContain('wolkvox-id');
		const empty = await call(sb, UPDATE_MANY, { body: write([{ 'wolkvox-id': C1 }]) });
		expect(empty.status).toBe(400);
		expect(empty.json.msg).toContain('fields[0]');
		const typed = await call(sb, UPDATE_MANY, { body: write([{ 'wolkvox-id': C1, X: { type: 'list', value: 1 } }]) });
		expect(typed.json.msg).toContain('fields[0].X');
		expect((await call(sb, UPDATE_MANY, { body: write({ 'wolkvox-id': C1, Ciudad: 'Cali' }) })).status).toBe(400);
		const three = [C1, C2, C3].map((id) => ({ 'wolkvox-id': id, Ciudad: 'Cali' }));
		const over = await call(sb, UPDATE_MANY, { body: write(three) });
		expect(over.status).toBe(416);
		expect(over.json.error).toBe('EXCEEDS THE MAXIMUM NUMBER OF RECORDS PER REQUEST (2)');
		expect(sb.records()).toEqual(before);
		expect((await call(sb, UPDATE_MANY, { body: write(three.slice(0, 2)) })).status).toBe(200);
	});
});

describe('sandbox: write endpoints leave deleted records alone', () => {
	it('an updated record can still be deleted, and an update after the delete is a 404', async () => {
		const sb = await start();
		expect((await call(sb, UPDATE, { body: write({ Ciudad: 'Cali' }, { 'wolkvox-id': C1 }) })).status).toBe(200);
		expect((await call(sb, DELETE, { body: del(C1) })).status).toBe(200);
		expect((await call(sb, UPDATE, { body: write({ Ciudad: 'Lima' }, { 'wolkvox-id': C1 }) })).status).toBe(404);
		expect(contactIds(sb)).not.toContain(C1);
	});
});
