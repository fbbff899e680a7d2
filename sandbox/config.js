// @ts-check
'use strict';

/** The sandbox's options: their defaults and how startSandbox/configure read them. */

const DEFAULT_TOKEN = 'sandbox-token-0123456789abcdef';
const DEFAULT_EXTERNAL_TOKEN = 'sandbox-external-token-0123456789abcdef';
/** How queryCases.php names a case's fields (unpublished): its own query names, or the write keys. */
const CASE_ANSWER_KEYS = Object.freeze(['query', 'write']);
const DEFAULT_QUOTA = 4800;
const DEFAULT_STALL_MS = 60000;
const DEFAULT_MAX_RECORDS_PER_ANSWER = 200;
const DEFAULT_MAX_RECORDS_PER_INSERT = 100;
const DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** @typedef {'http500' | 'http502' | 'http503' | 'html' | 'reset' | 'truncated' | 'stall'} FaultKind */
/** @type {readonly FaultKind[]} */
const FAULT_KINDS = Object.freeze(['http500', 'http502', 'http503', 'html', 'reset', 'truncated', 'stall']);

/** @typedef {'allOrNothing' | 'partial'} DeleteMode */
const DELETE_MODES = Object.freeze(['allOrNothing', 'partial']);

/** @typedef {'oldestFirst' | 'newestFirst'} AnswerOrder */
const ANSWER_ORDERS = Object.freeze(['oldestFirst', 'newestFirst']);
/** @typedef {'recent' | 'asIs'} SeedTimes */
const SEED_TIMES = Object.freeze(['recent', 'asIs']);

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
 * @property {import('./records').SeedData | string} [seed]  seed object or path of a JSON file (default sandbox/seed.json)
 * @property {SeedTimes | null} [seedTimes]  creation times of the seed records: 'recent' (each module's newest 5 minutes
 *   before the start, the others an hour apart, in their order) or 'asIs' (as written); default null = 'recent' for the
 *   built-in sample records, 'asIs' for a seed you give. Read when a seed is loaded (start, reset(seed)).
 * @property {string} [token]                the one valid token
 * @property {number} [dailyQuota]           API calls per UTC day for the token (default 4800)
 * @property {number} [quotaUsed]            calls the token has already used today (at start, after reset, or now when configured)
 * @property {number} [latencyMs]            delay before answering each API request
 * @property {number} [maxIdsPerDelete]      0 = unlimited
 * @property {DeleteMode} [deleteMode]       'allOrNothing' (default): one unknown id → 404, nothing deleted; 'partial': known ids deleted
 * @property {boolean} [notFoundNamesIds]    true (default): a 404 RECORD NOT FOUND lists the unknown ids in data.wolkvox_id; false: data null
 * @property {number} [maxRecordsPerAnswer]  query/queryDates answers hold at most this many records (default 200; 0 = unlimited)
 * @property {boolean} [reportsTotal]        query/queryDates answers carry "Total records": every match, also those over the cap (default false)
 * @property {AnswerOrder} [answerOrder]     query/queryDates records oldest first (default) or newest first; the cap keeps the first ones
 * @property {number} [maxRecordsPerInsert]  elements per insertMany/updateMany (default 100; 0 = unlimited)
 * @property {number} [maxAttachmentBytes]   decoded bytes per update attachment (default 10 MiB; 0 = unlimited)
 * @property {RateLimitOptions | null} [rateLimit]
 * @property {number} [maxSimultaneousPerToken]  requests with the token in flight at once; one more → 403 (default 0 = unlimited)
 * @property {FaultOptions | null} [faults]
 * @property {number} [stallMs]              how long a 'stall' fault holds the socket (default 60000)
 * @property {boolean} [errorsAsHttp200]     answer errors with HTTP 200, error only in the body
 * @property {string | null} [redirectTo]    origin; every API request gets a 307 to it
 * @property {number | null} [ttlMs]         close by itself after this long (default: never)
 * @property {string | null} [logFile]       append the request log as JSON lines here
 * @property {string} [externalToken]        the one External token: only cases/listHistoryNote.php takes it (and only it)
 * @property {'query' | 'write'} [caseAnswerKeys]  queryCases.php names fields "type case", "responsible user"… ('query', default) or "case-type", "responsible"… ('write')
 * @property {boolean} [caseInsertReturnsId] cases/insert.php and insertAttach.php give the new case's id (default true)
 */

