#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * wolkvox CRM sandbox: a local, in-memory stand-in for the wolkvox CRM HTTP API v2
 * (`/server/API/v2/...`), with switches for latency, limits and fault injection.
 *
 * Dev tool only (never shipped). Node built-ins only. See sandbox/README.md.
 *
 * Programmatic use:
 *   const { startSandbox, generateRecords } = require('./sandbox/server');
 *   const sb = await startSandbox({ latencyMs: 20 });
 *   // ... sb.url, sb.token, sb.records('demo', 'contacts'), sb.log, sb.stats()
 *   await sb.close();
 */

const http = require('node:http');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const API_PREFIX = '/server/API/v2/';
const DEV_PREFIX = '/__sandbox/';
const DEFAULT_TOKEN = 'sandbox-token-0123456789abcdef';
const DEFAULT_QUOTA = 4800;
const DEFAULT_STALL_MS = 60000;
const DEFAULT_SEED_PATH = path.join(__dirname, 'seed.json');
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const CLI_DEFAULT_TTL_S = 600;

/** @typedef {'http500' | 'http502' | 'http503' | 'html' | 'reset' | 'truncated' | 'stall'} FaultKind */
/** @type {readonly FaultKind[]} */
const FAULT_KINDS = Object.freeze(['http500', 'http502', 'http503', 'html', 'reset', 'truncated', 'stall']);

/** @typedef {Record<string, any>} CrmRecord */
/** @typedef {{ [operation: string]: { [module: string]: CrmRecord[] } }} OperationsDump */
/** @typedef {{ operations: OperationsDump }} SeedData */

/**
 * @typedef {object} RateLimitOptions
 * @property {number} max        requests allowed per client IP inside the window
 * @property {number} windowMs   sliding window length in ms
 * @property {number} [status]   HTTP status when over the limit (403 default, or 429)
 */

/**
 * @typedef {object} FaultOptions
 * @property {number} rate              probability 0..1 that an API request is faulted
 * @property {FaultKind[]} kinds        kinds to pick from (uniformly, with the PRNG)
 * @property {number} [seed]            integer seed of the deterministic PRNG (default 1)
 * @property {boolean} [afterCommit]    false (default): fault before any change; true: after the handler ran
 * @property {number} [stallMs]         overrides the top-level stallMs
 */

/**
 * @typedef {object} SandboxOptions
 * @property {number} [port]                 0 (default) = any free port; always binds 127.0.0.1
 * @property {SeedData | string} [seed]      seed object or path of a JSON file (default sandbox/seed.json)
 * @property {string} [token]                the one valid token
 * @property {number} [dailyQuota]           API calls per day for the token (default 4800)
 * @property {number} [latencyMs]            delay before answering each API request
 * @property {number} [maxIdsPerDelete]      0 = unlimited
 * @property {RateLimitOptions | null} [rateLimit]
 * @property {FaultOptions | null} [faults]
 * @property {number} [stallMs]              how long a 'stall' fault holds the socket (default 60000)
 * @property {boolean} [errorsAsHttp200]     answer errors with HTTP 200, error only in the body
 * @property {string | null} [redirectTo]    origin; every API request gets a 307 to it
 * @property {number | null} [ttlMs]         close by itself after this long (default: never)
 * @property {string | null} [logFile]       append the request log as JSON lines here
 */

/**
 * @typedef {object} LogEntry
 * @property {number} seq
 * @property {number} start            epoch ms (monotonic clock, fractional)
 * @property {number | null} end
 * @property {string} ip
 * @property {string} method
 * @property {string} path             path without the query string
 * @property {number | null} status    HTTP status sent; null when no answer was sent
 * @property {string | null} bodyCode  the envelope `code` sent, as a string (null if none)
 * @property {string | null} operation
 * @property {string | null} module
 * @property {boolean | null} multiple
 * @property {string[] | null} ids     requested ids (delete only)
 * @property {string[]} deleted        ids actually deleted
 * @property {string | null} inserted  id created (insert only)
 * @property {FaultKind | null} fault
 * @property {boolean} rateLimited
 * @property {boolean} redirected
 * @property {boolean} tokenPresent
 * @property {boolean} tokenValid
 * @property {boolean} quotaCounted    this request used one unit of the daily quota
 * @property {boolean} clientAborted   the client went away before an answer was sent
 * @property {number} inFlightAtStart  other API requests in flight when this one arrived
 */

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
 * @property {() => Promise<void>} close
 * @property {Promise<void>} closed                         resolves once the sandbox has closed (close(), ttl, signal)
 * @property {(operation?: string, module?: string) => any} records
 * @property {LogEntry[]} log                              live array (cleared in place by reset)
 * @property {() => SandboxStats} stats
 * @property {(seed?: SeedData | string) => void} reset
 * @property {(partial: Partial<SandboxOptions>) => void} configure
 * @property {() => Readonly<NormalizedConfig>} config
 */

/**
 * @typedef {object} NormalizedConfig
 * @property {string} token
 * @property {number} dailyQuota
 * @property {number} latencyMs
 * @property {number} maxIdsPerDelete
 * @property {{ max: number, windowMs: number, status: number } | null} rateLimit
 * @property {{ rate: number, kinds: FaultKind[], seed: number, afterCommit: boolean, stallMs: number | null } | null} faults
 * @property {number} stallMs
 * @property {boolean} errorsAsHttp200
 * @property {string | null} redirectTo
 * @property {number | null} ttlMs
 * @property {string | null} logFile
 */

/**
 * @typedef {object} ApiResult
 * @property {number} status
 * @property {Record<string, any>} body
 * @property {Record<string, string>} [headers]
 */

// ---------------------------------------------------------------------------------------------
// small helpers

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

