// @ts-check
'use strict';

/** The dev endpoints under /__sandbox/: no token, never faulted, rate limited or counted. */

const { readBody } = require('./http');
const { isPlainObject } = require('./util');

const DEV_PREFIX = '/__sandbox/';

/** name → the one method it answers */
const DEV_METHODS = Object.freeze({ records: 'GET', log: 'GET', stats: 'GET', config: 'GET', reset: 'POST', configure: 'POST' });

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} payload */
function sendDev(res, status, payload) {
	const text = JSON.stringify(payload);
	res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) });
	res.end(text);
}

/** @param {import('./server').Sandbox} api the config without the token values */
function publicConfig(api) {
	const { token: _t, externalToken: _e, ...rest } = api.config();
	return rest;
}

/**
 * @param {import('./server').Sandbox} api
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
 * @param {string} pathname @param {string} queryString
 */
async function handleDev(api, req, res, pathname, queryString) {
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
	const want = /** @type {Record<string, string>} */ (DEV_METHODS)[name];
	if (!want) return sendDev(res, 404, { error: `unknown sandbox endpoint ${pathname}` });
	if (req.method !== want) return sendDev(res, 405, { error: `use ${want}` });
	try {
		switch (name) {
			case 'records':
				return sendDev(res, 200, api.records(q.get('operation') || undefined, q.get('module') || undefined) ?? null);
			case 'log':
				return sendDev(res, 200, api.log);
			case 'stats':
				return sendDev(res, 200, api.stats());
			case 'config':
				return sendDev(res, 200, publicConfig(api));
			case 'reset':
				api.reset(isPlainObject(body) && body.operations ? /** @type {import('./records').SeedData} */ (body) : undefined);
				return sendDev(res, 200, { ok: true });
			case 'configure':
				api.configure(isPlainObject(body) ? body : {});
				return sendDev(res, 200, publicConfig(api));
		}
	} catch (err) {
		return sendDev(res, 400, { error: err instanceof Error ? err.message : String(err) });
	}
	return sendDev(res, 404, { error: 'not found' });
}

module.exports = { DEV_PREFIX, handleDev };
