'use strict';
// What the smoke check found: PASS / FAIL / WARN / NOTE lines, phase timings, the summary.

const clock = () => new Date().toISOString().slice(11, 19);
const say = (message) => process.stdout.write(`[smoke ${clock()}] ${message}\n`);

function createResults() {
	const lines = [];
	const timings = [];
	const versions = [];
	const started = Date.now();
	let phase;
	const add = (kind) => (message) => {
		lines.push({ kind, message });
		say(`${kind.padEnd(5)} ${message}`);
	};
	const endPhase = () => {
		if (phase) timings.push({ name: phase.name, seconds: Math.round((Date.now() - phase.t0) / 1000) });
		phase = undefined;
	};
	return {
		say,
		pass: add('PASS'),
		fail: add('FAIL'),
		warn: add('WARN'),
		note: add('NOTE'),
		/** PASS if ok, otherwise FAIL, with the same message. */
		check: (ok, message) => add(ok ? 'PASS' : 'FAIL')(message),
		version: (text) => versions.push(text),
		phase(name) {
			endPhase();
			phase = { name, t0: Date.now() };
			say(`== ${name}`);
		},
		endPhase,
		count: (kind) => lines.filter((l) => l.kind === kind).length,
		summary(workDir) {
			endPhase();
			const out = ['', '==================== n8n smoke test summary ===================='];
			for (const v of versions) out.push(`  ${v}`);
			out.push(`  work dir: ${workDir}`, '  -- timings');
			for (const t of timings) out.push(`  ${t.name.padEnd(52)} ${String(t.seconds).padStart(5)}s`);
			out.push(`  ${'total'.padEnd(52)} ${String(Math.round((Date.now() - started) / 1000)).padStart(5)}s`, '  -- checks');
			for (const l of lines) out.push(`  ${l.kind.padEnd(5)} ${l.message}`);
			out.push('================================================================');
			return out.join('\n');
		},
	};
}

/** A failure that ends the run (after the summary). */
class Fatal extends Error {}

module.exports = { createResults, Fatal, say };
