// Fails when `npm pack` would ship anything but the build, the manifest, the README, the licence
// and the changelog (tests, the sandbox, sources and maps stay out of what users install), or
// when package.json's links and author are not what n8n's verification compares: homepage,
// repository and bugs must all name the same GitHub repository, the author a name and an email
// that is not a reserved placeholder domain.
'use strict';
const { execFileSync } = require('node:child_process');
const manifest = require('../package.json');

const problems = [];

const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }));
const files = pack.files.map((file) => file.path).sort();
const allowed = (path) =>
	['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(path) ||
	(path.startsWith('dist/') && !/\.test\.|\/test\/|\/sandbox\//.test(path));
const unexpected = files.filter((path) => !allowed(path));
const required = [
	'dist/credentials/WolkvoxCrmApi.credentials.js',
	'dist/nodes/WolkvoxCrm/WolkvoxCrm.node.js',
	'dist/nodes/WolkvoxCrm/WolkvoxCrm.node.json',
	'dist/nodes/WolkvoxCrm/wolkvoxCrm.svg',
	'dist/nodes/WolkvoxCrm/wolkvoxCrm.dark.svg',
	'dist/nodes/WolkvoxCrmTrigger/WolkvoxCrmTrigger.node.js',
	'dist/nodes/WolkvoxCrmTrigger/WolkvoxCrmTrigger.node.json',
	'dist/nodes/WolkvoxCrmTrigger/wolkvoxCrmTrigger.svg',
	'dist/nodes/WolkvoxCrmTrigger/wolkvoxCrmTrigger.dark.svg',
	'LICENSE',
	'README.md',
	'CHANGELOG.md',
];
const missing = required.filter((path) => !files.includes(path));
if (unexpected.length) problems.push(`would ship files it should not: ${unexpected.join(', ')}`);
if (missing.length) problems.push(`would not ship: ${missing.join(', ')}`);

// Every file n8n loads (package.json's n8n block) must be in the package.
const declared = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])];
const undeclared = declared.filter((path) => !files.includes(path));
if (undeclared.length) problems.push(`n8n block names files the package lacks: ${undeclared.join(', ')}`);

// The links: one GitHub repository, written the ways npm and GitHub expect.
const repoMatch = /^git\+https:\/\/github\.com\/([\w.-]+\/[\w.-]+)\.git$/.exec(manifest.repository?.url ?? '');
if (!repoMatch) {
	problems.push(`repository.url should look like git+https://github.com/OWNER/NAME.git, not "${manifest.repository?.url}"`);
} else {
	const web = `https://github.com/${repoMatch[1]}`;
	if (manifest.homepage !== `${web}#readme`) problems.push(`homepage should be ${web}#readme`);
	if (manifest.bugs?.url !== `${web}/issues`) problems.push(`bugs.url should be ${web}/issues`);
}

// The author: a name and an email (strict n8n-node lint requires one) outside the domains
// reserved for examples and tests, which no one can receive mail at.
const email = manifest.author?.email ?? '';
if (!manifest.author?.name) problems.push('author.name is empty');
if (!/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(email)) problems.push(`author.email "${email}" is not an email address`);
if (/@(.+\.)?(example(\.(com|net|org))?|test|invalid|localhost)$/i.test(email)) {
	problems.push(`author.email "${email}" is a placeholder domain`);
}

console.log(`${pack.filename}: ${files.length} files, ${pack.size} bytes packed, ${pack.unpackedSize} unpacked`);
if (problems.length) {
	for (const problem of problems) console.error(problem);
	process.exit(1);
}
