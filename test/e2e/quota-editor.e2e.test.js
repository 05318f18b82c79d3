'use strict';

/*
 * The write-quota loop template (examples/workflows/getbill-bulk-update-quota-loop.json)
 * in n8n's editor, in a real browser (the run's one chromium, driven by playwright-core,
 * a context of this file's own), on every pinned n8n version: on the shared n8n server
 * of the version (lib/shared.js), a GetBill credential made over REST (the editor is
 * shown only this file's credentials), the template posted to `POST /rest/workflows`
 * as a user's import gives it (its credential swapped for the one made here), then
 * opened in the editor.
 *
 * The canvas: the GetBill node has two output handles, "Done" and "Unsent"
 * (the node's `outputs` expression with Options > When Write Quota Runs Out =
 * Output Unsent Items on a write operation), Unsent goes to the Wait node and
 * the Wait node back into GetBill. The node's panel: the option shows Output
 * Unsent Items; its list offers Output Unsent Items, Stop and Wait (sorted),
 * each with its description. Choosing Stop leaves the node one unnamed output,
 * and n8n drops the Unsent → Wait connection (on the canvas and in the saved
 * workflow); choosing Output Unsent Items again brings the second output back,
 * unconnected. A read operation (Get) does not offer the option (Add Option
 * lists Get's options only), the node has one output there, and the saved
 * node no longer carries the option's value.
 *
 * Screenshots go to .e2e/screenshots/<version>/ (quota-loop.png: the canvas
 * fitted to the view, the overview sticky note in it; quota-option.png: the
 * panel with the option's list open). docs/quota-loop.png and
 * docs/quota-option.png come from DOCS_VERSION: written when missing, or always
 * with GETBILL_E2E_UPDATE_DOCS=1 (`npm run docs:screenshots`). What the editor
 * did (handles, edges, saved connections, truncated descriptions) goes to
 * .e2e/reports/quota-editor-<version>.json.
 */

const fs = require('fs');
const path = require('path');

const { ROOT } = require('./lib/package');
const { versionsFor } = require('./lib/setup');
const { screenshot, tid, canvasOutputHandles, canvasEdges, closeToasts, imagesLoaded, settled, shotSaver, openInEditor } = require('./lib/browser');
const { startEditor, stopEditor } = require('./lib/editor');
const W = require('./lib/workflows');

jest.setTimeout(180000);

const DOCS_VERSION = '2.41.1';
/** The canvas: wide enough for the sticky note and the loop side by side. */
const CANVAS_VIEWPORT = { width: 1440, height: 900 };
/** The panel: tall enough that the option's list opens below it (not over the Auto-Map notice). */
const PANEL_VIEWPORT = { width: 1440, height: 1100 };

const TEMPLATE = path.join(ROOT, 'examples', 'workflows', 'getbill-bulk-update-quota-loop.json');
const GETBILL = 'Update followups in GetBill';
const WAIT = 'Wait until the quota frees up';
const CODE = 'Followups to update';
const STICKY_TITLE = 'Update GetBill followups in bulk, within the write quota';
const CREDENTIAL = { name: 'GetBill account' };
/** The option's choices, sorted by name, as the node describes them (nodes/GetBill/actions/options.ts). */
const CHOICES = [
	['Output Unsent Items', 'outputUnsent'],
	['Stop', 'stop'],
	['Wait', 'wait'],
];
const OPTION_LABEL = 'When Write Quota Runs Out';

/** The pictures for the README. */
const DOCS_SHOTS = ['quota-loop.png', 'quota-option.png'];

const saveShot = shotSaver({ root: ROOT, docsVersion: DOCS_VERSION, docsShots: Object.fromEntries(DOCS_SHOTS.map((name) => [name, `docs/${name}`])) });

/** The template as a user's import posts it: its GetBill credential swapped for `credential` ({id, name}). */
function templateWith(credential) {
	const wf = JSON.parse(fs.readFileSync(TEMPLATE, 'utf8'));
	const swapped = wf.nodes.filter((n) => n.credentials?.[W.CREDENTIAL_TYPE]);
	if (swapped.length !== 1) throw new Error(`${TEMPLATE}: expected one node with a ${W.CREDENTIAL_TYPE} credential, found ${swapped.length}`);
	for (const n of swapped) n.credentials[W.CREDENTIAL_TYPE] = { id: credential.id, name: credential.name };
	return wf;
}

