// @ts-check
'use strict';

/** HTTP plumbing: the listening socket on 127.0.0.1, request bodies, the token header. */

const http = require('node:http');

const MAX_BODY_BYTES = 64 * 1024 * 1024;

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
 * The request body as JSON: `{ ok: false }` when empty or not JSON.
 * @param {Buffer} buf @returns {{ ok: true, value: any } | { ok: false }}
 */
function parseJson(buf) {
	if (buf.length === 0) return { ok: false };
	try {
		return { ok: true, value: JSON.parse(buf.toString('utf8')) };
	} catch {
		return { ok: false };
	}
}

/** @param {import('node:http').IncomingMessage} req @returns {string | undefined} the Wolkvox-Token header (any case) */
function tokenHeader(req) {
	const raw = req.headers['wolkvox-token'];
	return Array.isArray(raw) ? raw[0] : raw;
}

/**
 * @callback Handler
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
 * @param {string} pathname without the query string @param {string} queryString
 * @returns {Promise<void>}
 */

/**
 * Listen on 127.0.0.1 (port 0 = any free port); `close()` also destroys open sockets.
 * @param {number} port @param {Handler} handle
 * @returns {Promise<{ port: number, close: () => Promise<void> }>}
 */
async function listen(port, handle) {
	/** @type {Set<import('node:net').Socket>} */
	const sockets = new Set();
	const server = http.createServer((req, res) => {
		const url = req.url || '/';
		const qi = url.indexOf('?');
		const pathname = qi === -1 ? url : url.slice(0, qi);
		handle(req, res, pathname, qi === -1 ? '' : url.slice(qi + 1)).catch((err) => {
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
		server.listen(port, '127.0.0.1', () => {
			server.off('error', reject);
			resolve(undefined);
		});
	});
	return {
		port: /** @type {import('node:net').AddressInfo} */ (server.address()).port,
		close: () => new Promise((resolve) => {
			server.close(() => resolve(undefined));
			for (const s of sockets) s.destroy();
			sockets.clear();
		}),
	};
}

module.exports = { readBody, parseJson, tokenHeader, listen };
