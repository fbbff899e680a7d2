#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * wolkvox CRM sandbox: a local, in-memory stand-in for the wolkvox CRM HTTP API v2
 * (`/server/API/v2/...`), with switches for latency, limits and fault injection.
 *
 * Dev tool only (never shipped). Node built-ins only. See sandbox/README.md.
 * This file is the core (HTTP server, routes, token, quota, rate limit, faults, log, stats);
 * each endpoint lives in sandbox/endpoints/, the CLI in sandbox/cli.js.
 *
 * Programmatic use:
 *   const { startSandbox, generateRecords } = require('./sandbox/server');
 *   const sb = await startSandbox({ latencyMs: 20 });
 *   // ... sb.url, sb.token, sb.records('demo', 'contacts'), sb.log, sb.stats()
 *   await sb.close();
 */

const { drawFault, finalize, playFault, send, sendRedirect } = require('./answer');
const { DEFAULT_CONFIG, DEFAULT_TOKEN, FAULT_KINDS, mergeConfig } = require('./config');
const { DEV_PREFIX, handleDev } = require('./dev');
const { listen, parseJson, readBody, tokenHeader } = require('./http');
const { parseFormData } = require('./multipart');
const { createLogFile, newLogEntry, noteBody } = require('./log');
const { createQuota, createRateLimiter, createTokenGate, rateLimitedAnswer, simultaneousAnswer } = require('./limits');
const { buildStore, dumpRecords, generateRecords, loadSeed } = require('./records');
const { loadSeedWithTimes } = require('./seedTimes');
const { copyJson, fail, isPlainObject, makePrng, sameSecret } = require('./util');

const { ROUTES } = require('./endpoints');

const API_PREFIX = '/server/API/v2/';

/** @typedef {import('./config').SandboxOptions} SandboxOptions */
/** @typedef {import('./config').NormalizedConfig} NormalizedConfig */
/** @typedef {import('./log').LogEntry} LogEntry */
/** @typedef {import('./util').ApiResult} ApiResult */

/**
 * @typedef {object} SandboxStats
 * @property {number} requests
 * @property {number} maxInFlight
 * @property {number} inFlight
 * @property {Record<string, number>} byPath
 * @property {Record<string, number>} byStatus   key 'none' = no HTTP answer (reset, stall, client abort)
 * @property {number} tokenUseToday
 */

/**
 * @typedef {object} Sandbox
 * @property {string} url
 * @property {number} port
 * @property {string} token
 * @property {string} externalToken                       the token only cases/listHistoryNote.php takes
 * @property {() => Promise<void>} close
 * @property {Promise<void>} closed                         resolves once the sandbox has closed (close(), ttl, signal)
 * @property {(operation?: string, module?: string) => any} records
 * @property {LogEntry[]} log                              live array (cleared in place by reset)
 * @property {() => SandboxStats} stats
 * @property {(seed?: import('./records').SeedData | string) => void} reset
 * @property {(partial: Partial<SandboxOptions>) => void} configure
 * @property {() => Readonly<NormalizedConfig>} config
 */

/**
 * Start a sandbox on 127.0.0.1.
 * @param {SandboxOptions} [options]
 * @returns {Promise<Sandbox>}
 */
