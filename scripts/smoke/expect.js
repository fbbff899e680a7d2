'use strict';
// How a run's expectations are compared with what the sandbox saw. One mechanism for every
// operation: a run lists the requests the sandbox must log (in order) as patterns, and the
// records it must leave created, changed or removed; everything else must stay as it was.
//
// A pattern is a plain value, an array (compared element by element, in order) or an object
// (every key it names must match; keys it leaves out are not compared). A string "@name" is a
// placeholder for a value the sandbox makes up (a new record's id): its first use binds it,
// every later use must be the same value. The bound values reach the run's `result` too.

const isPlaceholder = (v) => typeof v === 'string' && v.startsWith('@');

/** Does `value` match `pattern`? Binds placeholders in `bound` only when the whole match holds. */
function matches(pattern, value, bound) {
	const trial = { ...bound };
	if (!match(pattern, value, trial)) return false;
	Object.assign(bound, trial);
	return true;
}

function match(pattern, value, bound) {
	if (isPlaceholder(pattern)) {
		if (pattern in bound) return bound[pattern] === value;
		if (typeof value !== 'string' || value === '') return false;
		bound[pattern] = value;
		return true;
	}
	if (Array.isArray(pattern)) return Array.isArray(value) && value.length === pattern.length && pattern.every((p, i) => match(p, value[i], bound));
	if (pattern && typeof pattern === 'object') {
		return Boolean(value) && typeof value === 'object' && Object.entries(pattern).every(([k, p]) => match(p, value[k], bound));
	}
	return pattern === value;
}

/** Replaces bound placeholders by their values, for messages. */
const resolve = (pattern, bound) => JSON.parse(JSON.stringify(pattern, (_k, v) => (isPlaceholder(v) && v in bound ? bound[v] : v)));

const API = /^.*\/server\/API\/v2\//;
/** A log entry as one short line: path, status and the fields that say what it did. */
function short(e) {
	const parts = [`${e.method} ${e.path.replace(API, '')} ${e.status}`];
	for (const k of ['module', 'multiple', 'ids', 'deleted', 'inserted', 'updated', 'recordsReturned']) {
		const v = e[k];
		// An empty list says something only where the request could have changed records.
		const empty = Array.isArray(v) && v.length === 0 && !(k === 'deleted' && e.path.endsWith('/delete.php'));
		if (v !== null && v !== undefined && !empty) parts.push(`${k}=${JSON.stringify(v)}`);
	}
	return parts.join(' ');
}

/**
 * The sandbox log of one run against its request patterns, in order. A pattern is
 * `{ path: 'custom/delete.php', status, module, multiple, ids, deleted, inserted, updated,
 * recordsReturned, ... }`; `count: '+'` lets it match one or more consecutive requests (a
 * trigger polls as often as time allows). Every request must also carry a valid token in its
 * header and name the run's CRM operation.
 */
function checkRequests(label, log, patterns, { operation, bound }) {
	const trial = { ...bound };
	let i = 0;
	let ok = true;
	for (const { count, path, ...fields } of patterns) {
		const one = (e) => e && e.path.replace(API, '') === path && e.tokenValid === true && e.operation === operation && matches(fields, e, trial);
		if (!one(log[i])) {
			ok = false;
			break;
		}
		i++;
		if (count === '+') while (i < log.length && one(log[i])) i++;
	}
	ok = ok && i === log.length;
	if (ok) Object.assign(bound, trial);
	const seen = log.length === 0 ? 'no request' : log.map(short).join('; ');
	return [ok, `${label}: sandbox saw ${seen}${ok ? '' : ` — expected ${patterns.length === 0 ? 'no request' : JSON.stringify(resolve(patterns, trial))}`}`];
}

/** Per 'operation/module': the records made, changed and removed between two snapshots. */
function diffRecords(before, after) {
	const out = {};
	const keys = (a, b) => [...new Set([...Object.keys(a || {}), ...Object.keys(b || {})])];
	for (const op of keys(before, after)) {
		for (const mod of keys(before[op], after[op])) {
			const b = (before[op] || {})[mod] || [];
			const a = (after[op] || {})[mod] || [];
			const old = new Map(b.map((r) => [r.wolkvox_id, r]));
			const now = new Set(a.map((r) => r.wolkvox_id));
			const created = a.filter((r) => !old.has(r.wolkvox_id));
			const changed = a.filter((r) => old.has(r.wolkvox_id) && JSON.stringify(old.get(r.wolkvox_id)) !== JSON.stringify(r));
			const removed = b.filter((r) => !now.has(r.wolkvox_id)).map((r) => r.wolkvox_id);
			if (created.length || changed.length || removed.length) out[`${op}/${mod}`] = { before: b.length, after: a.length, created, changed, removed };
		}
	}
	return out;
}

/**
 * Exactly the expected records changed: `want` is `{ 'operation/module': { created: [record
 * patterns, in creation order], changed: [record patterns, each naming its wolkvox_id],
 * removed: [ids] } }`; every module it does not name must be unchanged.
 */
function checkRecords(label, before, after, want, bound = {}) {
	const diff = diffRecords(before, after);
	const trial = { ...bound };
	let ok = true;
	for (const key of new Set([...Object.keys(diff), ...Object.keys(want)])) {
		const d = diff[key] || { created: [], changed: [], removed: [] };
		const w = want[key] || {};
		ok =
			ok &&
			matches(w.created || [], d.created, trial) &&
			matches(w.changed || [], d.changed, trial) &&
			matches(resolve(w.removed || [], trial).sort(), [...d.removed].sort(), trial);
	}
	if (ok) Object.assign(bound, trial);
	const said = Object.entries(diff).map(
		([key, d]) =>
			`${key}: ${d.before} -> ${d.after}` +
			(d.created.length ? `, created ${JSON.stringify(d.created.map((r) => r.wolkvox_id))}` : '') +
			(d.changed.length ? `, changed ${JSON.stringify(d.changed.map((r) => r.wolkvox_id))}` : '') +
			(d.removed.length ? `, removed ${JSON.stringify(d.removed)}` : ''),
	);
	const wanted = ok ? '' : ` — expected ${Object.keys(want).length ? JSON.stringify(resolve(want, trial)).slice(0, 600) : 'no change'}`;
	return [ok, `${label}: ${said.join('; ') || 'no record changed'}${wanted}`];
}

/** The records expectation of several runs together (for the whole run): their lists joined, with bound ids. */
function mergeRecords(list) {
	const all = {};
	for (const { want, bound } of list) {
		for (const [key, w] of Object.entries(resolve(want, bound))) {
			const into = (all[key] ??= { created: [], changed: [], removed: [] });
			for (const part of ['created', 'changed', 'removed']) into[part].push(...(w[part] || []));
		}
	}
	return all;
}

module.exports = { matches, checkRequests, checkRecords, mergeRecords, resolve };
