'use strict';

// The clock of the progress lines ([e2e mm:ss]): time since jest started.
process.env.GETBILL_E2E_T0 ??= String(Date.now());
// No colour codes in a log (CI=true alone turns them on in jest's failure excerpts).
if (!process.stderr.isTTY) process.env.NO_COLOR ??= '1';

/**
 * End-to-end suite: this package inside real n8n (see test/e2e/README.md).
 * `npm run test:e2e`. One test file at a time, all on one shared n8n server per
 * version (globalSetup starts them, lib/shared.js).
 *
 * Progress: jest's default reporter prints a file's results only when the whole
 * file ends (minutes here), so lib/progress-reporter.js prints each test as it
 * ends and lib/progress-environment.js each n8n version's set-up as it starts;
 * plain lines, no colour or spinner. The default reporter still prints the
 * failures, each file's console output and the final summary.
 * @type {import('jest').Config}
 */
module.exports = {
	testEnvironment: '<rootDir>/test/e2e/lib/progress-environment.js',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.js'],
	transform: {},
	globalSetup: '<rootDir>/test/e2e/global-setup.js',
	globalTeardown: '<rootDir>/test/e2e/global-teardown.js',
	maxWorkers: 1,
	testTimeout: 120000,
	verbose: false,
	reporters: ['default', '<rootDir>/test/e2e/lib/progress-reporter.js'],
};
