'use strict';

/*
 * The GetBill node in n8n's editor, in a real browser (Debian's chromium
 * driven by playwright-core), on every pinned n8n version: `n8n start` with the
 * package installed, owner created over REST, sign-in through the UI, a new
 * workflow, GetBill from the node creator, every Update Field, the option
 * lists, the icons, the credential dialog; and the AI-tool variant registered.
 * Then the Debt resource: its actions in the node creator, Create a debt's
 * parameters, Additional Fields and Auto-Map. Then the Report resource: every
 * resource's actions in the node creator, Download a report's panel.
 *
 * Screenshots go to .e2e/screenshots/<version>/. The ones in docs/ (shown in the
 * README) are written from n8n DOCS_VERSION when missing, or always with
 * GETBILL_E2E_UPDATE_DOCS=1 (`npm run docs:screenshots`).
 */

const fs = require('fs');
const path = require('path');

const { N8n, freshUserFolder } = require('./lib/n8n');
const { installTarball, ROOT } = require('./lib/package');
const { readState, selectedVersions, keepFolders } = require('./lib/setup');
const { launch, setupOwner, signIn, screenshot, tid } = require('./lib/browser');

jest.setTimeout(180000);

const DOCS_VERSION = '2.41.1';
const VIEWPORT = { width: 1440, height: 1300 };
const DOCS_DIR = path.join(ROOT, 'docs');
const SHOTS_DIR = path.join(ROOT, '.e2e', 'screenshots');
/**
 * The trigger panel shows the Production URL: n8n's webhook base URL, then the node's
 * webhookId, which the editor makes up (a random UUID) when the node is added from the
 * node creator, as here. So that the picture is the same every run: n8n's own
 * WEBHOOK_URL (what a user behind a reverse proxy sets) gives the URL a fixed host,
 * and the picture shows WEBHOOK_ID_SHOWN in place of the random id.
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
/** The node creator lists each resource's operations by their `action`, under "<Resource> Actions", in the description's order. */
const CREATOR_ACTIONS = {
	Debt: ['Create a debt', 'Create many debts', 'Delete a debt', 'Get a debt', 'Get many debts', 'Get many debts of a creditor', 'Get many debts of a debtor', 'Update a debt'],
	Followup: ['Create a followup', 'Get a followup', 'Get many followups', 'Get many followups of a debt', 'Update a followup'],
	Report: ['Download a report', 'Get a report', 'Get many reports'],
};
/** Operations of the read-only resources: name, value, action (nodes/GetBill/actions/<resource>/index.ts). */
const READ_ONLY_OPERATIONS = {
	report: [
		{ name: 'Download', value: 'download', action: 'Download a report' },
		{ name: 'Get', value: 'get', action: 'Get a report' },
		{ name: 'Get Many', value: 'getAll', action: 'Get many reports' },
	],
	company: [
		{ name: 'Get Credits', value: 'getCredits', action: 'Get the company credits' },
		{ name: 'Get Profile', value: 'getProfile', action: 'Get the company profile' },
	],
	user: [{ name: 'Get Many', value: 'getAll', action: 'Get many users' }],
};
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
	const input = tid(tid(ndv, 'node-parameters'), `parameter-input-${field}`);
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

/** Picks an option by its name in an options parameter. */
async function pickOption(page, ndv, field, name) {
	const input = tid(tid(ndv, 'node-parameters'), `parameter-input-${field}`);
	await input.scrollIntoViewIfNeeded();
	await input.click();
	const option = page.locator('.el-select-dropdown__item:visible', { hasText: name }).first();
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

/** The operations of `resource` in a node's description (n8n appends its own "Custom API Call"). */
function operationsOf(description, resource) {
	const operation = description.properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource));
	return operation.options.filter((o) => o.value !== '__CUSTOM_API_CALL__').map(({ name, value, action }) => ({ name, value, action }));
}

