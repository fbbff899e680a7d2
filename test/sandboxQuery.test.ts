/** The sandbox's query endpoints: query.php (exact match) and queryDates.php (creation range), both capped. */
import { createHash } from 'node:crypto';

import { generateRecords, parseArgs } from '../sandbox/server';
import { C1, C2, CRM_DATE, INSERT, QUERY, QUERY_DATES, call, sandboxes, type Loose, type Sandbox } from './helpers/sandboxHttp';

const start = sandboxes();

const T0 = '2024-03-01 10:00:00';

/** A sandbox whose operation "dates" / module "contacts" holds exactly these records, in this order. */
function withRecords(records: Loose[], options = {}): Promise<Sandbox> {
	return start({ ...options, seed: { operations: { dates: { contacts: records } } } });
}

function range(from: string, to: string, extra: Record<string, unknown> = {}) {
	return { operation: 'dates', module: 'contacts', date: true, from, to, ...extra };
}

const idsOf = (json: Loose): string[] => json.data.map((r: { wolkvox_id: string }) => r.wolkvox_id);

describe('sandbox: query.php', () => {
	it('query matches exactly (string compare), also on wolkvox_id and on typed {value} fields', async () => {
		const sb = await start();
		const city = await call(sb, QUERY, { body: { operation: 'demo', module: 'contacts', field: 'Ciudad', value: 'Medellín' } });
		expect(city.status).toBe(200);
		expect(city.json.code).toBe('200');
		expect(city.json.error).toBe('null');
		expect(city.json.data).toHaveLength(3);
		expect(city.json.msg).toBe('3 records were are found');
		const byId = await call(sb, QUERY, { body: { operation: 'demo', module: 'contacts', field: 'wolkvox_id', value: C2 } });
		expect(byId.json.data).toHaveLength(1);
		expect(byId.json.data[0].wolkvox_id).toBe(C2);
		const phone = await call(sb, QUERY, { body: { operation: 'demo', module: 'contacts', field: 'telephonecontact', value: 3004567812 } });
		expect(phone.json.data.map((r: { wolkvox_id: string }) => r.wolkvox_id)).toEqual([C1]);
		const spaced = await call(sb, QUERY, { body: { operation: 'demo', module: 'Ventas', field: 'Tipo de cliente', value: 'Corporativo' } });
		expect(spaced.json.data.length).toBeGreaterThan(0);
		const partial = await call(sb, QUERY, { body: { operation: 'demo', module: 'contacts', field: 'Ciudad', value: 'medellín' } });
		expect(partial.status).toBe(200);
		expect(partial.json).toEqual({ code: '200', error: 'null', msg: '0 records were are found', data: [] });
		const missing = await call(sb, QUERY, { body: { operation: 'demo', module: 'contacts', field: 'Ciudad' } });
		expect(missing.status).toBe(400);
		expect(missing.json.msg).toContain('value');
	});
	it('an answer holds at most maxRecordsPerAnswer records (default 200), the first ones in creation order, no paging keys', async () => {
		const records = generateRecords(250, { seed: 3 });
		const sb = await withRecords(records);
		const body = { operation: 'dates', module: 'contacts', field: 'wolkvox_form_name', value: 'contacts' };
		const r = await call(sb, QUERY, { body });
		expect(r.status).toBe(200);
		expect(Object.keys(r.json)).toEqual(['code', 'error', 'msg', 'data']);
		expect(r.json.code).toBe('200');
		expect(r.json.error).toBe('null');
		expect(r.json.msg).toBe('200 records were are found');
		expect(idsOf(r.json)).toEqual(records.slice(0, 200).map((x) => x.wolkvox_id));
		expect(sb.log[0].recordsReturned).toBe(200);
		sb.configure({ maxRecordsPerAnswer: 0 });
		const all = await call(sb, QUERY, { body });
		expect(all.json.msg).toBe('250 records were are found');
		expect(idsOf(all.json)).toEqual(records.map((x) => x.wolkvox_id));
		sb.configure({ maxRecordsPerAnswer: 7 });
		expect(idsOf((await call(sb, QUERY, { body })).json)).toEqual(records.slice(0, 7).map((x) => x.wolkvox_id));
		const none = await call(sb, QUERY, { body: { ...body, value: 'leads' } });
		expect(none.json).toEqual({ code: '200', error: 'null', msg: '0 records were are found', data: [] });
		expect(sb.log[3].recordsReturned).toBe(0);
	});

	it('the CLI flag --max-records sets the cap', () => {
		expect(parseArgs(['--max-records', '0'])).toEqual({ ttlMs: 600000, maxRecordsPerAnswer: 0 });
		expect(parseArgs(['--max-records=50']).maxRecordsPerAnswer).toBe(50);
		expect(() => parseArgs(['--max-records', '-1'])).toThrow();
	});
});

