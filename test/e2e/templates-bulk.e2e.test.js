'use strict';

/*
 * The template examples/workflows/getbill-csv-overdue-invoices-to-debts.json
 * inside real n8n (the shared server of lib/shared.js): Manual Trigger →
 * Read/Write Files from Disk → Extract from File (text: the separator found
 * from the first line) → Extract from File (CSV, byte-order mark dropped, that
 * separator) → Edit Fields (columns to GetBill's names, the amount made a
 * number) → GetBill Debt Create Many (Auto-Map, Output Unsent Items, error
 * output) → Unsent → Wait → Create Many; error output → "Refused rows" →
 * "Count the refused rows".
 *
 * The CSVs people have (issue #27): the files Excel writes, "CSV UTF-8" (a
 * byte-order mark, CRLF, `,`, `"1,250.00"`) and French Excel's (`;`, `1 250,99`
 * with a non-breaking space, `1 250,00 €` with a narrow one), and a French
 * file with plain spaces, each with quoted cells holding separators, doubled
 * quotes and empty cells: the same debts, each with its invoice reference;
 * the row whose amount is no number refused with its invoice reference, name
 * and reason, the row GetBill refuses too, and their count
 * (test/fixtures/csv/).
 *
 * A CSV of 2,500 overdue invoices (three requests of Create Many: 1,000,
 * 1,000 and 499 rows) goes through a write quota of 1 write per 5 s, so the
 * run needs the loop twice. Two rows carry a phone GetBill refuses, one an
 * amount that is no number (`n/a`), one has no email and one no phone.
 *
 * The template is imported as it is but for its id, the credential and the
 * folder of the path it reads: `/home/node/.n8n-files/…` (n8n's Docker image,
 * whose HOME is /home/node) becomes the same file name under the shared
 * server's `<HOME>/.n8n-files` (n8n.filesDir), in a folder of this file's own,
 * with n8n's file access restriction left at its default (`~/.n8n-files`), as
 * the template's Setup tells a user. The template's static shape (nodes,
 * connections, parameters, the Overview's Setup, the separator and amount
 * expressions evaluated on tables of values) is test/templates.test.ts's.
 *
 * Lanes: the CSV runs are in the 'newest' lane (the template's nodes and
 * GetBill's Create Many, Output Unsent Items and batch mapping behave the same
 * on every pinned n8n; GETBILL_E2E_FULL=1 runs them on each). "Every node type
 * and version of every template exists in that n8n" is in the 'every version'
 * lane: it is exactly what differs between n8n versions (n8n runs an unknown
 * version of a node as its newest one, without a word). It needs no n8n
 * server, only that version's installed n8n package.
 */

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const { versionsFor, writeReport } = require('./lib/setup');
const W = require('./lib/workflows');
const { useSuite } = require('./lib/run');
const { ensureN8n } = require('./install-n8n');

jest.setTimeout(300000);

const EXAMPLES = path.join(__dirname, '..', '..', 'examples', 'workflows');
const TEMPLATE = path.join(EXAMPLES, 'getbill-csv-overdue-invoices-to-debts.json');
const WORKFLOW_ID = 'gbCsvDebts000001';
const CREATE = 'Create debts in GetBill';
const WAIT = 'Wait until the quota frees up';
const REFUSED = 'Refused rows';
const COUNT = 'Count the refused rows';
const READ = 'Read the CSV file';
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'csv');
/** The path the template reads: n8n's Docker image's HOME is /home/node, n8n reads files in <HOME>/.n8n-files by default */
const TEMPLATE_FILES_DIR = '/home/node/.n8n-files';
const TEMPLATE_PATH = `${TEMPLATE_FILES_DIR}/overdue-invoices.csv`;

const SCOPES = ['debts:read', 'debts:write'];
const CRED = { id: 'gbCsvCred0000001', name: 'GetBill sandbox (CSV)' };
const API = '/external-api/v1';
const BATCH_NAME = 'Overdue invoices (CSV)';

const ROWS = 2500;
/** Rows GetBill refuses (a phone too short): one in the first request, one in the last */
const REFUSED_BY_GETBILL = [17, 2345];
/** A row the node refuses before any request: an amount that is no number */
const REFUSED_BY_NODE = [1500];
const NO_EMAIL = 3;
const NO_PHONE = 4;
/** A quoted cell with a comma */
const QUOTED = 5;

const pad = (n, width) => String(n).padStart(width, '0');