/** The properties a description shows for `resource` and `operation`, with `extra` display conditions met. */
function propertiesOf(description, resource, operation, extra = {}) {
	const values = { resource, operation, ...extra };
	return description.properties.filter((p) =>
		Object.entries(p.displayOptions?.show ?? {}).every(([key, allowed]) => key in values && allowed.includes(values[key])),
	);
}

/** Closes n8n's toasts ("Credential successfully created ..."), so they stay out of pictures. */
async function closeToasts(page) {
	const buttons = page.locator('.el-notification .el-notification__closeBtn:visible');
	for (let i = (await buttons.count()) - 1; i >= 0; i--) await buttons.nth(i).click().catch(() => {});
	await page.locator('.el-notification:visible').first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
}

/** The pictures the README shows. */
const DOCS_SHOTS = ['node-panel.png', 'credential-dialog.png', 'node-operations.png', 'auto-map.png', 'trigger-panel.png', 'debt-create.png', 'report-download.png'];

function saveShot(buffer, version, name) {
	const dir = path.join(SHOTS_DIR, version);
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, name), buffer);
	if (!DOCS_SHOTS.includes(name)) return;
	const docsFile = path.join(DOCS_DIR, name);
	const update = /^(1|true|yes)$/i.test(process.env.GETBILL_E2E_UPDATE_DOCS ?? '');
	if (version === DOCS_VERSION && (update || !fs.existsSync(docsFile))) {
		fs.mkdirSync(DOCS_DIR, { recursive: true });
		const tmp = docsFile.replace(/\.png$/, '.tmp.png');
		fs.writeFileSync(tmp, buffer);
		fs.renameSync(tmp, docsFile);
	}
}

