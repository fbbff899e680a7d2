'use strict';
// Queue mode for the smoke check (--queue): Redis from the host (Debian's redis-server) on a
// free 127.0.0.1 port with no persistence, n8n workers next to `n8n start` (one user folder, one
// SQLite file: one host with shared storage), and what the logs say about who ran what.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { start, stop, tail } = require('./proc');
const { Fatal } = require('./results');

const REDIS_MISSING =
	'redis-server is not installed (queue mode needs Redis). On Debian/Ubuntu: `apt-get update && apt-get install -y redis-server` ' +
	'(the smoke check starts and stops its own redis-server on a free 127.0.0.1 port; nothing is saved). Or run without --queue.';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const read = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');

/** Where redis-server is, or undefined. */
function findRedis() {
	const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
	const bin = found.status === 0 ? found.stdout.trim() : '';
	return bin || undefined;
}

/** Starts redis-server on `port`; resolves with { child, version, stop() } once it accepts connections. */
async function startRedis({ port, logs }) {
	const bin = findRedis();
	if (!bin) throw new Fatal(REDIS_MISSING);
	const version = (spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout || '').trim();
	const log = path.join(logs, 'redis.log');
	const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', '--dir', logs];
	const child = start(bin, args, { cwd: logs, env: process.env, log });
	for (let i = 0; i < 60 && !/Ready to accept connections/.test(read(log)); i++) {
		if (child.exitCode !== null) break;
		await sleep(250);
	}
	if (!/Ready to accept connections/.test(read(log))) {
		await stop(child, 5);
		throw new Fatal(`redis-server did not start on 127.0.0.1:${port}\n${tail(log)}`);
	}
	return { child, version, port, stop: () => stop(child, 10) };
}

/** The environment that puts n8n into queue mode on that Redis (main and workers alike). */
const queueEnv = (redisPort) => ({
	EXECUTIONS_MODE: 'queue',
	QUEUE_BULL_REDIS_HOST: '127.0.0.1',
	QUEUE_BULL_REDIS_PORT: String(redisPort),
	// The editor's runs go to the workers too (n8n 3 does that always).
	OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
	QUEUE_HEALTH_CHECK_ACTIVE: 'false',
});

/** `n8n worker` number `index`; resolves with the child once its log says it is ready. */
async function startWorker({ host, index, concurrency, timeoutSec = 180 }) {
	const name = `worker-${index}`;
	const child = await host.spawn(name, ['worker', `--concurrency=${concurrency}`]);
	const log = host.logOf(name);
	const t0 = Date.now();
	while (Date.now() - t0 < timeoutSec * 1000 && child.exitCode === null && !/n8n worker is now ready/.test(read(log))) await sleep(500);
	if (!/n8n worker is now ready/.test(read(log))) {
		await stop(child, 10);
		throw new Fatal(`n8n worker ${index} did not become ready\n${tail(log)}`);
	}
	return { name, child, log, ready: Math.round((Date.now() - t0) / 1000) };
}

/** A worker's log line saying it started execution `id` (n8n 2.x; 1.x: "Start job: … | Execution: id)"). */
const startedRe = (id) => new RegExp(`Worker started execution ${id} \\(job|Start job: \\d+ \\(Workflow ID: [^|]*\\| Execution: ${id}\\)`);

/**
 * Who ran what, from the logs: every execution of an activated run, and of a manual run where
 * n8n offloads those (2.x; 1.x runs the editor's runs on main), must have been started (and, where
 * n8n logs it, finished) by exactly one worker, and the polls must have happened on main only.
 */
function queueChecks({ r, runs, workers, mainLog, offloadsManual = true }) {
	const texts = workers.map((w) => read(w.log));
	const ranBy = {};
	for (const item of runs.filter((x) => x.executionId && x.run.how !== 'cli')) {
		const id = item.executionId;
		const started = texts.map((t, i) => (startedRe(id).test(t) ? i : -1)).filter((i) => i >= 0);
		if (item.run.how === 'manual' && !offloadsManual) {
			r.check(started.length === 0, `queue: ${item.label}: execution ${id} ran on main (this n8n runs the editor's runs there)${started.length ? `, but a worker logged it` : ''}`);
			continue;
		}
		const logsEnd = texts.some((t) => /Worker finished execution/.test(t));
		const finished = !logsEnd || texts.some((t) => new RegExp(`Worker finished execution ${id} \\(job`).test(t));
		const by = started.map((i) => workers[i].name).join(', ');
		r.check(started.length === 1 && finished, `queue: ${item.label}: execution ${id} ${started.length === 1 ? `started and ${finished ? '' : 'NOT '}finished on ${by}` : `started on ${started.length} workers${by ? ` (${by})` : ''}, expected 1`}`);
		for (const i of started) ranBy[workers[i].name] = (ranBy[workers[i].name] || 0) + 1;
	}
	r.say(`queue: executions per worker ${JSON.stringify(ranBy)}`);
	const polls = (read(mainLog).match(/Poll(?:ing)? trigger initiated for workflow/g) || []).length;
	const workerPolls = texts.reduce((n, t) => n + (t.match(/Poll(?:ing)? trigger initiated for workflow/g) || []).length, 0);
	r.check(polls > 0 && workerPolls === 0, `queue: the trigger polled on main only (${polls} polls logged by main, ${workerPolls} by the workers)`);
	const sqlite = [mainLog, ...workers.map((w) => w.log)].filter((f) => /(Scaling|Queue) mode is not officially supported with sqlite/.test(read(f))).length;
	if (sqlite) r.note(`queue: ${sqlite} n8n process(es) warned that queue mode is not officially supported with SQLite (one host here, one SQLite file; in production use PostgreSQL)`);
	const cli = texts.some((t) => /Worker started execution|Start job: /.test(t)) ? runs.filter((x) => x.run.how === 'cli' && x.executionId) : [];
	const cliOnWorkers = cli.filter((x) => texts.some((t) => startedRe(x.executionId).test(t)));
	r.check(cliOnWorkers.length === 0, `queue: the CLI runs ran in their own process (n8n execute does not use the queue)${cliOnWorkers.length ? `, but ${cliOnWorkers.map((x) => x.label).join(', ')} ran on a worker` : ''}`);
}

module.exports = { findRedis, startRedis, queueEnv, startWorker, queueChecks, REDIS_MISSING };
