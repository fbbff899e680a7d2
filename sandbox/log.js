// @ts-check
'use strict';

/** The sandbox's request log: one entry per API request, optionally appended to a JSON-lines file. */

const fs = require('node:fs');
const path = require('node:path');

const { isPlainObject, nowMs } = require('./util');

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
 * @property {string[] | null} ids     requested ids (delete, update, updateMany)
 * @property {string[]} deleted        ids actually deleted
 * @property {string | string[] | null} inserted  id created (insert), ids created (insertMany)
 * @property {string[]} updated        ids actually updated (update, updateMany)
 * @property {number | null} recordsReturned  records in the answer (query, queryDates)
 * @property {import('./config').FaultKind | null} fault
 * @property {boolean} rateLimited    refused by the per-IP rate limit or the token's simultaneous requests
 * @property {boolean} simultaneous   refused because the token had maxSimultaneousPerToken requests in flight
 * @property {boolean} redirected
 * @property {boolean} tokenPresent
 * @property {boolean} tokenValid
 * @property {boolean} quotaCounted    this request used one unit of the daily quota
 * @property {boolean} clientAborted   the client went away before an answer was sent
 * @property {number} inFlightAtStart  other API requests in flight when this one arrived
 */

/**
 * @param {number} seq @param {import('node:http').IncomingMessage} req @param {string} pathname @param {number} othersInFlight
 * @returns {LogEntry}
 */
function newLogEntry(seq, req, pathname, othersInFlight) {
	return {
		seq,
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
		updated: [],
		recordsReturned: null,
		fault: null,
		rateLimited: false,
		simultaneous: false,
		redirected: false,
		tokenPresent: false,
		tokenValid: false,
		quotaCounted: false,
		clientAborted: false,
		inFlightAtStart: othersInFlight,
	};
}

/**
 * What the log may hold of a request body: names and ids, never the token or any header value.
 * @param {LogEntry} entry @param {unknown} body @param {((body: Record<string, any>) => string[] | null) | undefined} requestedIds
 */
function noteBody(entry, body, requestedIds) {
	if (!isPlainObject(body)) return;
	if (typeof body.operation === 'string') entry.operation = body.operation;
	if (typeof body.module === 'string') entry.module = body.module;
	if (typeof body.multiple === 'boolean') entry.multiple = body.multiple;
	if (requestedIds) entry.ids = requestedIds(body);
}

/** A JSON-lines file the log is appended to; `use(path)` switches it (null = none). */
function createLogFile() {
	/** @type {fs.WriteStream | null} */
	let stream = null;
	/** @type {string | null} */
	let current = null;
	return {
		/** @param {string | null} file */
		use(file) {
			if (file === current) return;
			if (stream) stream.end();
			stream = null;
			current = file;
			if (!file) return;
			fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
			const s = fs.createWriteStream(file, { flags: 'a' });
			s.on('error', (err) => {
				process.stderr.write(`sandbox: cannot write log file: ${err.message}\n`);
				if (stream === s) stream = null;
			});
			stream = s;
		},
		/** @param {LogEntry} entry */
		write(entry) {
			if (stream) stream.write(JSON.stringify(entry) + '\n');
		},
		/** @returns {Promise<void>} resolves once the file is flushed and closed */
		end() {
			return new Promise((resolve) => {
				if (!stream) return resolve(undefined);
				const s = stream;
				stream = null;
				s.end(() => resolve(undefined));
			});
		},
	};
}

module.exports = { newLogEntry, noteBody, createLogFile };
