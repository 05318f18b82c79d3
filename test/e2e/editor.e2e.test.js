'use strict';

/*
 * The GetBill node in n8n's editor, in a real browser (the run's one chromium,
 * driven by playwright-core, a context of this file's own), on every pinned n8n
 * version: the shared n8n server of the version (lib/shared.js, the package
 * installed, N8N_WEBHOOK_URL set), sign-in through the UI as its owner, the editor
 * shown only this file's credentials (as a fresh n8n would be), a new
 * workflow, GetBill from the node creator, every Update Field, the option
 * lists, the icons, the credential dialog; and the AI-tool variant registered.
 * Then the Debt resource: its actions in the node creator, Create debt's
 * parameters, Additional Fields and Auto-Map. Then the Report resource: every
 * resource's actions in the node creator, Download report's panel. Nodes added
 * from the node creator are version 2 (IDs as resource locators, actions
 * without articles); the saved workflow says so.
 *
 * Then version 2's "From List" against the GetBill-like test server (a
 * credential that really works): a debt found by its invoice reference on the
 * list's second page and a followup found by its type, each picked, the node
 * executed in the editor, the request GetBill received and the output pane
 * checked. Last, a version-1 workflow (test/fixtures/workflow-v1.json) imported
 * with the editor's "Import from file": its nodes keep version 1's parameters
 * and UI, and stay version 1 once saved.
 *
 * Screenshots go to .e2e/screenshots/<version>/. The ones in docs/ (shown in the
 * README) are written from n8n DOCS_VERSION when missing, or always with
 * GETBILL_E2E_UPDATE_DOCS=1 (`npm run docs:screenshots`).
 */

const fs = require('fs');
const path = require('path');

const os = require('os');

const { ROOT } = require('./lib/package');
const { versionsFor } = require('./lib/setup');
const { sharedN8n, SHARED_ENV } = require('./lib/shared');
const { browserSession, openInEditor, screenshot, tid, closeToasts, settled, shotSaver } = require('./lib/browser');
const W = require('./lib/workflows');

jest.setTimeout(180000);

const DOCS_VERSION = '2.41.1';
const VIEWPORT = { width: 1440, height: 1300 };
/**
 * The trigger panel shows the Production URL: n8n's webhook base URL, then the node's
 * webhookId, which the editor makes up (a random UUID) when the node is added from the
 * node creator, as here. So that the picture is the same every run: n8n's own
 * N8N_WEBHOOK_URL (what a user behind a reverse proxy sets; WEBHOOK_URL on 2.8.4) gives the
 * URL a fixed host (the shared server runs with it: lib/shared.js SHARED_ENV), and the picture shows
 * WEBHOOK_ID_SHOWN in place of the random id.
 */
const WEBHOOK_URL = 'https://your-n8n.example.com/';
const WEBHOOK_ID_SHOWN = '4f9c2e1a-7b3d-4c8e-9a5f-2d6b8e0c1f3a';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** The API's values, by the names the editor must show (shared/api/update-followup.md). */
const EXPECTED_OPTIONS = {
	status: ['Bad Behavior', 'Cancelled', 'Deal Found', 'Deal Not Found', 'Delivered', 'Failed', 'In Progress', 'No Answer', 'On Hold', 'Scheduled', 'Sent'],
	type: ['Call', 'Email', 'Manual Call', 'Physical', 'Postmail', 'SMS', 'Voicemail', 'WhatsApp'],
	direction: ['Inbound', 'Outbound'],
};
const UPDATE_FIELDS = {
	'Audio URL': 'audio_url',
	'Call Date': 'call_date',
	'Call ID': 'call_id',
	Direction: 'direction',
	'Disconnection Reason': 'disconnection_reason',
	'Duration (Ms)': 'duration_ms',
	'Is Retry': 'is_retry',
	Notes: 'notes',
	'Phone Number Used': 'phone_number_used',
	'Scheduled At': 'scheduled_at',
	Status: 'status',
	Summary: 'summary',
	Type: 'type',
};
/** The Resource list (nodes/GetBill/GetBill.node.ts), Followup by default. */
const RESOURCES = [
	['Company', 'company'],
	['Creditor', 'creditor'],
	['Debt', 'debt'],
	['Debtor', 'debtor'],
	['Followup', 'followup'],
	['Report', 'report'],
	['User', 'user'],
].map(([name, value]) => ({ name, value }));
/**
 * The node creator lists each resource's operations by their `action`, under "<Resource> Actions", in the
 * description's order: version 2's words (a node added from the node creator is version 2).
 */
const CREATOR_ACTIONS = {
	Debt: ['Create debt', 'Create many debts', 'Delete debt', 'Get debt', 'Get many debts', 'Get debts of creditor', 'Get debts of debtor', 'Update debt'],
	Followup: ['Create followup', 'Get followup', 'Get many followups', 'Get followups of debt', 'Update followup'],
	Report: ['Download report', 'Get report', 'Get many reports'],
};
/** Version 1's words for the same operations (kept for saved v1 workflows). */
const V1_ACTIONS = {
	Debt: ['Create a debt', 'Create many debts', 'Delete a debt', 'Get a debt', 'Get many debts', 'Get many debts of a creditor', 'Get many debts of a debtor', 'Update a debt'],
	Followup: ['Create a followup', 'Get a followup', 'Get many followups', 'Get many followups of a debt', 'Update a followup'],
};
/** Operations of the read-only resources: name, value, action in version 2 and in version 1 (nodes/GetBill/actions/<resource>/index.ts). */
const READ_ONLY_OPERATIONS = {
	report: [
		{ name: 'Download', value: 'download', action: 'Download report', v1: 'Download a report' },
		{ name: 'Get', value: 'get', action: 'Get report', v1: 'Get a report' },
		{ name: 'Get Many', value: 'getAll', action: 'Get many reports', v1: 'Get many reports' },
	],
	company: [
		{ name: 'Get Credits', value: 'getCredits', action: 'Get company credits', v1: 'Get the company credits' },
		{ name: 'Get Profile', value: 'getProfile', action: 'Get company profile', v1: 'Get the company profile' },
	],
	user: [{ name: 'Get Many', value: 'getAll', action: 'Get many users', v1: 'Get many users' }],
};
const withoutV1 = (operations) => operations.map(({ v1: _v1, ...o }) => o);
const asV1 = (operations) => operations.map(({ v1, ...o }) => ({ ...o, action: v1 }));
/** The Debt operations: name, value, action (nodes/GetBill/actions/debt/index.ts). */
const DEBT_OPERATIONS = [
	['Create', 'create'],
	['Create Many', 'createMany'],
	['Delete', 'delete'],
	['Get', 'get'],
	['Get Many', 'getAll'],
	['Get Many by Creditor', 'getAllByCreditor'],
	['Get Many by Debtor', 'getAllByDebtor'],
	['Update', 'update'],
].map(([name, value], i) => ({ name, value, action: CREATOR_ACTIONS.Debt[i] }));
const DEBT_OPERATIONS_V1 = DEBT_OPERATIONS.map((o, i) => ({ ...o, action: V1_ACTIONS.Debt[i] }));
/** Create a debt's own parameters under Define Below, in the panel's order (the rest is under Additional Fields). */
const DEBT_CREATE_FIELDS = {
	'First Name': 'firstname',
	'Last Name': 'lastname',
	Amount: 'amount',
	Currency: 'currency',
	Email: 'email',
	Phone: 'phone',
};
/** What the Create panel's screenshot shows (docs/debt-create.png). */
const DEBT_CREATE_VALUES = { firstname: 'Jane', lastname: 'Smith', amount: '750.50', email: 'jane.smith@example.com' };
const DEBT_DUE_DATE = '2026-12-31 00:00:00';
/** What the Download panel's screenshot shows (docs/report-download.png). */
const REPORT_ID_SHOWN = 'report_abc123';
/** n8n's names of a resource locator's modes (version 2's ID parameters: "From List", "By ID"). */
const LOCATOR_MODES = ['From list', 'By ID'];

