// @ts-check
'use strict';

/**
 * The Cases endpoints (cases/*.php). No answer body of any of them is published: the choices
 * below are ours (sandbox/README.md, "Cases and activities"). Cases live in the module "cases"
 * of their operation, notes in "case_notes" (each note names its case in `case_id`).
 *
 * A case is stored under the names queryCases.php takes as `field` ("type case", "responsible
 * user", "email contact", …); `caseAnswerKeys: 'write'` answers with the names the writes use
 * ("case-type", "responsible", "contact", "wolkvox-id") instead. update.php and
 * updateCaseAttachment.php replace the whole case: a key not sent is blanked.
 */

const { copyJson, crmDate, invalid, isPlainObject, ok, requireKeys } = require('../util');
const { findModule, freshId, recordNotFound } = require('../records');
const { answer: queryAnswer } = require('./query');
const { readAttachments } = require('./update');

/** @typedef {import('../util').ApiResult} ApiResult */
/** @typedef {import('./common').Call} Call */
/** @typedef {import('../records').CrmRecord} CrmRecord */

/** §3.8: the only fields queryCases.php (and listHistoryNote.php) take. */
const QUERY_FIELDS = Object.freeze([
	'status', 'priority', 'email contact', 'name contact', 'contact wolkvox id', 'contact identification', 'contact phone',
	'description', 'idCase', 'idPrefijo', 'companyName', 'company name', 'company id', 'prefix', 'reopened',
	'responsible name', 'responsible user', 'responsible id', 'owner name', 'owner user', 'owner id', 'solution',
	'wolkvox-id', 'type case', 'case expired', 'reason',
]);

/** write key → stored (query) name */
const WRITE_TO_STORED = Object.freeze({
	'case-type': 'type case', responsible: 'responsible user', owner: 'owner user', contact: 'email contact',
	description: 'description', status: 'status', priority: 'priority', solution: 'solution',
});
const INSERT_KEYS = ['operation', 'case-type', 'responsible', 'owner', 'contact', 'description', 'status', 'priority'];
const UPDATE_KEYS = ['operation', 'wolkvox-id', 'case-type', 'responsible', 'status', 'priority', 'form'];

/** @param {Call} call @param {string} module @returns {{ error: ApiResult } | { records: import('../records').ModuleRecords }} */
function moduleOf(call, module) {
	return findModule(call.store, { operation: call.body.operation, module });
}

/**
 * `form` as sent: an object (JSON endpoints) or a JSON string (form-data); absent = {}.
 * @param {unknown} form @returns {{ error: ApiResult } | { form: CrmRecord }}
 */
function readForm(form) {
	if (form === undefined || form === null || form === '') return { form: {} };
	let value = form;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch {
			return { error: invalid('form must be a JSON object (as a string in form-data)') };
		}
	}
	return isPlainObject(value) ? { form: value } : { error: invalid('form must be a JSON object') };
}

/** The stored case as an answer shows it. @param {CrmRecord} rec @param {'query' | 'write'} style */
function shown(rec, style) {
	const out = copyJson(rec);
	if (style !== 'write') return out;
	for (const [write, stored] of Object.entries(WRITE_TO_STORED)) {
		if (stored in out && stored !== write) {
			out[write] = out[stored];
			delete out[stored];
		}
	}
	out['wolkvox-id'] = out.wolkvox_id;
	delete out.wolkvox_id;
	return out;
}

/**
 * The cases whose `field` is `value`, or a 400.
 * @param {Call} call @param {import('../records').ModuleRecords} cases @returns {{ error: ApiResult } | { hits: CrmRecord[] }}
 */
function matching(call, cases) {
	const { field, value } = call.body;
	if (!QUERY_FIELDS.includes(field)) return { error: invalid(`field must be one of: ${QUERY_FIELDS.join(', ')}`) };
	if (typeof value === 'object') return { error: invalid('value must be a string or a number') };
	const key = field === 'wolkvox-id' ? 'wolkvox_id' : field;
	return { hits: [...cases.values()].filter((rec) => rec[key] !== undefined && typeof rec[key] !== 'object' && String(rec[key]) === String(value)) };
}

/** The stored values a write sets (every case field: a key not sent is blanked). @param {Record<string, any>} body @param {CrmRecord} form */
function caseValues(body, form) {
	/** @type {CrmRecord} */
	const values = { form };
	for (const [write, stored] of Object.entries(WRITE_TO_STORED)) values[stored] = body[write] === undefined ? '' : String(body[write]);
	return values;
}

