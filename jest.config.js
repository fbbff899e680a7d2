/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		// tsconfig.test.json has isolatedModules: ts-jest only transpiles each file. The tests are
		// type-checked once, as a whole, by `npm run typecheck` (tsc -p tsconfig.test.json).
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
	},
	// The engine harness and the sandbox are plain JavaScript; they load as they are.
	moduleFileExtensions: ['ts', 'js', 'json'],
	// A guard against a hang, not a speed check: no test comes near it, even on a loaded machine.
	// How fast things are is measured by bench/, never asserted by a test.
	testTimeout: 300_000,
	// Two test files at a time (jest's default on a 2-core machine is one).
	maxWorkers: 2,
	// Files share Node's core modules within a worker, so every file's nock wraps `http` once more
	// and every file's n8n-core stays in memory: with one worker for all files, late files ran 10x
	// slower and the heap ran out. A worker is replaced once it holds more than this after a file
	// (every few files), instead of after every file, which cost about 0.7 CPU seconds a file.
	workerIdleMemoryLimit: '512MB',
};
