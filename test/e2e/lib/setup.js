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
const STATE_FILE = path.join(ARTIFACTS, 'e2e-state.json');
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

function readState() {
	try {
		return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
	} catch {
		throw new Error(`${STATE_FILE} is missing: run the e2e suite with \`npm run test:e2e\` (jest -c jest.e2e.config.js), whose globalSetup packs the package`);
	}
}

function writeState(state) {
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
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

module.exports = { ARTIFACTS, STATE_FILE, REPORTS, selectedVersions, readState, writeState, writeReport, keepFolders };