/** @param {Call} call @param {boolean} withAttachments */
function insertCase(call, withAttachments) {
	const { body, cfg } = call;
	const missing = requireKeys(body, withAttachments ? [...INSERT_KEYS, 'attachments'] : INSERT_KEYS);
	if (missing) return missing;
	const m = moduleOf(call, 'cases');
	if ('error' in m) return m.error;
	const read = readForm(body.form);
	if ('error' in read) return read.error;
	const files = withAttachments ? readAttachments(body.attachments, cfg.maxAttachmentBytes) : { sizes: [] };
	if ('error' in files) return files.error;
	const id = freshId(call.store);
	const stamp = crmDate(new Date());
	const idCase = String(1000 + m.records.size + 1);
	m.records.set(id, {
		wolkvox_id: id, idCase, ...caseValues(body, read.form), reopened: 'no',
		attachments: files.sizes.map((bytes) => ({ bytes })), wolkvox_fecha_creacion: stamp, wolkvox_fecha_modificacion: stamp,
	});
	call.entry.inserted = id;
	return cfg.caseInsertReturnsId ? ok(200, 'Case created successfully', { wolkvox_id: id, idCase }) : ok('200', 'Case created successfully', null);
}

/** @param {Call} call @param {boolean} json updateCaseAttachment.php (JSON, every key, attachments replace the list) */
function updateCase(call, json) {
	const { body, cfg } = call;
	const missing = requireKeys(body, json ? [...UPDATE_KEYS, 'owner', 'contact', 'description', 'attachments'] : UPDATE_KEYS);
	if (missing) return missing;
	const m = moduleOf(call, 'cases');
	if ('error' in m) return m.error;
	const id = String(body['wolkvox-id']);
	const rec = m.records.get(id);
	if (!rec) return recordNotFound([id], cfg.notFoundNamesIds);
	const read = readForm(body.form);
	if ('error' in read) return read.error;
	const files = json ? readAttachments(body.attachments, cfg.maxAttachmentBytes) : { sizes: (body.__files || []).map((/** @type {{ bytes: number }} */ f) => f.bytes) };
	if ('error' in files) return files.error;
	Object.assign(rec, caseValues(body, read.form), { wolkvox_fecha_modificacion: crmDate(new Date()) });
	const attachments = files.sizes.map((/** @type {number} */ bytes) => ({ bytes }));
	rec.attachments = json ? attachments : [...(rec.attachments || []), ...attachments];
	call.entry.updated = [id];
	return ok(200, 'Case updated successfully', { wolkvox_id: id });
}

/** @type {import('./common').Endpoint} */
const queryCases = {
	method: 'POST',
	handle(call) {
		const missing = requireKeys(call.body, ['operation', 'field']) || requireKeys({ value: call.body.value ?? null }, ['value']);
		if (missing) return missing;
		const m = moduleOf(call, 'cases');
		if ('error' in m) return m.error;
		const found = matching(call, m.records);
		if ('error' in found) return found.error;
		// Capped, ordered and totalled like the record queries (query.js).
		return queryAnswer(found.hits, call.cfg.maxRecordsPerAnswer, call.cfg, call.entry, (rec) => shown(rec, call.cfg.caseAnswerKeys));
	},
};

/** @type {import('./common').Endpoint} */
const listHistoryNote = {
	method: 'POST',
	externalToken: true,
	handle(call) {
		const missing = requireKeys(call.body, ['operation', 'field']) || requireKeys({ value: call.body.value ?? null }, ['value']);
		if (missing) return missing;
		const limit = call.body.limit === undefined ? 0 : Number(call.body.limit);
		if (!Number.isInteger(limit) || limit < 0) return invalid('limit must be a whole number (a number or a numeric string)');
		const m = moduleOf(call, 'cases');
		if ('error' in m) return m.error;
		const found = matching(call, m.records);
		if ('error' in found) return found.error;
		const notes = moduleOf(call, 'case_notes');
		const ids = new Set(found.hits.map((rec) => rec.wolkvox_id));
		const all = 'error' in notes ? [] : [...notes.records.values()].filter((note) => ids.has(note.case_id));
		const given = limit > 0 ? all.slice(0, limit) : all;
		call.entry.recordsReturned = given.length;
		return ok('200', `${given.length} records were are found`, copyJson(given));
	},
};

const requestedCase = (/** @type {Record<string, any>} */ body) => (body['wolkvox-id'] === undefined ? null : [String(body['wolkvox-id'])]);

/** path under /server/API/v2/ → endpoint, spread into the sandbox's routes */
const caseRoutes = {
	'cases/queryCases.php': queryCases,
	'cases/insert.php': { method: 'POST', formData: true, handle: (/** @type {Call} */ call) => insertCase(call, false) },
	'cases/insertAttach.php': { method: 'POST', handle: (/** @type {Call} */ call) => insertCase(call, true) },
	'cases/update.php': { method: 'POST', formData: true, requestedIds: requestedCase, handle: (/** @type {Call} */ call) => updateCase(call, false) },
	'cases/updateCaseAttachment.php': { method: 'POST', requestedIds: requestedCase, handle: (/** @type {Call} */ call) => updateCase(call, true) },
	'cases/listHistoryNote.php': listHistoryNote,
};

module.exports = { caseRoutes, QUERY_FIELDS };