/** The CSV's rows, as a user's accounting export: its own column names. */
const rows = Array.from({ length: ROWS }, (_, n) => ({
	invoice_number: `INV-CSV-${pad(n, 5)}`,
	first_name: `Csv${n}`,
	last_name: n === QUOTED ? 'Martin, Jr.' : 'Overdue',
	email: n === NO_EMAIL ? '' : `csv${n}@example.com`,
	phone: n === NO_PHONE ? '' : REFUSED_BY_GETBILL.includes(n) ? '+3312' : `+336${pad(n, 8)}`,
	amount: REFUSED_BY_NODE.includes(n) ? 'n/a' : `${100 + (n % 900)}.50`,
	currency: n % 10 === 9 ? 'usd' : 'EUR',
	due_date: `2026-${pad(1 + (n % 12), 2)}-${pad(1 + (n % 28), 2)}`,
}));
const COLUMNS = Object.keys(rows[0]);
const cell = (value) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const CSV = [COLUMNS.join(','), ...rows.map((row) => COLUMNS.map((c) => cell(row[c])).join(','))].join('\n') + '\n';

const refusedRows = [...REFUSED_BY_GETBILL, ...REFUSED_BY_NODE].sort((a, b) => a - b);
const validRows = rows.filter((_, n) => !refusedRows.includes(n));

/** The debt GetBill must hold for a valid row (an empty cell is not sent: null). */
const expectedDebt = (row) => ({
	invoice_reference: row.invoice_number,
	firstname: row.first_name,
	lastname: row.last_name,
	email: row.email || null,
	phone: row.phone || null,
	amount: Number(row.amount),
	currency: row.currency.toUpperCase(),
	due_date: row.due_date,
});

/** The template as the e2e imports it: its id, the credential and the path it reads; nothing else. */
function imported(csvPath) {
	const wf = W.fromTemplate(TEMPLATE, { id: WORKFLOW_ID, credential: CRED });
	const read = wf.nodes.find((n) => n.name === READ);
	// The path is rewritten, not replaced: the template must read where its Setup says.
	if (read?.parameters.fileSelector !== TEMPLATE_PATH) throw new Error(`${TEMPLATE} reads ${read?.parameters.fileSelector}, not ${TEMPLATE_PATH}`);
	read.parameters.fileSelector = csvPath;
	return wf;
}

/**
 * Which versions of `types` an n8n install has: {type: [versions]}, or null for a type it
 * does not have. Read with that install's own node, from each package's dist/known/nodes.json.
 */
async function nodeVersionsIn(version, types) {
	const { nodeBin, dir } = await ensureN8n(version);
	const script = `
const path = require('path');
const out = {};
for (const type of JSON.parse(process.argv[1])) {
	const dot = type.lastIndexOf('.');
	const root = path.join(process.argv[2], 'node_modules', type.slice(0, dot));
	let known;
	try { known = require(path.join(root, 'dist', 'known', 'nodes.json')); } catch { out[type] = null; continue; }
	const entry = known[type.slice(dot + 1)];
	if (!entry) { out[type] = null; continue; }
	const node = new (require(path.join(root, entry.sourcePath))[entry.className])();
	out[type] = node.nodeVersions ? Object.keys(node.nodeVersions).map(Number) : [].concat(node.description.version);
}
console.log(JSON.stringify(out));`;
	const r = spawnSync(nodeBin, ['-e', script, JSON.stringify(types), dir], { encoding: 'utf8', cwd: dir, timeout: 120000 });
	if (r.status !== 0) throw new Error(`reading the node versions of n8n ${version} failed: ${r.stderr.slice(-2000)}`);
	return JSON.parse(r.stdout.trim().split('\n').pop());
}

// The node versions: what differs between n8n versions ('every version' lane).
describe.each(versionsFor('every version'))('every template runs on n8n %s', (version) => {
	test('every node type and version of every template exists in this n8n', async () => {
		const used = {};
		for (const file of fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort()) {
			for (const n of JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')).nodes) {
				if (!n.type.startsWith('n8n-nodes-getbill.')) (used[n.type] ??= new Set()).add(`${file}: ${n.typeVersion}`);
			}
		}
		const known = await nodeVersionsIn(version, Object.keys(used));
		const missing = [];
		for (const [type, uses] of Object.entries(used)) {
			for (const use of uses) {
				const typeVersion = Number(use.split(': ').pop());
				if (!known[type]?.includes(typeVersion)) missing.push(`${use.split(':')[0]}: ${type} ${typeVersion} (n8n ${version} has ${known[type] ? known[type].join(', ') : 'no such node'})`);
			}
		}
		writeReport(`templates-node-versions-${version}.json`, known);
		expect(Object.keys(used).length).toBeGreaterThan(5);
		expect(missing).toEqual([]);
	});
});