/** The GetBill-like server of the From List cases, and the credential (made over REST) that reaches it. */
const SANDBOX = { name: 'GetBill sandbox', scopes: ['debts:read', 'followups:read', 'followups:write'] };
/** The debt to find: on the list's second page (the server's own debt, then 150 more, 100 a page). */
const JANE = { id: 'debt_e2e_0130', firstname: 'Jane', lastname: 'Smith', amount: 750.5, invoice_reference: 'INV-2024-002', email: 'jane.smith@example.com' };
const JANE_LABEL = 'Jane Smith — 750.50 EUR — INV-2024-002';
const FIRST_NAMES = ['Paul', 'Marie', 'Luc', 'Emma', 'Hugo', 'Alice', 'Louis'];
const LAST_NAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Petit', 'Durand', 'Leroy', 'Moreau'];
/** The debts seeded, each with the label From List shows for it. */
const DEBTS = Array.from({ length: 150 }, (_, i) => {
	const n = i + 1;
	const id = `debt_e2e_${String(n).padStart(4, '0')}`;
	if (id === JANE.id) return { data: JANE, label: JANE_LABEL };
	const data = { id, firstname: FIRST_NAMES[n % 7], lastname: LAST_NAMES[n % 9], amount: 100 + n * 7.25, invoice_reference: `INV-2023-${String(n).padStart(3, '0')}` };
	return { data, label: `${data.firstname} ${data.lastname} — ${data.amount.toFixed(2)} EUR — ${data.invoice_reference}` };
});
/** The server's own debt (of its followup abc123def456) comes first: no invoice reference. */
const DEBT_LABELS = ['John Doe — 1250.00 EUR', ...DEBTS.map((d) => d.label)];
/** Followups of Jane's debt, labelled by type, status and date; the server's own followup first. */
const FOLLOWUPS = [
	['fu_e2e_0001', { type: 'call', status: 'deal_found', scheduled_at: '2024-01-25T10:00:00+00:00' }, 'Call — Deal Found — 2024-01-25 10:00'],
	['fu_e2e_0002', { type: 'email', status: 'scheduled', scheduled_at: '2024-02-03T09:30:00+00:00' }, 'Email — Scheduled — 2024-02-03 09:30'],
	['fu_e2e_0003', { type: 'sms', status: 'no_answer', scheduled_at: '2024-02-05T14:15:00+00:00' }, 'SMS — No Answer — 2024-02-05 14:15'],
	['fu_e2e_0004', { type: 'whatsapp', status: 'delivered', scheduled_at: '2024-02-07T16:45:00+00:00' }, 'WhatsApp — Delivered — 2024-02-07 16:45'],
];
const FOLLOWUP_LABELS = ['Call — Scheduled — 2024-01-25 10:00', ...FOLLOWUPS.map(([, , label]) => label)];
const [EMAIL_FOLLOWUP_ID, , EMAIL_FOLLOWUP_LABEL] = FOLLOWUPS[1];
/** What Simplify keeps of a debt (nodes/GetBill/resources/debt.ts), in that order. */
const SIMPLIFIED_DEBT = ['id', 'firstname', 'lastname', 'email', 'phone', 'amount', 'currency', 'status', 'due_date', 'invoice_reference', 'internal_id', 'company', 'followups_count', 'payment_link'];

function seedServer(server) {
	for (const { data } of DEBTS) {
		const { id, ...fields } = data;
		server.seedDebt(id, fields);
	}
	for (const [id, data] of FOLLOWUPS) server.seedFollowup(id, { debt_id: JANE.id, ...data });
}

/** The fixture: n8n's export (an array) of a workflow of 16 GetBill nodes of version 1. */
const V1_FIXTURE = path.join(ROOT, 'test', 'fixtures', 'workflow-v1.json');
const ICON_SRC = /\/icons\/n8n-nodes-getbill\/dist\/(nodes\/GetBill|nodes\/GetBillTrigger|credentials)\/getbill(\.dark)?\.svg$/;

/** Every <img> of our icon under `scope`, with whether it loaded. */
async function iconImages(scope) {
	return scope.locator('img').evaluateAll((imgs) =>
		imgs
			.filter((img) => /getbill/i.test(img.src))
			.map((img) => ({ src: img.src, loaded: img.complete && img.naturalWidth > 0 })),
	);
}

/** Asserts that `scope` shows our SVG icon, loaded, and no letter placeholder. */
async function expectGetBillIcon(scope, what) {
	await expect(scope.locator('img[src*="getbill"]').first()).toBeVisibleSoon(what);
	const imgs = await iconImages(scope);
	expect({ what, imgs }).toEqual({
		what,
		imgs: expect.arrayContaining([{ src: expect.stringMatching(ICON_SRC), loaded: true }]),
	});
	for (const img of imgs) expect({ what, ...img }).toEqual({ what, src: expect.stringMatching(ICON_SRC), loaded: true });
	// n8n's fallback for a missing icon is the node name's first letter in place of the image.
	const iconText = await scope
		.locator('.n8n-node-icon')
		.first()
		.evaluate((el) => el.textContent.trim());
	expect({ what, iconText }).toEqual({ what, iconText: '' });
}

expect.extend({
	async toBeVisibleSoon(locator, what) {
		try {
			await locator.waitFor({ state: 'visible', timeout: 20000 });
			return { pass: true, message: () => `${what} is visible` };
		} catch (e) {
			return { pass: false, message: () => `${what}: ${e.message.split('\n')[0]}` };
		}
	},
});

/**
 * The "Add Field" control of the fields collection shown (Update Fields, Additional Fields;
 * the node's Options collection has its own, "Add Option"). 2.8 turns it into a plain
 * button when one field is left.
 */
async function fieldsCollectionAdd(page, ndv) {
	const all = tid(ndv, 'collection-parameter-add');
	const select = all.filter({ has: page.locator('input[placeholder="Add Field"]') });
	if (await select.count()) return select.first();
	return all.filter({ hasText: 'Add Field' }).first();
}

/**
 * Opens an options parameter's dropdown and returns the listed names (each option's
 * first line: an option's description shows below its name). `whileOpen` runs with
 * the list open, e.g. for a screenshot.
 */
async function optionNames(page, ndv, field, whileOpen = async () => {}) {
	return await listedOptions(page, tid(tid(ndv, 'node-parameters'), `parameter-input-${field}`), whileOpen);
}

/** Opens the dropdown of the select `input` and returns the listed names (see optionNames). */
async function listedOptions(page, input, whileOpen = async () => {}) {
	await input.scrollIntoViewIfNeeded();
	await input.click();
	const options = page.locator('.el-select-dropdown__item:visible');
	await options.first().waitFor({ state: 'visible' });
	await page.waitForTimeout(300); // the list animates in
	const names = (await options.allInnerTexts()).map((t) => t.split('\n')[0].trim());
	await whileOpen();
	await page.keyboard.press('Escape');
	await options.first().waitFor({ state: 'hidden' }).catch(() => {});
	return names;
}

/**
 * Picks an option by its name in an options parameter. The list can close again as the
 * panel re-renders (a field just added, under load): then it is opened once more, up to 3 times.
 */
async function pickOption(page, ndv, field, name) {
	const input = tid(tid(ndv, 'node-parameters'), `parameter-input-${field}`);
	const option = page.locator('.el-select-dropdown__item:visible', { hasText: name }).first();
	for (let attempt = 1; ; attempt++) {
		await input.scrollIntoViewIfNeeded();
		await input.click();
		const shown = await option.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false);
		if (shown || attempt === 3) break;
		await page.keyboard.press('Escape');
	}
	await option.click();
	await option.waitFor({ state: 'hidden' }).catch(() => {});
}

async function fillText(ndv, field, value) {
	const input = tid(ndv, `parameter-input-${field}`).locator('input, textarea').first();
	await input.scrollIntoViewIfNeeded();
	await input.fill(value);
	await input.blur();
}

/** The names a collection's "Add Field" offers (its dropdown opened, then closed). */
async function offeredFields(page, ndv) {
	await (await fieldsCollectionAdd(page, ndv)).click();
	const options = page.locator('.el-select-dropdown__item:visible');
	await options.first().waitFor({ state: 'visible' });
	await page.waitForTimeout(200);
	const offered = (await options.allInnerTexts()).map((t) => t.trim());
	await page.keyboard.press('Escape');
	await options.first().waitFor({ state: 'hidden' }).catch(() => {});
	return offered;
}

/** Adds the field named `name` from the collection's "Add Field". */
async function addField(page, ndv, name) {
	await (await fieldsCollectionAdd(page, ndv)).click();
	const option = page.locator('.el-select-dropdown__item:visible').filter({ hasText: new RegExp(`^${name}$`) }).first();
	await option.click();
	await option.waitFor({ state: 'hidden' }).catch(() => {});
}

/** The parameter inputs shown in the node's Parameters tab, by name, in order. */
async function shownParameters(ndv) {
	return tid(ndv, 'node-parameters')
		.locator('[data-test-id^="parameter-input-"]:visible')
		.evaluateAll((els) =>
			els
				.map((el) => el.getAttribute('data-test-id').replace(/^parameter-input-/, ''))
				// (a text parameter's inner editor is a "parameter-input-field" of its own)
				.filter((name) => name !== 'field'),
		);
}

/** Whether a display condition's allowed values take `value` (a value, or n8n's `{_cnd: {gte}}` for `@version`). */
const allows = (allowed, value) => allowed.some((a) => a === value || (a?._cnd?.gte !== undefined && value >= a._cnd.gte));

/** The operations of `resource` in a node's description for a node `version` (n8n appends its own "Custom API Call"). */
function operationsOf(description, resource, version = 2) {
	const operation = propertiesOf(description, resource, undefined, {}, version).find((p) => p.name === 'operation');
	return operation.options.filter((o) => o.value !== '__CUSTOM_API_CALL__').map(({ name, value, action }) => ({ name, value, action }));
}

/** The properties a description shows for `resource` and `operation` in a node `version`, with `extra` display conditions met. */
function propertiesOf(description, resource, operation, extra = {}, version = 2) {
	const values = { resource, operation, ...extra, '@version': version };
	return description.properties.filter((p) =>
		Object.entries(p.displayOptions?.show ?? {}).every(([key, allowed]) => values[key] !== undefined && allows(allowed, values[key])),
	);
}

/** The name of the credential selected in the node panel. */
async function selectedCredential(ndv) {
	return await tid(ndv, 'node-credentials-select').evaluate((el) => (el.querySelector('input')?.value || el.textContent).trim());
}

/** Selects the credential named `name` in the node panel. */
async function selectCredential(page, ndv, name) {
	await tid(ndv, 'node-credentials-select').click();
	const option = page.locator('.el-select-dropdown__item:visible').filter({ hasText: name }).first();
	await option.click();
	await option.waitFor({ state: 'hidden' }).catch(() => {});
}

