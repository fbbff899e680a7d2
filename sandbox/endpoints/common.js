// @ts-check
'use strict';

/**
 * What every endpoint file shares: the shape of an endpoint, typed field values, and the caps.
 *
 * An endpoint is `{ method, handle(call) }` (plus the optional keys below); server.js lists them
 * in its routes table. `handle` returns an ApiResult and changes the store only when it succeeds.
 */

const { copyJson, fail, invalid, isPlainObject, required, requireKeys } = require('../util');
const { findModule } = require('../records');

/** @typedef {import('../util').ApiResult} ApiResult */
/** @typedef {import('../records').CrmRecord} CrmRecord */

/**
 * @typedef {object} Call
 * @property {Record<string, any>} body      the JSON body (an object; {} for endpoints without a body)
 * @property {URLSearchParams} query
 * @property {import('../config').NormalizedConfig} cfg
 * @property {import('../records').Store} store
 * @property {import('../log').LogEntry} entry   the handler records what it changed here
 * @property {{ used: number, limit: number }} quota  after this call was counted
 */

/**
 * @typedef {object} Endpoint
 * @property {string} method
 * @property {(call: Call) => ApiResult} handle
 * @property {boolean} [noJsonBody]   no JSON body; the log's operation comes from the query string
 * @property {(body: Record<string, any>) => string[] | null} [requestedIds]  the ids the log keeps before the request runs
 * @property {boolean} [formData]     the body is multipart/form-data: text parts as keys, files in `__files`
 * @property {boolean} [externalToken]  only the External token is accepted (cases/listHistoryNote.php)
 */

/** The `type` values a typed field may carry (wolkvox docs and observed clients). */
const FIELD_TYPES = Object.freeze(['address', 'table', 'telephone', 'currency', 'search', 'relation']);

/**
 * Check the field values of one record and turn them into their stored form: a typed value
 * (`{type, value, ...}`) is stored the way queries return it, without `type`.
 * @param {Record<string, any>} fields @param {string} where how the error names the object, e.g. "fields" or "fields[2]"
 * @returns {{ error: ApiResult } | { values: CrmRecord }}
 */
function readFields(fields, where) {
	/** @type {CrmRecord} */
	const values = {};
	for (const [k, v] of Object.entries(fields)) {
		if (isPlainObject(v) && 'type' in v) {
			if (typeof v.type !== 'string' || !FIELD_TYPES.includes(v.type)) {
				return { error: invalid(`${where}.${k}: type ${JSON.stringify(v.type)} is not one of ${FIELD_TYPES.join(', ')}`) };
			}
			const { type: _type, ...rest } = v;
			const keys = Object.keys(rest);
			values[k] = keys.length === 1 && keys[0] === 'value' ? copyJson(rest.value) : copyJson(rest);
		} else {
			values[k] = copyJson(v);
		}
	}
	return { values };
}

/**
 * What insertMany and updateMany check first: the keys, the module, and `fields` as a non-empty array of objects.
 * @param {Call} call
 * @returns {{ error: ApiResult } | { records: import('../records').ModuleRecords, list: Record<string, any>[] }}
 */
function openBatch({ body, store }) {
	const missing = requireKeys(body, ['operation', 'module', 'fields']);
	if (missing) return { error: missing };
	const m = findModule(store, body);
	if ('error' in m) return m;
	const list = body.fields;
	if (!Array.isArray(list)) return { error: invalid('fields must be an array of objects, one per record') };
	if (list.length === 0) return { error: required('fields is an empty list') };
	const bad = list.findIndex((el) => !isPlainObject(el));
	if (bad !== -1) return { error: invalid(`fields[${bad}] must be an object of field name → value`) };
	return { records: m.records, list };
}

/**
 * 416 when a request carries more records than the cap (0 = unlimited).
 * @param {number} count @param {number} cap @param {string} noun e.g. "records" @param {string} verb e.g. "can be inserted"
 * @returns {ApiResult | null}
 */
function overCap(count, cap, noun, verb) {
	if (cap <= 0 || count <= cap) return null;
	return fail(416, `EXCEEDS THE MAXIMUM NUMBER OF RECORDS PER REQUEST (${cap})`, `${count} ${noun} were sent; at most ${cap} ${verb} per request`);
}

module.exports = { FIELD_TYPES, readFields, openBatch, overCap };