/** @param {Date} d @returns {string} local "YYYY-MM-DD HH:MM:SS" */
function crmDate(d) {
	/** @param {number} n */
	const p = (n) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** @param {Date} d @returns {string} local day key */
function dayKey(d) {
	return crmDate(d).slice(0, 10);
}

/** @returns {number} whole hours (>= 1) until the next local midnight */
function hoursToMidnight() {
	const now = new Date();
	const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 0, 0, 0, 0);
	return Math.max(1, Math.ceil((midnight.getTime() - now.getTime()) / 3600000));
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

// ---------------------------------------------------------------------------------------------
// seed handling

/** @typedef {{ [operation: string]: { [module: string]: string } }} SeedSnapshot  module → JSON text of its records */

/**
 * Validate a seed and freeze it as JSON text per module (so every reset parses a fresh copy).
 * @param {SeedData | string | undefined} seed  object, or path of a JSON file; default sandbox/seed.json
 * @returns {SeedSnapshot}
 */
function loadSeed(seed) {
	/** @type {unknown} */
	let raw = seed;
	if (raw === undefined || raw === null) raw = DEFAULT_SEED_PATH;
	if (typeof raw === 'string') {
		raw = JSON.parse(fs.readFileSync(raw, 'utf8'));
	}
	if (!isPlainObject(raw) || !isPlainObject(raw.operations)) {
		throw new Error('sandbox seed must look like { "operations": { "<operation>": { "<module>": [records] } } }');
	}
	/** @type {SeedSnapshot} */
	const snapshot = {};
	const seen = new Set();
	for (const [op, modules] of Object.entries(raw.operations)) {
		if (!isPlainObject(modules)) throw new Error(`seed: operation "${op}" must map module names to arrays`);
		snapshot[op] = {};
		for (const [mod, list] of Object.entries(modules)) {
			if (!Array.isArray(list)) throw new Error(`seed: ${op}/${mod} must be an array of records`);
			const records = list.map((rec, i) => {
				if (!isPlainObject(rec)) throw new Error(`seed: ${op}/${mod}[${i}] is not an object`);
				let id = rec.wolkvox_id;
				if (typeof id !== 'string' || id === '') {
					id = newObjectId();
					rec = { ...rec, wolkvox_id: id };
				}
				if (seen.has(id)) throw new Error(`seed: duplicate wolkvox_id ${id}`);
				seen.add(id);
				return rec;
			});
			snapshot[op][mod] = JSON.stringify(records);
		}
	}
	return snapshot;
}

/** @returns {string} a new 24-lowercase-hex id shaped like a Mongo ObjectId */
function newObjectId() {
	const ts = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0').slice(-8);
	return ts + crypto.randomBytes(8).toString('hex');
}

// ---------------------------------------------------------------------------------------------
// generateRecords: deterministic, realistic contacts for big benchmarks

const FIRST_NAMES = [
	'Valentina', 'Santiago', 'Camila', 'Mateo', 'Isabella', 'Sebastián', 'Mariana', 'Alejandro',
	'Daniela', 'Nicolás', 'Luciana', 'Andrés', 'Gabriela', 'Felipe', 'Sofía', 'Juan Pablo',
	'Catalina', 'Diego', 'Ximena', 'Tomás', 'Paula', 'Emilio', 'Renata', 'Joaquín', 'Antonella',
	'Martín', 'Juliana', 'Samuel', 'Manuela', 'Esteban',
];
const LAST_NAMES = [
	'García', 'Rodríguez', 'Martínez', 'López', 'González', 'Pérez', 'Ramírez', 'Torres', 'Flores',
	'Rivera', 'Gómez', 'Díaz', 'Vargas', 'Castro', 'Moreno', 'Rojas', 'Herrera', 'Medina',
	'Cárdenas', 'Ospina', 'Muñoz', 'Quintero', 'Zuluaga', 'Peña', 'Salazar', 'Echeverri',
];
const COUNTRIES = [
	{ country: 'Colombia', code: '57', digits: 10, lead: '3', city: ['Bogotá', 'Medellín', 'Cali', 'Barranquilla'] },
	{ country: 'México', code: '52', digits: 10, lead: '5', city: ['Ciudad de México', 'Guadalajara', 'Monterrey'] },
	{ country: 'Perú', code: '51', digits: 9, lead: '9', city: ['Lima', 'Arequipa'] },
	{ country: 'Chile', code: '56', digits: 9, lead: '9', city: ['Santiago', 'Valparaíso'] },
	{ country: 'Ecuador', code: '593', digits: 9, lead: '9', city: ['Quito', 'Guayaquil'] },
	{ country: 'Argentina', code: '54', digits: 10, lead: '1', city: ['Buenos Aires', 'Córdoba'] },
];
const MAIL_DOMAINS = ['gmail.com', 'hotmail.com', 'outlook.com', 'yahoo.com', 'empresa.com.co', 'correo.com.mx'];
const OWNERS = [
	{ user: 'ADMIN_@demo', nombre: 'Administrador', id: '5fcf75e009ba82ae1ce55e3d', email: 'admin@crm-demo.co' },
	{ user: 'lmora_@demo', nombre: 'Laura Mora', id: '08cc1def534daf73bb368973', email: 'laura.mora@crm-demo.co' },
	{ user: 'jquintero_@demo', nombre: 'Jorge Quintero', id: '1142e4975ef9706a7dde9dba', email: 'jorge.quintero@crm-demo.co' },
];

/** @param {string} s */
function asciiSlug(s) {
	return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '.').replace(/^\.|\.$/g, '');
}

/**
 * Build n deterministic contact records (same n and options → same output).
 * Ids are 24 lowercase hex: [8 hex "timestamp"][10 hex pseudo-random][6 hex counter]; `prefix`
 * (hex, up to 18 chars) overwrites the start, the 6-hex counter keeps ids unique up to 16,777,216 records.
 * @param {number} n
 * @param {{ prefix?: string, seed?: number, start?: number }} [options]
 * @returns {CrmRecord[]}
 */
