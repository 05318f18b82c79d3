'use strict';

/*
 * jest's node environment plus progress lines for what a reporter cannot see:
 * a top-level describe starting (one per n8n version: its name says which) and
 * its beforeAll/afterAll, where each e2e file starts and stops its n8n (about a
 * minute, before the first test can report anything). Same line format as
 * progress-reporter.js; a beforeAll still running after 30 s says so every 30 s.
 */

// jest's own node environment (a dependency of jest-config, wherever npm put it)
const { TestEnvironment } = require(
	require.resolve('jest-environment-node', { paths: [require.resolve('jest-config'), __dirname] }),
);

const { say, duration, firstLine } = require('./progress-reporter');

const HEARTBEAT_MS = 30000;
const ROOT = 'ROOT_DESCRIBE_BLOCK';

const isTopLevel = (block) => block && block.parent && block.parent.name === ROOT;

class ProgressEnvironment extends TestEnvironment {
	constructor(config, context) {
		super(config, context);
		// Which file started an n8n process or a browser (lib/ledger.js).
		this.global.process.env.GETBILL_E2E_FILE = require('path').relative(config.globalConfig?.rootDir ?? process.cwd(), context.testPath);
		this.hooks = new Map(); // hook -> {started, timer, what}
		// Against an n8n started elsewhere (lib/external.js) only the core files run.
		const { isExternal, externalPlan } = require('./external');
		this.externalSkip = isExternal() ? externalPlan(context.testPath) : { run: true };
		this.testPath = context.testPath;
	}

	async handleTestEvent(event, state) {
		if (event.name === 'run_start' && !this.externalSkip.run) {
			// Every test skipped before any hook runs (no beforeAll starts anything), said loudly.
			const skipAll = (block) => {
				for (const child of block.children) {
					child.mode = 'skip';
					if (child.type === 'describeBlock') skipAll(child);
				}
			};
			skipAll(state.rootDescribeBlock);
			process.stderr.write(`${require('./external').skipBanner(this.testPath, this.externalSkip.reason)}\n`);
			say(`skipped: ${require('path').basename(this.testPath)} (external n8n: ${this.externalSkip.reason})`);
			return;
		}
		if (event.name === 'run_describe_start' && isTopLevel(event.describeBlock)) {
			say(`▶ ${event.describeBlock.name}`);
			return;
		}
		if (event.name === 'hook_start' && /^(beforeAll|afterAll)$/.test(event.hook.type) && isTopLevel(event.hook.parent)) {
			const what = event.hook.type === 'beforeAll' ? 'beforeAll (installs the package, prepares n8n)' : 'afterAll (stops what it started)';
			const started = Date.now();
			if (event.hook.type === 'beforeAll') say(`  ${what} ...`);
			const timer = setInterval(() => say(`  … ${what}: still running (${duration(Date.now() - started)})`), HEARTBEAT_MS);
			timer.unref?.();
			this.hooks.set(event.hook, { started, timer, what });
			return;
		}
		if (event.name === 'hook_success' || event.name === 'hook_failure') {
			const h = this.hooks.get(event.hook);
			if (!h) return;
			clearInterval(h.timer);
			this.hooks.delete(event.hook);
			const ms = Date.now() - h.started;
			if (event.name === 'hook_failure') say(`  ✗ ${h.what} FAILED after ${duration(ms)}: ${firstLine(event.error?.message ?? event.error).slice(0, 300)}`);
			else if (event.hook.type === 'beforeAll' || ms > 5000) say(`  ${h.what}: done in ${duration(ms)}`);
		}
	}

	async teardown() {
		for (const { timer } of this.hooks.values()) clearInterval(timer);
		this.hooks.clear();
		await super.teardown();
	}
}

module.exports = ProgressEnvironment;
