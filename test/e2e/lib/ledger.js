'use strict';

/*
 * The e2e run's ledger of what it started: one JSON line per n8n process (a server or
 * a one-shot CLI command) and per browser, with the test file that started it and how
 * long it took to be ready. globalSetup names the file (GETBILL_E2E_LEDGER); the
 * progress reporter sums it up at the end of the run.
 */

const fs = require('fs');

/** Counts one start: `kind` e.g. 'n8n start', 'n8n execute', 'chromium'. */
function countStart(kind, detail = {}) {
	const file = process.env.GETBILL_E2E_LEDGER;
	if (!file) return;
	try {
		fs.appendFileSync(file, JSON.stringify({ at: Date.now(), kind, file: process.env.GETBILL_E2E_FILE ?? '(global set-up)', ...detail }) + '\n');
	} catch {
		/* counting must never fail a test */
	}
}

/** The ledger's entries. */
function readLedger(file = process.env.GETBILL_E2E_LEDGER) {
	try {
		return fs
			.readFileSync(file, 'utf8')
			.split('\n')
			.filter(Boolean)
			.map((l) => JSON.parse(l));
	} catch {
		return [];
	}
}

module.exports = { countStart, readLedger };