function generateRecords(n, options = {}) {
	const count = Math.trunc(Number(n));
	if (!Number.isFinite(count) || count < 0) throw new Error('generateRecords: n must be a non-negative integer');
	const prefix = (options.prefix ?? '').toLowerCase();
	if (!/^[0-9a-f]{0,18}$/.test(prefix)) throw new Error('generateRecords: prefix must be up to 18 hex characters');
	const start = Math.trunc(options.start ?? 0);
	if (start + count > 0x1000000) throw new Error('generateRecords: at most 16,777,216 distinct ids');
	const rand = makePrng(options.seed ?? 20240901);
	/** @param {number} k */
	const pick = (k) => Math.floor(rand() * k);
	const baseTs = 0x65000000; // around 2023-09
	/** @type {CrmRecord[]} */
	const out = [];
	for (let i = 0; i < count; i++) {
		const idx = start + i;
		const ts = baseTs + idx * 37 + pick(30);
		let rnd = '';
		for (let k = 0; k < 10; k++) rnd += pick(16).toString(16);
		let id = (ts >>> 0).toString(16).padStart(8, '0').slice(-8) + rnd + idx.toString(16).padStart(6, '0');
		id = prefix + id.slice(prefix.length);
		const first = FIRST_NAMES[pick(FIRST_NAMES.length)];
		const last1 = LAST_NAMES[pick(LAST_NAMES.length)];
		const last2 = LAST_NAMES[pick(LAST_NAMES.length)];
		const c = COUNTRIES[pick(COUNTRIES.length)];
		let phone = c.lead;
		while (phone.length < c.digits) phone += String(pick(10));
		const created = new Date(ts * 1000);
		out.push({
			namecontact: `${first} ${last1} ${last2}`,
			telephonecontact: { country: c.country, code: c.code, value: phone },
			idcontact: String(10000000 + ((idx * 7919 + pick(1000)) % 89999999)),
			emailcontact: `${asciiSlug(first)}.${asciiSlug(last1)}${idx}@${MAIL_DOMAINS[pick(MAIL_DOMAINS.length)]}`,
			Ciudad: c.city[pick(c.city.length)],
			wolkvox_id: id,
			wolkvox_form_name: 'contacts',
			wolkvox_usuario_creacion: 'ADMIN_@demo',
			wolkvox_fecha_creacion: crmDate(created),
			wolkvox_origen: ['API', 'Manual', 'Importación', 'Formulario web'][pick(4)],
			wolkvox_owner: { ...OWNERS[pick(OWNERS.length)] },
		});
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// option normalisation

/**
 * @param {NormalizedConfig} base
 * @param {Partial<SandboxOptions>} partial
 * @returns {NormalizedConfig}
 */
function mergeConfig(base, partial) {
	const cfg = { ...base };
	const p = partial || {};
	/** @param {string} name @param {unknown} v */
	const nonNeg = (name, v) => {
		const x = Number(v);
		if (!Number.isFinite(x) || x < 0) throw new Error(`sandbox option ${name} must be a number >= 0`);
		return x;
	};
	if (p.token !== undefined) {
		if (typeof p.token !== 'string' || p.token === '') throw new Error('sandbox option token must be a non-empty string');
		cfg.token = p.token;
	}
	if (p.dailyQuota !== undefined) cfg.dailyQuota = Math.trunc(nonNeg('dailyQuota', p.dailyQuota));
	if (p.latencyMs !== undefined) cfg.latencyMs = nonNeg('latencyMs', p.latencyMs);
	if (p.maxIdsPerDelete !== undefined) cfg.maxIdsPerDelete = Math.trunc(nonNeg('maxIdsPerDelete', p.maxIdsPerDelete));
	if (p.stallMs !== undefined) cfg.stallMs = nonNeg('stallMs', p.stallMs);
	if (p.errorsAsHttp200 !== undefined) cfg.errorsAsHttp200 = Boolean(p.errorsAsHttp200);
	if (p.ttlMs !== undefined) cfg.ttlMs = p.ttlMs === null || p.ttlMs === 0 ? null : nonNeg('ttlMs', p.ttlMs);
	if (p.logFile !== undefined) cfg.logFile = p.logFile ? String(p.logFile) : null;
	if (p.redirectTo !== undefined) {
		if (p.redirectTo === null || p.redirectTo === '') cfg.redirectTo = null;
		else {
			const u = new URL(String(p.redirectTo));
			cfg.redirectTo = u.origin;
		}
	}
	if (p.rateLimit !== undefined) {
		if (p.rateLimit === null || p.rateLimit.max === 0) cfg.rateLimit = null;
		else {
			const status = p.rateLimit.status === undefined ? 403 : Math.trunc(Number(p.rateLimit.status));
			if (!(status >= 400 && status <= 599)) throw new Error('sandbox option rateLimit.status must be an HTTP error status');
			const max = Math.trunc(nonNeg('rateLimit.max', p.rateLimit.max));
			const windowMs = nonNeg('rateLimit.windowMs', p.rateLimit.windowMs);
			if (max < 1 || windowMs <= 0) throw new Error('sandbox option rateLimit needs max >= 1 and windowMs > 0');
			cfg.rateLimit = { max, windowMs, status };
		}
	}
	if (p.faults !== undefined) {
		if (p.faults === null) cfg.faults = null;
		else {
			const f = p.faults;
			const rate = Number(f.rate);
			if (!(rate >= 0 && rate <= 1)) throw new Error('sandbox option faults.rate must be within 0..1');
			const kinds = Array.isArray(f.kinds) ? f.kinds : [];
			for (const k of kinds) {
				if (!FAULT_KINDS.includes(k)) throw new Error(`unknown fault kind "${k}" (known: ${FAULT_KINDS.join(', ')})`);
			}
			if (rate > 0 && kinds.length === 0) throw new Error('sandbox option faults.kinds must name at least one kind');
			cfg.faults = {
				rate,
				kinds: [...kinds],
				seed: f.seed === undefined ? 1 : Math.trunc(Number(f.seed)),
				afterCommit: Boolean(f.afterCommit),
				stallMs: f.stallMs === undefined ? null : nonNeg('faults.stallMs', f.stallMs),
			};
		}
	}
	return cfg;
}

/** @type {NormalizedConfig} */
const DEFAULT_CONFIG = Object.freeze({
	token: DEFAULT_TOKEN,
	dailyQuota: DEFAULT_QUOTA,
	latencyMs: 0,
	maxIdsPerDelete: 0,
	rateLimit: null,
	faults: null,
	stallMs: DEFAULT_STALL_MS,
	errorsAsHttp200: false,
	redirectTo: null,
	ttlMs: null,
	logFile: null,
});

// ---------------------------------------------------------------------------------------------
// the server

/**
 * Start a sandbox on 127.0.0.1.
 * @param {SandboxOptions} [options]
 * @returns {Promise<Sandbox>}
 */
async function startSandbox(options = {}) {
	let cfg = mergeConfig(DEFAULT_CONFIG, options);
	let seedData = loadSeed(options.seed);

	/** @type {Map<string, Map<string, Map<string, CrmRecord>>>} operation → module → id → record */
	let store = buildStore(seedData);
	/** @type {LogEntry[]} */
	const log = [];
	let seq = 0;
	let epoch = 0;
	let inFlight = 0;
	let maxInFlight = 0;
	let requests = 0;
	/** @type {Record<string, number>} */
	let byPath = {};
	/** @type {Record<string, number>} */
	let byStatus = {};
	let quotaDay = dayKey(new Date());
	let quotaUsed = 0;
	/** @type {Map<string, number[]>} */
	let rateWindows = new Map();
	let rand = makePrng(cfg.faults ? cfg.faults.seed : 1);
	let closed = false;
	/** @type {Set<import('node:net').Socket>} */
	const sockets = new Set();
	/** @type {Set<NodeJS.Timeout>} */
	const stallTimers = new Set();
	/** @type {Set<() => void>} */
	const pendingWaits = new Set();
	/** @type {fs.WriteStream | null} */
	let logStream = null;
	/** @type {string | null} */
	let logStreamPath = null;
	/** @type {NodeJS.Timeout | null} */
	let ttlTimer = null;

	/** @type {(value: void) => void} */
	let resolveClosed = () => {};
	/** @type {Promise<void>} */
	const closedPromise = new Promise((resolve) => {
		resolveClosed = resolve;
	});

	function openLogStream() {
		if (cfg.logFile === logStreamPath) return;
		if (logStream) logStream.end();
		logStream = null;
		logStreamPath = cfg.logFile;
		if (cfg.logFile) {
			fs.mkdirSync(path.dirname(path.resolve(cfg.logFile)), { recursive: true });
			logStream = fs.createWriteStream(cfg.logFile, { flags: 'a' });
			logStream.on('error', (err) => {
				process.stderr.write(`sandbox: cannot write log file: ${err.message}\n`);
				logStream = null;
			});
		}
	}
	openLogStream();

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

	function rollQuotaDay() {
		const today = dayKey(new Date());
		if (today !== quotaDay) {
			quotaDay = today;
			quotaUsed = 0;
		}
	}

	/** @param {string} ip @returns {{ limited: boolean, retryAfter: number }} */
	function checkRate(ip) {
		const rl = cfg.rateLimit;
		if (!rl) return { limited: false, retryAfter: 0 };
		const t = performance.now();
		const list = (rateWindows.get(ip) || []).filter((x) => x > t - rl.windowMs);
		rateWindows.set(ip, list);
		if (list.length >= rl.max) {
			const retryAfter = Math.max(1, Math.ceil((list[0] + rl.windowMs - t) / 1000));
			return { limited: true, retryAfter };
		}
		list.push(t);
		return { limited: false, retryAfter: 0 };
	}

	/** @returns {FaultKind | null} */
	function drawFault() {
		const f = cfg.faults;
		if (!f || f.rate <= 0 || f.kinds.length === 0) return null;
		if (rand() >= f.rate) return null;
		return f.kinds[Math.min(f.kinds.length - 1, Math.floor(rand() * f.kinds.length))];
	}

	/**
	 * Per-request bookkeeping.
	 * @typedef {object} Ctx
	 * @property {import('node:http').IncomingMessage} req
	 * @property {import('node:http').ServerResponse} res
	 * @property {LogEntry} entry
	 * @property {boolean} finalized
	 * @property {boolean} serverDestroyed
	 * @property {number} epoch
	 */

	/** @param {Ctx} ctx @param {number | null} status */
	function finalize(ctx, status) {
		if (ctx.finalized) return;
		ctx.finalized = true;
		inFlight--;
		const e = ctx.entry;
		e.end = nowMs();
		e.status = status;
		if (status === null && !ctx.serverDestroyed) e.clientAborted = true;
		if (ctx.epoch !== epoch) return;
		const key = status === null ? 'none' : String(status);
		byStatus[key] = (byStatus[key] || 0) + 1;
		if (logStream) logStream.write(JSON.stringify(e) + '\n');
	}

	/**
	 * Send an API answer (applies errorsAsHttp200).
	 * @param {Ctx} ctx @param {ApiResult} result
	 */
	function send(ctx, result) {
		const { res } = ctx;
		if (res.destroyed || res.writableEnded || closed) {
			finalize(ctx, null);
			return;
		}
		let status = result.status;
		const body = { ...result.body };
		if (status >= 400 && cfg.errorsAsHttp200) {
			body.code = String(status);
			status = 200;
		}
		const text = JSON.stringify(body);
		ctx.entry.bodyCode = body.code === undefined || body.code === null ? null : String(body.code);
		res.writeHead(status, {
			'Content-Type': 'application/json; charset=utf-8',
			'Content-Length': String(Buffer.byteLength(text)),
			...(result.headers || {}),
		});
		finalize(ctx, status);
		res.end(text);
	}

	/**
	 * @param {Ctx} ctx @param {number} status @param {string} contentType @param {string} text
	 */
	function sendRaw(ctx, status, contentType, text) {
		const { res } = ctx;
		if (res.destroyed || closed) {
			finalize(ctx, null);
			return;
		}
		res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(text)) });
		finalize(ctx, status);
		res.end(text);
	}

	/** @param {Ctx} ctx */
	function destroyFromServer(ctx) {
		ctx.serverDestroyed = true;
		finalize(ctx, null);
		const sock = ctx.req.socket;
		if (typeof sock.resetAndDestroy === 'function') sock.resetAndDestroy();
		else sock.destroy();
	}

	/**
	 * Play a fault instead of the real answer.
	 * @param {Ctx} ctx @param {FaultKind} kind @param {ApiResult | null} committed the real answer, when afterCommit
	 */
	function playFault(ctx, kind, committed) {
		ctx.entry.fault = kind;
		switch (kind) {
			case 'http500':
				ctx.entry.bodyCode = '500';
				sendRaw(ctx, 500, 'application/json; charset=utf-8', JSON.stringify({
					code: 500,
					error: 'INTERNAL SERVER ERROR',
					msg: 'An unexpected error occurred while processing the request',
					data: null,
				}));
				return;
			case 'http502':
				sendRaw(ctx, 502, 'text/html; charset=utf-8',
					'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n');
				return;
			case 'http503':
				sendRaw(ctx, 503, 'text/plain; charset=utf-8', 'Service Unavailable: the CRM is in a maintenance window, try again later.');
				return;
			case 'html':
				sendRaw(ctx, 200, 'text/html; charset=UTF-8',
					'<!DOCTYPE html>\n<html lang="es"><head><meta charset="utf-8"><title>wolkvox CRM</title></head>\n' +
					'<body><h2>Lo sentimos, algo salió mal.</h2><p>The page could not be processed. ' +
					'Please try again in a few minutes.</p><!-- sandbox html fault --></body></html>\n');
				return;
			case 'truncated': {
				const full = JSON.stringify(committed ? committed.body : {
					code: '200',
					error: 'null',
					msg: 'Request received',
					data: { wolkvox_id: ctx.entry.ids || [] },
				});
				const cut = full.slice(0, Math.max(1, Math.floor(full.length / 2)));
				const { res } = ctx;
				if (res.destroyed || closed) {
					finalize(ctx, null);
					return;
				}
				// No Content-Length: the body is chunked and ends cleanly, it is just not valid JSON.
				res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', Connection: 'close' });
				finalize(ctx, 200);
				res.end(cut);
				return;
			}
			case 'reset':
				destroyFromServer(ctx);
				return;
			case 'stall': {
				const f = cfg.faults;
				const ms = f && f.stallMs !== null ? f.stallMs : cfg.stallMs;
				const timer = setTimeout(() => {
					stallTimers.delete(timer);
					if (!ctx.finalized) destroyFromServer(ctx);
				}, ms);
				stallTimers.add(timer);
				ctx.res.on('close', () => {
					clearTimeout(timer);
					stallTimers.delete(timer);
				});
				return;
			}
			default:
				sendRaw(ctx, 500, 'text/plain', 'unknown fault');
		}
	}

	// ----- the routes -----------------------------------------------------------------------

	/** @param {unknown} op @returns {{ error: ApiResult } | { modules: Map<string, Map<string, CrmRecord>> }} */
	function findOperation(op) {
		const modules = typeof op === 'string' ? store.get(op) : undefined;
		if (!modules) {
			return { error: fail(404, 'OPERATION NOT FOUND', `The operation "${String(op)}" does not exist`) };
		}
		return { modules };
	}

	/**
	 * @param {Record<string, any>} body @param {string[]} keys
	 * @returns {ApiResult | null} a 400 for missing keys, or null
	 */
	function requireKeys(body, keys) {
		const missing = keys.filter((k) => body[k] === undefined || body[k] === null || body[k] === '');
		if (missing.length === 0) return null;
		return fail(400, 'SOME PARAMETERS ARE REQUIRED', `Missing required parameter(s): ${missing.join(', ')}`);
	}

	/**
	 * @param {Record<string, any>} body
	 * @returns {{ error: ApiResult } | { records: Map<string, CrmRecord> }}
	 */
	function findModule(body) {
		if (typeof body.operation !== 'string') {
			return { error: fail(400, 'SOME PARAMETERS ARE INVALID', 'operation must be a string') };
		}
		if (typeof body.module !== 'string') {
			return { error: fail(400, 'SOME PARAMETERS ARE INVALID', 'module must be a string') };
		}
		const o = findOperation(body.operation);
		if ('error' in o) return o;
		const records = o.modules.get(body.module);
		if (!records) {
			return {
				error: fail(404, 'MODULE NOT FOUND', `The module "${body.module}" does not exist in operation "${body.operation}"`),
			};
		}
		return { records };
	}

	/** @param {Record<string, any>} body @param {Ctx} ctx @returns {ApiResult} */
	function routeDelete(body, ctx) {
		const missing = requireKeys(body, ['operation', 'module', 'multiple', 'wolkvox-id']);
		if (missing) return missing;
		const m = findModule(body);
		if ('error' in m) return m.error;
		if (typeof body.multiple !== 'boolean') {
			return fail(400, 'SOME PARAMETERS ARE INVALID', 'multiple must be a JSON boolean (true or false)');
		}
		const raw = body['wolkvox-id'];
		/** @type {string[]} */
		let ids;
		if (body.multiple) {
			if (!Array.isArray(raw)) {
				return fail(400, 'SOME PARAMETERS ARE INVALID', 'With multiple: true, wolkvox-id must be an array of ids');
			}
			ids = raw;
		} else if (typeof raw === 'string') {
			ids = [raw];
		} else if (Array.isArray(raw)) {
			if (raw.length !== 1) {
				return fail(400, 'SOME PARAMETERS ARE INVALID', 'With multiple: false, wolkvox-id must be one id (a string or a one-element array)');
			}
			ids = raw;
		} else {
			return fail(400, 'SOME PARAMETERS ARE INVALID', 'wolkvox-id must be a string or an array of strings');
		}
		if (ids.length === 0) return fail(400, 'SOME PARAMETERS ARE REQUIRED', 'wolkvox-id is an empty list');
		if (ids.some((x) => typeof x !== 'string')) {
			return fail(400, 'SOME PARAMETERS ARE INVALID', 'every wolkvox-id must be a string');
		}
		if (ids.some((x) => x.trim() === '')) return fail(400, 'SOME PARAMETERS ARE REQUIRED', 'wolkvox-id contains an empty id');
		if (cfg.maxIdsPerDelete > 0 && ids.length > cfg.maxIdsPerDelete) {
			return fail(416, `EXCEEDS THE MAXIMUM NUMBER OF RECORDS PER REQUEST (${cfg.maxIdsPerDelete})`,
				`${ids.length} ids were sent; at most ${cfg.maxIdsPerDelete} can be deleted per request`);
		}
		const unique = [...new Set(ids)];
		const unknown = unique.filter((id) => !m.records.has(id));
		if (unknown.length > 0) {
			return fail(404, 'RECORD NOT FOUND', `The record(s) ${unknown.join(', ')} do not exist`, { wolkvox_id: unknown });
		}
		for (const id of unique) m.records.delete(id);
		ctx.entry.deleted = unique;
		return { status: 200, body: { code: 200, error: 'null', msg: 'Have been succesfully removed', data: { wolkvox_id: unique } } };
	}

	/** @param {Record<string, any>} body @returns {ApiResult} */
	function routeQuery(body) {
		const missing = requireKeys(body, ['operation', 'module', 'field']) ||
			(body.value === undefined || body.value === null ? fail(400, 'SOME PARAMETERS ARE REQUIRED', 'Missing required parameter(s): value') : null);
		if (missing) return missing;
		const m = findModule(body);
		if ('error' in m) return m.error;
		if (typeof body.field !== 'string') return fail(400, 'SOME PARAMETERS ARE INVALID', 'field must be a string');
		if (typeof body.value === 'object') return fail(400, 'SOME PARAMETERS ARE INVALID', 'value must be a string or a number');
		const wanted = String(body.value);
		const field = body.field;
		const hits = [];
		for (const rec of m.records.values()) {
			const v = rec[field];
			let hit = false;
			if (v !== undefined && v !== null) {
				if (typeof v === 'object' && !Array.isArray(v) && 'value' in v) hit = String(v.value) === wanted;
				else if (typeof v !== 'object') hit = String(v) === wanted;
			}
			if (hit) hits.push(copyJson(rec));
		}
		return { status: 200, body: { code: '200', error: 'null', msg: `${hits.length} records were are found`, data: hits } };
	}

	/** @param {Record<string, any>} body @param {Ctx} ctx @returns {ApiResult} */
	function routeInsert(body, ctx) {
		const missing = requireKeys(body, ['operation', 'module', 'fields']);
		if (missing) return missing;
		const m = findModule(body);
		if ('error' in m) return m.error;
		if (!isPlainObject(body.fields)) return fail(400, 'SOME PARAMETERS ARE INVALID', 'fields must be an object of field name → value');
		if (Object.keys(body.fields).length === 0) return fail(400, 'SOME PARAMETERS ARE REQUIRED', 'fields is empty');
		/** @type {CrmRecord} */
		const rec = {};
		for (const [k, v] of Object.entries(body.fields)) {
			if (isPlainObject(v) && typeof v.type === 'string') {
				// typed input ({type, value, ...}) is stored the way queries return it: without `type`
				const { type: _type, ...rest } = v;
				const keys = Object.keys(rest);
				rec[k] = keys.length === 1 && keys[0] === 'value' ? copyJson(rest.value) : copyJson(rest);
			} else {
				rec[k] = copyJson(v);
			}
		}
		let id = newObjectId();
		while (findRecordAnywhere(id)) id = newObjectId();
		const stamp = crmDate(new Date());
		Object.assign(rec, {
			wolkvox_id: id,
			wolkvox_form_name: body.module,
			wolkvox_usuario_creacion: `ADMIN_@${body.operation}`,
			wolkvox_fecha_creacion: stamp,
			wolkvox_origen: 'API',
			wolkvox_fecha_modificacion: stamp,
			wolkvox_usuario_modificacion: `ADMIN_@${body.operation}`,
		});
		if (!isPlainObject(rec.wolkvox_owner)) {
			rec.wolkvox_owner = { user: `ADMIN_@${body.operation}`, nombre: 'Administrador', id: '000000000000000000000001', email: `admin@${body.operation}.crm` };
		}
		m.records.set(id, rec);
		ctx.entry.inserted = id;
		return { status: 200, body: { code: '200', error: 'null', msg: 'Record created successfully', data: { wolkvox_id: id } } };
	}

	/** @param {string} id */
	function findRecordAnywhere(id) {
		for (const modules of store.values()) for (const recs of modules.values()) if (recs.has(id)) return true;
		return false;
	}

	/** @param {URLSearchParams} query @returns {ApiResult} */
	function routeTokenInfo(query) {
		const op = query.get('operation');
		if (op === null || op === '') return fail(400, 'SOME PARAMETERS ARE REQUIRED', 'Missing required parameter(s): operation');
		const o = findOperation(op);
		if ('error' in o) return o.error;
		return {
			status: 200,
			body: {
				code: '200',
				error: 'null',
				msg: '1 records were are found',
				data: {
					description: 'token',
					token_limit: cfg.dailyQuota,
					token_use_today: quotaUsed,
					available_consumition_options: Math.max(0, cfg.dailyQuota - quotaUsed),
					hours_to_reset: hoursToMidnight(),
				},
			},
		};
	}

	/** @type {Record<string, { method: string, kind: 'delete' | 'query' | 'insert' | 'token' }>} */
	const ROUTES = {
		'custom/delete.php': { method: 'POST', kind: 'delete' },
		'custom/query.php': { method: 'POST', kind: 'query' },
		'custom/insert.php': { method: 'POST', kind: 'insert' },
		'token/tokenInformation.php': { method: 'GET', kind: 'token' },
	};

	// ----- request plumbing -----------------------------------------------------------------

	/** @param {import('node:http').IncomingMessage} req @returns {Promise<Buffer>} */
	function readBody(req) {
		return new Promise((resolve, reject) => {
			/** @type {Buffer[]} */
			const chunks = [];
			let size = 0;
			req.on('data', (c) => {
				size += c.length;
				if (size > MAX_BODY_BYTES) {
					reject(new Error('body too large'));
					req.destroy();
					return;
				}
				chunks.push(c);
			});
			req.on('end', () => resolve(Buffer.concat(chunks)));
			req.on('error', reject);
			req.on('close', () => {
				if (!req.complete) reject(new Error('request aborted'));
			});
		});
	}

	/**
	 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
	 * @param {string} pathname @param {string} queryString
	 */
	async function handleApi(req, res, pathname, queryString) {
		inFlight++;
		const isEpoch = epoch;
		requests++;
		if (inFlight > maxInFlight) maxInFlight = inFlight;
		byPath[pathname] = (byPath[pathname] || 0) + 1;
		/** @type {LogEntry} */
		const entry = {
			seq: ++seq,
			start: nowMs(),
			end: null,
			ip: req.socket.remoteAddress || '',
			method: req.method || '',
			path: pathname,
			status: null,
			bodyCode: null,
			operation: null,
			module: null,
			multiple: null,
			ids: null,
			deleted: [],
			inserted: null,
			fault: null,
			rateLimited: false,
			redirected: false,
			tokenPresent: false,
			tokenValid: false,
			quotaCounted: false,
			clientAborted: false,
			inFlightAtStart: inFlight - 1,
		};
		log.push(entry);
		/** @type {Ctx} */
		const ctx = { req, res, entry, finalized: false, serverDestroyed: false, epoch: isEpoch };
		res.on('close', () => finalize(ctx, null));

		const rawToken = req.headers['wolkvox-token'];
		const token = Array.isArray(rawToken) ? rawToken[0] : rawToken;
		entry.tokenPresent = typeof token === 'string' && token.trim() !== '';

		let buf;
		try {
			buf = await readBody(req);
		} catch {
			if (!res.destroyed) res.destroy();
			finalize(ctx, null);
			return;
		}
		/** @type {{ ok: true, value: any } | { ok: false }} */
		let parsed = { ok: false };
		if (buf.length > 0) {
			try {
				parsed = { ok: true, value: JSON.parse(buf.toString('utf8')) };
			} catch {
				parsed = { ok: false };
			}
		}
		const route = pathname.startsWith(API_PREFIX) ? ROUTES[pathname.slice(API_PREFIX.length)] : undefined;
		const query = new URLSearchParams(queryString);
		// what the log may hold: names and ids, never the token or any header value
		if (route && route.kind === 'token') entry.operation = query.get('operation');
		else if (parsed.ok && isPlainObject(parsed.value)) {
			const b = parsed.value;
			if (typeof b.operation === 'string') entry.operation = b.operation;
			if (typeof b.module === 'string') entry.module = b.module;
			if (typeof b.multiple === 'boolean') entry.multiple = b.multiple;
			if (route && route.kind === 'delete') {
				const raw = b['wolkvox-id'];
				if (typeof raw === 'string') entry.ids = [raw];
				else if (Array.isArray(raw)) entry.ids = raw.filter((x) => typeof x === 'string');
			}
		}

		if (cfg.redirectTo) {
			entry.redirected = true;
			if (res.destroyed || closed) return finalize(ctx, null);
			const location = cfg.redirectTo + (req.url || '/');
			res.writeHead(307, { Location: location, 'Content-Type': 'application/json; charset=utf-8' });
			finalize(ctx, 307);
			res.end(JSON.stringify({ code: 307, error: 'null', msg: `Moved to ${location}`, data: null }));
			return;
		}

		const rl = checkRate(entry.ip);
		await wait(cfg.latencyMs);
		if (rl.limited) {
			entry.rateLimited = true;
			const rlc = cfg.rateLimit;
			const result = fail(rlc ? rlc.status : 403, `EXCEEDS THE LIMIT OF REQUESTS PER IP (${rlc ? rlc.max : 0})`,
				`Too many requests from this IP; retry in ${rl.retryAfter} second(s)`);
			result.headers = { 'Retry-After': String(rl.retryAfter) };
			send(ctx, result);
			return;
		}
		if (res.destroyed || closed) return finalize(ctx, null);

		const fault = drawFault();
		const afterCommit = Boolean(cfg.faults && cfg.faults.afterCommit);
		if (fault && !afterCommit) {
			playFault(ctx, fault, null);
			return;
		}

		/** @type {ApiResult} */
		let result;
		if (!route) {
			result = fail(404, 'THE API YOU WANT TO CONSULT DOES NOT EXIST', `Not Found: ${pathname}`);
		} else if (req.method !== route.method) {
			result = fail(405, 'METHOD NOT ALLOWED', `Use ${route.method} for ${pathname}`);
			result.headers = { Allow: route.method };
		} else if (!entry.tokenPresent || token === undefined) {
			result = fail(401, 'PLEASE ENTER THE WOLKVOX-TOKEN', 'Unauthorized');
		} else if (!sameSecret(token, cfg.token)) {
			result = fail(403, 'PLEASE VALIDATE TOKEN', 'Forbidden: the token is not valid');
		} else {
			entry.tokenValid = true;
			rollQuotaDay();
			if (quotaUsed >= cfg.dailyQuota) {
				result = fail(403, 'TOKEN LIMIT EXCEEDED', `The token has used its ${cfg.dailyQuota} requests for today`);
			} else {
				quotaUsed++;
				entry.quotaCounted = true;
				if (route.kind === 'token') result = routeTokenInfo(query);
				else if (!parsed.ok) result = fail(400, 'THE BODY MUST BE VALID JSON', 'The request body could not be parsed as JSON');
				else if (!isPlainObject(parsed.value)) result = fail(400, 'THE BODY MUST BE VALID JSON', 'The request body must be a JSON object');
				else if (route.kind === 'delete') result = routeDelete(parsed.value, ctx);
				else if (route.kind === 'query') result = routeQuery(parsed.value);
				else result = routeInsert(parsed.value, ctx);
			}
		}

		if (fault) {
			playFault(ctx, fault, result);
			return;
		}
		send(ctx, result);
	}

	/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} payload */
	function sendDev(res, status, payload) {
		const text = JSON.stringify(payload);
		res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) });
		res.end(text);
	}

	/**
	 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
	 * @param {string} pathname @param {string} queryString
	 */
	async function handleDev(req, res, pathname, queryString) {
		const name = pathname.slice(DEV_PREFIX.length);
		const q = new URLSearchParams(queryString);
		/** @type {any} */
		let body = undefined;
		if (req.method === 'POST') {
			const buf = await readBody(req);
			if (buf.length > 0) {
				try {
					body = JSON.parse(buf.toString('utf8'));
				} catch {
					return sendDev(res, 400, { error: 'body is not JSON' });
				}
			}
		}
		const expect = { records: 'GET', log: 'GET', stats: 'GET', config: 'GET', reset: 'POST', configure: 'POST' };
		const want = /** @type {Record<string, string>} */ (expect)[name];
		if (!want) return sendDev(res, 404, { error: `unknown sandbox endpoint ${pathname}` });
		if (req.method !== want) return sendDev(res, 405, { error: `use ${want}` });
		try {
			switch (name) {
				case 'records':
					return sendDev(res, 200, api.records(q.get('operation') || undefined, q.get('module') || undefined) ?? null);
				case 'log':
					return sendDev(res, 200, log);
				case 'stats':
					return sendDev(res, 200, api.stats());
				case 'config':
					return sendDev(res, 200, publicConfig());
				case 'reset':
					api.reset(isPlainObject(body) && body.operations ? /** @type {SeedData} */ (body) : undefined);
					return sendDev(res, 200, { ok: true });
				case 'configure':
					api.configure(isPlainObject(body) ? body : {});
					return sendDev(res, 200, publicConfig());
			}
		} catch (err) {
			return sendDev(res, 400, { error: err instanceof Error ? err.message : String(err) });
		}
		return sendDev(res, 404, { error: 'not found' });
	}

	/** config without the token value */
	function publicConfig() {
		const { token: _t, ...rest } = cfg;
		return rest;
	}

	const server = http.createServer((req, res) => {
		const url = req.url || '/';
		const qi = url.indexOf('?');
		const pathname = qi === -1 ? url : url.slice(0, qi);
		const queryString = qi === -1 ? '' : url.slice(qi + 1);
		const p = pathname.startsWith(DEV_PREFIX)
			? handleDev(req, res, pathname, queryString)
			: handleApi(req, res, pathname, queryString);
		p.catch((err) => {
			process.stderr.write(`sandbox: internal error: ${err && err.stack ? err.stack : err}\n`);
			if (!res.headersSent && !res.destroyed) {
				res.writeHead(500, { 'Content-Type': 'text/plain' });
				res.end('sandbox internal error');
			} else if (!res.destroyed) res.destroy();
		});
	});
	server.on('connection', (sock) => {
		sockets.add(sock);
		sock.on('close', () => sockets.delete(sock));
	});
	server.on('clientError', (_err, sock) => {
		if (sock.writable) sock.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
		else sock.destroy();
	});

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port || 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve(undefined);
		});
	});
	const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
	const port = addr.port;

	/** @type {Promise<void> | null} */
	let closing = null;

	/** @type {Sandbox} */
	const api = {
		url: `http://127.0.0.1:${port}`,
		port,
		token: cfg.token,
		closed: closedPromise,
		close() {
			if (closing) return closing;
			closed = true;
			if (ttlTimer) clearTimeout(ttlTimer);
			for (const t of stallTimers) clearTimeout(t);
			stallTimers.clear();
			for (const done of [...pendingWaits]) done();
			closing = new Promise((resolve) => {
				server.close(() => resolve(undefined));
				for (const s of sockets) s.destroy();
				sockets.clear();
			}).then(() => new Promise((resolve) => {
				if (!logStream) return resolve(undefined);
				const s = logStream;
				logStream = null;
				s.end(() => resolve(undefined));
			})).then(() => resolveClosed());
			return closing;
		},
		records(operation, module) {
			if (operation === undefined) {
				/** @type {OperationsDump} */
				const all = {};
				for (const [op, modules] of store) {
					all[op] = {};
					for (const [mod, recs] of modules) all[op][mod] = copyJson([...recs.values()]);
				}
				return all;
			}
			const modules = store.get(operation);
			if (!modules) return undefined;
			if (module === undefined) {
				/** @type {Record<string, CrmRecord[]>} */
				const one = {};
				for (const [mod, recs] of modules) one[mod] = copyJson([...recs.values()]);
				return one;
			}
			const recs = modules.get(module);
			return recs ? copyJson([...recs.values()]) : undefined;
		},
		get log() {
			return log;
		},
		stats() {
			rollQuotaDay();
			return {
				requests,
				maxInFlight,
				inFlight,
				byPath: { ...byPath },
				byStatus: { ...byStatus },
				tokenUseToday: quotaUsed,
			};
		},
		reset(seed) {
			if (seed !== undefined) seedData = loadSeed(seed);
			store = buildStore(seedData);
			log.length = 0;
			epoch++;
			seq = 0;
			requests = 0;
			maxInFlight = inFlight;
			byPath = {};
			byStatus = {};
			quotaUsed = 0;
			quotaDay = dayKey(new Date());
			rateWindows = new Map();
			rand = makePrng(cfg.faults ? cfg.faults.seed : 1);
		},
		configure(partial) {
			cfg = mergeConfig(cfg, partial);
			// new fault settings restart the PRNG so a run is reproducible from the moment they apply
			if (partial && partial.faults !== undefined) rand = makePrng(cfg.faults ? cfg.faults.seed : 1);
			if (partial && partial.rateLimit !== undefined) rateWindows = new Map();
			if (partial && partial.token !== undefined) api.token = cfg.token;
			if (partial && partial.ttlMs !== undefined) armTtl();
			openLogStream();
		},
		config() {
			return copyJson(cfg);
		},
	};

	function armTtl() {
		if (ttlTimer) clearTimeout(ttlTimer);
		ttlTimer = null;
		if (cfg.ttlMs && !closed) {
			ttlTimer = setTimeout(() => {
				void api.close();
			}, cfg.ttlMs);
			ttlTimer.unref();
		}
	}
	armTtl();

	return api;
}

