#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm run bench`: how fast the node's operations get through many records, measured side by
 * side in one run (see bench/README.md). Each operation is one file in bench/scenarios/ that
 * exports its scenarios (interface: bench/runner.js); to add one, add its file to SCENARIOS.
 *
 *   node bench/index.js [--quick] [--only delete,rate-limit,create,search,trigger]
 *                       [--sizes 100,1000,10000] [--latencies 0,50]
 *                       [--cpu-sizes 10000,100000,300000] [--skip-sandbox] [--skip-cpu] [--dist DIR]
 *
 * Progress goes to stderr, the report (markdown) to stdout. No timed assertions: the figures
 * are printed and each target is stated as met or not. Exit 1 if a scenario failed.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { progress, duration, loadAverage, message } = require('./format');
const { ROOT, runAll, cleanUp } = require('./runner');
const { report } = require('./report');

/** The scenario files, in the order they run and are reported. */
const SCENARIOS = ['delete', 'rate-limit', 'create', 'search', 'trigger'];

const USAGE =
	'node bench/index.js [--quick] [--only NAME,NAME] [--sizes 100,1000,10000] [--latencies 0,50]\n' +
	'                    [--cpu-sizes 10000,100000,300000] [--skip-sandbox] [--skip-cpu] [--dist DIR]\n';

/** @param {string[]} argv */
function parseArgs(argv) {
	const o = {
		quick: false,
		only: SCENARIOS,
		sizes: [100, 1000, 10000],
		latencies: [0, 50],
		cpuSizes: [10000, 100000, 300000],
		sandbox: true,
		cpu: true,
		dist: path.join(ROOT, 'dist'),
	};
	/** @param {string | undefined} v @param {string} flag */
	const list = (v, flag) => {
		const values = String(v ?? '').split(',').map((s) => Number(s.trim()));
		if (values.some((n) => !Number.isSafeInteger(n) || n < 0)) throw new Error(`${flag} wants a comma separated list of whole numbers`);
		return values;
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--quick') o.quick = true;
		else if (arg === '--only') {
			o.only = String(argv[++i] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
			const unknown = o.only.filter((name) => !SCENARIOS.includes(name));
			if (unknown.length || !o.only.length) throw new Error(`--only wants some of ${SCENARIOS.join(', ')}`);
		} else if (arg === '--sizes') o.sizes = list(argv[++i], arg).filter((n) => n > 0);
		else if (arg === '--latencies') o.latencies = list(argv[++i], arg);
		else if (arg === '--cpu-sizes') o.cpuSizes = list(argv[++i], arg).filter((n) => n > 0);
		else if (arg === '--skip-sandbox') o.sandbox = false;
		else if (arg === '--skip-cpu') o.cpu = false;
		else if (arg === '--dist') o.dist = path.resolve(String(argv[++i]));
		else if (arg === '--help' || arg === '-h') {
			process.stdout.write(USAGE);
			process.exit(0);
		} else throw new Error(`unknown option ${arg} (see --help)`);
	}
	o.sizes.sort((x, y) => x - y);
	return o;
}

/** @param {ReturnType<typeof parseArgs>} options @returns {Promise<boolean>} true if something failed */
async function bench(options) {
	const startedAt = new Date();
	const nodeJs = path.join(options.dist, 'nodes/WolkvoxCrm/WolkvoxCrm.node.js');
	if (!fs.existsSync(nodeJs)) throw new Error(`${nodeJs} is missing: run "npm run build" first (npm run bench does)`);
	const files = SCENARIOS.filter((name) => options.only.includes(name)).map((name) => {
		const file = path.join(__dirname, 'scenarios', `${name}.js`);
		return { path: file, module: require(file) };
	});

	const out = [];
	out.push(`## ${files.map((f) => f.module.title).join(', ')} benchmark, ${startedAt.toISOString()}`, '');
	out.push(
		`Machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, ` +
			`load average ${loadAverage()} at start; Node.js ${process.version}, ${process.platform} ${os.release()}.`,
	);
	out.push(`Command: \`${['node bench/index.js', ...process.argv.slice(2)].join(' ')}\`${options.quick ? ' (quick mode)' : ' (full run)'}`, '');
	const result = await runAll(options, files);
	out.push(...report(options, result));
	out.push(`Finished ${new Date().toISOString()} (${duration(Date.now() - startedAt.getTime())}); load average ${loadAverage()} at the end.`);
	process.stdout.write(`${out.join('\n')}\n`);
	return result.failed;
}

let options;
try {
	options = parseArgs(process.argv.slice(2));
} catch (error) {
	process.stderr.write(`${message(error)}\n`);
	process.exit(2);
}
process.on('exit', cleanUp);
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
	process.on(signal, () => {
		progress(`${signal}: stopping`);
		cleanUp();
		process.exit(130);
	});
}
// The whole run is bounded, whatever happens inside it.
const deadlineMs = (options.quick ? 20 : 60) * 60_000;
setTimeout(() => {
	progress(`the bench did not finish within ${duration(deadlineMs)}: stopping`);
	cleanUp();
	process.exit(3);
}, deadlineMs).unref();
bench(options)
	.then((failed) => {
		if (failed) {
			progress('some scenarios failed or did not delete what they should (see the tables)');
			process.exitCode = 1;
		}
	})
	.catch((error) => {
		progress(`bench failed: ${error instanceof Error ? error.stack : error}`);
		process.exitCode = 1;
	})
	.finally(cleanUp);
