/** The sandbox's custom/delete.php: the all-or-nothing default, partial deletes, and what a 404 names. */
import { parseArgs } from '../sandbox/server';
import { C1, C2, C3, DELETE, UNKNOWN, call, contactIds, del, sandboxes } from './helpers/sandboxHttp';

const start = sandboxes();

describe('sandbox: delete.php', () => {
	it('multiple:false with a string id deletes exactly that record', async () => {
		const sb = await start();
		const before = contactIds(sb);
		const r = await call(sb, DELETE, { body: del(C1, false) });
		expect(r.status).toBe(200);
		expect(r.json).toEqual({ code: 200, error: 'null', msg: 'Have been succesfully removed', data: { wolkvox_id: [C1] } });
		expect(contactIds(sb)).toEqual(before.filter((id) => id !== C1));
		expect(sb.records('demo', 'leads')).toHaveLength(6);
	});

	it('multiple:false also accepts a one-element array', async () => {
		const sb = await start();
		const r = await call(sb, DELETE, { body: del([C2], false) });
		expect(r.status).toBe(200);
		expect(contactIds(sb)).not.toContain(C2);
		expect(contactIds(sb)).toHaveLength(11);
	});

	it('multiple:true deletes every listed id once (duplicates collapse)', async () => {
		const sb = await start();
		const before = contactIds(sb);
		const r = await call(sb, DELETE, { body: del([C1, C2, C1, C3], true) });
		expect(r.status).toBe(200);
		expect(r.json.data.wolkvox_id).toEqual([C1, C2, C3]);
		expect(contactIds(sb)).toEqual(before.filter((id) => ![C1, C2, C3].includes(id)));
		const entry = sb.log[sb.log.length - 1];
		expect(entry.ids).toEqual([C1, C2, C1, C3]);
		expect(entry.deleted).toEqual([C1, C2, C3]);
		expect(entry.multiple).toBe(true);
	});

	it('any unknown id → 404 RECORD NOT FOUND listing only the unknown ids, nothing deleted', async () => {
		const sb = await start();
		const before = sb.records();
		const r = await call(sb, DELETE, { body: del([C1, UNKNOWN, C2], true) });
		expect(r.status).toBe(404);
		expect(r.json.code).toBe(404);
		expect(r.json.error).toBe('RECORD NOT FOUND');
		expect(r.json.data).toEqual({ wolkvox_id: [UNKNOWN] });
		expect(sb.records()).toEqual(before);
		// an id from another module does not count as existing
		const lead = sb.records('demo', 'leads')[0].wolkvox_id;
		expect((await call(sb, DELETE, { body: del(lead, false) })).status).toBe(404);
		expect(sb.records()).toEqual(before);
	});

	it('rejects malformed bodies with 400 and names what is wrong', async () => {
		const sb = await start();
		const before = sb.records();
		const cases: Array<[unknown, number]> = [
			[{ operation: 'demo', module: 'contacts', multiple: 'true', 'wolkvox-id': [C1] }, 400],
			[{ operation: 'demo', module: 'contacts', multiple: 1, 'wolkvox-id': C1 }, 400],
			[del(C1, true), 400],
			[del([], true), 400],
			[del('', false), 400],
			[del([C1, C2], false), 400],
			[del([C1, 5 as unknown as string], true), 400],
			[[1, 2], 400],
		];
		for (const [body, status] of cases) {
			const r = await call(sb, DELETE, { body });
			expect({ body, status: r.status }).toEqual({ body, status });
		}
		const missing = await call(sb, DELETE, { body: { operation: 'demo', multiple: true } });
		expect(missing.status).toBe(400);
		expect(missing.json.error).toBe('SOME PARAMETERS ARE REQUIRED');
		expect(missing.json.msg).toContain('module');
		expect(missing.json.msg).toContain('wolkvox-id');
		const notJson = await call(sb, DELETE, { rawBody: '{"operation": "demo",' });
		expect(notJson.status).toBe(400);
		expect(sb.records()).toEqual(before);
	});

	it('unknown operation or module → 404 naming it; unknown path → 404; wrong method → 405', async () => {
		const sb = await start();
		const op = await call(sb, DELETE, { body: { ...del(C1), operation: 'ghost_op' } });
		expect(op.status).toBe(404);
		expect(op.json.msg).toContain('ghost_op');
		const mod = await call(sb, DELETE, { body: { ...del(C1), module: 'Ghosts' } });
		expect(mod.status).toBe(404);
		expect(mod.json.msg).toContain('Ghosts');
		const path = await call(sb, '/server/API/v2/custom/deleteAll.php', { body: del(C1) });
		expect(path.status).toBe(404);
		expect(path.json.error).toBe('THE API YOU WANT TO CONSULT DOES NOT EXIST');
		const get = await call(sb, DELETE, { method: 'GET' });
		expect(get.status).toBe(405);
		expect(contactIds(sb)).toContain(C1);
	});

	it('maxIdsPerDelete: more ids → 416 and nothing deleted; at the limit → deleted', async () => {
		const sb = await start({ maxIdsPerDelete: 2 });
		const r = await call(sb, DELETE, { body: del([C1, C2, C3], true) });
		expect(r.status).toBe(416);
		expect(r.json.error).toBe('EXCEEDS THE MAXIMUM NUMBER OF RECORDS PER REQUEST (2)');
		expect(contactIds(sb)).toEqual(expect.arrayContaining([C1, C2, C3]));
		const ok = await call(sb, DELETE, { body: del([C1, C2], true) });
		expect(ok.status).toBe(200);
		expect(contactIds(sb)).toHaveLength(10);
	});
});
describe('sandbox: delete.php, partial deletes and 404s without ids', () => {
	it('partial: the known ids are deleted and only they are listed; the unknown ones stay unmentioned', async () => {
		const sb = await start({ deleteMode: 'partial' });
		const before = contactIds(sb);
		const r = await call(sb, DELETE, { body: del([C1, UNKNOWN, C2, C1], true) });
		expect(r.status).toBe(200);
		expect(r.json).toEqual({ code: 200, error: 'null', msg: 'Have been succesfully removed', data: { wolkvox_id: [C1, C2] } });
		expect(contactIds(sb)).toEqual(before.filter((id) => id !== C1 && id !== C2));
		const entry = sb.log[0];
		expect(entry.ids).toEqual([C1, UNKNOWN, C2, C1]);
		expect(entry.deleted).toEqual([C1, C2]);
	});

	it('partial: when none of the ids is known → 404 RECORD NOT FOUND listing them, nothing deleted', async () => {
		const sb = await start({ deleteMode: 'partial' });
		const before = sb.records();
		const other = 'eeeeeeeeeeeeeeeeeeeeeeee';
		const r = await call(sb, DELETE, { body: del([UNKNOWN, other, UNKNOWN], true) });
		expect(r.status).toBe(404);
		expect(r.json).toEqual({
			code: 404,
			error: 'RECORD NOT FOUND',
			msg: `The record(s) ${UNKNOWN}, ${other} do not exist`,
			data: { wolkvox_id: [UNKNOWN, other] },
		});
		expect(sb.records()).toEqual(before);
		expect(sb.log[0].deleted).toEqual([]);
	});

	it('notFoundNamesIds: false → the 404 has data null and names no id, in both modes', async () => {
		const sb = await start({ notFoundNamesIds: false });
		const before = sb.records();
		const all = await call(sb, DELETE, { body: del([C1, UNKNOWN], true) });
		expect(all.status).toBe(404);
		expect(all.json).toEqual({ code: 404, error: 'RECORD NOT FOUND', msg: 'One or more records do not exist', data: null });
		expect(all.text).not.toContain(UNKNOWN);
		expect(sb.records()).toEqual(before);
		sb.configure({ deleteMode: 'partial' });
		const none = await call(sb, DELETE, { body: del(UNKNOWN, false) });
		expect(none.status).toBe(404);
		expect(none.json.data).toBeNull();
		const some = await call(sb, DELETE, { body: del([C3, UNKNOWN], true) });
		expect(some.json.data).toEqual({ wolkvox_id: [C3] });
		expect(contactIds(sb)).not.toContain(C3);
		expect(contactIds(sb)).toContain(C1);
	});

	it('maxIdsPerDelete still applies in partial mode (416, nothing deleted); a bad deleteMode is refused', async () => {
		const sb = await start({ deleteMode: 'partial', maxIdsPerDelete: 1 });
		const r = await call(sb, DELETE, { body: del([C1, UNKNOWN], true) });
		expect(r.status).toBe(416);
		expect(contactIds(sb)).toContain(C1);
		expect(() => sb.configure({ deleteMode: 'some' as 'partial' })).toThrow(/deleteMode/);
		expect(sb.config().deleteMode).toBe('partial');
	});

	it('the defaults are all-or-nothing with the ids named; the CLI flags switch both', () => {
		expect(parseArgs([])).toEqual({ ttlMs: 600000 });
		expect(parseArgs(['--partial-deletes', '--not-found-names-none'])).toEqual({
			ttlMs: 600000,
			deleteMode: 'partial',
			notFoundNamesIds: false,
		});
	});

	it('a started sandbox reports the delete defaults in its config', async () => {
		const sb = await start();
		expect(sb.config()).toEqual(expect.objectContaining({ deleteMode: 'allOrNothing', notFoundNamesIds: true }));
	});
});