describe('sandbox: queryDates.php', () => {
	it('returns the records created within [from, to], both ends inclusive, minute bounds meaning second :00', async () => {
		const records = generateRecords(6, { baseTime: T0, spacingSeconds: 60, jitterSeconds: 0 });
		expect(records.map((x) => x.wolkvox_fecha_creacion)).toEqual([
			'2024-03-01 10:00:00', '2024-03-01 10:01:00', '2024-03-01 10:02:00',
			'2024-03-01 10:03:00', '2024-03-01 10:04:00', '2024-03-01 10:05:00',
		]);
		const sb = await withRecords(records);
		const ids = records.map((x) => x.wolkvox_id);
		const minutes = await call(sb, QUERY_DATES, { body: range('2024-03-01 10:01', '2024-03-01 10:03') });
		expect(minutes.status).toBe(200);
		expect(minutes.json).toEqual({ code: '200', error: 'null', msg: '3 records were are found', data: records.slice(1, 4) });
		const seconds = await call(sb, QUERY_DATES, { body: range('2024-03-01 10:01:00', '2024-03-01 10:02:59') });
		expect(idsOf(seconds.json)).toEqual(ids.slice(1, 3));
		const justAfter = await call(sb, QUERY_DATES, { body: range('2024-03-01 10:00:01', '2024-03-01 10:00:59') });
		expect(justAfter.json).toEqual({ code: '200', error: 'null', msg: '0 records were are found', data: [] });
		const one = await call(sb, QUERY_DATES, { body: range('2024-03-01 10:05:00', '2024-03-01 10:05') });
		expect(idsOf(one.json)).toEqual([ids[5]]);
		expect(sb.log.map((e) => e.recordsReturned)).toEqual([3, 2, 0, 1]);
	});

	it('oldest first whatever the store order; records of one second keep their creation order', async () => {
		const early = generateRecords(3, { baseTime: T0, spacingSeconds: 0, jitterSeconds: 0, seed: 1 });
		const late = generateRecords(2, { baseTime: '2024-03-01 11:00', spacingSeconds: 0, jitterSeconds: 0, seed: 2, start: 3 });
		const sb = await withRecords([late[0], early[0], late[1], early[1], early[2]]);
		const r = await call(sb, QUERY_DATES, { body: range('2024-03-01 00:00', '2024-03-02 00:00') });
		expect(idsOf(r.json)).toEqual([early[0], early[1], early[2], late[0], late[1]].map((x) => x.wolkvox_id));
	});

	it('many records in one second: all of them, capped by limit and by maxRecordsPerAnswer, in creation order', async () => {
		const same = generateRecords(250, { baseTime: T0, spacingSeconds: 0, jitterSeconds: 0 });
		expect(new Set(same.map((x) => x.wolkvox_fecha_creacion))).toEqual(new Set([T0]));
		expect(new Set(same.map((x) => x.wolkvox_id)).size).toBe(250);
		const sb = await withRecords(same);
		const ids = same.map((x) => x.wolkvox_id);
		const capped = await call(sb, QUERY_DATES, { body: range(T0, T0) });
		expect(capped.json.msg).toBe('200 records were are found');
		expect(idsOf(capped.json)).toEqual(ids.slice(0, 200));
		const limited = await call(sb, QUERY_DATES, { body: range(T0, T0, { limit: 10 }) });
		expect(idsOf(limited.json)).toEqual(ids.slice(0, 10));
		const asText = await call(sb, QUERY_DATES, { body: range(T0, T0, { limit: '2' }) });
		expect(idsOf(asText.json)).toEqual(ids.slice(0, 2));
		sb.configure({ maxRecordsPerAnswer: 3 });
		expect(idsOf((await call(sb, QUERY_DATES, { body: range(T0, T0, { limit: 10 }) })).json)).toEqual(ids.slice(0, 3));
		sb.configure({ maxRecordsPerAnswer: 0 });
		expect((await call(sb, QUERY_DATES, { body: range(T0, T0) })).json.data).toHaveLength(250);
	});

	it('dense and sparse stretches: perSecond groups and wide spacing land where they should', async () => {
		const dense = generateRecords(20, { baseTime: T0, spacingSeconds: 1, jitterSeconds: 0, perSecond: 5 });
		const sparse = generateRecords(4, { baseTime: '2024-03-02 00:00', spacingSeconds: 86400, jitterSeconds: 0, start: 20 });
		expect(dense.map((x) => x.wolkvox_fecha_creacion.slice(-2))).toEqual([
			...Array(5).fill('00'), ...Array(5).fill('01'), ...Array(5).fill('02'), ...Array(5).fill('03'),
		]);
		expect(sparse.map((x) => x.wolkvox_fecha_creacion)).toEqual([
			'2024-03-02 00:00:00', '2024-03-03 00:00:00', '2024-03-04 00:00:00', '2024-03-05 00:00:00',
		]);
		const sb = await withRecords([...dense, ...sparse]);
		const second = await call(sb, QUERY_DATES, { body: range('2024-03-01 10:00:02', '2024-03-01 10:00:02') });
		expect(idsOf(second.json)).toEqual(dense.slice(10, 15).map((x) => x.wolkvox_id));
		const days = await call(sb, QUERY_DATES, { body: range('2024-03-01 10:00:03', '2024-03-04 00:00') });
		expect(idsOf(days.json)).toEqual([...dense.slice(15), ...sparse.slice(0, 3)].map((x) => x.wolkvox_id));
	});

	it('a record inserted now is found by a range around the current UTC time', async () => {
		const sb = await start();
		const ins = await call(sb, INSERT, { body: { operation: 'demo', module: 'contacts', fields: { namecontact: 'Nueva' } } });
		const id = ins.json.data.wolkvox_id;
		const created = sb.records('demo', 'contacts').find((r: Loose) => r.wolkvox_id === id).wolkvox_fecha_creacion;
		const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
		expect(created >= utc(Date.now() - 60000) && created <= utc(Date.now() + 60000)).toBe(true);
		const r = await call(sb, QUERY_DATES, {
			body: { operation: 'demo', module: 'contacts', date: true, from: utc(Date.now() - 60000), to: utc(Date.now() + 60000) },
		});
		expect(idsOf(r.json)).toEqual([id]);
	});

	it('refuses bad bodies with 400 naming the key; to before from → 400; GET → 405; unknown module → 404', async () => {
		const sb = await withRecords(generateRecords(3, { baseTime: T0 }));
		const cases: Array<[Record<string, unknown>, string, string]> = [
			[{ date: undefined }, 'SOME PARAMETERS ARE REQUIRED', 'date'],
			[{ from: undefined }, 'SOME PARAMETERS ARE REQUIRED', 'from'],
			[{ date: 'true' }, 'SOME PARAMETERS ARE INVALID', 'date'],
			[{ date: false }, 'SOME PARAMETERS ARE INVALID', 'date'],
			[{ from: '2024-03-01' }, 'SOME PARAMETERS ARE INVALID', 'from'],
			[{ from: '2024-03-01T10:00' }, 'SOME PARAMETERS ARE INVALID', 'from'],
			[{ from: '2024-02-30 10:00' }, 'SOME PARAMETERS ARE INVALID', 'from'],
			[{ from: '2024-03-01 24:00' }, 'SOME PARAMETERS ARE INVALID', 'from'],
			[{ from: 20240301 }, 'SOME PARAMETERS ARE INVALID', 'from'],
			[{ to: '2024-03-01 10:00:60' }, 'SOME PARAMETERS ARE INVALID', 'to'],
			[{ to: 'tomorrow' }, 'SOME PARAMETERS ARE INVALID', 'to'],
			[{ from: '2024-03-02 00:00', to: '2024-03-01 23:59:59' }, 'SOME PARAMETERS ARE INVALID', 'before'],
			[{ limit: 0 }, 'SOME PARAMETERS ARE INVALID', 'limit'],
			[{ limit: -1 }, 'SOME PARAMETERS ARE INVALID', 'limit'],
			[{ limit: 1.5 }, 'SOME PARAMETERS ARE INVALID', 'limit'],
			[{ limit: '2a' }, 'SOME PARAMETERS ARE INVALID', 'limit'],
			[{ limit: [] }, 'SOME PARAMETERS ARE INVALID', 'limit'],
		];
		for (const [change, error, named] of cases) {
			const r = await call(sb, QUERY_DATES, { body: { ...range('2024-03-01 00:00', '2024-03-02 00:00'), ...change } });
			expect({ change, status: r.status, error: r.json.error, named: r.json.msg.includes(named) }).toEqual({ change, status: 400, error, named: true });
		}
		const get = await call(sb, QUERY_DATES, { method: 'GET' });
		expect(get.status).toBe(405);
		expect(get.headers.get('allow')).toBe('POST');
		const mod = await call(sb, QUERY_DATES, { body: { ...range(T0, T0), module: 'Ghosts' } });
		expect(mod.status).toBe(404);
		expect(mod.json.error).toBe('MODULE NOT FOUND');
	});
});

