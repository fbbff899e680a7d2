// @ts-check
'use strict';

/** The sandbox's command line: `node sandbox/server.js [options]` (see USAGE). */

const { DEFAULT_EXTERNAL_TOKEN, DEFAULT_QUOTA, DEFAULT_STALL_MS, DEFAULT_TOKEN, FAULT_KINDS } = require('./config');

const CLI_DEFAULT_TTL_S = 600;

const USAGE = `Usage: node sandbox/server.js [options]
  --port N                     port on 127.0.0.1 (default 0 = any free port)
  --seed file.json             seed file (default sandbox/seed.json)
  --seed-times recent|as-is    recent: each module's records end 5 minutes before the start, an hour
                               apart (default for the built-in seed); as-is: the seed's own times
                               (default for --seed)
  --token T                    the valid token (default ${DEFAULT_TOKEN})
  --quota N                    daily quota of the token (default ${DEFAULT_QUOTA})
  --quota-used N               calls the token has already used today at start (default 0)
  --latency ms                 delay before each API answer
  --max-ids N                  max ids per delete (0 = unlimited)
  --partial-deletes            delete the known ids and answer 200 (default: one unknown id → 404, nothing deleted)
  --not-found-names-none       a 404 RECORD NOT FOUND has data: null (default: data.wolkvox_id lists the unknown ids)
  --max-records N              records per query/queryDates answer (default 200; 0 = unlimited)
  --reports-total              query/queryDates answers carry "Total records" (every match, also over the cap)
  --newest-first               query/queryDates records newest first (default oldest first)
  --max-records-per-write N    elements per insertMany/updateMany (default 100; 0 = unlimited)
  --max-attachment-bytes N     decoded bytes per update attachment (default 10485760; 0 = unlimited)
  --rate-limit max/windowMs[/status]   per-IP sliding window, e.g. 5/1000/429
  --max-simultaneous N         requests with the token in flight at once; one more → 403 (0 = unlimited)
  --faults rate:kind,kind[:seed]       e.g. 0.2:http500,reset:42 (kinds: ${FAULT_KINDS.join(', ')})
  --after-commit               faults happen after the request was applied
  --stall-ms ms                how long a 'stall' fault holds the socket (default ${DEFAULT_STALL_MS})
  --errors-as-200              errors answered with HTTP 200, error only in the body
  --redirect-to origin         answer every API request with a 307 to this origin
  --ttl seconds                stop after this long (default ${CLI_DEFAULT_TTL_S}; 0 = never)
  --log file                   append the request log as JSON lines
  --external-token T           the External token, the only one cases/listHistoryNote.php takes (default ${DEFAULT_EXTERNAL_TOKEN})
  --case-answer-keys K         queryCases.php names case fields as 'query' ("type case", default) or 'write' ("case-type")
  --case-insert-without-id     cases/insert.php and insertAttach.php answer without the new case's id
  --help                       this text`;

/** @typedef {import('./config').SandboxOptions & { help?: boolean }} CliOptions */

/** @type {Readonly<Record<string, string>>} flags that take a number >= 0 → option name */
const NUMBER_FLAGS = Object.freeze({
	'--port': 'port',
	'--quota': 'dailyQuota',
	'--quota-used': 'quotaUsed',
	'--latency': 'latencyMs',
	'--max-ids': 'maxIdsPerDelete',
	'--max-records': 'maxRecordsPerAnswer',
	'--max-records-per-write': 'maxRecordsPerInsert',
	'--max-attachment-bytes': 'maxAttachmentBytes',
	'--max-simultaneous': 'maxSimultaneousPerToken',
});
/** @type {Readonly<Record<string, string>>} flags that take a string → option name */
const STRING_FLAGS = Object.freeze({
	'--seed': 'seed', '--token': 'token', '--redirect-to': 'redirectTo', '--log': 'logFile',
	'--external-token': 'externalToken', '--case-answer-keys': 'caseAnswerKeys',
});
/** @type {Readonly<Record<string, [string, unknown]>>} flags without a value → [option name, value] */
const SWITCH_FLAGS = Object.freeze({
	'--errors-as-200': ['errorsAsHttp200', true],
	'--partial-deletes': ['deleteMode', 'partial'],
	'--not-found-names-none': ['notFoundNamesIds', false],
	'--reports-total': ['reportsTotal', true],
	'--newest-first': ['answerOrder', 'newestFirst'],
	'--case-insert-without-id': ['caseInsertReturnsId', false],
});

/**
 * @param {string[]} argv
 * @returns {CliOptions}
 */
