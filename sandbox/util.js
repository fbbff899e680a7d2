// @ts-check
'use strict';

/** Small pure helpers shared by the sandbox core and its endpoints. Node built-ins only. */

const crypto = require('node:crypto');
const { performance } = require('node:perf_hooks');

/**
 * @typedef {object} ApiResult
 * @property {number} status
 * @property {Record<string, any>} body
 * @property {Record<string, string>} [headers]
 */

/** @returns {number} epoch-based milliseconds from the monotonic clock */
function nowMs() {
	return performance.timeOrigin + performance.now();
}

/**
 * Deep copy of JSON data (records are plain JSON; this is quicker than structuredClone for many small objects).
 * @template T
 * @param {T} v
 * @returns {T}
 */
function copyJson(v) {
	return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

/** @param {unknown} v @returns {v is Record<string, any>} */
function isPlainObject(v) {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** @param {Date} d @returns {string} "YYYY-MM-DD HH:MM:SS" in UTC (the sandbox's clock is UTC) */
function crmDate(d) {
	/** @param {number} n */
	const p = (n) => String(n).padStart(2, '0');
	return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

const CRM_DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Read "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS" (UTC); a minute bound means second :00.
 * @param {unknown} text
 * @returns {string | null} the same instant as "YYYY-MM-DD HH:MM:SS" (sorts as text), or null when not a real date
 */
function normalizeCrmDate(text) {
	if (typeof text !== 'string') return null;
	const m = CRM_DATE.exec(text);
	if (!m) return null;
	const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0));
	const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
	// Date.UTC rolls 2024-02-30 over into March: a real date reads back unchanged
	const back = crmDate(date);
	const wanted = `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6] ?? '00'}`;
	return back === wanted ? wanted : null;
}

/** @param {Date} d @returns {string} UTC day key "YYYY-MM-DD" */
function dayKey(d) {
	return crmDate(d).slice(0, 10);
}

/** @returns {number} whole hours (>= 1) until the next UTC midnight */
function hoursToMidnight() {
	const now = new Date();
	const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
	return Math.max(1, Math.ceil((midnight - now.getTime()) / 3600000));
}

/**
 * Deterministic PRNG (mulberry32). Returns a function giving floats in [0, 1).
 * @param {number} seed
 */
function makePrng(seed) {
	let a = (Math.trunc(seed) >>> 0) || 0x9e3779b9;
	return function next() {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** @param {string} a @param {string} b */
function sameSecret(a, b) {
	const ha = crypto.createHash('sha256').update(a, 'utf8').digest();
	const hb = crypto.createHash('sha256').update(b, 'utf8').digest();
	return crypto.timingSafeEqual(ha, hb) && a === b;
}

/**
 * Envelope for an error answer.
 * @param {number} status @param {string} error @param {string} msg @param {any} [data]
 * @returns {ApiResult}
 */
function fail(status, error, msg, data = null) {
	return { status, body: { code: status, error, msg, data } };
}

/** @param {string} msg @returns {ApiResult} */
function invalid(msg) {
	return fail(400, 'SOME PARAMETERS ARE INVALID', msg);
}

/** @param {string} msg @returns {ApiResult} */
function required(msg) {
	return fail(400, 'SOME PARAMETERS ARE REQUIRED', msg);
}

/**
 * @param {Record<string, any>} body @param {string[]} keys
 * @returns {ApiResult | null} a 400 for missing keys (undefined, null or ''), or null
 */
function requireKeys(body, keys) {
	const missing = keys.filter((k) => body[k] === undefined || body[k] === null || body[k] === '');
	if (missing.length === 0) return null;
	return required(`Missing required parameter(s): ${missing.join(', ')}`);
}

/**
 * A success envelope with the given `code` (the real API sends a number on some endpoints, a string on others).
 * @param {number | string} code @param {string} msg @param {any} data
 * @returns {ApiResult}
 */
function ok(code, msg, data) {
	return { status: 200, body: { code, error: 'null', msg, data } };
}

module.exports = {
	nowMs,
	copyJson,
	isPlainObject,
	crmDate,
	normalizeCrmDate,
	dayKey,
	hoursToMidnight,
	makePrng,
	sameSecret,
	fail,
	invalid,
	required,
	requireKeys,
	ok,
};
