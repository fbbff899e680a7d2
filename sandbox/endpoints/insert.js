// @ts-check
'use strict';

/** custom/insert.php (one record) and custom/insertMany.php (several, all-or-nothing). */

const { crmDate, invalid, isPlainObject, ok, required, requireKeys } = require('../util');
const { findModule, freshId } = require('../records');
const { openBatch, overCap, readFields } = require('./common');

/** @typedef {import('../records').CrmRecord} CrmRecord */

/**
 * Store a new record with a fresh id and the system fields the CRM adds (creation time: now, UTC).
 * @param {import('./common').Call} call @param {import('../records').ModuleRecords} records @param {CrmRecord} values
 * @returns {string} the new id
 */
function createRecord({ body, store }, records, values) {
	const id = freshId(store);
	const stamp = crmDate(new Date());
	const user = `ADMIN_@${body.operation}`;
	/** @type {CrmRecord} */
	const rec = {
		...values,
		wolkvox_id: id,
		wolkvox_form_name: body.module,
		wolkvox_usuario_creacion: user,
		wolkvox_fecha_creacion: stamp,
		wolkvox_origen: 'API',
		wolkvox_fecha_modificacion: stamp,
		wolkvox_usuario_modificacion: user,
	};
	// activities (module wolkvox_activities) carry their type beside fields: task, call, meeting…
	if (typeof body.type === 'string' && body.type !== '') rec.type = body.type;
	if (!isPlainObject(rec.wolkvox_owner)) {
		rec.wolkvox_owner = { user, nombre: 'Administrador', id: '000000000000000000000001', email: `admin@${body.operation}.crm` };
	}
	records.set(id, rec);
	return id;
}

/** @type {import('./common').Endpoint} */
const insert = {
	method: 'POST',
	handle(call) {
		const { body, entry } = call;
		const missing = requireKeys(body, ['operation', 'module', 'fields']);
		if (missing) return missing;
		const m = findModule(call.store, body);
		if ('error' in m) return m.error;
		if (!isPlainObject(body.fields)) return invalid('fields must be an object of field name → value');
		if (Object.keys(body.fields).length === 0) return required('fields is empty');
		const read = readFields(body.fields, 'fields');
		if ('error' in read) return read.error;
		const id = createRecord(call, m.records, read.values);
		entry.inserted = id;
		return ok('200', 'Record created successfully', { wolkvox_id: id });
	},
};

/** @type {import('./common').Endpoint} */
const insertMany = {
	method: 'POST',
	handle(call) {
		const batch = openBatch(call);
		if ('error' in batch) return batch.error;
		const { list } = batch;
		// every element is checked before anything is written
		/** @type {CrmRecord[]} */
		const all = [];
		for (const [i, el] of list.entries()) {
			if (Object.keys(el).length === 0) return required(`fields[${i}] is empty`);
			const read = readFields(el, `fields[${i}]`);
			if ('error' in read) return read.error;
			all.push(read.values);
		}
		const tooMany = overCap(list.length, call.cfg.maxRecordsPerInsert, 'records', 'can be inserted');
		if (tooMany) return tooMany;
		const ids = all.map((values) => createRecord(call, batch.records, values));
		call.entry.inserted = ids;
		return ok(200, `${ids.length} records have been inserted`, { wolkvox_id: ids });
	},
};

module.exports = { insert, insertMany };