/**
 * @typedef {object} NormalizedConfig
 * @property {string} token
 * @property {SeedTimes | null} seedTimes
 * @property {number} dailyQuota
 * @property {number} quotaUsed
 * @property {number} latencyMs
 * @property {number} maxIdsPerDelete
 * @property {DeleteMode} deleteMode
 * @property {boolean} notFoundNamesIds
 * @property {number} maxRecordsPerAnswer
 * @property {boolean} reportsTotal
 * @property {AnswerOrder} answerOrder
 * @property {number} maxRecordsPerInsert
 * @property {number} maxAttachmentBytes
 * @property {{ max: number, windowMs: number, status: number } | null} rateLimit
 * @property {number} maxSimultaneousPerToken
 * @property {{ rate: number, kinds: FaultKind[], seed: number, afterCommit: boolean, stallMs: number | null } | null} faults
 * @property {number} stallMs
 * @property {boolean} errorsAsHttp200
 * @property {string | null} redirectTo
 * @property {number | null} ttlMs
 * @property {string | null} logFile
 * @property {string} externalToken
 * @property {'query' | 'write'} caseAnswerKeys
 * @property {boolean} caseInsertReturnsId
 */

/** @type {NormalizedConfig} */
const DEFAULT_CONFIG = Object.freeze({
	token: DEFAULT_TOKEN,
	seedTimes: null,
	dailyQuota: DEFAULT_QUOTA,
	quotaUsed: 0,
	latencyMs: 0,
	maxIdsPerDelete: 0,
	deleteMode: /** @type {DeleteMode} */ ('allOrNothing'),
	notFoundNamesIds: true,
	maxRecordsPerAnswer: DEFAULT_MAX_RECORDS_PER_ANSWER,
	reportsTotal: false,
	answerOrder: /** @type {AnswerOrder} */ ('oldestFirst'),
	maxRecordsPerInsert: DEFAULT_MAX_RECORDS_PER_INSERT,
	maxAttachmentBytes: DEFAULT_MAX_ATTACHMENT_BYTES,
	rateLimit: null,
	maxSimultaneousPerToken: 0,
	faults: null,
	stallMs: DEFAULT_STALL_MS,
	errorsAsHttp200: false,
	redirectTo: null,
	ttlMs: null,
	logFile: null,
	externalToken: DEFAULT_EXTERNAL_TOKEN,
	caseAnswerKeys: /** @type {'query' | 'write'} */ ('query'),
	caseInsertReturnsId: true,
});

/** @param {string} name @param {unknown} v @returns {number} */
function nonNeg(name, v) {
	const x = Number(v);
	if (!Number.isFinite(x) || x < 0) throw new Error(`sandbox option ${name} must be a number >= 0`);
	return x;
}

/** Options that are whole counts (>= 0). */
const COUNT_KEYS = /** @type {const} */ ([
	'dailyQuota', 'quotaUsed', 'maxIdsPerDelete', 'maxRecordsPerAnswer', 'maxRecordsPerInsert', 'maxAttachmentBytes',
	'maxSimultaneousPerToken',
]);

/** Every option name (SandboxOptions): a misspelt one is refused, not silently ignored. */
const OPTION_KEYS = [
	'port', 'seed', 'token', ...COUNT_KEYS, 'latencyMs', 'deleteMode', 'notFoundNamesIds', 'reportsTotal', 'answerOrder', 'rateLimit', 'faults',
	'stallMs', 'errorsAsHttp200', 'redirectTo', 'ttlMs', 'logFile', 'externalToken', 'caseAnswerKeys', 'caseInsertReturnsId', 'seedTimes',
];

/**
 * @param {NormalizedConfig} base
 * @param {Partial<SandboxOptions>} partial
 * @returns {NormalizedConfig}
 */
