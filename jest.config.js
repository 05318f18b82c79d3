'use strict';

/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json', }],
	},
	setupFiles: ['<rootDir>/test/helpers/env.ts'],
	setupFilesAfterEnv: ['<rootDir>/test/helpers/teardown.ts'],
	testTimeout: 30000,
};
