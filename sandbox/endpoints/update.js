// @ts-check
'use strict';

/**
 * custom/update.php (one record, optional attachments) and custom/updateMany.php (several,
 * all-or-nothing). Both are partial updates: only the fields sent change.
 */

const { crmDate, fail, invalid, isPlainObject, ok, required, requireKeys } = require('../util');
const { findModule, recordNotFound } = require('../records');
const { openBatch, overCap, readFields } = require('./common');

/** The docs disagree (EN page: PUT, ES page: POST); we chose POST, so PUT gets 405. */
const UPDATE_MANY_METHOD = 'POST';

// a flat character class: a grouped pattern recurses and overflows the stack on 10 MiB strings
const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;

/** @param {unknown} a @returns {a is string} */
function isBase64(a) {
	return typeof a === 'string' && a !== '' && a.length % 4 === 0 && BASE64_CHARS.test(a);
}

/** @typedef {import('../util').ApiResult} ApiResult */
/** @typedef {import('../records').CrmRecord} CrmRecord */

/**
 * The new values of one record, checked; the id itself cannot be changed.
 * @param {Record<string, any>} fields @param {string} where @returns {{ error: ApiResult } | { values: CrmRecord }}
 */
function readChanges(fields, where) {
	if ('wolkvox_id' in fields) return { error: invalid(`${where}.wolkvox_id cannot be changed`) };
	return readFields(fields, where);
}

/**
 * `attachments` of update.php: an array of base64 strings, each at most `cap` bytes decoded (0 = no cap).
 * @param {unknown} list @param {number} cap @returns {{ error: ApiResult } | { sizes: number[] }}
 */
function readAttachments(list, cap) {
	if (list === undefined || list === null) return { sizes: [] };
	if (!Array.isArray(list)) return { error: invalid('attachments must be an array of base64 strings') };
	/** @type {number[]} */
	const sizes = [];
	for (const [i, a] of list.entries()) {
		if (!isBase64(a)) return { error: invalid(`attachments[${i}] is not a base64 string`) };
		const bytes = (a.length / 4) * 3 - (a.endsWith('==') ? 2 : a.endsWith('=') ? 1 : 0);
		if (cap > 0 && bytes > cap) {
			return { error: fail(400, 'ATTACHMENT TOO LARGE', `attachments[${i}] is ${bytes} bytes; at most ${cap} bytes per attachment`) };
		}
		sizes.push(bytes);
	}
	return { sizes };
}

/**
 * @param {CrmRecord} rec @param {CrmRecord} values @param {string} operation @param {number[]} [attachmentSizes]
 */
function applyChanges(rec, values, operation, attachmentSizes = []) {
	Object.assign(rec, values);
	rec.wolkvox_fecha_modificacion = crmDate(new Date());
	rec.wolkvox_usuario_modificacion = `ADMIN_@${operation}`;
	if (attachmentSizes.length > 0) {
		const kept = Array.isArray(rec.wolkvox_attachments) ? rec.wolkvox_attachments : [];
		rec.wolkvox_attachments = [...kept, ...attachmentSizes.map((bytes) => ({ bytes }))];
	}
}

/** @type {import('./common').Endpoint} */
const update = {
	method: 'POST',
	requestedIds: (body) => (typeof body['wolkvox-id'] === 'string' ? [body['wolkvox-id']] : null),
	handle({ body, cfg, store, entry }) {
		const missing = requireKeys(body, ['operation', 'module', 'wolkvox-id', 'fields']);
		if (missing) return missing;
		const m = findModule(store, body);
		if ('error' in m) return m.error;
		const id = body['wolkvox-id'];
		if (typeof id !== 'string' || id.trim() === '') return invalid('wolkvox-id must be one id (a string)');
		if (!isPlainObject(body.fields)) return invalid('fields must be an object of field name → value');
		const read = readChanges(body.fields, 'fields');
		if ('error' in read) return read.error;
		const files = readAttachments(body.attachments, cfg.maxAttachmentBytes);
		if ('error' in files) return files.error;
		if (Object.keys(read.values).length === 0 && files.sizes.length === 0) return required('fields is empty');
		const rec = m.records.get(id);
		if (!rec) return recordNotFound([id], cfg.notFoundNamesIds);
		applyChanges(rec, read.values, body.operation, files.sizes);
		entry.updated = [id];
		return ok(200, 'Record updated successfully', { wolkvox_id: id });
	},
};

/** @type {import('./common').Endpoint} */
const updateMany = {
	method: UPDATE_MANY_METHOD,
	requestedIds(body) {
		if (!Array.isArray(body.fields)) return null;
		return body.fields.map((el) => (isPlainObject(el) ? el['wolkvox-id'] : undefined)).filter((x) => typeof x === 'string');
	},
	handle(call) {
		const { body, cfg, entry } = call;
		const batch = openBatch(call);
		if ('error' in batch) return batch.error;
		const { records, list } = batch;
		/** @type {Array<{ id: string, values: CrmRecord }>} */
		const changes = [];
		for (const [i, el] of list.entries()) {
			const { 'wolkvox-id': id, ...fields } = el;
			if (id === undefined || id === null || id === '') return required(`fields[${i}] has no "wolkvox-id"`);
			if (typeof id !== 'string' || id.trim() === '') return invalid(`fields[${i}]["wolkvox-id"] must be one id (a string)`);
			if (Object.keys(fields).length === 0) return required(`fields[${i}] has no field to change`);
			const read = readChanges(fields, `fields[${i}]`);
			if ('error' in read) return read.error;
			changes.push({ id, values: read.values });
		}
		const tooMany = overCap(list.length, cfg.maxRecordsPerInsert, 'records', 'can be updated');
		if (tooMany) return tooMany;
		const ids = [...new Set(changes.map((c) => c.id))];
		const unknown = ids.filter((id) => !records.has(id));
		if (unknown.length > 0) return recordNotFound(unknown, cfg.notFoundNamesIds);
		// an id listed twice gets both changes, in order
		for (const c of changes) applyChanges(/** @type {CrmRecord} */ (records.get(c.id)), c.values, body.operation);
		entry.updated = ids;
		return ok(200, `${ids.length} records have been updated`, { wolkvox_id: ids });
	},
};

module.exports = { update, updateMany, readAttachments, UPDATE_MANY_METHOD };