/**
 * @param {SeedSnapshot} snapshot
 * @returns {Map<string, Map<string, Map<string, CrmRecord>>>}
 */
function buildStore(snapshot) {
	const store = new Map();
	for (const [op, modules] of Object.entries(snapshot)) {
		const mods = new Map();
		for (const [mod, text] of Object.entries(modules)) {
			/** @type {CrmRecord[]} */
			const list = JSON.parse(text);
			mods.set(mod, new Map(list.map((r) => [String(r.wolkvox_id), r])));
		}
		store.set(op, mods);
	}
	return store;
}

// ---------------------------------------------------------------------------------------------
// CLI

const USAGE = `Usage: node sandbox/server.js [options]
  --port N                     port on 127.0.0.1 (default 0 = any free port)
  --seed file.json             seed file (default sandbox/seed.json)
  --token T                    the valid token (default ${DEFAULT_TOKEN})
  --quota N                    daily quota of the token (default ${DEFAULT_QUOTA})
  --latency ms                 delay before each API answer
  --max-ids N                  max ids per delete (0 = unlimited)
  --rate-limit max/windowMs[/status]   per-IP sliding window, e.g. 5/1000/429
  --faults rate:kind,kind[:seed]       e.g. 0.2:http500,reset:42 (kinds: ${FAULT_KINDS.join(', ')})
  --after-commit               faults happen after the request was applied
  --stall-ms ms                how long a 'stall' fault holds the socket (default ${DEFAULT_STALL_MS})
  --errors-as-200              errors answered with HTTP 200, error only in the body
  --redirect-to origin         answer every API request with a 307 to this origin
  --ttl seconds                stop after this long (default ${CLI_DEFAULT_TTL_S}; 0 = never)
  --log file                   append the request log as JSON lines
  --help                       this text`;

