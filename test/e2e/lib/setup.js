'use strict';

/*
 * Shared state between jest's globalSetup (which installs n8n and packs the
 * package once per run) and the e2e test files.
 */

const fs = require('fs');
const path = require('path');

const { VERSIONS } = require('../install-n8n');
const { ROOT } = require('./package');

const ARTIFACTS = path.join(ROOT, '.e2e', 'artifacts');
// One state file per jest run (globalSetup sets GETBILL_E2E_STATE), so that two runs side by side
// (two worktrees, a developer and a helper) never read each other's servers.
const stateFile = () => process.env.GETBILL_E2E_STATE || path.join(ARTIFACTS, 'e2e-state.json');
const REPORTS = path.join(ROOT, '.e2e', 'reports');

/** The pinned versions to test: all, or those in GETBILL_E2E_VERSIONS (comma-separated). */
function selectedVersions() {
	const all = Object.keys(VERSIONS);
	const wanted = (process.env.GETBILL_E2E_VERSIONS ?? '')
		.split(',')
		.map((v) => v.trim())
		.filter(Boolean);
	if (!wanted.length) return all;
	const unknown = wanted.filter((v) => !all.includes(v));
	if (unknown.length) throw new Error(`GETBILL_E2E_VERSIONS names unpinned versions: ${unknown.join(', ')} (pinned: ${all.join(', ')})`);
	return wanted;
}

const NEWEST = Object.keys(VERSIONS)[0];
const full = () => /^(1|true|yes)$/i.test(process.env.GETBILL_E2E_FULL ?? '');

/**
 * The versions a test file runs on. Every file runs on the newest pinned n8n. On the older
 * pinned versions only the files whose behaviour depends on what differs between n8n
 * versions (`lane: 'every version'`: install and loading, version 1 workflows, the editor's
 * rendering, tool mode, the trigger, Retry On Fail in n8n-core's retry loop); the others
 * (`lane: 'newest'`) run there too with GETBILL_E2E_FULL=1 (the weekly CI run).
 * GETBILL_E2E_VERSIONS narrows either. test/e2e/README.md says which file is in which lane, and why.
 * @param {'every version'|'newest'} lane
 */
function versionsFor(lane) {
	if (lane !== 'every version' && lane !== 'newest') throw new Error(`versionsFor: lane must be 'every version' or 'newest', not ${JSON.stringify(lane)}`);
	// An n8n started elsewhere (GETBILL_E2E_N8N_URL, lib/external.js): its one version, whatever the lane.
	if (require('./external').isExternal()) return [readState().external.version];
	const selected = selectedVersions();
	return lane === 'every version' || full() ? selected : selected.filter((v) => v === NEWEST);
}

function readState() {
	try {
		return JSON.parse(fs.readFileSync(stateFile(), 'utf8'));
	} catch {
		throw new Error(`${stateFile()} is missing: run the e2e suite with \`npm run test:e2e\` (jest -c jest.e2e.config.js), whose globalSetup packs the package`);
	}
}

function writeState(state) {
	fs.mkdirSync(path.dirname(stateFile()), { recursive: true });
	fs.writeFileSync(stateFile(), JSON.stringify(state, null, 2));
}

/** Writes a JSON report under .e2e/reports (git-ignored) and returns its path. */
function writeReport(name, data) {
	fs.mkdirSync(REPORTS, { recursive: true });
	const file = path.join(REPORTS, name);
	fs.writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
	return file;
}

/** Whether to keep the per-run user folders (for debugging). */
const keepFolders = () => /^(1|true|yes)$/i.test(process.env.GETBILL_E2E_KEEP ?? '');

module.exports = { ARTIFACTS, stateFile, REPORTS, NEWEST, selectedVersions, versionsFor, readState, writeState, writeReport, keepFolders };