async function startSandbox(options = {}) {
	let cfg = mergeConfig(DEFAULT_CONFIG, options);
	const startedAt = Date.now();
	let seedData = loadSeedWithTimes(loadSeed, options.seed, cfg.seedTimes, startedAt);
	let store = buildStore(seedData);
	/** @type {LogEntry[]} */
	const log = [];
	// counters of the current epoch; reset() starts a new epoch so late requests do not count
	let epoch = 0;
	let seq = 0;
	let inFlight = 0;
	let maxInFlight = 0;
	let requests = 0;
	/** @type {Record<string, number>} */
	let byPath = {};
	/** @type {Record<string, number>} */
	let byStatus = {};
	const quota = createQuota(cfg.quotaUsed);
	const rateLimiter = createRateLimiter();
	const tokenGate = createTokenGate();
	let rand = makePrng(cfg.faults ? cfg.faults.seed : 1);
	let closed = false;
	/** @type {Set<NodeJS.Timeout>} */
	const stallTimers = new Set();
	/** @type {Set<() => void>} */
	const pendingWaits = new Set();
	const logFile = createLogFile();
	logFile.use(cfg.logFile);
	/** @type {NodeJS.Timeout | null} */
	let ttlTimer = null;
	/** @type {(value: void) => void} */
	let resolveClosed = () => {};
	/** @type {Promise<void>} */
	const closedPromise = new Promise((resolve) => {
		resolveClosed = resolve;
	});

	/** @param {number} ms @returns {Promise<void>} resolves after ms, or at once when the sandbox closes */
	function wait(ms) {
		if (ms <= 0 || closed) return Promise.resolve();
		return new Promise((resolve) => {
			const done = () => {
				clearTimeout(t);
				pendingWaits.delete(done);
				resolve();
			};
			const t = setTimeout(done, ms);
			pendingWaits.add(done);
		});
	}

	/**
	 * The answer once the request got past redirect, rate limit and latency: the path, method, token and
	 * quota checks, then the endpoint itself.
	 * @param {import('./endpoints/common').Endpoint | undefined} route @param {LogEntry} entry
	 * @param {{ method: string, pathname: string, token: string | undefined, query: URLSearchParams, parsed: { ok: true, value: any } | { ok: false, reason?: string } }} r
	 * @returns {ApiResult}
	 */
	function routeRequest(route, entry, r) {
		if (!route) return fail(404, 'THE API YOU WANT TO CONSULT DOES NOT EXIST', `Not Found: ${r.pathname}`);
		if (r.method !== route.method) {
			return { ...fail(405, 'METHOD NOT ALLOWED', `Use ${route.method} for ${r.pathname}`), headers: { Allow: route.method } };
		}
		if (!entry.tokenPresent || r.token === undefined) return fail(401, 'PLEASE ENTER THE WOLKVOX-TOKEN', 'Unauthorized');
		// a token of this sandbox, of either type; but cases/listHistoryNote.php takes only the External one, every other API only the Internal one
		entry.tokenValid = sameSecret(r.token, cfg.token) || sameSecret(r.token, cfg.externalToken);
		if (!sameSecret(r.token, route.externalToken ? cfg.externalToken : cfg.token)) {
			return fail(403, 'PLEASE VALIDATE TOKEN', route.externalToken ? 'Forbidden: this API needs an External token' : 'Forbidden: the token is not valid');
		}
		if (!quota.take(cfg.dailyQuota)) {
			return fail(403, 'TOKEN LIMIT EXCEEDED', `The token has used its ${cfg.dailyQuota} requests for today`);
		}
		entry.quotaCounted = true;
		let body = {};
		if (!route.noJsonBody) {
			if (!r.parsed.ok && route.formData) return fail(400, 'THE BODY MUST BE FORM-DATA', `The form-data body could not be read: ${r.parsed.reason}`);
			if (!r.parsed.ok) return fail(400, 'THE BODY MUST BE VALID JSON', 'The request body could not be parsed as JSON');
			if (!isPlainObject(r.parsed.value)) return fail(400, 'THE BODY MUST BE VALID JSON', 'The request body must be a JSON object');
			body = r.parsed.value;
		}
		const used = quota.used();
		return route.handle({ body, query: r.query, cfg, store, entry, quota: { used, limit: cfg.dailyQuota } });
	}

	/**
	 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
	 * @param {string} pathname @param {string} queryString
	 */
	async function handleApi(req, res, pathname, queryString) {
		inFlight++;
		const atEpoch = epoch;
		requests++;
		if (inFlight > maxInFlight) maxInFlight = inFlight;
		byPath[pathname] = (byPath[pathname] || 0) + 1;
		const entry = newLogEntry(++seq, req, pathname, inFlight - 1);
		log.push(entry);
		let inGate = false;
		/** @type {import('./answer').Ctx} */
		const ctx = {
			req, res, entry, finalized: false, serverDestroyed: false,
			isClosed: () => closed,
			onFinal(status) {
				inFlight--;
				if (inGate) tokenGate.leave();
				if (atEpoch !== epoch) return;
				const key = status === null ? 'none' : String(status);
				byStatus[key] = (byStatus[key] || 0) + 1;
				logFile.write(entry);
			},
		};
		res.on('close', () => finalize(ctx, null));

		const token = tokenHeader(req);
		entry.tokenPresent = typeof token === 'string' && token.trim() !== '';

		let buf;
		try {
			buf = await readBody(req);
		} catch {
			if (!res.destroyed) res.destroy();
			finalize(ctx, null);
			return;
		}
		const route = pathname.startsWith(API_PREFIX) ? ROUTES[pathname.slice(API_PREFIX.length)] : undefined;
		const parsed = route && route.formData ? parseFormData(buf, req.headers['content-type']) : parseJson(buf);
		const query = new URLSearchParams(queryString);
		if (route && route.noJsonBody) entry.operation = query.get('operation');
		else if (parsed.ok) noteBody(entry, parsed.value, route && route.requestedIds);

		if (cfg.redirectTo) return sendRedirect(ctx, cfg.redirectTo + (req.url || '/'));

		const rl = rateLimiter.check(cfg.rateLimit, entry.ip);
		// The valid token's requests in flight, counted from arrival to answer (the latency included).
		const withToken = !rl.limited && token !== undefined && sameSecret(token, cfg.token);
		inGate = withToken && tokenGate.enter(cfg.maxSimultaneousPerToken);
		await wait(cfg.latencyMs);
		if (rl.limited || (withToken && !inGate)) {
			entry.rateLimited = true;
			entry.simultaneous = !rl.limited;
			const answer = rl.limited ? rateLimitedAnswer(cfg.rateLimit, rl.retryAfter) : simultaneousAnswer(cfg.maxSimultaneousPerToken);
			return send(ctx, answer, cfg.errorsAsHttp200);
		}
		if (res.destroyed || closed) return finalize(ctx, null);

		const fault = drawFault(cfg.faults, rand);
		const stall = { ms: cfg.faults && cfg.faults.stallMs !== null ? cfg.faults.stallMs : cfg.stallMs, timers: stallTimers };
		if (fault && !(cfg.faults && cfg.faults.afterCommit)) return playFault(ctx, fault, null, stall);
		const result = routeRequest(route, entry, { method: req.method || '', pathname, token, query, parsed });
		if (fault) return playFault(ctx, fault, result, stall);
		send(ctx, result, cfg.errorsAsHttp200);
	}

	const listening = await listen(options.port || 0, (req, res, pathname, queryString) =>
		pathname.startsWith(DEV_PREFIX) ? handleDev(api, req, res, pathname, queryString) : handleApi(req, res, pathname, queryString));
	const port = listening.port;

	/** @type {Promise<void> | null} */
	let closing = null;

	/** @type {Sandbox} */
	const api = {
		url: `http://127.0.0.1:${port}`,
		port,
		token: cfg.token,
		externalToken: cfg.externalToken,
		closed: closedPromise,
		close() {
			if (closing) return closing;
			closed = true;
			if (ttlTimer) clearTimeout(ttlTimer);
			for (const t of stallTimers) clearTimeout(t);
			stallTimers.clear();
			for (const done of [...pendingWaits]) done();
			closing = listening.close().then(() => logFile.end()).then(() => resolveClosed());
			return closing;
		},
		records: (operation, module) => dumpRecords(store, operation, module),
		get log() {
			return log;
		},
		stats() {
			return { requests, maxInFlight, inFlight, byPath: { ...byPath }, byStatus: { ...byStatus }, tokenUseToday: quota.used() };
		},
		reset(seed) {
			if (seed !== undefined) seedData = loadSeedWithTimes(loadSeed, seed, cfg.seedTimes, startedAt);
			store = buildStore(seedData);
			log.length = 0;
			epoch++;
			seq = 0;
			requests = 0;
			maxInFlight = inFlight;
			byPath = {};
			byStatus = {};
			quota.set(cfg.quotaUsed);
			rateLimiter.clear();
			rand = makePrng(cfg.faults ? cfg.faults.seed : 1);
		},
		configure(partial) {
			cfg = mergeConfig(cfg, partial);
			// new fault settings restart the PRNG so a run is reproducible from the moment they apply
			if (partial && partial.faults !== undefined) rand = makePrng(cfg.faults ? cfg.faults.seed : 1);
			if (partial && partial.rateLimit !== undefined) rateLimiter.clear();
			if (partial && partial.token !== undefined) api.token = cfg.token;
			if (partial && partial.externalToken !== undefined) api.externalToken = cfg.externalToken;
			if (partial && partial.quotaUsed !== undefined) quota.set(cfg.quotaUsed);
			if (partial && partial.ttlMs !== undefined) armTtl();
			logFile.use(cfg.logFile);
		},
		config: () => copyJson(cfg),
	};

	function armTtl() {
		if (ttlTimer) clearTimeout(ttlTimer);
		ttlTimer = null;
		if (cfg.ttlMs && !closed) {
			ttlTimer = setTimeout(() => void api.close(), cfg.ttlMs);
			ttlTimer.unref();
		}
	}
	armTtl();

	return api;
}

const { parseArgs } = require('./cli');

module.exports = { startSandbox, generateRecords, FAULT_KINDS, DEFAULT_TOKEN, parseArgs };

if (require.main === module) require('./cli').run(startSandbox);