/**
 * @param {string[]} argv
 * @returns {SandboxOptions & { help?: boolean }}
 */
function parseArgs(argv) {
	/** @type {SandboxOptions & { help?: boolean }} */
	const o = { ttlMs: CLI_DEFAULT_TTL_S * 1000 };
	let afterCommit = false;
	/** @type {number | undefined} */
	let stallMs;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const eq = arg.indexOf('=');
		const flag = eq > 0 ? arg.slice(0, eq) : arg;
		const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
		const value = () => {
			if (inline !== undefined) return inline;
			const v = argv[++i];
			if (v === undefined) throw new Error(`${flag} needs a value`);
			return v;
		};
		/** @param {string} v */
		const num = (v) => {
			const x = Number(v);
			if (!Number.isFinite(x) || x < 0) throw new Error(`${flag}: "${v}" is not a number >= 0`);
			return x;
		};
		switch (flag) {
			case '--help':
			case '-h':
				o.help = true;
				break;
			case '--port':
				o.port = num(value());
				break;
			case '--seed':
				o.seed = value();
				break;
			case '--token':
				o.token = value();
				break;
			case '--quota':
				o.dailyQuota = num(value());
				break;
			case '--latency':
				o.latencyMs = num(value());
				break;
			case '--max-ids':
				o.maxIdsPerDelete = num(value());
				break;
			case '--rate-limit': {
				const parts = value().split('/');
				if (parts.length < 2 || parts.length > 3) throw new Error('--rate-limit wants max/windowMs[/status]');
				o.rateLimit = { max: num(parts[0]), windowMs: num(parts[1]), status: parts[2] ? num(parts[2]) : 403 };
				break;
			}
			case '--faults': {
				const parts = value().split(':');
				if (parts.length < 2 || parts.length > 3) throw new Error('--faults wants rate:kind,kind[:seed]');
				o.faults = {
					rate: num(parts[0]),
					kinds: /** @type {FaultKind[]} */ (parts[1].split(',').map((s) => s.trim()).filter(Boolean)),
					seed: parts[2] ? num(parts[2]) : 1,
				};
				break;
			}
			case '--after-commit':
				afterCommit = true;
				break;
			case '--stall-ms':
				stallMs = num(value());
				break;
			case '--errors-as-200':
				o.errorsAsHttp200 = true;
				break;
			case '--redirect-to':
				o.redirectTo = value();
				break;
			case '--ttl':
				o.ttlMs = num(value()) * 1000;
				break;
			case '--log':
				o.logFile = value();
				break;
			default:
				throw new Error(`unknown option ${arg}`);
		}
	}
	if (afterCommit) {
		if (!o.faults) throw new Error('--after-commit needs --faults');
		o.faults.afterCommit = true;
	}
	if (stallMs !== undefined) o.stallMs = stallMs;
	if (o.ttlMs === 0) o.ttlMs = null;
	return o;
}

