'use strict';

/*
 * Progress of the e2e suite as it happens, one plain line per event (no colour,
 * no spinner: the same in a terminal and in a CI log), next to jest's default
 * reporter (which prints a file's failures and console output when the file ends,
 * and the final "Tests: N passed, N total"):
 *
 *   [e2e 02:41] ▶ test/e2e/editor.e2e.test.js (file 1 of 3)
 *   [e2e 02:41] ▶ GetBill in the n8n 2.41.1 editor (chromium)        <- progress-environment.js
 *   [e2e 02:41]   beforeAll (installs the package, prepares n8n) ...
 *   [e2e 03:20]   beforeAll (installs the package, prepares n8n): done in 38.9 s
 *   [e2e 03:23]   ✓ signs in as the owner (2.6 s)
 *   [e2e 06:02] ■ test/e2e/editor.e2e.test.js: 24 passed in 3m21s
 *
 * The clock is the time since jest started (GETBILL_E2E_T0, set by jest.e2e.config.js).
 * A test still running after 30 s gets a "still running" line every 30 s.
 * Lines go to stderr, like jest's own.
 */

const path = require('path');

const { readLedger } = require('./ledger');

const HEARTBEAT_MS = 30000;

function t0() {
	const v = Number(process.env.GETBILL_E2E_T0);
	return Number.isFinite(v) && v > 0 ? v : Date.now();
}
const START = t0();

