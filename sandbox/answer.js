// @ts-check
'use strict';

/** How the sandbox answers one API request: the envelope, raw pages, and the injected faults. */

const { nowMs } = require('./util');

/** @typedef {import('./util').ApiResult} ApiResult */
/** @typedef {import('./config').FaultKind} FaultKind */
/** @typedef {import('./log').LogEntry} LogEntry */

/**
 * Per-request bookkeeping.
 * @typedef {object} Ctx
 * @property {import('node:http').IncomingMessage} req
 * @property {import('node:http').ServerResponse} res
 * @property {LogEntry} entry
 * @property {boolean} finalized
 * @property {boolean} serverDestroyed
 * @property {(status: number | null) => void} onFinal   the server's counters, once per request
 * @property {() => boolean} isClosed
 */

/** Ends the request's bookkeeping once. @param {Ctx} ctx @param {number | null} status null = no answer sent */
function finalize(ctx, status) {
	if (ctx.finalized) return;
	ctx.finalized = true;
	const e = ctx.entry;
	e.end = nowMs();
	e.status = status;
	if (status === null && !ctx.serverDestroyed) e.clientAborted = true;
	ctx.onFinal(status);
}

/** @param {Ctx} ctx @returns {boolean} true when nothing can be sent any more (and the request is finalized) */
function gone(ctx) {
	const { res } = ctx;
	if (res.destroyed || res.writableEnded || ctx.isClosed()) {
		finalize(ctx, null);
		return true;
	}
	return false;
}

/**
 * Send an API answer; with errorsAsHttp200 an error goes out as HTTP 200 with `code` a string.
 * @param {Ctx} ctx @param {ApiResult} result @param {boolean} errorsAsHttp200
 */
function send(ctx, result, errorsAsHttp200) {
	if (gone(ctx)) return;
	let status = result.status;
	const body = { ...result.body };
	if (status >= 400 && errorsAsHttp200) {
		body.code = String(status);
		status = 200;
	}
	const text = JSON.stringify(body);
	ctx.entry.bodyCode = body.code === undefined || body.code === null ? null : String(body.code);
	ctx.res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': String(Buffer.byteLength(text)),
		...(result.headers || {}),
	});
	finalize(ctx, status);
	ctx.res.end(text);
}

/** @param {Ctx} ctx @param {number} status @param {string} contentType @param {string} text */
function sendRaw(ctx, status, contentType, text) {
	if (gone(ctx)) return;
	ctx.res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(text)) });
	finalize(ctx, status);
	ctx.res.end(text);
}

/** 307 to the same path on another origin. @param {Ctx} ctx @param {string} location */
function sendRedirect(ctx, location) {
	ctx.entry.redirected = true;
	if (gone(ctx)) return;
	ctx.res.writeHead(307, { Location: location, 'Content-Type': 'application/json; charset=utf-8' });
	finalize(ctx, 307);
	ctx.res.end(JSON.stringify({ code: 307, error: 'null', msg: `Moved to ${location}`, data: null }));
}

/** @param {Ctx} ctx */
function destroyFromServer(ctx) {
	ctx.serverDestroyed = true;
	finalize(ctx, null);
	const sock = ctx.req.socket;
	if (typeof sock.resetAndDestroy === 'function') sock.resetAndDestroy();
	else sock.destroy();
}

const PAGE_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const PAGE_HTML = '<!DOCTYPE html>\n<html lang="es"><head><meta charset="utf-8"><title>wolkvox CRM</title></head>\n' +
	'<body><h2>Lo sentimos, algo salió mal.</h2><p>The page could not be processed. ' +
	'Please try again in a few minutes.</p><!-- sandbox html fault --></body></html>\n';

/**
 * Play a fault instead of the real answer.
 * @param {Ctx} ctx @param {FaultKind} kind
 * @param {ApiResult | null} committed the real answer, when afterCommit
 * @param {{ ms: number, timers: Set<NodeJS.Timeout> }} stall how long a stall lasts; its timers (close() clears them)
 */
function playFault(ctx, kind, committed, stall) {
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
			sendRaw(ctx, 502, 'text/html; charset=utf-8', PAGE_502);
			return;
		case 'http503':
			sendRaw(ctx, 503, 'text/plain; charset=utf-8', 'Service Unavailable: the CRM is in a maintenance window, try again later.');
			return;
		case 'html':
			sendRaw(ctx, 200, 'text/html; charset=UTF-8', PAGE_HTML);
			return;
		case 'truncated': {
			const full = JSON.stringify(committed ? committed.body : {
				code: '200',
				error: 'null',
				msg: 'Request received',
				data: { wolkvox_id: ctx.entry.ids || [] },
			});
			const cut = full.slice(0, Math.max(1, Math.floor(full.length / 2)));
			if (gone(ctx)) return;
			// No Content-Length: the body is chunked and ends cleanly, it is just not valid JSON.
			ctx.res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', Connection: 'close' });
			finalize(ctx, 200);
			ctx.res.end(cut);
			return;
		}
		case 'reset':
			destroyFromServer(ctx);
			return;
		case 'stall': {
			const timer = setTimeout(() => {
				stall.timers.delete(timer);
				if (!ctx.finalized) destroyFromServer(ctx);
			}, stall.ms);
			stall.timers.add(timer);
			ctx.res.on('close', () => {
				clearTimeout(timer);
				stall.timers.delete(timer);
			});
			return;
		}
		default:
			sendRaw(ctx, 500, 'text/plain', 'unknown fault');
	}
}

/**
 * Draw the fault for one request from the seeded PRNG (null = none).
 * @param {import('./config').NormalizedConfig['faults']} f @param {() => number} rand
 * @returns {FaultKind | null}
 */
function drawFault(f, rand) {
	if (!f || f.rate <= 0 || f.kinds.length === 0) return null;
	if (rand() >= f.rate) return null;
	return f.kinds[Math.min(f.kinds.length - 1, Math.floor(rand() * f.kinds.length))];
}

module.exports = { finalize, send, sendRedirect, playFault, drawFault };
