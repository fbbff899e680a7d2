// @ts-check
'use strict';

/**
 * Reads a multipart/form-data body (cases/insert.php, cases/update.php): text parts become
 * fields, parts with a filename become files. Strict, so that a malformed body from the node
 * shows up as a 400 rather than being half-read.
 */

/**
 * @typedef {{ name: string, fileName: string, contentType: string, bytes: number }} FormFile
 * @typedef {{ ok: true, value: Record<string, any> & { __files: FormFile[] } } | { ok: false, reason: string }} FormReading
 */

/** @param {string | undefined} contentType @returns {string | null} */
function boundaryOf(contentType) {
	if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
	const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	return m ? m[1] || m[2] : null;
}

/** @param {string} head @param {string} key @returns {string | undefined} */
function param(head, key) {
	const m = new RegExp(`;\\s*${key}="([^"]*)"`, 'i').exec(head);
	return m ? m[1] : undefined;
}

/**
 * @param {Buffer} buf @param {string | undefined} contentType
 * @returns {FormReading}
 */
function parseFormData(buf, contentType) {
	const boundary = boundaryOf(contentType);
	if (!boundary) return { ok: false, reason: 'Content-Type must be multipart/form-data with a boundary' };
	const delimiter = Buffer.from(`--${boundary}`);
	/** @type {Record<string, any> & { __files: FormFile[] }} */
	const value = { __files: [] };
	let at = buf.indexOf(delimiter);
	if (at !== 0) return { ok: false, reason: 'the body does not start with the boundary' };
	for (;;) {
		at += delimiter.length;
		const tail = buf.subarray(at, at + 2).toString('latin1');
		if (tail === '--') return { ok: true, value };
		if (tail !== '\r\n') return { ok: false, reason: 'a boundary is not followed by CRLF' };
		const headEnd = buf.indexOf('\r\n\r\n', at + 2);
		if (headEnd === -1) return { ok: false, reason: 'a part has no end of headers' };
		const head = buf.subarray(at + 2, headEnd).toString('utf8');
		const next = buf.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headEnd + 4);
		if (next === -1) return { ok: false, reason: 'a part is not closed by the boundary' };
		const content = buf.subarray(headEnd + 4, next);
		const name = param(head, 'name');
		if (name === undefined || !/^content-disposition:\s*form-data/im.test(head)) return { ok: false, reason: 'a part has no Content-Disposition: form-data; name="…"' };
		const fileName = param(head, 'filename');
		if (fileName === undefined) value[name] = content.toString('utf8');
		else {
			const type = /^content-type:\s*(.+)$/im.exec(head);
			value.__files.push({ name, fileName, contentType: type ? type[1].trim() : 'application/octet-stream', bytes: content.length });
		}
		at = next + 2;
	}
}

module.exports = { parseFormData };
