'use strict';
// Installs what the smoke check runs: Node.js and npm from the npm registry (the host's Node.js
// is not touched), n8n with `npm install --ignore-scripts` plus only the native parts it needs,
// and this repository packed with `npm pack`, installed the way the README's manual install
// does it. Installs are cached per version in the cache directory and reused.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { run, tail } = require('./proc');
const { Fatal } = require('./results');

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const OK = '.smoke-ok';

/** n8n versions whose dependency tree does not install from a plain registry as is. */
function knownOverrides(version) {
	// n8n 1.x (n8n-nodes-base) depends on xlsx from a CDN URL; the registry's last xlsx is 0.18.5.
	return Number(version.split('.')[0]) < 2 ? { xlsx: '0.18.5' } : {};
}

/** Unpacks `npm pack SPEC` into `dir` once (marked by .smoke-ok). */
async function fetchPackage(spec, dir, { logs, name }) {
	if (fs.existsSync(path.join(dir, OK))) return;
	const dl = `${dir}.download`;
	fs.rmSync(dir, { recursive: true, force: true });
	fs.rmSync(dl, { recursive: true, force: true });
	fs.mkdirSync(dl, { recursive: true });
	fs.mkdirSync(dir, { recursive: true });
	const log = path.join(logs, `fetch-${name}.log`);
	const r = await run('npm', ['pack', spec, '--loglevel=error'], { cwd: dl, log, timeoutSec: 900 });
	const tgz = fs.readdirSync(dl).find((f) => f.endsWith('.tgz'));
	if (r.code !== 0 || !tgz) throw new Fatal(`npm pack ${spec} failed\n${tail(log)}`);
	execFileSync('tar', ['-xzf', path.join(dl, tgz), '-C', dir, '--strip-components=1']);
	fs.rmSync(dl, { recursive: true, force: true });
	fs.writeFileSync(path.join(dir, OK), `${spec}\n`);
}

/**
 * Node.js (registry package node-linux-<arch>@SPEC) and npm@SPEC; returns the environment in
 * which `node` and `npm` (and every install script or node-gyp they start) are those.
 */
