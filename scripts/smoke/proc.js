'use strict';
// Child processes for the smoke check: every command runs in its own process group with a time
// limit and its output in a log file, so a hung n8n can always be stopped with everything it
// started (task runners, npm's scripts).
const { spawn } = require('node:child_process');
const fs = require('node:fs');

/** Last lines of a log, for a failure message. */
function tail(file, lines = 25) {
	if (!fs.existsSync(file)) return `(no ${file})`;
	const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines);
	return `---- last lines of ${file}\n${text.map((l) => l.slice(0, 400)).join('\n')}\n----`;
}

function start(cmd, args, { cwd, env, log }) {
	const out = fs.openSync(log, 'a');
	const child = spawn(cmd, args, { cwd, env: env ?? process.env, detached: true, stdio: ['ignore', out, out] });
	fs.closeSync(out);
	child.done = new Promise((resolve) => {
		child.once('error', (error) => {
			fs.appendFileSync(log, `\n[smoke] could not start ${cmd}: ${error.message}\n`);
			resolve({ code: 127, signal: null });
		});
		child.once('exit', (code, signal) => resolve({ code, signal }));
	});
	return child;
}

const alive = (child) => child && child.exitCode === null && child.signalCode === null;

function signalGroup(child, signal) {
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			// already gone
		}
	}
}

/** SIGTERM to the child's process group, SIGKILL after `graceSec`. Resolves true if it stopped on SIGTERM. */
async function stop(child, graceSec = 30) {
	if (!alive(child)) return true;
	signalGroup(child, 'SIGTERM');
	let timer;
	const stopped = await Promise.race([child.done.then(() => true), new Promise((r) => (timer = setTimeout(() => r(false), graceSec * 1000)))]);
	clearTimeout(timer);
	if (!stopped) {
		signalGroup(child, 'SIGKILL');
		await child.done;
	}
	return stopped;
}

/**
 * Runs a command to its end (or its time limit) with its output appended to `log`.
 * @returns {Promise<{ code: number | null, signal: string | null, timedOut: boolean, exit: string }>} exit: for messages
 */
async function run(cmd, args, { cwd, env, log, timeoutSec }) {
	fs.appendFileSync(log, `[smoke] $ ${cmd} ${args.join(' ')}  (in ${cwd})\n`);
	const child = start(cmd, args, { cwd, env, log });
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		stop(child, 15);
	}, timeoutSec * 1000);
	const { code, signal } = await child.done;
	clearTimeout(timer);
	fs.appendFileSync(log, timedOut ? `\n[smoke] timed out after ${timeoutSec} s\n` : `\n[smoke] exit ${code ?? signal}\n`);
	return { code: timedOut ? null : code, signal, timedOut, exit: timedOut ? 'timed out' : String(code ?? signal) };
}

module.exports = { run, start, stop, alive, tail };