function parseArgs(argv) {
	/** @type {Record<string, any>} */
	const o = { ttlMs: CLI_DEFAULT_TTL_S * 1000 };
	let afterCommit = false;
	/** @type {number | undefined} */
	let stallMs;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const eq = arg.indexOf('=');
		const flag = eq > 0 ? arg.slice(0, eq) : arg;
		const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
		const value = () => {
			if (inline !== undefined) return inline;
			const v = argv[++i];
			if (v === undefined) throw new Error(`${flag} needs a value`);
			return v;
		};
		/** @param {string} v */
		const num = (v) => {
			const x = Number(v);
			if (!Number.isFinite(x) || x < 0) throw new Error(`${flag}: "${v}" is not a number >= 0`);
			return x;
		};
		if (flag in NUMBER_FLAGS) o[NUMBER_FLAGS[flag]] = num(value());
		else if (flag in STRING_FLAGS) o[STRING_FLAGS[flag]] = value();
		else if (flag === '--seed-times') {
			const v = value();
			if (v !== 'recent' && v !== 'as-is') throw new Error(`--seed-times: "${v}" is not recent or as-is`);
			o.seedTimes = v === 'as-is' ? 'asIs' : 'recent';
		}
		else if (flag in SWITCH_FLAGS) {
			const [name, v] = SWITCH_FLAGS[flag];
			o[name] = v;
		} else if (flag === '--help' || flag === '-h') o.help = true;
		else if (flag === '--rate-limit') {
			const parts = value().split('/');
			if (parts.length < 2 || parts.length > 3) throw new Error('--rate-limit wants max/windowMs[/status]');
			o.rateLimit = { max: num(parts[0]), windowMs: num(parts[1]), status: parts[2] ? num(parts[2]) : 403 };
		} else if (flag === '--faults') {
			const parts = value().split(':');
			if (parts.length < 2 || parts.length > 3) throw new Error('--faults wants rate:kind,kind[:seed]');
			o.faults = {
				rate: num(parts[0]),
				kinds: parts[1].split(',').map((s) => s.trim()).filter(Boolean),
				seed: parts[2] ? num(parts[2]) : 1,
			};
		} else if (flag === '--after-commit') afterCommit = true;
		else if (flag === '--stall-ms') stallMs = num(value());
		else if (flag === '--ttl') o.ttlMs = num(value()) * 1000;
		else throw new Error(`unknown option ${arg}`);
	}
	if (afterCommit) {
		if (!o.faults) throw new Error('--after-commit needs --faults');
		o.faults.afterCommit = true;
	}
	if (stallMs !== undefined) o.stallMs = stallMs;
	if (o.ttlMs === 0) o.ttlMs = null;
	return o;
}

/** @param {import('./config').NormalizedConfig} c @returns {string} the switches that differ from the defaults */
function describeSwitches(c) {
	const switches = [];
	if (c.seedTimes) switches.push(`seed times ${c.seedTimes === 'asIs' ? 'as-is' : 'recent'}`);
	if (c.latencyMs) switches.push(`latency ${c.latencyMs} ms`);
	if (c.maxIdsPerDelete) switches.push(`max ids/delete ${c.maxIdsPerDelete}`);
	if (c.deleteMode === 'partial') switches.push('partial deletes');
	if (!c.notFoundNamesIds) switches.push('404s do not name ids');
	switches.push(`max records/answer ${c.maxRecordsPerAnswer || 'unlimited'}`);
	if (c.reportsTotal) switches.push('answers report totals');
	if (c.answerOrder === 'newestFirst') switches.push('newest first');
	switches.push(`max records/write ${c.maxRecordsPerInsert || 'unlimited'}`);
	if (c.rateLimit) switches.push(`rate limit ${c.rateLimit.max}/${c.rateLimit.windowMs}ms → ${c.rateLimit.status}`);
	if (c.maxSimultaneousPerToken) switches.push(`max ${c.maxSimultaneousPerToken} simultaneous requests per token`);
	if (c.faults) switches.push(`faults ${c.faults.rate} of [${c.faults.kinds.join(',')}] seed ${c.faults.seed}${c.faults.afterCommit ? ' after commit' : ''}`);
	if (c.errorsAsHttp200) switches.push('errors as HTTP 200');
	if (c.redirectTo) switches.push(`redirect to ${c.redirectTo}`);
	if (c.logFile) switches.push(`log ${c.logFile}`);
	switches.push(`daily quota ${c.dailyQuota}${c.quotaUsed ? ` (${c.quotaUsed} used at start)` : ''}`);
	switches.push(c.ttlMs ? `stops after ${Math.round(c.ttlMs / 1000)} s` : 'no ttl');
	return switches.join('; ');
}

/**
 * Run the sandbox from the command line until SIGINT/SIGTERM or its ttl.
 * @param {(options: import('./config').SandboxOptions) => Promise<import('./server').Sandbox>} startSandbox
 */
async function main(startSandbox) {
	/** @type {CliOptions} */
	let opts;
	try {
		opts = parseArgs(process.argv.slice(2));
	} catch (err) {
		process.stderr.write(`${err instanceof Error ? err.message : err}\n\n${USAGE}\n`);
		process.exit(2);
	}
	if (opts.help) {
		process.stdout.write(`${USAGE}\n`);
		return;
	}
	delete opts.help;
	/** @type {import('./server').Sandbox} */
	let sb;
	try {
		sb = await startSandbox(opts);
	} catch (err) {
		process.stderr.write(`sandbox: ${err instanceof Error ? err.message : err}\n`);
		process.exit(2);
	}
	process.stdout.write(`wolkvox CRM sandbox listening on ${sb.url} (token: ${sb.token})\n`);
	process.stdout.write(`External token (cases/listHistoryNote.php only): ${sb.externalToken}\n`);
	for (const [op, modules] of Object.entries(sb.records())) {
		const parts = Object.entries(/** @type {Record<string, unknown[]>} */ (modules)).map(([m, recs]) => `${m} (${recs.length})`);
		process.stdout.write(`  operation "${op}": ${parts.join(', ')}\n`);
	}
	process.stdout.write(`  ${describeSwitches(sb.config())}\n`);

	let stopping = false;
	/** @param {string} why */
	const stop = (why) => {
		if (stopping) return;
		stopping = true;
		process.stdout.write(`sandbox stopping (${why})\n`);
		void sb.close();
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
	await sb.closed;
	if (!stopping) process.stdout.write('sandbox stopped (ttl reached)\n');
	process.exit(0);
}

/** @param {Parameters<typeof main>[0]} startSandbox */
function run(startSandbox) {
	main(startSandbox).catch((err) => {
		process.stderr.write(`sandbox: ${err && err.stack ? err.stack : err}\n`);
		process.exit(1);
	});
}

module.exports = { parseArgs, run, USAGE };
