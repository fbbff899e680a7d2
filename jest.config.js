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
	// Every test file loads its own n8n-core, and in one process that adds up past the heap:
	// a worker that holds more than this after a file is replaced by a fresh one.
	workerIdleMemoryLimit: '2GB',
};
