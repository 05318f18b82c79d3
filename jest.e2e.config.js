'use strict';

/**
 * End-to-end suite: this package inside real n8n (see test/e2e/README.md).
 * `npm run test:e2e`. One test file at a time: each starts its own n8n.
 * @type {import('jest').Config}
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.js'],
	transform: {},
	globalSetup: '<rootDir>/test/e2e/global-setup.js',
	maxWorkers: 1,
	testTimeout: 120000,
	verbose: true,
};