/** A resource locator (version 2's ID parameters) in the node panel. */
const resourceLocator = (ndv, field) => tid(tid(ndv, 'node-parameters'), `resource-locator-${field}`);

/** The modes a resource locator offers (its mode dropdown opened, then closed). */
async function locatorModes(page, ndv, field) {
	return await listedOptions(page, tid(resourceLocator(ndv, field), 'rlc-mode-selector'));
}

/** Puts a resource locator in mode `name` ("By ID", "From list"). */
async function pickLocatorMode(page, ndv, field, name) {
	await tid(resourceLocator(ndv, field), 'rlc-mode-selector').click();
	const option = page.locator('.el-select-dropdown__item:visible').filter({ hasText: new RegExp(`^${name}$`) }).first();
	await option.click();
	await option.waitFor({ state: 'hidden' }).catch(() => {});
}

/** The text box of a resource locator (By ID: the ID typed; From list: the picked record's label). */
const locatorInput = (ndv, field) => tid(resourceLocator(ndv, field), 'rlc-input');

/** Types `value` in a resource locator's By ID. */
async function typeLocatorId(page, ndv, field, value) {
	await pickLocatorMode(page, ndv, field, 'By ID');
	const input = locatorInput(ndv, field);
	// The editor may still re-render the field after the mode switch and drop what was typed (seen once in a
	// fresh-clone run: the value read back empty): typed again, three times at most; the caller checks the value.
	for (let attempt = 1; attempt <= 3; attempt++) {
		await input.fill(value);
		await input.blur();
		if ((await input.inputValue()) === value) return;
		await page.waitForTimeout(250 * attempt);
	}
}

/** The records a From List dropdown shows. */
const listedRecords = (page) => page.locator('[data-test-id="rlc-item"]:visible');

/** Opens a resource locator's From List and returns the labels it lists once loaded. */
async function openFromList(page, ndv, field) {
	await locatorInput(ndv, field).click();
	await listedRecords(page).first().waitFor({ state: 'visible' });
	return await settled(page, () => listedRecords(page).allInnerTexts(), { timeout: 20000, what: `the From list of ${field}` });
}

/** Types `text` in the open From List's search box; returns the labels listed once they are `expected` (throws with what is listed after 20 s). */
async function searchFromList(page, text, expected) {
	const search = page.locator('[data-test-id="rlc-search"]:visible').first();
	const input = (await search.evaluate((el) => el.tagName)) === 'INPUT' ? search : search.locator('input');
	await input.fill(text);
	const same = (labels) => JSON.stringify(labels) === JSON.stringify(expected);
	return await settled(page, () => listedRecords(page).allInnerTexts(), { until: same, timeout: 20000, what: `the From list searched for "${text}"` });
}

/** Runs the node open in the panel ("Execute step"; its button's words differ between versions, its test id does not). */
async function executeStep(ndv) {
	await tid(ndv, 'node-execute-button').first().click();
}

/** The output pane's table: column names (n8n's last, empty column left out) and rows of cell texts. */
async function outputTable(ndv) {
	const out = tid(ndv, 'output-panel');
	const tableButton = tid(out, 'radio-button-table');
	await tableButton.first().waitFor({ state: 'visible' });
	await tableButton.first().click();
	const table = out.locator('table').first();
	await table.waitFor({ state: 'visible' });
	const columns = (await table.locator('thead th').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
	const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())));
	return { columns, rows: rows.map((cells) => cells.slice(0, columns.length)) };
}

/** How a value shows in the output table. */
const cellText = (value) => (value === null || value === undefined ? 'null' : String(value));

/** The pictures the README and docs/ show. */
const DOCS_SHOTS = [
	'node-panel.png',
	'credential-dialog.png',
	'node-operations.png',
	'auto-map.png',
	'trigger-panel.png',
	'debt-create.png',
	'report-download.png',
	'debt-from-list.png',
	'followup-from-list.png',
];

const saveShot = shotSaver({ root: ROOT, docsVersion: DOCS_VERSION, docsShots: Object.fromEntries(DOCS_SHOTS.map((name) => [name, `docs/${name}`])) });

