#!/usr/bin/env node
'use strict';

/*
 * `npm run verify`: lint, then the unit tests (npm test), then the end-to-end suite
 * (npm run test:e2e), each in turn, stopping at the first that fails. Its last line
 * says how long each step took and how it ended, e.g.
 *
 *   verify: passed in 17.4 min: lint 0.4 min ok, jest 2.9 min ok, e2e 14.1 min ok
 *
 * (the e2e suite's own last lines give its time per file and the n8n processes it started).
 */

const { spawnSync } = require('child_process');

const STEPS = [
	['lint', ['run', 'lint']],
	['jest', ['test']],
	['e2e', ['run', 'test:e2e']],
];

const minutes = (ms) => `${(ms / 60000).toFixed(1)} min`;
const started = Date.now();
const done = [];
let failed;
for (const [name, args] of STEPS) {
	const t = Date.now();
	const r = spawnSync('npm', args, { stdio: 'inherit' });
	const ok = r.status === 0;
	done.push(`${name} ${minutes(Date.now() - t)} ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`}`);
	if (!ok) {
		failed = r.status || 1;
		break;
	}
}
const skipped = STEPS.slice(done.length).map(([name]) => `${name} not run`);
console.log(`verify: ${failed ? 'FAILED' : 'passed'} in ${minutes(Date.now() - started)}: ${[...done, ...skipped].join(', ')}`);
process.exit(failed ?? 0);
