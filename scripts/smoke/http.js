'use strict';
// fetch with the body read as text and, where it is JSON, parsed.

async function getJson(url, init) {
	const res = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
	const text = await res.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}

module.exports = { getJson };
