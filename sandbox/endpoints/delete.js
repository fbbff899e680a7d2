// @ts-check
'use strict';

/** custom/delete.php: delete one record or several (`multiple`), all-or-nothing or partial. */

const { invalid, ok, required, requireKeys } = require('../util');
const { findModule, recordNotFound } = require('../records');
const { overCap } = require('./common');

/** @typedef {import('../util').ApiResult} ApiResult */

/**
 * The ids a delete body asks for, or the 400 that says why they cannot be read.
 * @param {Record<string, any>} body @returns {{ error: ApiResult } | { ids: string[] }}
 */
function readIds(body) {
	const raw = body['wolkvox-id'];
	/** @type {unknown[]} */
	let ids;
	if (body.multiple) {
		if (!Array.isArray(raw)) return { error: invalid('With multiple: true, wolkvox-id must be an array of ids') };
		ids = raw;
	} else if (typeof raw === 'string') {
		ids = [raw];
	} else if (Array.isArray(raw)) {
		if (raw.length !== 1) {
			return { error: invalid('With multiple: false, wolkvox-id must be one id (a string or a one-element array)') };
		}
		ids = raw;
	} else {
		return { error: invalid('wolkvox-id must be a string or an array of strings') };
	}
	if (ids.length === 0) return { error: required('wolkvox-id is an empty list') };
	if (ids.some((x) => typeof x !== 'string')) return { error: invalid('every wolkvox-id must be a string') };
	const strings = /** @type {string[]} */ (ids);
	if (strings.some((x) => x.trim() === '')) return { error: required('wolkvox-id contains an empty id') };
	return { ids: strings };
}

/** @type {import('./common').Endpoint} */
const deleteRecords = {
	method: 'POST',
	requestedIds(body) {
		const raw = body['wolkvox-id'];
		if (typeof raw === 'string') return [raw];
		if (Array.isArray(raw)) return raw.filter((x) => typeof x === 'string');
		return null;
	},
	handle({ body, cfg, store, entry }) {
		const missing = requireKeys(body, ['operation', 'module', 'multiple', 'wolkvox-id']);
		if (missing) return missing;
		const m = findModule(store, body);
		if ('error' in m) return m.error;
		if (typeof body.multiple !== 'boolean') return invalid('multiple must be a JSON boolean (true or false)');
		const read = readIds(body);
		if ('error' in read) return read.error;
		const tooMany = overCap(read.ids.length, cfg.maxIdsPerDelete, 'ids', 'can be deleted');
		if (tooMany) return tooMany;
		const unique = [...new Set(read.ids)];
		const unknown = unique.filter((id) => !m.records.has(id));
		const known = unique.filter((id) => m.records.has(id));
		// all-or-nothing refuses when any id is unknown; partial only when none is known
		if (unknown.length > 0 && (cfg.deleteMode === 'allOrNothing' || known.length === 0)) {
			return recordNotFound(unknown, cfg.notFoundNamesIds);
		}
		for (const id of known) m.records.delete(id);
		entry.deleted = known;
		return ok(200, 'Have been succesfully removed', { wolkvox_id: known });
	},
};

module.exports = { deleteRecords };
