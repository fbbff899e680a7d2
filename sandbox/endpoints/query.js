// @ts-check
'use strict';

/**
 * custom/query.php (one field = one value, exact) and custom/queryDates.php (creation date range).
 * Both answers are capped at maxRecordsPerAnswer; the rest is left out without a word unless
 * reportsTotal is on, since the real API's paging is not published.
 */

const { copyJson, invalid, normalizeCrmDate, ok, required, requireKeys } = require('../util');
const { findModule } = require('../records');

/** @typedef {import('../util').ApiResult} ApiResult */
/** @typedef {import('../records').CrmRecord} CrmRecord */

/**
 * The answer both query endpoints give: `code` the string "200", the hits in the configured
 * order (they come oldest first), at most `cap` of them (0 = no cap), and with `reportsTotal`
 * a "Total records" count of every hit.
 * @param {CrmRecord[]} hits @param {number} cap @param {import('../config').NormalizedConfig} cfg
 * @param {import('../log').LogEntry} entry @param {(record: CrmRecord) => CrmRecord} [show] how a record is written in the answer
 * @returns {ApiResult}
 */
function answer(hits, cap, cfg, entry, show = copyJson) {
	const ordered = cfg.answerOrder === 'newestFirst' ? [...hits].reverse() : hits;
	const returned = cap > 0 ? ordered.slice(0, cap) : ordered;
	entry.recordsReturned = returned.length;
	const result = ok('200', `${returned.length} records were are found`, returned.map((r) => show(r)));
	if (cfg.reportsTotal) result.body['Total records'] = hits.length;
	return result;
}

/** @param {unknown} stored @param {string} wanted */
function matches(stored, wanted) {
	if (stored === undefined || stored === null) return false;
	if (typeof stored === 'object' && !Array.isArray(stored) && 'value' in stored) {
		return String(/** @type {{ value: unknown }} */ (stored).value) === wanted;
	}
	return typeof stored !== 'object' && String(stored) === wanted;
}

/** @type {import('./common').Endpoint} */
const query = {
	method: 'POST',
	handle({ body, cfg, store, entry }) {
		const missing = requireKeys(body, ['operation', 'module', 'field']) ||
			(body.value === undefined || body.value === null ? required('Missing required parameter(s): value') : null);
		if (missing) return missing;
		const m = findModule(store, body);
		if ('error' in m) return m.error;
		if (typeof body.field !== 'string') return invalid('field must be a string');
		if (typeof body.value === 'object') return invalid('value must be a string or a number');
		const wanted = String(body.value);
		/** @type {CrmRecord[]} */
		const hits = [];
		// store order = creation order; typed fields ({value, ...}) match on .value
		for (const rec of m.records.values()) if (matches(rec[body.field], wanted)) hits.push(rec);
		return answer(hits, cfg.maxRecordsPerAnswer, cfg, entry);
	},
};

/**
 * `limit` of queryDates: a whole number >= 1, as a number or a numeric string; absent = no limit (0).
 * @param {unknown} limit @returns {number | null} null when bad
 */
function readLimit(limit) {
	if (limit === undefined || limit === null) return 0;
	const n = typeof limit === 'string' && /^\s*\d+\s*$/.test(limit) ? Number(limit) : limit;
	return typeof n === 'number' && Number.isInteger(n) && n >= 1 ? n : null;
}

const STORED_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** A record's creation time as sortable text; the usual full form skips the slower calendar check. @param {unknown} v */
function creationTime(v) {
	return typeof v === 'string' && STORED_DATE.test(v) ? v : normalizeCrmDate(v);
}

/** @type {import('./common').Endpoint} */
const queryDates = {
	method: 'POST',
	handle({ body, cfg, store, entry }) {
		const missing = requireKeys(body, ['operation', 'module', 'date', 'from', 'to']);
		if (missing) return missing;
		const m = findModule(store, body);
		if ('error' in m) return m.error;
		if (body.date !== true) return invalid('date must be the JSON boolean true');
		const from = normalizeCrmDate(body.from);
		if (!from) return invalid('from must be "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS"');
		const to = normalizeCrmDate(body.to);
		if (!to) return invalid('to must be "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS"');
		if (to < from) return invalid(`to (${body.to}) is before from (${body.from})`);
		const limit = readLimit(body.limit);
		if (limit === null) return invalid('limit must be a whole number >= 1 (a number or a numeric string)');
		/** @type {Array<{ at: string, rec: CrmRecord }>} */
		const hits = [];
		for (const rec of m.records.values()) {
			const at = creationTime(rec.wolkvox_fecha_creacion);
			// both bounds inclusive; the text form sorts like the instant
			if (at !== null && at >= from && at <= to) hits.push({ at, rec });
		}
		// oldest first; Array.prototype.sort is stable, so equal seconds keep creation order
		hits.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
		const caps = [limit, cfg.maxRecordsPerAnswer].filter((c) => c > 0);
		return answer(hits.map((h) => h.rec), caps.length ? Math.min(...caps) : 0, cfg, entry);
	},
};

module.exports = { answer, query, queryDates };
