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
};