// The 2,500-row run: the same on every pinned n8n ('newest' lane; GETBILL_E2E_FULL=1 runs it on each).
describe.each(versionsFor('newest'))('CSV of overdue invoices to GetBill debts (template) in n8n %s', (version) => {
	const suite = useSuite({ version, name: 'templates-bulk', scopes: SCOPES, credential: CRED, workflows: [] });
	const { execute, report } = suite;
	let csvDir;
	let csvPath;
	beforeAll(async () => {
		// The shared server reads files under its <HOME>/.n8n-files: this file's own folder there.
		csvDir = path.join(suite.n8n.filesDir, 'templates-bulk');
		csvPath = path.join(csvDir, path.basename(TEMPLATE_PATH));
		await suite.n8n.importWorkflows([imported(csvPath)]);
	});
	afterAll(() => {
		if (csvDir) fs.rmSync(csvDir, { recursive: true, force: true });
	});

	/** The debts the fixtures hold, as GetBill must receive them (an empty cell not sent); INV-C-004's amount is no number. */
	const FIXTURE_DEBTS = [
		{ invoice_reference: 'INV-C-001', firstname: 'Hélène', lastname: 'Dupont', email: 'helene.dupont@example.com', phone: '0612345678', amount: 1250.99, currency: 'EUR', due_date: '2024-02-10' },
		{ invoice_reference: 'INV-C-002', firstname: 'Jean-Marc', lastname: 'Dupont, Martin; SARL', email: 'jm.martin@example.com', amount: 750.5, currency: 'EUR', due_date: '2024-02-11' },
		// A phone GetBill refuses (not registered): sent, refused by GetBill.
		{ invoice_reference: 'INV-C-003', firstname: 'Paul', lastname: 'O\'Neil "Sr"', phone: '+33698765432', amount: 12.5, currency: 'EUR' },
		{ invoice_reference: 'INV-C-005', firstname: 'Luc', lastname: 'Petit', email: 'luc.petit@example.com', amount: 1250, currency: 'EUR', due_date: '2024-02-13' },
	];
	const FIXTURE_FILES = [
		['excel-csv-utf8.csv', 'Excel "CSV UTF-8": a byte-order mark, CRLF, `,`, "1,250.00"', { bom: true, crlf: true, separator: ',' }],
		['excel-fr-csv-utf8.csv', 'French Excel "CSV UTF-8": a byte-order mark, CRLF, `;`, 1 250,99 with a non-breaking space, 1 250,00 € with a narrow one', { bom: true, crlf: true, separator: ';' }],
		['fr-plain-space.csv', 'a French file with plain spaces: `;`, 1 250,99, no byte-order mark, LF', { bom: false, crlf: false, separator: ';' }],
	];

	test.each(FIXTURE_FILES)('%s (%s): the same debts, each with its invoice reference; the row whose amount is no number and the row GetBill refuses listed with reference, name and reason, and counted', async (file, _what, shape) => {
		const { server } = suite;
		const bytes = fs.readFileSync(path.join(FIXTURES, file));
		// The fixture is what the exporting tool writes (git must not have changed its line ends).
		expect({ bom: bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), crlf: bytes.includes('\r\n'), separator: bytes.toString('utf8').split(/\r?\n/)[0].includes(';') ? ';' : ',' }).toEqual(shape);
		fs.mkdirSync(csvDir, { recursive: true });
		fs.writeFileSync(csvPath, bytes);
		server.setQuota('writes', { limit: 500, windowSeconds: 3600, used: 0 });
		const r = await execute(WORKFLOW_ID);
		const { runData, error } = r.run.data.resultData;
		if (!r.ok || error) throw new Error(`expected success: status ${r.run.status}, ${error?.message ?? ''} ${error?.description ?? ''}`);
		const out = (node, output = 0) => (runData[node] ?? []).flatMap((run) => run.data.main[output] ?? []).map((o) => o.json);
		report.cases[file] = { requests: r.api.map((q) => ({ method: q.method, path: q.path, status: q.status })), refused: out(REFUSED), count: out(COUNT) };

		// The first column read as `invoice_number` (no byte-order mark in its name), the separator found: every row, every column.
		// (n8n's CSV extraction leaves an empty cell out of the row: INV-C-002 has no phone, INV-C-003 no email and no due date, …)
		const extracted = out('Extract rows from CSV');
		expect(extracted.map((row) => [row.invoice_number, Object.keys(row).length])).toEqual([['INV-C-001', 8], ['INV-C-002', 7], ['INV-C-003', 6], ['INV-C-004', 7], ['INV-C-005', 7]]);
		expect([...new Set(extracted.flatMap((row) => Object.keys(row)))].sort()).toEqual(['amount', 'currency', 'due_date', 'email', 'first_name', 'invoice_number', 'last_name', 'phone']);
		// One Create Many: the four rows whose amount is a number, as GetBill's fields (an empty cell not sent).
		expect(r.api.map((q) => [q.method, q.path, q.status])).toEqual([['POST', `${API}/debts/batch`, 200]]);
		expect(JSON.parse(r.api[0].rawBody).debts.map(({ temp_id: _, ...debt }) => debt)).toEqual(FIXTURE_DEBTS);
		// Created: each with its invoice reference (INV-C-003 refused by GetBill).
		const created = out(CREATE).map((debt) => server.getDebt(debt.id));
		expect(created.map((d) => [d.invoice_reference, d.firstname, d.lastname, d.amount])).toEqual(
			FIXTURE_DEBTS.filter((d) => d.invoice_reference !== 'INV-C-003').map((d) => [d.invoice_reference, d.firstname, d.lastname, d.amount]),
		);
		// Refused: by the node (the amount) and by GetBill (the phone), each named by its invoice and name, with the reason; then counted.
		expect(out(REFUSED).sort((a, b) => a.invoice_reference.localeCompare(b.invoice_reference))).toEqual([
			{ invoice_reference: 'INV-C-003', firstname: 'Paul', lastname: 'O\'Neil "Sr"', reason: expect.stringMatching(/^GetBill did not create the debt of item 2: phone: number not registered in carrier database$/) },
			{ invoice_reference: 'INV-C-004', firstname: 'Zoé', lastname: 'Bernard', reason: expect.stringMatching(/^Amount \(amount\) must be a number: "abc"/) },
		]);
		expect(out(COUNT)).toEqual([{ refused_rows: 2, invoice_references: expect.stringMatching(/^INV-C-00[34], INV-C-00[34]$/) }]);
		expect(out(COUNT)[0].invoice_references.split(', ').sort()).toEqual(['INV-C-003', 'INV-C-004']);
	});

	test(`${ROWS} rows through 1 write per 5 s: every valid row one debt, the refused rows named in "Refused rows", no 429`, async () => {
		const { server } = suite;
		const importsBefore = new Set(server.imports.keys());
		fs.mkdirSync(csvDir, { recursive: true });
		fs.writeFileSync(csvPath, CSV);
		server.setQuota('writes', { limit: 1, windowSeconds: 5, used: 0 });
		const r = await execute(WORKFLOW_ID);
		// The whole run, as n8n saved it (GET /rest/executions/<id>: every node's output, not cut short).
		const execution = r.run;
		const { runData, error } = execution.data.resultData;
		if (!r.ok || error || execution.status !== 'success') {
			throw new Error(`expected success: status ${execution.status}, ${error?.message ?? ''} ${error?.description ?? ''}\n${r.stderr.slice(-3000)}`);
		}

		// Three requests of Create Many, none answered 429; the 2nd and 3rd only once the quota freed up.
		const requests = r.api.map((q) => ({ method: q.method, path: q.path.slice(API.length), status: q.status, debts: JSON.parse(q.rawBody).debts.length, startedAt: q.startedAt }));
		report.cases.csv = { rows: ROWS, ms: r.ms, requests: requests.map(({ startedAt, ...q }) => ({ ...q, at: startedAt - requests[0].startedAt })) };
		expect(requests.map(({ method, path: p, status, debts }) => [method, p, status, debts])).toEqual([
			['POST', '/debts/batch', 200, 1000],
			['POST', '/debts/batch', 200, 1000],
			['POST', '/debts/batch', 200, ROWS - 1000 - 1000 - REFUSED_BY_NODE.length],
		]);
		expect(r.api.filter((q) => q.status === 429)).toEqual([]);
		for (let i = 1; i < requests.length; i++) expect(requests[i].startedAt - requests[i - 1].startedAt).toBeGreaterThanOrEqual(4500);

		// What was sent: GetBill's field names only (Auto-Map of the mapped columns), never getbill_quota_frees_at.
		const sent = r.api.flatMap((q) => JSON.parse(q.rawBody).debts);
		expect(r.api.map((q) => JSON.parse(q.rawBody).batch_name)).toEqual(Array(3).fill(BATCH_NAME));
		const keys = new Set(sent.flatMap((d) => Object.keys(d)));
		expect([...keys].sort()).toEqual(['amount', 'currency', 'due_date', 'email', 'firstname', 'invoice_reference', 'lastname', 'phone', 'temp_id']);
		expect(sent.find((d) => d.invoice_reference === rows[NO_EMAIL].invoice_number)).not.toHaveProperty('email');
		expect(sent.find((d) => d.invoice_reference === rows[NO_PHONE].invoice_number)).not.toHaveProperty('phone');
		// Every row but the one the node refused sent exactly once.
		expect(sent.map((d) => d.invoice_reference).sort()).toEqual(rows.filter((_, n) => !REFUSED_BY_NODE.includes(n)).map((row) => row.invoice_number).sort());

		// GetBill's state: every valid row exactly one debt, with the row's values.
		const debts = [...server.debtRecords.values()].filter((d) => String(d.invoice_reference).startsWith('INV-CSV-'));
		expect(debts).toHaveLength(validRows.length);
		const byInvoice = new Map(debts.map((d) => [d.invoice_reference, d]));
		expect(byInvoice.size).toBe(validRows.length);
		for (const row of validRows) {
			const debt = byInvoice.get(row.invoice_number);
			const expected = expectedDebt(row);
			expect(Object.fromEntries(Object.keys(expected).map((k) => [k, debt?.[k] ?? null]))).toEqual(expected);
		}
		expect([...server.imports.values()].filter((i) => i.batch_name === BATCH_NAME && !importsBefore.has(i.import_id)).map((i) => i.debt_ids.length).reduce((a, b) => a + b, 0)).toBe(validRows.length);

		// The loop: Create Many ran three times (twice handing rows on to Unsent), the Wait twice.
		const runs = runData[CREATE];
		const perRun = runs.map((run) => ({
			done: (run.data.main[0] ?? []).length,
			unsent: (run.data.main[1] ?? []).length,
			refused: (run.data.main[2] ?? []).length,
			freesAt: run.data.main[1]?.[0]?.json.getbill_quota_frees_at,
		}));
		Object.assign(report.cases.csv, { debtsCreated: debts.length, getBillRuns: runs.length, waitRuns: runData[WAIT]?.length ?? 0, perRun, status429: 0 });
		expect(perRun.map(({ done, unsent, refused }) => [done, unsent, refused])).toEqual([
			[999, 1499, 2],
			[1000, 499, 0],
			[498, 0, 1],
		]);
		expect(runData[WAIT]).toHaveLength(2);
		for (const { freesAt } of perRun.slice(0, 2)) expect(freesAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?([+-]\d\d:\d\d|Z)$/);
		// The Done outputs: one item per debt created, with its GetBill id.
		const done = runs.flatMap((run) => run.data.main[0] ?? []);
		expect(done.map((o) => o.json.id).sort()).toEqual(debts.map((d) => d.id).sort());

		// Refused rows: each refused row once, named by its invoice and name, with the reason.
		const refused = (runData[REFUSED] ?? []).flatMap((run) => run.data.main[0] ?? []).map((o) => o.json);
		report.cases.csv.refusedRows = refused;
		expect(refused.map((o) => o.invoice_reference).sort()).toEqual(refusedRows.map((n) => rows[n].invoice_number).sort());
		for (const o of refused) {
			const n = rows.findIndex((row) => row.invoice_number === o.invoice_reference);
			expect(Object.keys(o).sort()).toEqual(['firstname', 'invoice_reference', 'lastname', 'reason']);
			expect([o.firstname, o.lastname]).toEqual([rows[n].first_name, rows[n].last_name]);
			if (REFUSED_BY_GETBILL.includes(n)) expect(o.reason).toMatch(/^GetBill did not create the debt of item \d+: phone: phone number too short$/);
			else expect(o.reason).toMatch(/Amount \(amount\).*must be a number: "n\/a"/);
		}
		// Counted once per pass of Create Many that refused rows: the first (its two) and the last (its one), in whichever
		// order n8n ran the two branches; each count line right after its "Refused rows" run.
		const counts = (runData[COUNT] ?? []).map((run) => run.data.main[0].map((o) => o.json));
		report.cases.csv.counts = counts;
		expect(counts.map((lines) => lines.map((line) => line.refused_rows)).sort()).toEqual([[1], [2]]);
		const refusedPerPass = runData[REFUSED].map((run) => run.data.main[0].map((o) => o.json.invoice_reference).sort());
		expect(counts.map(([line]) => line.invoice_references.split(', ').sort())).toEqual(refusedPerPass);
	});
});
