// @ts-check
'use strict';

/**
 * The limits a client can run into: the token's daily quota, the per-IP rate limit and the
 * token's simultaneous requests.
 */

const { performance } = require('node:perf_hooks');

const { dayKey, fail } = require('./util');

/** The token's calls today; the count restarts at UTC midnight. @param {number} usedAtStart */
function createQuota(usedAtStart) {
	let day = dayKey(new Date());
	let used = usedAtStart;
	const roll = () => {
		const today = dayKey(new Date());
		if (today !== day) {
			day = today;
			used = 0;
		}
	};
	return {
		/** @returns {number} calls used today */
		used() {
			roll();
			return used;
		},
		/** Count one call unless the limit is reached. @param {number} limit @returns {boolean} false = refused */
		take(limit) {
			roll();
			if (used >= limit) return false;
			used++;
			return true;
		},
		/** @param {number} n calls already used today */
		set(n) {
			day = dayKey(new Date());
			used = n;
		},
	};
}

/** Sliding-window request counts per client IP. */
function createRateLimiter() {
	/** @type {Map<string, number[]>} */
	let windows = new Map();
	return {
		/**
		 * Count one request from `ip` unless it is over the limit.
		 * @param {{ max: number, windowMs: number } | null} rl @param {string} ip
		 * @returns {{ limited: boolean, retryAfter: number }} retryAfter in whole seconds
		 */
		check(rl, ip) {
			if (!rl) return { limited: false, retryAfter: 0 };
			const t = performance.now();
			const list = (windows.get(ip) || []).filter((x) => x > t - rl.windowMs);
			windows.set(ip, list);
			if (list.length >= rl.max) {
				return { limited: true, retryAfter: Math.max(1, Math.ceil((list[0] + rl.windowMs - t) / 1000)) };
			}
			list.push(t);
			return { limited: false, retryAfter: 0 };
		},
		clear() {
			windows = new Map();
		},
	};
}

/**
 * The answer over the rate limit: the configured status (403 default) with Retry-After.
 * @param {{ max: number, status: number } | null} rl @param {number} retryAfter
 * @returns {import('./util').ApiResult}
 */
function rateLimitedAnswer(rl, retryAfter) {
	const result = fail(rl ? rl.status : 403, `EXCEEDS THE LIMIT OF REQUESTS PER IP (${rl ? rl.max : 0})`,
		`Too many requests from this IP; retry in ${retryAfter} second(s)`);
	result.headers = { 'Retry-After': String(retryAfter) };
	return result;
}

/**
 * The token's requests in flight: a request that arrives while `max` others carrying the token
 * are still being answered is refused. @returns {{ enter(max: number): boolean, leave(): void, inFlight(): number }}
 */
function createTokenGate() {
	let inFlight = 0;
	return {
		/** Let one request in unless `max` are already in flight (0 = unlimited); false = refused. */
		enter(max) {
			if (max > 0 && inFlight >= max) return false;
			inFlight++;
			return true;
		},
		leave() {
			inFlight = Math.max(0, inFlight - 1);
		},
		inFlight: () => inFlight,
	};
}

/**
 * The Manager API's answer to a third simultaneous request (its error table); no Retry-After
 * (none is documented). @param {number} max @returns {import('./util').ApiResult}
 */
function simultaneousAnswer(max) {
	return fail(403, `EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (${max})`,
		`Forbidden: ${max} requests with this token are already being answered`);
}

module.exports = { createQuota, createRateLimiter, rateLimitedAnswer, createTokenGate, simultaneousAnswer };
