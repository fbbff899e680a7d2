// Fails when `npm pack` would ship anything but the build, the manifest, the README and the
// licence (tests, the sandbox, sources and maps stay out of what users install).
'use strict';
const { execFileSync } = require('node:child_process');

const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }));
const files = pack.files.map((file) => file.path).sort();
const allowed = (path) =>
	['package.json', 'README.md', 'LICENSE'].includes(path) ||
	(path.startsWith('dist/') && !/\.test\.|\/test\/|\/sandbox\//.test(path));
const unexpected = files.filter((path) => !allowed(path));
const required = [
	'dist/credentials/WolkvoxCrmApi.credentials.js',
	'dist/nodes/WolkvoxCrm/WolkvoxCrm.node.js',
	'dist/nodes/WolkvoxCrm/WolkvoxCrm.node.json',
	'dist/nodes/WolkvoxCrm/wolkvoxCrm.svg',
	'dist/nodes/WolkvoxCrm/wolkvoxCrm.dark.svg',
	'LICENSE',
	'README.md',
];
const missing = required.filter((path) => !files.includes(path));

console.log(`${pack.filename}: ${files.length} files, ${pack.size} bytes packed, ${pack.unpackedSize} unpacked`);
if (unexpected.length || missing.length) {
	if (unexpected.length) console.error(`would ship files it should not: ${unexpected.join(', ')}`);
	if (missing.length) console.error(`would not ship: ${missing.join(', ')}`);
	process.exit(1);
}