async function main() {
	/** @type {SandboxOptions & { help?: boolean }} */
	let opts;
	try {
		opts = parseArgs(process.argv.slice(2));
	} catch (err) {
		process.stderr.write(`${err instanceof Error ? err.message : err}\n\n${USAGE}\n`);
		process.exit(2);
	}
	if (opts.help) {
		process.stdout.write(`${USAGE}\n`);
		return;
	}
	delete opts.help;
	/** @type {Sandbox} */
	let sb;
	try {
		sb = await startSandbox(opts);
	} catch (err) {
		process.stderr.write(`sandbox: ${err instanceof Error ? err.message : err}\n`);
		process.exit(2);
	}
	process.stdout.write(`wolkvox CRM sandbox listening on ${sb.url} (token: ${sb.token})\n`);
	const all = sb.records();
	for (const [op, modules] of Object.entries(all)) {
		const parts = Object.entries(/** @type {Record<string, unknown[]>} */ (modules)).map(([m, recs]) => `${m} (${recs.length})`);
		process.stdout.write(`  operation "${op}": ${parts.join(', ')}\n`);
	}
	const c = sb.config();
	const switches = [];
	if (c.latencyMs) switches.push(`latency ${c.latencyMs} ms`);
	if (c.maxIdsPerDelete) switches.push(`max ids/delete ${c.maxIdsPerDelete}`);
	if (c.rateLimit) switches.push(`rate limit ${c.rateLimit.max}/${c.rateLimit.windowMs}ms → ${c.rateLimit.status}`);
	if (c.faults) switches.push(`faults ${c.faults.rate} of [${c.faults.kinds.join(',')}] seed ${c.faults.seed}${c.faults.afterCommit ? ' after commit' : ''}`);
	if (c.errorsAsHttp200) switches.push('errors as HTTP 200');
	if (c.redirectTo) switches.push(`redirect to ${c.redirectTo}`);
	if (c.logFile) switches.push(`log ${c.logFile}`);
	switches.push(`daily quota ${c.dailyQuota}`);
	switches.push(c.ttlMs ? `stops after ${Math.round(c.ttlMs / 1000)} s` : 'no ttl');
	process.stdout.write(`  ${switches.join('; ')}\n`);

	let stopping = false;
	/** @param {string} why */
	const stop = (why) => {
		if (stopping) return;
		stopping = true;
		process.stdout.write(`sandbox stopping (${why})\n`);
		void sb.close();
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
	await sb.closed;
	if (!stopping) process.stdout.write('sandbox stopped (ttl reached)\n');
	process.exit(0);
}

module.exports = { startSandbox, generateRecords, FAULT_KINDS, DEFAULT_TOKEN, parseArgs };

if (require.main === module) {
	main().catch((err) => {
		process.stderr.write(`sandbox: ${err && err.stack ? err.stack : err}\n`);
		process.exit(1);
	});
}