// Every pinned version: how n8n's editor renders our parameters (resource locators, `@version`
// and `_cnd` display conditions, collections, the node creator's actions, the credential dialog)
// differs between n8n versions.
describe.each(versionsFor('every version'))('GetBill in the n8n %s editor (chromium)', (version) => {
	/** the shared n8n server of this version */
	let n8n;
	let browser;
	let page;
	let baseUrl;
	/** n8n's REST API as the owner (the shared server's session, not the browser's) */
	let rest;
	/** The GetBill-like server of the From List cases */
	let server;
	/** The IDs of the credentials this file made (over REST or in the editor): the only ones the editor is shown */
	const credentials = new Set();
	/** A folder of this file's own (the version-1 workflow's file for "Import from file") */
	let tmpDir;
	const assetErrors = [];

	beforeAll(async () => {
		if (SHARED_ENV.N8N_WEBHOOK_URL !== WEBHOOK_URL) throw new Error(`the trigger picture needs n8n's N8N_WEBHOOK_URL ${WEBHOOK_URL}; the shared server has ${SHARED_ENV.N8N_WEBHOOK_URL}`);
		tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), `getbill-e2e-editor-${version}-`));
		const { GetBillServer } = require('../server/getbill-server');
		server = new GetBillServer({ clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: SANDBOX.scopes }] });
		await server.start();
		seedServer(server);
		n8n = await sharedN8n(version);
		baseUrl = n8n.url;
		rest = n8n.rest;
		// Tall enough for the node panel and the credential dialog to show their fields in one picture.
		// (Signed in as the owner through n8n's sign-in page: browserSession fails when it does not let the owner in.)
		browser = await browserSession({ url: baseUrl, viewport: VIEWPORT, credentials });
		page = browser.page;
		// Our assets served by this n8n must load. (The editor also asks registry.npmjs.org about
		// community packages; offline, that fails, and is not ours to judge.)
		const ours = (url) => url.startsWith(baseUrl) && /getbill/i.test(url);
		page.on('requestfailed', (r) => {
			if (ours(r.url())) assetErrors.push(`request failed: ${r.url()}`);
		});
		page.on('response', (r) => {
			// 2.41 also asks for an optional output schema of a trigger (/schemas/<type>/<version>.json),
			// which community packages do not ship; a 404 there is n8n's probe, not a missing asset.
			const optionalSchema = r.status() === 404 && /\/schemas\/n8n-nodes-getbill\./.test(r.url());
			if (ours(r.url()) && r.status() >= 400 && !optionalSchema) assetErrors.push(`${r.status()} ${r.url()}`);
		});
	}, 300000);

	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		// This file's credentials deleted: another file's editor would name its new credential after them.
		for (const id of credentials) await rest?.(`/rest/credentials/${id}`, { method: 'DELETE' }).catch(() => {});
		if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
	});

	/** GetBill's description as this n8n serves it to the editor. */
	async function getBillDescription() {
		const nodes = await (await page.request.get(`${baseUrl}/types/nodes.json`)).json();
		return nodes.find((n) => n.name === 'n8n-nodes-getbill.getBill');
	}

	test('registers the node, its AI-tool variant getBillTool and the credential', async () => {
		const nodes = await (await page.request.get(`${baseUrl}/types/nodes.json`)).json();
		const ours = nodes.filter((n) => n.name.startsWith('n8n-nodes-getbill.'));
		expect(ours.map((n) => n.name).sort()).toEqual([
			'n8n-nodes-getbill.getBill',
			'n8n-nodes-getbill.getBillTool',
			'n8n-nodes-getbill.getBillTrigger',
		]);
		const tool = ours.find((n) => n.name === 'n8n-nodes-getbill.getBillTool');
		expect(tool.displayName).toBe('GetBill Tool');
		expect(tool.outputs).toEqual(['ai_tool']);
		expect(tool.properties.map((p) => p.name)).toEqual(expect.arrayContaining(['toolDescription', 'followupId', 'updateFields', 'debtId', 'firstname']));
		expect(tool.version).toEqual([1, 2]);
		expect(tool.credentials).toEqual([expect.objectContaining({ name: 'getBillOAuth2Api', required: true })]);
		// Resource: exactly the seven resources, then n8n's own "Custom API Call" (which n8n appends to the
		// Resource and Operation lists of a node with an OAuth2 credential), Followup by default.
		const getBill = ours.find((n) => n.name === 'n8n-nodes-getbill.getBill');
		// Both versions registered; the editor gives a new node defaultVersion, else the highest version: 2.
		expect(getBill.version).toEqual([1, 2]);
		expect(getBill.defaultVersion ?? Math.max(...getBill.version)).toBe(2);
		for (const node of [getBill, tool]) {
			const resource = node.properties.find((p) => p.name === 'resource');
			const options = resource.options.map(({ name, value }) => ({ name, value }));
			expect({ node: node.name, default: resource.default, options }).toEqual({
				node: node.name,
				default: 'followup',
				options: [...RESOURCES, { name: 'Custom API Call', value: '__CUSTOM_API_CALL__' }],
			});
		}
		expect(operationsOf(getBill, 'debt')).toEqual(DEBT_OPERATIONS);
		expect(operationsOf(getBill, 'followup').map((o) => o.action)).toEqual(CREATOR_ACTIONS.Followup);
		expect(operationsOf(tool, 'debt')).toEqual(DEBT_OPERATIONS);
		// Version 1 keeps its words (a saved v1 node shows them)
		expect(operationsOf(getBill, 'debt', 1)).toEqual(DEBT_OPERATIONS_V1);
		expect(operationsOf(getBill, 'followup', 1).map((o) => o.action)).toEqual(V1_ACTIONS.Followup);
		// Report (Download, Get, Get Many), Company (Get Credits, Get Profile), User (Get Many)
		for (const [resource, withV1] of Object.entries(READ_ONLY_OPERATIONS)) {
			const operations = withoutV1(withV1);
			expect({ resource, operations: operationsOf(getBill, resource) }).toEqual({ resource, operations });
			expect({ resource, operations: operationsOf(tool, resource) }).toEqual({ resource, operations });
			expect({ resource, v1: operationsOf(getBill, resource, 1) }).toEqual({ resource, v1: asV1(withV1) });
		}
		const credentials = await (await page.request.get(`${baseUrl}/types/credentials.json`)).json();
		const cred = credentials.find((c) => c.name === 'getBillOAuth2Api');
		expect(cred).toMatchObject({ displayName: 'GetBill OAuth2 API', extends: ['oAuth2Api'] });
	});

	/** Opens the node creator with `open`, searches `text` and returns the item named exactly `name`. */
	async function creatorItem(open, text, name) {
		await open.click();
		const search = tid(page, 'node-creator-search-bar');
		const searchInput = (await search.evaluate((el) => el.tagName)) === 'INPUT' ? search : search.locator('input');
		await searchInput.fill(text);
		const item = tid(page, 'item-iterator-item').filter({ has: page.getByText(name, { exact: true }) }).first();
		await item.waitFor({ state: 'visible' });
		return item;
	}

	/**
	 * The actions the open node creator lists, by section ("Debt Actions", "Followup Actions"):
	 * a section's heading is an item of its own, without n8n's type marker. Read once the list
	 * is settled: the search results (the "GetBill" node item) slide out while the actions
	 * slide in, and a long list is filled in over a few frames.
	 */
	async function creatorActionSections() {
		const read = () =>
			tid(page, 'item-iterator-item').evaluateAll((els) =>
				els.map((el) => ({ type: el.dataset.keyboardNavType ?? 'heading', id: el.dataset.keyboardNavId, text: el.innerText.trim() })),
			);
		const items = await settled(page, read, { until: (list) => !list.some((item) => item.type === 'node'), what: "the node creator's actions" });
		const sections = {};
		let current;
		for (const item of items) {
			if (item.type === 'heading') sections[(current = item.id)] = [];
			else if (item.type === 'action') (sections[current] ??= []).push(item.text);
		}
		return sections;
	}

	test('adds the GetBill Trigger first: Events lists All Events and the 14 events, Webhook URLs; screenshot', async () => {
		await openInEditor(page, `${baseUrl}/workflow/new`);
		// n8n shows a package's trigger under the package's name ("GetBill") among triggers
		const item = await creatorItem(tid(page, 'canvas-plus-button'), 'GetBill', 'GetBill');
		await expectGetBillIcon(item, 'node creator item');
		await item.click();
		const ndv = tid(page, 'ndv');
		const allEvents = tid(page, 'item-iterator-item').filter({ hasText: /^On all events$/ }).first();
		await Promise.race([allEvents.waitFor({ state: 'visible' }), ndv.waitFor({ state: 'visible' })]);
		if (await allEvents.isVisible()) {
			const actions = (await tid(page, 'item-iterator-item').allInnerTexts()).map((t) => t.trim()).filter((t) => t.startsWith('On '));
			expect(actions).toHaveLength(15);
			expect(actions).toEqual(expect.arrayContaining(['On all events', 'On followup completed', 'On payment received']));
			await allEvents.click();
		}
		await ndv.waitFor({ state: 'visible' });
		const events = tid(tid(ndv, 'node-parameters'), 'parameter-input-events');
		await expect(events).toBeVisibleSoon('Events');
		expect(await events.innerText()).toContain('All Events');
		const names = await optionNames(page, ndv, 'events');
		expect(names).toHaveLength(15);
		expect(names[0]).toBe('All Events');
		expect(names).toEqual(expect.arrayContaining(['Followup Completed', 'Payment Plan Canceled', 'Report Generated']));
		await expect(ndv.getByText(/Production URL.*into GetBill/).first()).toBeVisibleSoon('notice: where to paste the URL');
		// Webhook URLs: open the section; the production URL ends in /webhook
		await ndv.getByText('Webhook URLs', { exact: true }).first().click();
		const production = ndv.getByText('Production URL', { exact: true }).first();
		if (await production.isVisible().catch(() => false)) await production.click();
		const productionUrl = ndv.getByText(/\/webhook\/[0-9a-f-]+\/webhook$/).first();
		await expect(productionUrl).toBeVisibleSoon('production webhook URL');
		// on n8n's webhook base URL (N8N_WEBHOOK_URL), with the node's webhookId
		const webhookBase = WEBHOOK_URL.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
		expect((await productionUrl.innerText()).trim()).toMatch(new RegExp(`^${webhookBase}webhook/${UUID.source}/webhook$`));
		await expectGetBillIcon(ndv, 'trigger panel (NDV)');
		await closeToasts(page);
		await page.mouse.move(1, 1);
		await page.waitForTimeout(300);
		saveShot(
			await screenshot(page, { replace: [{ locator: productionUrl, pattern: UUID, text: WEBHOOK_ID_SHOWN }] }),
			version,
			'trigger-panel.png',
		);
		await tid(page, 'ndv-close-button').click();
		await ndv.waitFor({ state: 'hidden' });
	});

	test('adds GetBill after the trigger and chooses Update followup: Followup is a resource locator (From list, By ID)', async () => {
		const item = await creatorItem(tid(page, 'canvas-handle-plus').first(), 'GetBill', 'GetBill');
		await item.click();
		const action = tid(page, 'item-iterator-item').filter({ hasText: /^Update followup$/ }).first();
		await action.waitFor({ state: 'visible' });
		// The followup actions, now in a section of their own next to the other resources' (Debt).
		const sections = await creatorActionSections();
		expect(Object.keys(sections)).toEqual(expect.arrayContaining(['Debt Actions', 'Followup Actions']));
		expect(sections['Followup Actions']).toEqual(CREATOR_ACTIONS.Followup);
		await action.click();
		const ndv = tid(page, 'ndv');
		await resourceLocator(ndv, 'followupId').waitFor({ state: 'visible' });
		expect(await tid(ndv, 'parameter-input-resource').locator('input').inputValue()).toBe('Followup');
		expect(await tid(ndv, 'parameter-input-operation').locator('input').inputValue()).toBe('Update');
		// Version 2's ID: a resource locator labelled by its noun, From list by default, no plain text field
		expect((await tid(ndv, 'node-parameters').innerText()).split('\n').map((l) => l.trim())).toContain('Followup');
		expect(await locatorModes(page, ndv, 'followupId')).toEqual(LOCATOR_MODES);
		expect(await locatorInput(ndv, 'followupId').getAttribute('placeholder')).toBe('Select a followup...');
		expect(await tid(ndv, 'node-parameters').locator('[data-test-id="parameter-input-followupId"] input[title*="followupId"]:not([data-test-id="rlc-input"])').count()).toBe(0);
	});

	test('offers every Update Field, and adds them all', async () => {
		const ndv = tid(page, 'ndv');
		let add = await fieldsCollectionAdd(page, ndv);
		await add.click();
		const firstOption = page.locator('.el-select-dropdown__item:visible').first();
		await firstOption.waitFor({ state: 'visible' });
		await page.waitForTimeout(200);
		const offered = (await page.locator('.el-select-dropdown__item:visible').allInnerTexts()).map((t) => t.trim());
		await page.keyboard.press('Escape');
		expect(offered).toEqual(Object.keys(UPDATE_FIELDS));

		// Add fields until n8n has none left to offer (2.41 then hides "Add Field", 2.8 greys it out).
		for (let i = 0; i < 20; i++) {
			add = await fieldsCollectionAdd(page, ndv);
			const input = add.locator('input');
			if (!(await add.isVisible()) || ((await input.count()) && (await input.first().isDisabled()))) break;
			if (!(await input.count())) {
				// 2.8 shows a plain "Add Field" button when a single field is left: it adds that one.
				await add.click();
				break;
			}
			await add.click();
			const option = page.locator('.el-select-dropdown__item:visible').first();
			try {
				await option.waitFor({ state: 'visible', timeout: 5000 });
			} catch {
				break;
			}
			await option.click();
			await page.waitForTimeout(150);
		}
		saveShot(await screenshot(page), version, 'all-update-fields.png');
		const params = tid(ndv, 'node-parameters');
		for (const name of Object.values(UPDATE_FIELDS)) {
			// (:visible: the hidden Settings tab has its own "notes")
			await expect(params.locator(`[data-test-id="parameter-input-${name}"]:visible`)).toBeVisibleSoon(`Update Field ${name}`);
		}
	});

	test.each(Object.entries(EXPECTED_OPTIONS))('the %s list shows exactly the API values', async (field, expected) => {
		const ndv = tid(page, 'ndv');
		expect(await optionNames(page, ndv, field)).toEqual(expected);
	});

	test('opens the GetBill OAuth2 API credential dialog, saves a credential; screenshot', async () => {
		const ndv = tid(page, 'ndv');
		// No credential yet: 2.41 shows a "Connect to GetBill" button, 2.8 a select with "Create new credential".
		const connect = tid(ndv, 'node-credentials-empty-state');
		if (await connect.isVisible()) {
			await connect.locator('button').first().click();
		} else {
			await tid(ndv, 'node-credentials-select').click();
			await page.getByText('Create new credential').first().click();
		}
		const modal = tid(page, 'editCredential-modal');
		await modal.waitFor({ state: 'visible' });
		await expect(modal.getByText('GetBill OAuth2 API').first()).toBeVisibleSoon('credential type name');
		for (const field of ['grantType', 'clientId', 'clientSecret', 'scope', 'baseUrl']) {
			await expect(tid(modal, `parameter-input-${field}`)).toBeVisibleSoon(`credential field ${field}`);
		}
		for (const hidden of ['accessTokenUrl', 'authentication', 'authUrl', 'authQueryParameters']) {
			expect({ hidden, count: await tid(modal, `parameter-input-${hidden}`).count() }).toEqual({ hidden, count: 0 });
		}
		const value = (field) => tid(modal, `parameter-input-${field}`).locator('input').first().inputValue();
		expect(await value('baseUrl')).toBe('https://getbill.io');
		expect(await value('scope')).toBe('followups:read followups:write');
		expect(await value('grantType')).toBe('Client Credentials');
		await expectGetBillIcon(modal, 'credential dialog');
		await fillText(modal, 'clientId', 'test-client-id');
		await fillText(modal, 'clientSecret', 'test-client-secret');
		// The form scrolls inside the dialog; n8n lists Base URL last (after oAuth2Api's own fields).
		// A taller window, scrolled so that Grant Type (label included) is at the top of the picture:
		// Grant Type, Client ID, Client Secret and Scope are in it (Base URL, last, may be below).
		await page.setViewportSize({ width: 1440, height: 1200 });
		const inPicture = await tid(modal, 'parameter-input-grantType').evaluate((grantType) => {
			let box = grantType.parentElement;
			while (box && !/(auto|scroll)/.test(getComputedStyle(box).overflowY)) box = box.parentElement;
			const label = grantType.closest('[data-test-id="credential-connection-parameter"]') ?? grantType;
			if (box) box.scrollTop += label.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
			const view = (box ?? document.documentElement).getBoundingClientRect();
			const shown = (field) => {
				const el = document.querySelector(`[data-test-id="editCredential-modal"] [data-test-id="parameter-input-${field}"]`);
				const r = el?.getBoundingClientRect();
				return Boolean(r) && r.top >= view.top - 1 && r.bottom <= view.bottom + 1 && r.top >= 0 && r.bottom <= window.innerHeight;
			};
			return Object.fromEntries(['grantType', 'clientId', 'clientSecret', 'scope'].map((f) => [f, shown(f)]));
		});
		expect(inPicture).toEqual({ grantType: true, clientId: true, clientSecret: true, scope: true });
		await page.mouse.move(1, 1);
		await page.waitForTimeout(300);
		saveShot(await screenshot(page), version, 'credential-dialog.png');
		await page.setViewportSize(VIEWPORT);

		// Saving selects the new credential in the node; 2.41 also closes the dialog, 2.8 shows "Saved".
		await tid(modal, 'credential-save-button').click();
		try {
			await modal.waitFor({ state: 'hidden', timeout: 5000 });
		} catch {
			await expect(modal.getByText('Saved', { exact: true }).first()).toBeVisibleSoon('credential saved');
			await modal.locator('.el-dialog__headerbtn').first().click();
			await modal.waitFor({ state: 'hidden' });
		}
		const selected = tid(ndv, 'node-credentials-select');
		await expect(selected).toBeVisibleSoon('credential selector');
		expect(await selectedCredential(ndv)).toBe('GetBill account');
		expect(assetErrors).toEqual([]);
	});

	test('shows the GetBill icon in the node panel and on the canvas; screenshot', async () => {
		const ndv = tid(page, 'ndv');
		// Values a user would enter, for the screenshot. By ID refuses a "/": the field gets n8n's issue
		// mark, whose tooltip gives the description's message.
		await typeLocatorId(page, ndv, 'followupId', 'abc/123');
		const issue = tid(resourceLocator(ndv, 'followupId'), 'parameter-issues').locator('svg').first();
		await expect(issue).toBeVisibleSoon('By ID refusing "abc/123"');
		await issue.hover();
		await expect(page.getByText('Not a valid followup ID: an ID has no "/" and is not only dots (e.g. abc123def456)').first()).toBeVisibleSoon('the By ID message');
		await page.mouse.move(1, 1);
		await typeLocatorId(page, ndv, 'followupId', 'abc123def456');
		await issue.waitFor({ state: 'hidden' });
		expect(await locatorInput(ndv, 'followupId').inputValue()).toBe('abc123def456');
		await pickOption(page, ndv, 'status', 'Deal Found');
		await pickOption(page, ndv, 'type', 'Call');
		await pickOption(page, ndv, 'direction', 'Outbound');
		await fillText(ndv, 'summary', 'Successful contact, payment plan agreed');
		await fillText(ndv, 'duration_ms', '240000');
		await expectGetBillIcon(ndv, 'node panel (NDV)');
		await tid(ndv, 'node-credentials-select').scrollIntoViewIfNeeded();
		await closeToasts(page);
		await page.mouse.move(1, 1);
		await page.waitForTimeout(300);
		saveShot(await screenshot(page), version, 'node-panel.png');

		await tid(page, 'ndv-close-button').click();
		await ndv.waitFor({ state: 'hidden' });
		const canvasNode = tid(page, 'canvas-node').filter({ hasText: 'Update followup' }).first();
		await expectGetBillIcon(canvasNode, 'canvas node');
		expect(assetErrors).toEqual([]);
	});

	test('lists the five followup operations; screenshot', async () => {
		await tid(page, 'canvas-node').filter({ hasText: 'Update followup' }).first().dblclick();
		const ndv = tid(page, 'ndv');
		await ndv.waitFor({ state: 'visible' });
		const names = await optionNames(page, ndv, 'operation', async () => {
			await page.mouse.move(1, 1);
			saveShot(await screenshot(page), version, 'node-operations.png');
		});
		// n8n adds its own "Custom API Call" to nodes with a credential
		expect(names.filter((n) => n !== 'Custom API Call')).toEqual(['Create', 'Get', 'Get Many', 'Get Many by Debt', 'Update']);
	});

	test('Auto-Map Input Data replaces Update Fields with a notice naming the fields; screenshot', async () => {
		const ndv = tid(page, 'ndv');
		expect(await optionNames(page, ndv, 'fieldsToSend')).toEqual(['Auto-Map Input Data', 'Define Below']);
		await pickOption(page, ndv, 'fieldsToSend', 'Auto-Map Input Data');
		const notice = tid(ndv, 'parameter-input-autoMapNotice').or(ndv.getByText('Input fields with these names are sent').first());
		await expect(notice.first()).toBeVisibleSoon('auto-map notice');
		expect(await ndv.getByText('Input fields with these names are sent').first().innerText()).toContain('duration_ms');
		expect(await tid(ndv, 'parameter-input-status').count()).toBe(0);
		await page.mouse.move(1, 1);
		await page.waitForTimeout(300);
		saveShot(await screenshot(page), version, 'auto-map.png');
		await tid(page, 'ndv-close-button').click();
		await ndv.waitFor({ state: 'hidden' });
	});

	test('adds GetBill again: the node creator lists the eight Debt actions as the description names them; chooses Create debt', async () => {
		const description = await getBillDescription();
		// The only free output is the followup node's: the new node comes after it.
		const item = await creatorItem(tid(page, 'canvas-handle-plus').first(), 'GetBill', 'GetBill');
		await item.click();
		const action = tid(page, 'item-iterator-item').filter({ hasText: /^Create debt$/ }).first();
		await action.waitFor({ state: 'visible' });
		const sections = await creatorActionSections();
		expect(Object.keys(sections)).toEqual(expect.arrayContaining(['Debt Actions', 'Followup Actions']));
		expect(sections['Debt Actions']).toEqual(CREATOR_ACTIONS.Debt);
		expect(sections['Debt Actions']).toEqual(operationsOf(description, 'debt').map((o) => o.action));
		expect(sections['Followup Actions']).toEqual(CREATOR_ACTIONS.Followup);
		await action.click();
		const ndv = tid(page, 'ndv');
		await tid(ndv, 'parameter-input-firstname').waitFor({ state: 'visible' });
		expect(await tid(ndv, 'parameter-input-resource').locator('input').inputValue()).toBe('Debt');
		expect(await tid(ndv, 'parameter-input-operation').locator('input').inputValue()).toBe('Create');
		expect(await tid(ndv, 'parameter-input-fieldsToSend').locator('input').inputValue()).toBe('Define Below');
		await expectGetBillIcon(ndv, 'Create debt panel (NDV)');
	});

	test('Create debt shows First Name, Last Name, Amount, Currency (EUR), Email, Phone and Additional Fields; adds Civility (Mr, Ms) and Due Date', async () => {
		const ndv = tid(page, 'ndv');
		const params = tid(ndv, 'node-parameters');
		expect(await shownParameters(ndv)).toEqual(['resource', 'operation', 'fieldsToSend', ...Object.values(DEBT_CREATE_FIELDS)]);
		// Their labels, in that order, then the two collections
		const labels = ['Resource', 'Operation', 'Fields to Send', ...Object.keys(DEBT_CREATE_FIELDS), 'Additional Fields', 'Options'];
		const lines = (await params.innerText()).split('\n').map((l) => l.trim());
		expect(lines.filter((l) => labels.includes(l))).toEqual(labels);
		expect(await tid(params, 'parameter-input-currency').locator('input').inputValue()).toBe('EUR');
		// Additional Fields offers every other field of the description, sorted by name.
		const description = await getBillDescription();
		const additional = propertiesOf(description, 'debt', 'create', { fieldsToSend: 'defineBelow' }).find((p) => p.name === 'additionalFields');
		const offered = await offeredFields(page, ndv);
		expect(offered).toEqual(additional.options.map((o) => o.displayName));
		expect(offered).toEqual([...offered].sort((a, b) => a.localeCompare(b)));
		expect(offered).toEqual(expect.arrayContaining(['Civility', 'Due Date', 'Invoice Reference', 'Country', 'IBAN']));
		for (const name of Object.keys(DEBT_CREATE_FIELDS)) expect({ name, offered: offered.includes(name) }).toEqual({ name, offered: false });

		await addField(page, ndv, 'Civility');
		await addField(page, ndv, 'Due Date');
		await expect(params.locator('[data-test-id="parameter-input-civility"]:visible')).toBeVisibleSoon('Additional Field civility');
		await expect(params.locator('[data-test-id="parameter-input-due_date"]:visible')).toBeVisibleSoon('Additional Field due_date');
		expect(await optionNames(page, ndv, 'civility')).toEqual(['Mr', 'Ms']);
		expect(await offeredFields(page, ndv)).toEqual(offered.filter((n) => n !== 'Civility' && n !== 'Due Date'));
	});

	test('Create debt with values typed in; screenshot', async () => {
		const ndv = tid(page, 'ndv');
		for (const [field, value] of Object.entries(DEBT_CREATE_VALUES)) await fillText(ndv, field, value);
		await pickOption(page, ndv, 'civility', 'Ms');
		// The date picker takes a typed date and time on Enter (its "OK" would add the current time).
		const due = tid(ndv, 'parameter-input-due_date').locator('input').first();
		await due.click();
		await due.fill(DEBT_DUE_DATE);
		await due.press('Enter');
		await page.locator('.el-picker-panel:visible').first().waitFor({ state: 'hidden' }).catch(() => {});
		await page.evaluate(() => document.activeElement?.blur());
		const value = (field) => tid(ndv, `parameter-input-${field}`).locator('input, textarea').first().inputValue();
		for (const [field, expected] of Object.entries(DEBT_CREATE_VALUES)) expect({ field, value: await value(field) }).toEqual({ field, value: expected });
		expect(await value('currency')).toBe('EUR');
		expect(await value('civility')).toBe('Ms');
		expect(await value('due_date')).toBe(DEBT_DUE_DATE);
		// The credential saved before is the node's
		expect(await selectedCredential(ndv)).toBe('GetBill account');
		await closeToasts(page);
		await page.mouse.move(1, 1);
		await page.waitForTimeout(300);
		saveShot(await screenshot(page), version, 'debt-create.png');
		expect(assetErrors).toEqual([]);
	});

	test('Create debt with Auto-Map Input Data: a notice naming every debt field, Input Fields to Ignore', async () => {
		const ndv = tid(page, 'ndv');
		const params = tid(ndv, 'node-parameters');
		expect(await optionNames(page, ndv, 'fieldsToSend')).toEqual(['Auto-Map Input Data', 'Define Below']);
		await pickOption(page, ndv, 'fieldsToSend', 'Auto-Map Input Data');
		const notice = ndv.getByText('Input fields with these names are sent').first();
		await expect(notice).toBeVisibleSoon('auto-map notice');
		// The names listed: exactly the fields Define Below offers (its own parameters and Additional Fields).
		const text = (await notice.innerText()).replace(/\s+/g, ' ');
		const listed = text.match(/checked like fields set by hand: ([^.]+)\./)?.[1].split(', ') ?? [];
		const description = await getBillDescription();
		const defineBelow = propertiesOf(description, 'debt', 'create', { fieldsToSend: 'defineBelow' }).filter((p) => p.displayOptions?.show?.fieldsToSend);
		const fieldNames = defineBelow.flatMap((p) => (p.name === 'additionalFields' ? p.options.map((o) => o.name) : [p.name]));
		expect([...listed].sort()).toEqual([...fieldNames].sort());
		expect(listed).toEqual(expect.arrayContaining([...Object.values(DEBT_CREATE_FIELDS), 'civility', 'due_date', 'invoice_reference', 'metadata']));
		expect(listed).not.toContain('status'); // Update only
		await expect(params.locator('[data-test-id="parameter-input-inputFieldsToIgnore"]:visible')).toBeVisibleSoon('Input Fields to Ignore');
		expect((await params.innerText()).split('\n').map((l) => l.trim())).toContain('Input Fields to Ignore');
		expect(await shownParameters(ndv)).toEqual(['resource', 'operation', 'fieldsToSend', 'inputFieldsToIgnore']);
		await page.mouse.move(1, 1);
		await page.waitForTimeout(300);
		saveShot(await screenshot(page), version, 'debt-auto-map.png');
		await tid(page, 'ndv-close-button').click();
		await ndv.waitFor({ state: 'hidden' });
		await expectGetBillIcon(tid(page, 'canvas-node').filter({ hasText: 'Create debt' }).first(), 'canvas node Create debt');
	});

	test('adds GetBill again: the node creator lists every resource\'s actions, the three Report actions; chooses Download report', async () => {
		const description = await getBillDescription();
		// The only free output is now Create debt's: the new node comes after it.
		const item = await creatorItem(tid(page, 'canvas-handle-plus').first(), 'GetBill', 'GetBill');
		await item.click();
		const action = tid(page, 'item-iterator-item').filter({ hasText: /^Download report$/ }).first();
		await action.waitFor({ state: 'visible' });
		const sections = await creatorActionSections();
		// A section per resource, each listing the resource's operations by their action, in the description's order.
		const sectionNames = RESOURCES.map((r) => `${r.name} Actions`);
		expect(Object.keys(sections)).toEqual(expect.arrayContaining(sectionNames));
		for (const { name, value } of RESOURCES) {
			const shown = sections[`${name} Actions`];
			expect({ resource: name, shown }).toEqual({ resource: name, shown: operationsOf(description, value).map((o) => o.action) });
		}
		expect(sections['Report Actions']).toEqual(CREATOR_ACTIONS.Report);
		expect(sections['Company Actions']).toEqual(READ_ONLY_OPERATIONS.company.map((o) => o.action));
		expect(sections['Company Actions']).toEqual(['Get company credits', 'Get company profile']);
		expect(sections['User Actions']).toEqual(READ_ONLY_OPERATIONS.user.map((o) => o.action));
		await action.click();
		const ndv = tid(page, 'ndv');
		await resourceLocator(ndv, 'reportId').waitFor({ state: 'visible' });
		expect(await tid(ndv, 'parameter-input-resource').locator('input').inputValue()).toBe('Report');
		expect(await tid(ndv, 'parameter-input-operation').locator('input').inputValue()).toBe('Download');
		await expectGetBillIcon(ndv, 'Download report panel (NDV)');
	});

	test('Download report shows Report (From list, By ID) and Put Output File in Field (data); a report ID typed in By ID; screenshot', async () => {
		const ndv = tid(page, 'ndv');
		const params = tid(ndv, 'node-parameters');
		expect(await shownParameters(ndv)).toEqual(['resource', 'operation', 'reportId', 'binaryPropertyName']);
		const labels = ['Resource', 'Operation', 'Report', 'Put Output File in Field', 'Options'];
		const lines = (await params.innerText()).split('\n').map((l) => l.trim());
		expect(lines.filter((l) => labels.includes(l))).toEqual(labels);
		expect(lines).not.toContain('Report ID'); // version 1's label
		const input = (field) => tid(ndv, `parameter-input-${field}`).locator('input, textarea').first();
		expect(await input('binaryPropertyName').inputValue()).toBe('data');
		await expect(params.getByText('The name of the output binary field to put the file in').first()).toBeVisibleSoon('Put Output File in Field hint');
		expect(await locatorModes(page, ndv, 'reportId')).toEqual(LOCATOR_MODES);
		expect(await locatorInput(ndv, 'reportId').inputValue()).toBe('');
		expect(await locatorInput(ndv, 'reportId').getAttribute('placeholder')).toBe('Select a report...');
		// The description's own values: version 2's resource locator, version 1's text field of the same name
		const description = await getBillDescription();
		const props = propertiesOf(description, 'report', 'download');
		expect(props.find((p) => p.name === 'reportId')).toMatchObject({
			displayName: 'Report',
			type: 'resourceLocator',
			required: true,
			default: { mode: 'list', value: '' },
			modes: [
				{ name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchReports', searchable: true } },
				{ name: 'id', type: 'string', placeholder: 'e.g. report_abc123', validation: [expect.objectContaining({ type: 'regex' })] },
			],
		});
		expect(props.find((p) => p.name === 'binaryPropertyName')).toMatchObject({ displayName: 'Put Output File in Field', type: 'string', required: true, default: 'data' });
		const v1 = propertiesOf(description, 'report', 'download', {}, 1);
		expect(v1.find((p) => p.name === 'reportId')).toMatchObject({ displayName: 'Report ID', type: 'string', required: true, default: '' });

		await typeLocatorId(page, ndv, 'reportId', REPORT_ID_SHOWN);
		await page.evaluate(() => document.activeElement?.blur());
		expect(await locatorInput(ndv, 'reportId').inputValue()).toBe(REPORT_ID_SHOWN);
		expect(await locatorInput(ndv, 'reportId').getAttribute('placeholder')).toBe('e.g. report_abc123');
		expect(await input('binaryPropertyName').inputValue()).toBe('data');
		// The credential saved before is the node's
		expect(await selectedCredential(ndv)).toBe('GetBill account');
		await closeToasts(page);
		await page.mouse.move(1, 1);
		await page.waitForTimeout(300);
		saveShot(await screenshot(page), version, 'report-download.png');
		expect(assetErrors).toEqual([]);

		await tid(page, 'ndv-close-button').click();
		await ndv.waitFor({ state: 'hidden' });
		await expectGetBillIcon(tid(page, 'canvas-node').filter({ hasText: 'Download report' }).first(), 'canvas node Download report');
	});

	/**
	 * Saves the workflow open in the editor (Ctrl+S) and returns it as n8n's REST API has it once
	 * it has the nodes named `names` and `done(nodes by name)` holds: 2.41 also saves by itself
	 * as the workflow changes, so an earlier state may be read first. After 20 s, what is saved.
	 */
	async function saveWorkflow(names, done = () => true) {
		await page.keyboard.press('Control+s');
		const deadline = Date.now() + 20000;
		for (;;) {
			const id = new URL(page.url()).pathname.match(/^\/workflow\/([^/]+)/)?.[1];
			const saved = id && id !== 'new' ? await rest(`/rest/workflows/${id}`).catch(() => undefined) : undefined;
			const savedNames = saved?.nodes?.map((n) => n.name) ?? [];
			const complete = names.every((name) => savedNames.includes(name));
			if (complete && done(nodesByName(saved))) return saved;
			if (Date.now() > deadline) {
				if (complete) return saved;
				throw new Error(`workflow not saved with ${names.join(', ')} after 20 s (URL ${page.url()}, saved: ${savedNames.join(', ')})`);
			}
			await page.waitForTimeout(300);
		}
	}

	/** The nodes of a saved workflow by name. */
	const nodesByName = (workflow) => Object.fromEntries(workflow.nodes.map((n) => [n.name, n]));

	test('saved, the workflow has the three GetBill nodes added from the node creator as version 2, their IDs as resource locators', async () => {
		const saved = nodesByName(
			await saveWorkflow(['Update followup', 'Create debt', 'Download report'], (nodes) => nodes['Download report'].parameters.reportId?.value === REPORT_ID_SHOWN),
		);
		const getBillNodes = Object.values(saved).filter((n) => n.type === W.GETBILL_TYPE);
		expect(getBillNodes.map((n) => [n.name, n.typeVersion])).toEqual([
			['Update followup', 2],
			['Create debt', 2],
			['Download report', 2],
		]);
		expect(Object.values(saved).filter((n) => n.type === 'n8n-nodes-getbill.getBillTrigger').map((n) => n.typeVersion)).toEqual([1]);
		expect(saved['Update followup'].parameters.followupId).toEqual({ __rl: true, mode: 'id', value: 'abc123def456' });
		expect(saved['Download report'].parameters.reportId).toEqual({ __rl: true, mode: 'id', value: REPORT_ID_SHOWN });
		// (n8n leaves out a parameter at its default: Create is Debt's default operation)
		expect(saved['Create debt'].parameters).toMatchObject({ resource: 'debt', fieldsToSend: 'autoMapInputData' });
		expect(saved['Create debt'].parameters.operation ?? 'create').toBe('create');
	});

	/**
	 * Adds GetBill to the open workflow from `open` (a plus button) and chooses the action named
	 * `action`. On an empty canvas the node creator shows GetBill's triggers and folds its actions
	 * away under "Actions (25)" (and n8n puts a Manual Trigger before the node).
	 */
	async function addGetBill(open, action, { emptyCanvas = false } = {}) {
		await (await creatorItem(open, 'GetBill', 'GetBill')).click();
		const item = tid(page, 'item-iterator-item').filter({ hasText: new RegExp(`^${action}$`) }).first();
		if (emptyCanvas) await page.getByText(/^Actions \(\d+\)$/).first().click();
		await item.click();
		const ndv = tid(page, 'ndv');
		await ndv.waitFor({ state: 'visible' });
		return ndv;
	}

	/** n8n's ID of the credential made for the From List cases */
	let sandboxCredentialId;

	/** The GetBill API requests the server got since `from` (an index in its request log). */
	const apiRequestsSince = (from) =>
		server.requests.slice(from).filter((q) => q.path.startsWith('/external-api/')).map((q) => ({ method: q.method, path: q.path, query: q.query, body: q.rawBody ? JSON.parse(q.rawBody) : undefined }));

	/** With From List open: the screenshot `shot`, then the record labelled `label` picked (the field then shows the label). */
	async function pictureAndPick(ndv, field, label, shot) {
		await page.mouse.move(1, 1);
		await page.waitForTimeout(300);
		saveShot(await screenshot(page), version, shot);
		await listedRecords(page).filter({ hasText: label }).first().click();
		await listedRecords(page).first().waitFor({ state: 'hidden' });
		expect(await locatorInput(ndv, field).inputValue()).toBe(label);
	}

	/** Waits until the server got a request to `path` (method) after `from`. */
	async function serverReceived(from, method, path) {
		const deadline = Date.now() + 20000;
		while (!apiRequestsSince(from).some((q) => q.method === method && q.path === path)) {
			if (Date.now() > deadline) throw new Error(`no ${method} ${path} in 20 s; got ${JSON.stringify(apiRequestsSince(from))}`);
			await page.waitForTimeout(200);
		}
	}

	test('From list, a debt: a new workflow, Get debt with a working credential; the list shows debtor, amount and reference; a search finds INV-2024-002 on the second page; screenshot', async () => {
		// A credential that reaches the test server, made over REST as a user's saved credential.
		const { id: _id, ...credential } = W.credential({ name: SANDBOX.name, baseUrl: server.url, scope: SANDBOX.scopes.join(' ') });
		sandboxCredentialId = (await rest('/rest/credentials', { method: 'POST', body: credential })).id;
		credentials.add(sandboxCredentialId);
		// A full page load: the editor reads the credentials made meanwhile (2.8 reads them when it starts, not when it opens a workflow).
		await page.goto(`${baseUrl}/workflow/new`);
		const ndv = await addGetBill(tid(page, 'canvas-plus-button'), 'Get debt', { emptyCanvas: true });
		await resourceLocator(ndv, 'debtId').waitFor({ state: 'visible' });
		await selectCredential(page, ndv, SANDBOX.name);
		expect(await selectedCredential(ndv)).toBe(SANDBOX.name);
		expect(await tid(ndv, 'parameter-input-resource').locator('input').inputValue()).toBe('Debt');
		expect(await tid(ndv, 'parameter-input-operation').locator('input').inputValue()).toBe('Get');
		expect(await locatorModes(page, ndv, 'debtId')).toEqual(LOCATOR_MODES);
		expect(await locatorInput(ndv, 'debtId').getAttribute('placeholder')).toBe('Select a debt...');
		// Version 2's Get has Simplify, on by default, naming the fields it keeps
		await expect(tid(ndv, 'parameter-input-simple')).toBeVisibleSoon('Simplify');
		expect(await tid(ndv, 'parameter-input-simple').locator('.is-checked').count()).toBeGreaterThan(0);
		await expect(ndv.getByText(`On: only ${SIMPLIFIED_DEBT.join(', ')} (those GetBill returns). Off: every field.`).first()).toBeVisibleSoon('Simplify hint');

		await closeToasts(page); // (closing one later would close the list)
		const from = server.requests.length;
		const listed = await openFromList(page, ndv, 'debtId');
		// The first page (100) at least, each debt by its debtor, amount and reference, in the API's order
		expect(listed.length).toBeGreaterThanOrEqual(100);
		expect(listed).toEqual(DEBT_LABELS.slice(0, listed.length));
		const found = await searchFromList(page, 'INV-2024-002', [JANE_LABEL]);
		expect(found).toEqual([JANE_LABEL]);
		// GetBill's list has no search: the node read the pages (100 each) and matched them itself, up to page 2.
		const reads = apiRequestsSince(from);
		expect(reads.every((q) => q.method === 'GET' && q.path === '/external-api/v1/debts' && q.query.limit === '100')).toBe(true);
		expect(reads.map((q) => q.query.page)).toEqual(expect.arrayContaining(['1', '2']));
		await pictureAndPick(ndv, 'debtId', JANE_LABEL, 'debt-from-list.png');
	});

	test('executes Get debt in the editor: GetBill receives GET /debts/<the debt picked>; the output pane shows the simplified debt', async () => {
		const ndv = tid(page, 'ndv');
		const from = server.requests.length;
		await executeStep(ndv);
		await serverReceived(from, 'GET', `/external-api/v1/debts/${JANE.id}`);
		const { columns, rows } = await outputTable(ndv);
		expect(apiRequestsSince(from)).toEqual([{ method: 'GET', path: `/external-api/v1/debts/${JANE.id}`, query: {}, body: undefined }]);
		expect(columns).toEqual(SIMPLIFIED_DEBT);
		const debt = server.getDebt(JANE.id);
		expect(rows).toEqual([SIMPLIFIED_DEBT.map((field) => cellText(debt[field]))]);
		expect(rows[0].slice(0, 3)).toEqual([JANE.id, 'Jane', 'Smith']);
		await tid(page, 'ndv-close-button').click();
		await ndv.waitFor({ state: 'hidden' });
	});

	test('From list, a followup: Update followup after it; the list shows type, status and date; a search finds the email followup; Status Deal Found; screenshot; executed: PUT /followups/<the followup picked>', async () => {
		const ndv = await addGetBill(tid(page, 'canvas-handle-plus').first(), 'Update followup');
		await resourceLocator(ndv, 'followupId').waitFor({ state: 'visible' });
		await selectCredential(page, ndv, SANDBOX.name);
		expect(await selectedCredential(ndv)).toBe(SANDBOX.name);
		await closeToasts(page); // (closing one later would close the list)
		const from = server.requests.length;
		expect(await openFromList(page, ndv, 'followupId')).toEqual(FOLLOWUP_LABELS);
		expect(await searchFromList(page, 'email', [EMAIL_FOLLOWUP_LABEL])).toEqual([EMAIL_FOLLOWUP_LABEL]);
		expect(apiRequestsSince(from).every((q) => q.method === 'GET' && q.path === '/external-api/v1/followups')).toBe(true);
		await pictureAndPick(ndv, 'followupId', EMAIL_FOLLOWUP_LABEL, 'followup-from-list.png');
		await addField(page, ndv, 'Status');
		await pickOption(page, ndv, 'status', 'Deal Found');

		const before = server.requests.length;
		await executeStep(ndv);
		const put = `/external-api/v1/followups/${EMAIL_FOLLOWUP_ID}`;
		await serverReceived(before, 'PUT', put);
		const { columns, rows } = await outputTable(ndv);
		// (n8n may run Get debt again first: its own request, not this node's)
		const sent = apiRequestsSince(before).filter((q) => q.path !== `/external-api/v1/debts/${JANE.id}`);
		expect(sent).toEqual([{ method: 'PUT', path: put, query: {}, body: { status: 'deal_found' } }]);
		expect(server.getFollowup(EMAIL_FOLLOWUP_ID)).toMatchObject({ status: 'deal_found', type: 'email', debt_id: JANE.id });
		const row = Object.fromEntries(columns.map((c, i) => [c, rows[0]?.[i]]));
		expect({ rows: rows.length, id: row.id, status: row.status, debt_id: row.debt_id }).toEqual({ rows: 1, id: EMAIL_FOLLOWUP_ID, status: 'deal_found', debt_id: JANE.id });
		await tid(page, 'ndv-close-button').click();
		await ndv.waitFor({ state: 'hidden' });
	});

	test('saved, both nodes are version 2 with the records picked From list (mode list, the ID, the label)', async () => {
		const saved = nodesByName(await saveWorkflow(['Get debt', 'Update followup'], (nodes) => nodes['Update followup'].parameters.updateFields?.status === 'deal_found'));
		expect(saved['Get debt']).toMatchObject({ type: W.GETBILL_TYPE, typeVersion: 2, parameters: { resource: 'debt', operation: 'get' } });
		expect(saved['Get debt'].parameters.debtId).toEqual({ __rl: true, mode: 'list', value: JANE.id, cachedResultName: JANE_LABEL });
		expect(saved['Update followup']).toMatchObject({ type: W.GETBILL_TYPE, typeVersion: 2, parameters: { updateFields: { status: 'deal_found' } } });
		expect(saved['Update followup'].parameters.followupId).toEqual({ __rl: true, mode: 'list', value: EMAIL_FOLLOWUP_ID, cachedResultName: EMAIL_FOLLOWUP_LABEL });
		for (const name of ['Get debt', 'Update followup']) expect(saved[name].credentials[W.CREDENTIAL_TYPE]).toEqual({ id: sandboxCredentialId, name: SANDBOX.name });
	});

	test('a version-1 workflow imported from a file keeps version 1: Update a followup shows a plain Followup ID (its expression), its Update Fields; Get a creditor a plain Creditor ID and no Simplify; saved, every node is still typeVersion 1 with its parameters', async () => {
		const [fixture] = JSON.parse(fs.readFileSync(V1_FIXTURE, 'utf8'));
		// n8n's editor imports one workflow (what its own Export JSON writes); the CLI's export is an
		// array of them, which "Import from file" refuses: the file given is the array's one workflow.
		const file = path.join(tmpDir, 'GetBill v1 workflow.json');
		fs.writeFileSync(file, JSON.stringify(fixture, null, 2));
		await openInEditor(page, `${baseUrl}/workflow/new`);
		await tid(page, 'canvas-plus-button').waitFor({ state: 'visible' });
		await tid(page, 'workflow-menu').click();
		// 2.41 files "From file" under "Import", 2.8 lists "Import from file..." itself.
		const importMenu = tid(page, 'workflow-menu-item-import');
		if (await importMenu.isVisible()) await importMenu.hover();
		const [chooser] = await Promise.all([page.waitForEvent('filechooser'), tid(page, 'workflow-menu-item-import-from-file').click()]);
		await chooser.setFiles(file);
		const fixtureNodes = fixture.nodes.map((n) => n.name);
		const updateNode = tid(page, 'canvas-node').filter({ hasText: 'Update a followup' }).first();
		await expect(updateNode).toBeVisibleSoon('imported node Update a followup');
		expect(await tid(page, 'canvas-node').count()).toBe(fixtureNodes.length);
		await closeToasts(page);

		await updateNode.dblclick();
		const ndv = tid(page, 'ndv');
		await ndv.waitFor({ state: 'visible' });
		const params = tid(ndv, 'node-parameters');
		await expect(tid(params, 'parameter-input-followupId')).toBeVisibleSoon('v1 Followup ID');
		expect(await resourceLocator(ndv, 'followupId').count()).toBe(0);
		expect(await params.locator('[data-test-id="rlc-mode-selector"]').count()).toBe(0);
		const lines = (await params.innerText()).split('\n').map((l) => l.trim());
		expect(lines).toEqual(expect.arrayContaining(['Followup ID', 'Update Fields', 'Status', 'Summary']));
		expect(lines).not.toContain('Followup');
		// Its value: the expression saved in v1, and what it gives
		const fixtureUpdate = fixture.nodes.find((n) => n.name === 'Update a followup');
		expect(await tid(params, 'parameter-input-followupId').innerText()).toContain(fixtureUpdate.parameters.followupId.slice(1));
		expect(lines).toContain('fu_v1_0001');
		expect(await tid(params, 'parameter-input-operation').locator('input').inputValue()).toBe('Update');
		expect(await tid(params, 'parameter-input-status').locator('input').first().inputValue()).toBe('Deal Found');
		expect(await tid(params, 'parameter-input-summary').locator('input, textarea').first().inputValue()).toBe('Agreed to pay in two instalments');
		await page.mouse.move(1, 1);
		await page.waitForTimeout(300);
		saveShot(await screenshot(page), version, 'v1-update-followup.png');
		await tid(page, 'ndv-close-button').click();
		await ndv.waitFor({ state: 'hidden' });

		await tid(page, 'canvas-node').filter({ hasText: 'Get a creditor' }).first().dblclick();
		await ndv.waitFor({ state: 'visible' });
		await expect(tid(params, 'parameter-input-creditorId')).toBeVisibleSoon('v1 Creditor ID');
		expect(await shownParameters(ndv)).toEqual(['resource', 'operation', 'creditorId']);
		expect(await resourceLocator(ndv, 'creditorId').count()).toBe(0);
		expect(await tid(params, 'parameter-input-creditorId').locator('input, textarea').first().inputValue()).toBe('cred_v1_0001');
		expect((await params.innerText()).split('\n').map((l) => l.trim())).toContain('Creditor ID');
		expect(await tid(params, 'parameter-input-simple').count()).toBe(0);
		expect(await tid(params, 'parameter-input-operation').locator('input').inputValue()).toBe('Get');
		await tid(page, 'ndv-close-button').click();
		await ndv.waitFor({ state: 'hidden' });

		// Saved: every node still version 1, the parameters as in the file (the editor adds the
		// empty collections it shows, e.g. Options); the credential is the one the editor chose,
		// the file's own (another n8n's) not being here.
		const saved = nodesByName(await saveWorkflow(fixtureNodes));
		for (const node of fixture.nodes) {
			const got = saved[node.name];
			const added = Object.fromEntries(Object.entries(got.parameters).filter(([key]) => !(key in node.parameters)));
			const kept = Object.fromEntries(Object.entries(got.parameters).filter(([key]) => key in node.parameters));
			expect({ name: node.name, type: got.type, typeVersion: got.typeVersion, kept }).toEqual({ name: node.name, type: node.type, typeVersion: node.typeVersion, kept: node.parameters });
			for (const [key, value] of Object.entries(added)) expect({ name: node.name, key, value }).toEqual({ name: node.name, key, value: {} });
		}
		expect(fixture.nodes.filter((n) => n.type === W.GETBILL_TYPE).map((n) => saved[n.name].typeVersion)).toEqual(Array(16).fill(1));
	});
});