function mergeConfig(base, partial) {
	const cfg = { ...base };
	const p = partial || {};
	const unknown = Object.keys(p).filter((key) => !OPTION_KEYS.includes(key));
	if (unknown.length > 0) throw new Error(`unknown sandbox option ${unknown.join(', ')} (known: ${OPTION_KEYS.join(', ')})`);
	if (p.token !== undefined) {
		if (typeof p.token !== 'string' || p.token === '') throw new Error('sandbox option token must be a non-empty string');
		cfg.token = p.token;
	}
	for (const key of COUNT_KEYS) {
		if (p[key] !== undefined) cfg[key] = Math.trunc(nonNeg(key, p[key]));
	}
	if (p.latencyMs !== undefined) cfg.latencyMs = nonNeg('latencyMs', p.latencyMs);
	if (p.deleteMode !== undefined) {
		if (!DELETE_MODES.includes(p.deleteMode)) throw new Error(`sandbox option deleteMode must be one of ${DELETE_MODES.join(', ')}`);
		cfg.deleteMode = p.deleteMode;
	}
	if (p.externalToken !== undefined) {
		if (typeof p.externalToken !== 'string' || p.externalToken === '') throw new Error('sandbox option externalToken must be a non-empty string');
		cfg.externalToken = p.externalToken;
	}
	if (p.caseAnswerKeys !== undefined) {
		if (!CASE_ANSWER_KEYS.includes(p.caseAnswerKeys)) throw new Error(`sandbox option caseAnswerKeys must be one of ${CASE_ANSWER_KEYS.join(', ')}`);
		cfg.caseAnswerKeys = p.caseAnswerKeys;
	}
	if (p.caseInsertReturnsId !== undefined) cfg.caseInsertReturnsId = Boolean(p.caseInsertReturnsId);
	if (p.seedTimes !== undefined) {
		if (p.seedTimes !== null && !SEED_TIMES.includes(p.seedTimes)) throw new Error(`sandbox option seedTimes must be one of ${SEED_TIMES.join(', ')}`);
		cfg.seedTimes = p.seedTimes;
	}
	if (p.notFoundNamesIds !== undefined) cfg.notFoundNamesIds = Boolean(p.notFoundNamesIds);
	if (p.reportsTotal !== undefined) cfg.reportsTotal = Boolean(p.reportsTotal);
	if (p.answerOrder !== undefined) {
		if (!ANSWER_ORDERS.includes(p.answerOrder)) throw new Error(`sandbox option answerOrder must be one of ${ANSWER_ORDERS.join(', ')}`);
		cfg.answerOrder = p.answerOrder;
	}
	if (p.stallMs !== undefined) cfg.stallMs = nonNeg('stallMs', p.stallMs);
	if (p.errorsAsHttp200 !== undefined) cfg.errorsAsHttp200 = Boolean(p.errorsAsHttp200);
	if (p.ttlMs !== undefined) cfg.ttlMs = p.ttlMs === null || p.ttlMs === 0 ? null : nonNeg('ttlMs', p.ttlMs);
	if (p.logFile !== undefined) cfg.logFile = p.logFile ? String(p.logFile) : null;
	if (p.redirectTo !== undefined) {
		cfg.redirectTo = p.redirectTo === null || p.redirectTo === '' ? null : new URL(String(p.redirectTo)).origin;
	}
	if (p.rateLimit !== undefined) cfg.rateLimit = readRateLimit(p.rateLimit);
	if (p.faults !== undefined) cfg.faults = readFaults(p.faults);
	return cfg;
}

/** @param {RateLimitOptions | null} rl @returns {NormalizedConfig['rateLimit']} */
function readRateLimit(rl) {
	if (rl === null || rl.max === 0) return null;
	const status = rl.status === undefined ? 403 : Math.trunc(Number(rl.status));
	if (!(status >= 400 && status <= 599)) throw new Error('sandbox option rateLimit.status must be an HTTP error status');
	const max = Math.trunc(nonNeg('rateLimit.max', rl.max));
	const windowMs = nonNeg('rateLimit.windowMs', rl.windowMs);
	if (max < 1 || windowMs <= 0) throw new Error('sandbox option rateLimit needs max >= 1 and windowMs > 0');
	return { max, windowMs, status };
}

/** @param {FaultOptions | null} f @returns {NormalizedConfig['faults']} */
function readFaults(f) {
	if (f === null) return null;
	const rate = Number(f.rate);
	if (!(rate >= 0 && rate <= 1)) throw new Error('sandbox option faults.rate must be within 0..1');
	const kinds = Array.isArray(f.kinds) ? f.kinds : [];
	for (const k of kinds) {
		if (!FAULT_KINDS.includes(k)) throw new Error(`unknown fault kind "${k}" (known: ${FAULT_KINDS.join(', ')})`);
	}
	if (rate > 0 && kinds.length === 0) throw new Error('sandbox option faults.kinds must name at least one kind');
	return {
		rate,
		kinds: [...kinds],
		seed: f.seed === undefined ? 1 : Math.trunc(Number(f.seed)),
		afterCommit: Boolean(f.afterCommit),
		stallMs: f.stallMs === undefined ? null : nonNeg('faults.stallMs', f.stallMs),
	};
}

module.exports = {
	DEFAULT_TOKEN,
	DEFAULT_EXTERNAL_TOKEN,
	DEFAULT_QUOTA,
	DEFAULT_STALL_MS,
	FAULT_KINDS,
	SEED_TIMES,
	DEFAULT_CONFIG,
	mergeConfig,
};
