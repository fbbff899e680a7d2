/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
	},
	// The engine harness and the sandbox are plain JavaScript; they load as they are.
	moduleFileExtensions: ['ts', 'js', 'json'],
	testTimeout: 30000,
	// Each test file gets a fresh worker process. Files share Node's core modules within a
	// process, so every file's nock wraps `http` once more and every file's n8n-core stays in
	// memory: late files (the soak) ran 10x slower and the heap ran out. A limit this low
	// replaces the worker after every file (and makes jest use workers even on one CPU).
	workerIdleMemoryLimit: '1MB',
};