function clock(ms = Date.now() - START) {
	const s = Math.max(0, Math.floor(ms / 1000));
	return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** 2.6 s, 1m05s */
function duration(ms) {
	if (ms === undefined || ms === null || Number.isNaN(ms)) return '?';
	if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
	const s = Math.round(ms / 1000);
	return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const firstLine = (text) =>
	String(text ?? '')
		.replace(ANSI, '')
		.split('\n')
		.map((l) => l.trim())
		.find(Boolean) ?? '';

/** Writes one progress line to stderr. */
function say(msg) {
	process.stderr.write(`[e2e ${clock()}] ${msg}\n`);
}

const MARK = { passed: '✓', failed: '✗', pending: '○ skipped', skipped: '○ skipped', todo: '✎ todo', focused: '✓' };

/**
 * The run's time table: per file, its time, its tests and the n8n processes and browsers it
 * started (lib/ledger.js); then the starts by kind and the total.
 */
function summary(files, ledger, totalMs) {
	const lines = ['time per file (tests; n8n processes and browsers the file started):'];
	const width = Math.max(10, ...files.map((f) => f.file.length));
	const startsOf = (file) => ledger.filter((e) => e.file === file);
	for (const f of [...files].sort((a, b) => b.ms - a.ms)) {
		const starts = startsOf(f.file);
		const tests = `${f.passed} passed${f.failed ? `, ${f.failed} failed` : ''}${f.skipped ? `, ${f.skipped} skipped` : ''}`;
		lines.push(`  ${f.file.padEnd(width)}  ${duration(f.ms).padStart(7)}  ${tests}; ${starts.length} started`);
	}
	const kinds = {};
	for (const e of ledger) {
		const k = `${e.kind}${e.version ? ` ${e.version}` : ''}`;
		kinds[k] ??= { n: 0, ms: 0 };
		kinds[k].n++;
		kinds[k].ms += e.ms ?? 0;
	}
	lines.push('each n8n process and browser started, in order (the file that started it; the time it took to be ready):');
	for (const e of ledger) lines.push(`  ${e.kind}${e.version ? ` ${e.version}` : ''}  ${e.file}${e.ms ? `  ${duration(e.ms)}` : ''}`);
	lines.push(`started in this run: ${ledger.length} (${Object.entries(kinds).map(([k, { n, ms }]) => `${k}: ${n}${ms ? `, ${duration(ms)}` : ''}`).join('; ') || 'none'})`);
	const setUp = files.length ? Math.max(0, totalMs - files.reduce((a, f) => a + f.ms, 0)) : totalMs;
	lines.push(`e2e total ${duration(totalMs)}: ${files.length} files ${duration(totalMs - setUp)}, set-up (n8n, build, shared servers) ${duration(setUp)}`);
	return lines;
}

class ProgressReporter {
	constructor(globalConfig) {
		this.rootDir = globalConfig.rootDir;
		this.filesDone = 0;
		this.filesTotal = 0;
		this.fileStarted = new Map();
		this.running = new Map(); // fullName -> {started, timer}
		this.files = []; // {file, ms, passed, failed, skipped}
	}

	rel(testPath) {
		return path.relative(this.rootDir, testPath) || testPath;
	}

	onRunStart(results) {
		this.filesTotal = results.numTotalTestSuites;
		say(
			`${this.filesTotal} test file${this.filesTotal === 1 ? '' : 's'}, one at a time; in each, every n8n version ` +
				'is first prepared (beforeAll: the package installed, n8n imported or started; 10 s to a minute or two), then its tests run',
		);
	}

	onTestFileStart(test) {
		this.fileStarted.set(test.path, Date.now());
		say(`▶ ${this.rel(test.path)} (file ${this.filesDone + 1} of ${this.filesTotal})`);
	}

	onTestCaseStart(test, info) {
		const name = info.fullName;
		const started = info.startedAt ?? Date.now();
		const timer = setInterval(() => {
			say(`  … still running: ${this.title(info)} (${duration(Date.now() - started)})`);
		}, HEARTBEAT_MS);
		timer.unref?.();
		this.running.set(name, { started, timer });
	}

	/** The test's title with any nested describe below the top-level one (which names the version). */
	title(t) {
		return [...(t.ancestorTitles ?? []).slice(1), t.title].join(' › ');
	}

	onTestCaseResult(test, result) {
		const run = this.running.get(result.fullName);
		if (run) clearInterval(run.timer);
		this.running.delete(result.fullName);
		const ms = result.duration ?? (run ? Date.now() - run.started : undefined);
		const mark = MARK[result.status] ?? result.status;
		const time = result.status === 'passed' || result.status === 'failed' ? ` (${duration(ms)})` : '';
		say(`  ${mark} ${this.title(result)}${time}`);
		if (result.status === 'failed') {
			const why = firstLine((result.failureMessages ?? [])[0]);
			if (why) say(`      ${why.slice(0, 300)}`);
		}
	}

	onTestFileResult(test, result) {
		for (const { timer } of this.running.values()) clearInterval(timer);
		this.running.clear();
		this.filesDone++;
		const ms = Date.now() - (this.fileStarted.get(test.path) ?? Date.now());
		const counts = [
			[result.numPassingTests, 'passed'],
			[result.numFailingTests, 'failed'],
			[result.numPendingTests, 'skipped'],
			[result.numTodoTests, 'todo'],
		]
			.filter(([n]) => n)
			.map(([n, what]) => `${n} ${what}`);
		this.files.push({ file: this.rel(test.path), ms, passed: result.numPassingTests, failed: result.numFailingTests, skipped: result.numPendingTests });
		if (result.testExecError) {
			say(`■ ${this.rel(test.path)}: could not run (${firstLine(result.testExecError.message).slice(0, 300)}) after ${duration(ms)}`);
		} else {
			say(`■ ${this.rel(test.path)}: ${counts.join(', ') || 'no tests'} in ${duration(ms)} (${this.filesDone} of ${this.filesTotal} files done)`);
		}
	}

	onRunComplete() {
		const total = Date.now() - START;
		for (const line of summary(this.files, readLedger(), total)) say(line);
		say(`e2e finished after ${duration(total)}`);
	}

	getLastError() {
		return undefined;
	}
}

module.exports = ProgressReporter;
module.exports.say = say;
module.exports.duration = duration;
module.exports.firstLine = firstLine;
module.exports.summary = summary;