async function toolchain({ cache, nodeSpec, npmSpec, workDir, logs }) {
	const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
	if (process.platform !== 'linux' || !arch) throw new Fatal(`unsupported platform ${process.platform}-${process.arch}`);
	for (const tool of ['tar', 'python3', 'make', 'g++']) {
		try {
			execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
		} catch {
			throw new Fatal(`missing tool: ${tool} (needed to build sqlite3 from source)`);
		}
	}
	const nodePkg = `node-linux-${arch}`;
	const nodeHome = path.join(cache, '_tools', `node-${nodeSpec}`);
	const npmHome = path.join(cache, '_tools', `npm-${npmSpec}`);
	await fetchPackage(`${nodePkg}@${nodeSpec}`, nodeHome, { logs, name: 'node' });
	await fetchPackage(`npm@${npmSpec}`, npmHome, { logs, name: 'npm' });
	const bin = path.join(workDir, 'bin');
	fs.mkdirSync(bin, { recursive: true });
	fs.rmSync(path.join(bin, 'node'), { force: true });
	fs.symlinkSync(path.join(nodeHome, 'bin', 'node'), path.join(bin, 'node'));
	fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\nexec "${path.join(nodeHome, 'bin', 'node')}" "${path.join(npmHome, 'bin', 'npm-cli.js')}" "$@"\n`, { mode: 0o755 });
	const env = {
		...process.env,
		PATH: `${bin}:${process.env.PATH}`,
		// node-gyp compiles against the headers shipped in the node-linux-* package (no download).
		npm_config_nodedir: nodeHome,
		npm_config_update_notifier: 'false',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
	};
	const version = (cmd) => execFileSync(path.join(bin, cmd), ['--version'], { env, encoding: 'utf8' }).trim();
	const nodeVersion = version('node');
	if (!nodeVersion.startsWith(`v${String(nodeSpec).split('.')[0]}.`)) throw new Fatal(`expected Node.js ${nodeSpec}, got ${nodeVersion}`);
	return { env, nodeVersion, npmVersion: version('npm'), describe: `${nodePkg}@${nodeSpec}, npm@${npmSpec}` };
}

/**
 * n8n VERSION in <cache>/<version>: npm install --ignore-scripts, then sqlite3 built from its
 * bundled source (its prebuilt binary would be downloaded from GitHub) against this Node.js.
 */
async function n8n({ version, cache, env, nodeVersion, logs, say }) {
	const dir = path.join(cache, version);
	const marker = path.join(dir, OK);
	const overrides = knownOverrides(version);
	if (!fs.existsSync(path.join(dir, 'node_modules', 'n8n', 'package.json'))) {
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'n8n-smoke-host', private: true, overrides }, null, 1));
		say(`npm install n8n@${version} --ignore-scripts (large: ~2,000+ packages, several minutes)`);
		const log = path.join(logs, `install-n8n-${version}.log`);
		const r = await run('npm', ['install', `n8n@${version}`, '--save-exact', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env, log, timeoutSec: 2400 });
		if (r.code !== 0) {
			const missing = /No matching version found for (\S+?)\.?$/m.exec(fs.readFileSync(log, 'utf8'));
			fs.rmSync(dir, { recursive: true, force: true });
			throw new Fatal(`npm install n8n@${version} failed${missing ? `: the registry has no ${missing[1]}` : ''}\n${tail(log, 12)}`);
		}
	}
	// sqlite3's binary is tied to the Node.js ABI: rebuild when the Node.js changed.
	if (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8').trim() !== nodeVersion) {
		say(`building sqlite3 from source for Node.js ${nodeVersion} (a few minutes)`);
		const log = path.join(logs, `rebuild-sqlite3-${version}.log`);
		const r = await run('npm', ['rebuild', 'sqlite3', '--build-from-source', '--foreground-scripts'], { cwd: dir, env, log, timeoutSec: 1500 });
		const probe = await run('node', ['-e', "new (require('sqlite3').Database)(':memory:').close()"], { cwd: dir, env, log, timeoutSec: 60 });
		if (r.code !== 0 || probe.code !== 0) throw new Fatal(`building sqlite3 failed\n${tail(log)}`);
		// isolated-vm (the expression engine of newer n8n) ships prebuilt binaries; build it only if they do not load.
		if (fs.existsSync(path.join(dir, 'node_modules', 'isolated-vm'))) {
			const ivmLog = path.join(logs, `isolated-vm-${version}.log`);
			if ((await run('node', ['-e', "require('isolated-vm')"], { cwd: dir, env, log: ivmLog, timeoutSec: 60 })).code !== 0) {
				say('isolated-vm has no prebuilt binary here: building it (slow)');
				const b = await run('npm', ['rebuild', 'isolated-vm', '--foreground-scripts'], { cwd: dir, env, log: ivmLog, timeoutSec: 2400 });
				if (b.code !== 0) throw new Fatal(`building isolated-vm failed\n${tail(ivmLog)}`);
			}
		}
		fs.writeFileSync(marker, `${nodeVersion}\n`);
	}
	const v = (pkg) => readJson(path.join(dir, 'node_modules', pkg, 'package.json')).version;
	return { dir, bin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'), version: v('n8n'), core: v('n8n-core'), workflow: v('n8n-workflow'), overrides };
}

/** `npm run build && npm pack` of a copy of this repository (HEAD, or the work tree); `npm ci` first with cleanInstall. */
async function packRepo({ repo, source, cleanInstall, workDir, env, logs }) {
	const src = path.join(workDir, 'src');
	fs.rmSync(src, { recursive: true, force: true });
	fs.mkdirSync(src, { recursive: true });
	const rev = execFileSync('git', ['-C', repo, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
	if (source === 'head') {
		execFileSync('sh', ['-c', `git -C "${repo}" archive HEAD | tar -x -C "${src}"`]);
	} else {
		// Tracked and untracked-but-not-ignored files as they are now (deleted ones left out).
		const files = execFileSync('git', ['-C', repo, 'ls-files', '-z', '-co', '--exclude-standard'], { encoding: 'utf8' })
			.split('\0')
			// node_modules may be a symlink (a worktree sharing another checkout's): git lists it as a file.
			.filter((f) => f && f !== 'node_modules' && fs.existsSync(path.join(repo, f)));
		const archive = execFileSync('tar', ['--null', '-T', '-', '-cf', '-'], { cwd: repo, input: files.join('\0'), maxBuffer: 1 << 30 });
		execFileSync('tar', ['-x', '-C', src], { input: archive });
	}
	// The dev dependencies: the repository's own (as locked) unless a clean install is asked for.
	const steps = [];
	if (!cleanInstall && fs.existsSync(path.join(repo, 'node_modules'))) fs.symlinkSync(path.join(repo, 'node_modules'), path.join(src, 'node_modules'));
	else steps.push(['pkg-npm-ci', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error']]);
	for (const [name, args] of [
		...steps,
		['pkg-build', ['run', 'build']],
		['pkg-pack', ['pack', '--json', '--pack-destination', workDir]],
	]) {
		const log = path.join(logs, `${name}.log`);
		const r = await run('npm', args, { cwd: src, env, log, timeoutSec: 900 });
		if (r.code !== 0) throw new Fatal(`npm ${args[0]} in the package failed\n${tail(log)}`);
	}
	const packLog = fs.readFileSync(path.join(logs, 'pkg-pack.log'), 'utf8');
	// The JSON array, without npm's warnings before it and the exit line after it.
	const packed = JSON.parse(packLog.slice(packLog.indexOf('\n[') + 1, packLog.lastIndexOf('\n]') + 2))[0];
	const tarball = path.join(workDir, packed.filename);
	const pkg = readJson(path.join(src, 'package.json'));
	return { src, tarball, name: pkg.name, version: pkg.version, describe: source === 'head' ? `commit ${rev} (HEAD; uncommitted changes not included, use --worktree)` : `work tree on top of ${rev}` };
}

/** The README's manual install: `npm install <tarball>` in <N8N_USER_FOLDER>/.n8n/nodes. */
async function installIntoN8n({ tarball, name, userFolder, env, logs }) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	if (!fs.existsSync(path.join(nodesDir, 'package.json'))) fs.writeFileSync(path.join(nodesDir, 'package.json'), '{"name":"installed-nodes","private":true}\n');
	const log = path.join(logs, 'install-package.log');
	const r = await run('npm', ['install', tarball, '--no-audit', '--no-fund'], { cwd: nodesDir, env, log, timeoutSec: 900 });
	if (r.code !== 0 || !fs.existsSync(path.join(nodesDir, 'node_modules', name, 'package.json'))) throw new Fatal(`npm install of the tarball failed\n${tail(log)}`);
	const peer = path.join(nodesDir, 'node_modules', 'n8n-workflow', 'package.json');
	return { nodesDir, peerCopy: fs.existsSync(peer) ? readJson(peer).version : undefined };
}

module.exports = { toolchain, n8n, packRepo, installIntoN8n };