describe.each(selectedVersions())('GetBill in the n8n %s editor (chromium)', (version) => {
	let n8n;
	let userFolder;
	let browser;
	let page;
	let baseUrl;
	const assetErrors = [];

	beforeAll(async () => {
		const { tarball } = readState();
		userFolder = freshUserFolder(`getbill-e2e-editor-${version}-`);
		installTarball(tarball, userFolder);
		n8n = await new N8n({ version, userFolder }).init();
		baseUrl = await n8n.start({ env: { WEBHOOK_URL } });
		await setupOwner(baseUrl);
		// Tall enough for the node panel and the credential dialog to show their fields in one picture.
		browser = await launch({ viewport: VIEWPORT });
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
		await n8n?.stop();
		if (userFolder && !keepFolders()) fs.rmSync(userFolder, { recursive: true, force: true });
	});

	test('signs in as the owner', async () => {
		await signIn(page, baseUrl);
		expect(new URL(page.url()).pathname).not.toMatch(/signin|setup/);
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
		expect(tool.credentials).toEqual([expect.objectContaining({ name: 'getBillOAuth2Api', required: true })]);
		// Resource: exactly the seven resources, then n8n's own "Custom API Call" (which n8n appends to the
		// Resource and Operation lists of a node with an OAuth2 credential), Followup by default.
		const getBill = ours.find((n) => n.name === 'n8n-nodes-getbill.getBill');
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
		// Report (Download, Get, Get Many), Company (Get Credits, Get Profile), User (Get Many)
		for (const [resource, operations] of Object.entries(READ_ONLY_OPERATIONS)) {
			expect({ resource, operations: operationsOf(getBill, resource) }).toEqual({ resource, operations });
			expect({ resource, operations: operationsOf(tool, resource) }).toEqual({ resource, operations });
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
		let items = await read();
		for (let settled = 0, i = 0; settled < 2 && i < 50; i++) {
			await page.waitForTimeout(150);
			const again = await read();
			settled = JSON.stringify(again) === JSON.stringify(items) && !again.some((item) => item.type === 'node') ? settled + 1 : 0;
			items = again;
		}
		const sections = {};
		let current;
		for (const item of items) {
			if (item.type === 'heading') sections[(current = item.id)] = [];
			else if (item.type === 'action') (sections[current] ??= []).push(item.text);
		}
		return sections;
	}

	test('adds the GetBill Trigger first: Events lists All Events and the 14 events, Webhook URLs; screenshot', async () => {
		await page.goto(`${baseUrl}/workflow/new`);
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
		// on n8n's webhook base URL (WEBHOOK_URL), with the node's webhookId
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

	test('adds GetBill after the trigger and chooses Update', async () => {
		const item = await creatorItem(tid(page, 'canvas-handle-plus').first(), 'GetBill', 'GetBill');
		await item.click();
		const action = tid(page, 'item-iterator-item').filter({ hasText: 'Update a followup' }).first();
		await action.waitFor({ state: 'visible' });
		// The followup actions, now in a section of their own next to the other resources' (Debt).
		const sections = await creatorActionSections();
		expect(Object.keys(sections)).toEqual(expect.arrayContaining(['Debt Actions', 'Followup Actions']));
		expect(sections['Followup Actions']).toEqual(CREATOR_ACTIONS.Followup);
		await action.click();
		const ndv = tid(page, 'ndv');
		await tid(ndv, 'parameter-input-followupId').waitFor({ state: 'visible' });
		expect(await tid(ndv, 'parameter-input-resource').locator('input').inputValue()).toBe('Followup');
		expect(await tid(ndv, 'parameter-input-operation').locator('input').inputValue()).toBe('Update');
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
		await page.setViewportSize({ width: 1440, height: 900 });
		// Scroll so that Client ID (label included) down to Base URL are in the picture.
		await tid(modal, 'parameter-input-baseUrl').evaluate((baseUrl) => {
			let box = baseUrl.parentElement;
			while (box && !/(auto|scroll)/.test(getComputedStyle(box).overflowY)) box = box.parentElement;
			const clientId = document.querySelector('[data-test-id="editCredential-modal"] [data-test-id="parameter-input-clientId"]');
			const label = clientId?.closest('[data-test-id="credential-connection-parameter"]') ?? clientId;
			if (!box || !label) return baseUrl.scrollIntoView({ block: 'end' });
			box.scrollTop += label.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
			if (baseUrl.getBoundingClientRect().bottom > box.getBoundingClientRect().bottom) baseUrl.scrollIntoView({ block: 'end' });
		});
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
		const selectedName = await selected.evaluate((el) => (el.querySelector('input')?.value || el.textContent).trim());
		expect(selectedName).toBe('GetBill account');
		expect(assetErrors).toEqual([]);
	});

	test('shows the GetBill icon in the node panel and on the canvas; screenshot', async () => {
		const ndv = tid(page, 'ndv');
		// Values a user would enter, for the screenshot.
		await fillText(ndv, 'followupId', 'abc123def456');
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
		const canvasNode = tid(page, 'canvas-node').filter({ hasText: 'Update a followup' }).first();
		await expectGetBillIcon(canvasNode, 'canvas node');
		expect(assetErrors).toEqual([]);
	});

	test('lists the five followup operations; screenshot', async () => {
		await tid(page, 'canvas-node').filter({ hasText: 'Update a followup' }).first().dblclick();
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

	test('adds GetBill again: the node creator lists the eight Debt actions as the description names them; chooses Create a debt', async () => {
		const description = await getBillDescription();
		// The only free output is the followup node's: the new node comes after it.
		const item = await creatorItem(tid(page, 'canvas-handle-plus').first(), 'GetBill', 'GetBill');
		await item.click();
		const action = tid(page, 'item-iterator-item').filter({ hasText: /^Create a debt$/ }).first();
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
		await expectGetBillIcon(ndv, 'Create a debt panel (NDV)');
	});

	test('Create a debt shows First Name, Last Name, Amount, Currency (EUR), Email, Phone and Additional Fields; adds Civility (Mr, Ms) and Due Date', async () => {
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

	test('Create a debt with values typed in; screenshot', async () => {
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
		const selectedName = await tid(ndv, 'node-credentials-select').evaluate((el) => (el.querySelector('input')?.value || el.textContent).trim());
		expect(selectedName).toBe('GetBill account');
		await closeToasts(page);
		await page.mouse.move(1, 1);
		await page.waitForTimeout(300);
		saveShot(await screenshot(page), version, 'debt-create.png');
		expect(assetErrors).toEqual([]);
	});

	test('Create a debt with Auto-Map Input Data: a notice naming every debt field, Input Fields to Ignore', async () => {
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
		await expectGetBillIcon(tid(page, 'canvas-node').filter({ hasText: 'Create a debt' }).first(), 'canvas node Create a debt');
	});

	test('adds GetBill again: the node creator lists every resource\'s actions, the three Report actions; chooses Download a report', async () => {
		const description = await getBillDescription();
		// The only free output is now Create a debt's: the new node comes after it.
		const item = await creatorItem(tid(page, 'canvas-handle-plus').first(), 'GetBill', 'GetBill');
		await item.click();
		const action = tid(page, 'item-iterator-item').filter({ hasText: /^Download a report$/ }).first();
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
		expect(sections['User Actions']).toEqual(READ_ONLY_OPERATIONS.user.map((o) => o.action));
		await action.click();
		const ndv = tid(page, 'ndv');
		await tid(ndv, 'parameter-input-reportId').waitFor({ state: 'visible' });
		expect(await tid(ndv, 'parameter-input-resource').locator('input').inputValue()).toBe('Report');
		expect(await tid(ndv, 'parameter-input-operation').locator('input').inputValue()).toBe('Download');
		await expectGetBillIcon(ndv, 'Download a report panel (NDV)');
	});

	test('Download a report shows Report ID and Put Output File in Field (data); Report ID typed in; screenshot', async () => {
		const ndv = tid(page, 'ndv');
		const params = tid(ndv, 'node-parameters');
		expect(await shownParameters(ndv)).toEqual(['resource', 'operation', 'reportId', 'binaryPropertyName']);
		const labels = ['Resource', 'Operation', 'Report ID', 'Put Output File in Field', 'Options'];
		const lines = (await params.innerText()).split('\n').map((l) => l.trim());
		expect(lines.filter((l) => labels.includes(l))).toEqual(labels);
		const input = (field) => tid(ndv, `parameter-input-${field}`).locator('input, textarea').first();
		expect(await input('binaryPropertyName').inputValue()).toBe('data');
		await expect(params.getByText('The name of the output binary field to put the file in').first()).toBeVisibleSoon('Put Output File in Field hint');
		expect(await input('reportId').inputValue()).toBe('');
		expect(await input('reportId').getAttribute('placeholder')).toBe('e.g. report_abc123');
		// The description's own values
		const description = await getBillDescription();
		const props = propertiesOf(description, 'report', 'download');
		expect(props.find((p) => p.name === 'reportId')).toMatchObject({ displayName: 'Report ID', type: 'string', required: true, default: '' });
		expect(props.find((p) => p.name === 'binaryPropertyName')).toMatchObject({ displayName: 'Put Output File in Field', type: 'string', required: true, default: 'data' });

		await fillText(ndv, 'reportId', REPORT_ID_SHOWN);
		await page.evaluate(() => document.activeElement?.blur());
		expect(await input('reportId').inputValue()).toBe(REPORT_ID_SHOWN);
		expect(await input('binaryPropertyName').inputValue()).toBe('data');
		// The credential saved before is the node's
		const selectedName = await tid(ndv, 'node-credentials-select').evaluate((el) => (el.querySelector('input')?.value || el.textContent).trim());
		expect(selectedName).toBe('GetBill account');
		await closeToasts(page);
		await page.mouse.move(1, 1);
		await page.waitForTimeout(300);
		saveShot(await screenshot(page), version, 'report-download.png');
		expect(assetErrors).toEqual([]);

		await tid(page, 'ndv-close-button').click();
		await ndv.waitFor({ state: 'hidden' });
		await expectGetBillIcon(tid(page, 'canvas-node').filter({ hasText: 'Download a report' }).first(), 'canvas node Download a report');
	});
});
