// @ts-check
'use strict';

/** The sandbox's records: seed loading, the in-memory store and its look-ups, and generateRecords. */

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { copyJson, crmDate, fail, invalid, isPlainObject, makePrng, normalizeCrmDate } = require('./util');

const DEFAULT_SEED_PATH = path.join(__dirname, 'seed.json');

/** @typedef {import('./util').ApiResult} ApiResult */
/** @typedef {Record<string, any>} CrmRecord */
/** @typedef {{ [operation: string]: { [module: string]: CrmRecord[] } }} OperationsDump */
/** @typedef {{ operations: OperationsDump }} SeedData */
/** @typedef {{ [operation: string]: { [module: string]: string } }} SeedSnapshot  module → JSON text of its records */
/** @typedef {Map<string, CrmRecord>} ModuleRecords  id → record, in creation order */
/** @typedef {Map<string, Map<string, ModuleRecords>>} Store  operation → module → records */

/** @returns {string} a new 24-lowercase-hex id shaped like a Mongo ObjectId */
function newObjectId() {
	const ts = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0').slice(-8);
	return ts + crypto.randomBytes(8).toString('hex');
}

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

/** @param {SeedSnapshot} snapshot @returns {Store} */
function buildStore(snapshot) {
	/** @type {Store} */
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

/**
 * Deep copy of the store, of one operation, or of one module (undefined when unknown).
 * @param {Store} store @param {string} [operation] @param {string} [module]
 * @returns {any}
 */
function dumpRecords(store, operation, module) {
	/** @param {Map<string, ModuleRecords>} modules */
	const dumpModules = (modules) => {
		/** @type {Record<string, CrmRecord[]>} */
		const out = {};
		for (const [mod, recs] of modules) out[mod] = copyJson([...recs.values()]);
		return out;
	};
	if (operation === undefined) {
		/** @type {OperationsDump} */
		const all = {};
		for (const [op, modules] of store) all[op] = dumpModules(modules);
		return all;
	}
	const modules = store.get(operation);
	if (!modules) return undefined;
	if (module === undefined) return dumpModules(modules);
	const recs = modules.get(module);
	return recs ? copyJson([...recs.values()]) : undefined;
}

/** @param {Store} store @param {unknown} op @returns {{ error: ApiResult } | { modules: Map<string, ModuleRecords> }} */
function findOperation(store, op) {
	const modules = typeof op === 'string' ? store.get(op) : undefined;
	if (!modules) return { error: fail(404, 'OPERATION NOT FOUND', `The operation "${String(op)}" does not exist`) };
	return { modules };
}

/**
 * The records of the body's operation and module, or the 400/404 that says why not.
 * @param {Store} store @param {Record<string, any>} body
 * @returns {{ error: ApiResult } | { records: ModuleRecords }}
 */
function findModule(store, body) {
	if (typeof body.operation !== 'string') return { error: invalid('operation must be a string') };
	if (typeof body.module !== 'string') return { error: invalid('module must be a string') };
	const o = findOperation(store, body.operation);
	if ('error' in o) return o;
	const records = o.modules.get(body.module);
	if (!records) {
		return { error: fail(404, 'MODULE NOT FOUND', `The module "${body.module}" does not exist in operation "${body.operation}"`) };
	}
	return { records };
}

/** @param {Store} store @returns {string} an id no record in any operation has */
function freshId(store) {
	const taken = (/** @type {string} */ id) => [...store.values()].some((mods) => [...mods.values()].some((recs) => recs.has(id)));
	let id = newObjectId();
	while (taken(id)) id = newObjectId();
	return id;
}

/**
 * 404 RECORD NOT FOUND; `namesIds` false models an API that does not say which ids.
 * @param {string[]} unknown @param {boolean} namesIds @returns {ApiResult}
 */
function recordNotFound(unknown, namesIds) {
	if (!namesIds) return fail(404, 'RECORD NOT FOUND', 'One or more records do not exist', null);
	return fail(404, 'RECORD NOT FOUND', `The record(s) ${unknown.join(', ')} do not exist`, { wolkvox_id: unknown });
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
const BASE_TS = 0x65000000; // around 2023-09
const DEFAULT_SPACING_S = 37;
const DEFAULT_JITTER_S = 30;

/** @param {string} s */
function asciiSlug(s) {
	return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '.').replace(/^\.|\.$/g, '');
}

/**
 * @typedef {object} GenerateOptions
 * @property {string} [prefix]          hex (up to 18 chars) that overwrites the start of every id
 * @property {number} [seed]            PRNG seed (default 20240901)
 * @property {number} [start]           index of the first record (ids and e-mails count from it)
 * @property {number | string} [baseTime]  creation time of the first record: epoch seconds or "YYYY-MM-DD HH:MM[:SS]" UTC
 * @property {number} [spacingSeconds]  seconds between time steps (default 37; 0 = all in one step)
 * @property {number} [jitterSeconds]   random 0..jitter-1 seconds added per record (default 30; 0 = exact steps)
 * @property {number} [perSecond]       consecutive records sharing one time step (default 1)
 */

/** @param {GenerateOptions} options @param {number} start @returns {{ base: number, spacing: number, jitter: number, per: number }} */
function timeOptions(options, start) {
	/** @param {string} name @param {unknown} v @param {number} dflt @param {number} min */
	const whole = (name, v, dflt, min) => {
		if (v === undefined) return dflt;
		const x = Number(v);
		if (!Number.isInteger(x) || x < min) throw new Error(`generateRecords: ${name} must be a whole number >= ${min}`);
		return x;
	};
	const spacing = whole('spacingSeconds', options.spacingSeconds, DEFAULT_SPACING_S, 0);
	const jitter = whole('jitterSeconds', options.jitterSeconds, DEFAULT_JITTER_S, 0);
	const per = whole('perSecond', options.perSecond, 1, 1);
	let base = BASE_TS + Math.floor(start / per) * spacing;
	if (typeof options.baseTime === 'string') {
		const norm = normalizeCrmDate(options.baseTime);
		if (!norm) throw new Error('generateRecords: baseTime must be "YYYY-MM-DD HH:MM[:SS]" or epoch seconds');
		base = Date.parse(`${norm.replace(' ', 'T')}Z`) / 1000;
	} else if (options.baseTime !== undefined) base = whole('baseTime', options.baseTime, 0, 0);
	return { base, spacing, jitter, per };
}

/**
 * Build n deterministic contact records (same n and options → same output).
 * Ids are 24 lowercase hex: [8 hex "timestamp"][10 hex pseudo-random][6 hex counter]; `prefix`
 * (hex, up to 18 chars) overwrites the start, the 6-hex counter keeps ids unique up to 16,777,216 records.
 * Creation times: baseTime + floor(i / perSecond) * spacingSeconds + jitter, i counting from 0 in this call.
 * @param {number} n
 * @param {GenerateOptions} [options]
 * @returns {CrmRecord[]}
 */
function generateRecords(n, options = {}) {
	const count = Math.trunc(Number(n));
	if (!Number.isFinite(count) || count < 0) throw new Error('generateRecords: n must be a non-negative integer');
	const prefix = (options.prefix ?? '').toLowerCase();
	if (!/^[0-9a-f]{0,18}$/.test(prefix)) throw new Error('generateRecords: prefix must be up to 18 hex characters');
	const start = Math.trunc(options.start ?? 0);
	if (start + count > 0x1000000) throw new Error('generateRecords: at most 16,777,216 distinct ids');
	const time = timeOptions(options, start);
	const rand = makePrng(options.seed ?? 20240901);
	/** @param {number} k */
	const pick = (k) => Math.floor(rand() * k);
	/** @type {CrmRecord[]} */
	const out = [];
	for (let i = 0; i < count; i++) {
		const idx = start + i;
		// always one draw for the jitter, so names and phones do not depend on the time options
		const ts = time.base + Math.floor(i / time.per) * time.spacing + pick(time.jitter);
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
		out.push({
			namecontact: `${first} ${last1} ${last2}`,
			telephonecontact: { country: c.country, code: c.code, value: phone },
			idcontact: String(10000000 + ((idx * 7919 + pick(1000)) % 89999999)),
			emailcontact: `${asciiSlug(first)}.${asciiSlug(last1)}${idx}@${MAIL_DOMAINS[pick(MAIL_DOMAINS.length)]}`,
			Ciudad: c.city[pick(c.city.length)],
			wolkvox_id: id,
			wolkvox_form_name: 'contacts',
			wolkvox_usuario_creacion: 'ADMIN_@demo',
			wolkvox_fecha_creacion: crmDate(new Date(ts * 1000)),
			wolkvox_origen: ['API', 'Manual', 'Importación', 'Formulario web'][pick(4)],
			wolkvox_owner: { ...OWNERS[pick(OWNERS.length)] },
		});
	}
	return out;
}

module.exports = {
	loadSeed,
	buildStore,
	dumpRecords,
	findOperation,
	findModule,
	freshId,
	recordNotFound,
	generateRecords,
};