describe('sandbox: generateRecords time options', () => {
	it('the default output is unchanged (pinned by its hash)', () => {
		const hash = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex');
		expect(hash(generateRecords(500))).toBe('96b3b44825e6b1751f7805d63c4a652aa8a793924d34fad79ed594b9bf82afbb');
		expect(hash(generateRecords(1000, { seed: 7 }))).toBe('787a9f6f4c931f87827ca9ef68313c8a7719ae8212f57c87de0ea528d7e730a3');
		expect(hash(generateRecords(30, { start: 1000, seed: 3 }))).toBe('5de6f89ac3a40202bae55c969250e1d70bde7f4277866d0394134c69a4e9b755');
	});

	it('time options change only the times (and the time part of the ids), never names or phones', () => {
		const plain = generateRecords(40, { seed: 5 });
		const timed = generateRecords(40, { seed: 5, baseTime: 1700000000, spacingSeconds: 0, jitterSeconds: 0 });
		const people = (list: Loose[]) => list.map((x) => [x.namecontact, x.telephonecontact, x.emailcontact, x.wolkvox_id.slice(8)]);
		expect(people(timed)).toEqual(people(plain));
		expect(new Set(timed.map((x) => x.wolkvox_fecha_creacion))).toEqual(new Set(['2023-11-14 22:13:20']));
		for (const x of timed) expect(x.wolkvox_fecha_creacion).toMatch(CRM_DATE);
		expect(() => generateRecords(1, { spacingSeconds: -1 })).toThrow(/spacingSeconds/);
		expect(() => generateRecords(1, { perSecond: 0 })).toThrow(/perSecond/);
		expect(() => generateRecords(1, { baseTime: '2024-13-01 00:00' })).toThrow(/baseTime/);
	});
});

// The ids used above must exist in the default seed; this guards the constants shared with other files.
it('the seed still holds the shared contact ids', async () => {
	const sb = await start();
	const r = await call(sb, QUERY, { body: { operation: 'demo', module: 'contacts', field: 'wolkvox_id', value: C1 } });
	expect(idsOf(r.json)).toEqual([C1]);
	expect(sb.records('demo', 'contacts').map((x: Loose) => x.wolkvox_id)).toContain(C2);
});