// Every pinned version: the GetBill node's outputs are an expression n8n's editor evaluates (the
// dynamic Done/Unsent outputs), and its canvas and panel differ between n8n versions.
describe.each(versionsFor('every version'))('the write-quota loop template in the n8n %s editor (chromium)', (version) => {
	let suite;
	let page;
	let baseUrl;
	let rest;
	let workflowId;
	let credential;
	const report = { version, template: path.relative(ROOT, TEMPLATE), cases: {} };

	beforeAll(async () => {
		suite = await startEditor({
			version,
			viewport: CANVAS_VIEWPORT,
			prepare: async (s) => {
				// A credential as a user saves one (nothing here calls GetBill: port 9 on this machine takes no request).
				const { id: _id, ...body } = W.credential({ name: CREDENTIAL.name, baseUrl: 'http://127.0.0.1:9' });
				credential = await s.credential(body);
				// The template, as a user's import gives it to n8n's REST API
				const created = await s.rest('/rest/workflows', { method: 'POST', body: templateWith(credential) });
				workflowId = created.id;
				report.imported = { workflowId, credentialId: credential.id, connections: created.connections };
			},
		});
		({ page, baseUrl, rest } = suite);
	}, 300000);

	afterAll(async () => {
		// Its credential deleted: the name "GetBill account" free again for the editor suite's dialog (its picture shows the name).
		await stopEditor(suite, `quota-editor-${version}.json`, report, { deleteCredentials: true });
	});

	const getBillNode = () => tid(page, 'canvas-node').filter({ hasText: GETBILL }).first();
	const ndv = () => tid(page, 'ndv');
	const quotaInput = () => tid(tid(ndv(), 'node-parameters'), 'parameter-input-whenQuotaRunsOut');

	/** The canvas's GetBill output handles and edges once the canvas stopped redrawing. */
	async function canvasState(until) {
		return await settled(page, async () => ({ handles: await canvasOutputHandles(page, GETBILL), edges: await canvasEdges(page) }), { until, what: 'the canvas (GetBill\'s output handles, the edges)' });
	}

	async function openGetBill() {
		await getBillNode().dblclick();
		await ndv().waitFor({ state: 'visible' });
		await tid(ndv(), 'node-parameters').waitFor({ state: 'visible' });
	}

	async function closePanel() {
		await tid(page, 'ndv-close-button').click();
		await ndv().waitFor({ state: 'hidden' });
	}

	/** Picks the choice named `name` in the open panel's option list of `input`. */
	async function choose(input, name) {
		await input.scrollIntoViewIfNeeded();
		await input.click();
		const items = page.locator('.el-select-dropdown__item:visible');
		await items.first().waitFor({ state: 'visible' });
		// An item is its name, then (when the choice has one) its description
		const exact = new RegExp(`^\\s*${name}\\s*$`);
		const option = items.filter({ has: page.locator('.option-headline', { hasText: exact }) }).or(items.filter({ hasText: exact })).first();
		await option.click();
		await option.waitFor({ state: 'hidden' }).catch(() => {});
	}

	/** The workflow as n8n saved it, once `done(workflow)` holds (Ctrl+S; 2.41 may also save by itself); after 20 s, what is saved. */
	async function saved(done) {
		await page.keyboard.press('Control+s');
		const deadline = Date.now() + 20000;
		for (;;) {
			const wf = await rest(`/rest/workflows/${workflowId}`);
			if (done(wf)) return wf;
			if (Date.now() > deadline) return wf;
			await page.waitForTimeout(300);
		}
	}
	const getBillOf = (wf) => wf.nodes.find((n) => n.name === GETBILL);

	/** The node's description as this n8n serves it to the editor: the option and the Options collection of an operation. */
	async function described(operation) {
		const nodes = await (await page.request.get(`${baseUrl}/types/nodes.json`)).json();
		const getBill = nodes.find((n) => n.name === W.GETBILL_TYPE);
		const options = getBill.properties.find(
			(p) => p.name === 'options' && p.displayOptions?.show?.resource?.includes('followup') && p.displayOptions?.show?.operation?.includes(operation),
		);
		const shownFor = (o) => !o.displayOptions?.show?.['/operation'] || o.displayOptions.show['/operation'].includes(operation);
		return { options, offered: options.options.filter(shownFor).map((o) => o.displayName), quota: options.options.find((o) => o.name === 'whenQuotaRunsOut') };
	}

	test('opens the imported template: GetBill has two outputs, Done and Unsent; Unsent goes to the Wait node, the Wait node back into GetBill; screenshot', async () => {
		await openInEditor(page, `${baseUrl}/workflow/${workflowId}`);
		await getBillNode().waitFor({ state: 'visible' });
		const sticky = tid(page, 'sticky');
		await sticky.first().waitFor({ state: 'visible' });
		expect(await tid(page, 'canvas-node').evaluateAll((els) => els.length)).toBe(4);
		const { handles, edges } = await canvasState((s) => s.handles.length === 2);
		report.cases.imported = { handles, edges };
		expect(handles).toEqual([
			{ type: 'main', index: 0, label: 'Done' },
			{ type: 'main', index: 1, label: 'Unsent' },
		]);
		// Exactly the template's four connections: nothing on Done, Unsent to the Wait node, the Wait node back into GetBill
		expect(edges).toEqual(
			expect.arrayContaining([
				{ from: CODE, output: 0, to: GETBILL, input: 0, type: 'main' },
				{ from: GETBILL, output: 1, to: WAIT, input: 0, type: 'main' },
				{ from: WAIT, output: 0, to: GETBILL, input: 0, type: 'main' },
			]),
		);
		expect(edges).toHaveLength(4);
		expect(edges.filter((e) => e.from === GETBILL)).toEqual([{ from: GETBILL, output: 1, to: WAIT, input: 0, type: 'main' }]);
		// The labels are drawn next to the handles, on the node's right
		const labels = await tid(page, 'canvas-node-output-handle').evaluateAll(
			(els, name) => els.filter((el) => el.dataset.nodeName === name).map((el) => ({ text: el.innerText.trim(), visible: el.getBoundingClientRect().width > 0 })),
			GETBILL,
		);
		expect(labels).toEqual([
			{ text: 'Done', visible: true },
			{ text: 'Unsent', visible: true },
		]);

		// The picture: the whole workflow fitted to the view, the overview sticky note in it
		await tid(page, 'zoom-to-fit').click();
		await page.waitForTimeout(800); // the fit animates
		await closeToasts(page);
		await imagesLoaded(page, tid(page, 'canvas'));
		await page.mouse.move(1, 1);
		await page.waitForTimeout(300);
		const viewport = page.viewportSize();
		const inView = async (locator) => {
			const box = await locator.boundingBox();
			return Boolean(box) && box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height;
		};
		expect({ sticky: await inView(sticky.first()), getBill: await inView(getBillNode()), wait: await inView(tid(page, 'canvas-node').filter({ hasText: WAIT }).first()) }).toEqual({
			sticky: true,
			getBill: true,
			wait: true,
		});
		expect(await sticky.first().innerText()).toContain(STICKY_TITLE);
		saveShot(await screenshot(page), version, 'quota-loop.png');
	});

	test('the GetBill node\'s Options show When Write Quota Runs Out = Output Unsent Items; its list offers Output Unsent Items, Stop, Wait (sorted) with their descriptions; screenshot', async () => {
		await page.setViewportSize(PANEL_VIEWPORT);
		await openGetBill();
		const params = tid(ndv(), 'node-parameters');
		await quotaInput().waitFor({ state: 'visible' });
		expect(await tid(params, 'parameter-input-operation').locator('input').inputValue()).toBe('Update');
		expect(await quotaInput().locator('input').inputValue()).toBe('Output Unsent Items');
		const lines = (await params.innerText()).split('\n').map((l) => l.trim());
		// The option's label, under Options
		expect(lines.indexOf(OPTION_LABEL)).toBeGreaterThan(lines.indexOf('Options'));
		expect(lines.indexOf('Options')).toBeGreaterThan(-1);

		const { quota } = await described('update');
		expect(quota.options.map((o) => [o.name, o.value])).toEqual(CHOICES);
		const names = CHOICES.map(([name]) => name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));

		await quotaInput().scrollIntoViewIfNeeded();
		await quotaInput().click();
		const items = page.locator('.el-select-dropdown__item:visible');
		await items.first().waitFor({ state: 'visible' });
		await page.waitForTimeout(300); // the list animates in
		const listed = await items.evaluateAll((els) =>
			els.map((el) => {
				const description = el.querySelector('.option-description');
				const box = description?.getBoundingClientRect();
				return {
					name: el.querySelector('.option-headline')?.textContent.trim() ?? el.textContent.trim(),
					description: description?.textContent.trim(),
					descriptionVisible: Boolean(box && box.width > 0 && box.height > 0 && getComputedStyle(description).visibility !== 'hidden'),
					// n8n 2.41 clamps a description to two lines (option-description--clamped): the rest is cut off with "..."
					truncated: Boolean(description && description.scrollHeight > description.clientHeight + 1),
					selected: el.classList.contains('selected'),
				};
			}),
		);
		report.cases.choices = listed;
		expect(listed.map(({ name, description, descriptionVisible, selected }) => ({ name, description, descriptionVisible, selected }))).toEqual(
			quota.options.map((o) => ({ name: o.name, description: o.description, descriptionVisible: true, selected: o.value === 'outputUnsent' })),
		);
		// The list opens below the field (the Auto-Map notice and the option's label stay in the picture)
		const fieldBox = await quotaInput().boundingBox();
		const listBox = await items.first().boundingBox();
		expect(listBox.y).toBeGreaterThan(fieldBox.y);
		await closeToasts(page);
		await page.mouse.move(1, 1);
		await page.waitForTimeout(300);
		saveShot(await screenshot(page), version, 'quota-option.png');
		await page.keyboard.press('Escape');
		await items.first().waitFor({ state: 'hidden' }).catch(() => {});
	});

	test('choosing Stop leaves GetBill one output (no Unsent label): n8n drops the Unsent → Wait connection, on the canvas and in the saved workflow', async () => {
		await choose(quotaInput(), 'Stop');
		expect(await quotaInput().locator('input').inputValue()).toBe('Stop');
		await closePanel();
		await page.setViewportSize(CANVAS_VIEWPORT);
		const { handles, edges } = await canvasState((s) => s.handles.length === 1);
		report.cases.stop = { handles, edges };
		expect(handles).toEqual([{ type: 'main', index: 0, label: '' }]);
		expect(await getBillNode().innerText()).not.toContain('Unsent');
		expect(await getBillNode().innerText()).not.toContain('Done');
		// The connection from Unsent is gone, not left dangling; the Wait node still loops back into GetBill
		expect(edges.filter((e) => e.from === GETBILL)).toEqual([]);
		expect(edges).toEqual(expect.arrayContaining([{ from: WAIT, output: 0, to: GETBILL, input: 0, type: 'main' }]));
		expect(edges).toHaveLength(3);
		saveShot(await screenshot(page), version, 'quota-loop-stop.png');

		const wf = await saved((w) => getBillOf(w).parameters.options?.whenQuotaRunsOut === 'stop');
		report.cases.stop.saved = { parameters: getBillOf(wf).parameters, connections: wf.connections };
		expect(getBillOf(wf).parameters.options).toEqual({ whenQuotaRunsOut: 'stop' });
		// Saved: nothing leaves GetBill any more (n8n keeps an empty list per output it had)
		expect((wf.connections[GETBILL]?.main ?? []).flat()).toEqual([]);
		expect(wf.connections[WAIT]).toEqual({ main: [[{ node: GETBILL, type: 'main', index: 0 }]] });
	});

	test('choosing Output Unsent Items again brings the Unsent output back, unconnected', async () => {
		await openGetBill();
		await choose(quotaInput(), 'Output Unsent Items');
		expect(await quotaInput().locator('input').inputValue()).toBe('Output Unsent Items');
		await closePanel();
		const { handles, edges } = await canvasState((s) => s.handles.length === 2);
		report.cases.outputUnsentAgain = { handles, edges };
		expect(handles).toEqual([
			{ type: 'main', index: 0, label: 'Done' },
			{ type: 'main', index: 1, label: 'Unsent' },
		]);
		expect(edges.filter((e) => e.from === GETBILL)).toEqual([]);
	});

	test('a read operation (Get) does not offer When Write Quota Runs Out, and GetBill has one output there', async () => {
		await openGetBill();
		const params = tid(ndv(), 'node-parameters');
		await choose(tid(params, 'parameter-input-operation'), 'Get');
		expect(await tid(params, 'parameter-input-operation').locator('input').inputValue()).toBe('Get');
		await tid(params, 'parameter-input-whenQuotaRunsOut').waitFor({ state: 'detached' });
		const lines = (await params.innerText()).split('\n').map((l) => l.trim());
		expect(lines).toContain('Options');
		expect(lines).not.toContain(OPTION_LABEL);
		// Options > Add Option lists Get's options, without this one
		const { offered: expected } = await described('get');
		expect(expected).not.toContain(OPTION_LABEL);
		const add = tid(params, 'collection-parameter-add').filter({ hasText: 'Add Option' }).or(tid(params, 'collection-parameter-add').filter({ has: page.locator('input[placeholder="Add Option"]') }));
		await add.first().scrollIntoViewIfNeeded();
		await add.first().click();
		const items = page.locator('.el-select-dropdown__item:visible');
		await items.first().waitFor({ state: 'visible' });
		await page.waitForTimeout(300);
		const offered = (await items.allInnerTexts()).map((t) => t.split('\n')[0].trim());
		await page.keyboard.press('Escape');
		await items.first().waitFor({ state: 'hidden' }).catch(() => {});
		report.cases.get = { offered };
		expect(offered).not.toContain(OPTION_LABEL);
		expect(offered).toEqual(expected);
		await closePanel();

		const { handles, edges } = await canvasState((s) => s.handles.length === 1);
		Object.assign(report.cases.get, { handles, edges });
		expect(handles).toEqual([{ type: 'main', index: 0, label: '' }]);
		expect(await getBillNode().innerText()).not.toContain('Unsent');
		const wf = await saved((w) => getBillOf(w).parameters.operation === 'get');
		report.cases.get.saved = { parameters: getBillOf(wf).parameters, connections: wf.connections };
		expect(getBillOf(wf).parameters.operation).toBe('get');
		// The option's value (Output Unsent Items, set before) is not kept for a read operation
		expect(getBillOf(wf).parameters.options?.whenQuotaRunsOut).toBeUndefined();
	});
});
