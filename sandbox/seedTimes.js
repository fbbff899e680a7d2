// @ts-check
'use strict';

/**
 * The seedTimes option: the sample records made recent, so that what a newcomer tries first (the
 * trigger's Fetch Test Event, a search over the last day) finds them right after the start.
 */

const { crmDate, normalizeCrmDate } = require('./util');

const NEWEST_BEFORE_START_MS = 5 * 60 * 1000;
const APART_MS = 60 * 60 * 1000;

/**
 * Within each module, the records keep their order of creation: the newest gets a creation time
 * 5 minutes before `startMs`, each older one an hour before the next. Records without a valid
 * wolkvox_fecha_creacion keep theirs.
 * @param {import('./records').SeedSnapshot} snapshot @param {number} startMs
 * @returns {import('./records').SeedSnapshot}
 */
function recentTimes(snapshot, startMs) {
	/** @type {import('./records').SeedSnapshot} */
	const out = {};
	for (const [op, modules] of Object.entries(snapshot)) {
		out[op] = {};
		for (const [mod, text] of Object.entries(modules)) {
			/** @type {import('./records').CrmRecord[]} */
			const records = JSON.parse(text);
			const dated = records
				.filter((r) => normalizeCrmDate(r.wolkvox_fecha_creacion) !== null)
				.sort((a, b) => String(normalizeCrmDate(b.wolkvox_fecha_creacion)).localeCompare(String(normalizeCrmDate(a.wolkvox_fecha_creacion))));
			dated.forEach((r, rank) => {
				r.wolkvox_fecha_creacion = crmDate(new Date(startMs - NEWEST_BEFORE_START_MS - rank * APART_MS));
			});
			out[op][mod] = JSON.stringify(records);
		}
	}
	return out;
}

/**
 * Loads a seed with the times the option asks for (null: recent for the built-in sample, as written for a given seed).
 * @param {(seed: any) => import('./records').SeedSnapshot} loadSeed
 * @param {import('./records').SeedData | string | undefined} seed
 * @param {import('./config').SeedTimes | null} seedTimes @param {number} startMs
 */
function loadSeedWithTimes(loadSeed, seed, seedTimes, startMs) {
	const snapshot = loadSeed(seed);
	const times = seedTimes ?? (seed === undefined || seed === null ? 'recent' : 'asIs');
	return times === 'recent' ? recentTimes(snapshot, startMs) : snapshot;
}

module.exports = { recentTimes, loadSeedWithTimes };
