'use strict';

/*
 * GetBill's output schemas (issue #30) in n8n's editor, in a real browser (the run's one
 * chromium, driven by playwright-core, a context of this file's own), on every pinned n8n
 * version: on the shared n8n server of the version (lib/shared.js), a GetBill credential made
 * over REST whose Base URL takes no request (port 9: nothing here may reach GetBill) and the
 * workflow Start → "Create debt" (GetBill version 2, Debt > Create) → "Map the debt" (Edit
 * Fields) posted to `POST /rest/workflows`; GetBill never runs.
 *
 * n8n serves the package's schema files (nodes/GetBill/__schema__/, in the tarball) at
 * `/schemas/<node type>/<version>/<resource>/<operation>.json`, the route its editor fetches:
 * every operation of version 2 exactly as in the repository, none for version 1 (404). In the
 * editor, the panel of "Map the debt" shows in its input the fields of the unexecuted
 * "Create debt", marked as a preview ("Usually outputs the following fields"), in the
 * schema's order, `id` and `status` among them, each mappable as `{{ $json.<field> }}`.
 * `id` dragged onto Edit Fields' drop area becomes a field `id` = `{{ $json.id }}`, which the
 * saved workflow holds; no execution was made.
 *
 * Screenshots go to .e2e/screenshots/<version>/ (schema-preview.png: the panel with the
 * preview); docs/schema-preview.png comes from DOCS_VERSION: written when missing, or always
 * with GETBILL_E2E_UPDATE_DOCS=1 (`npm run docs:screenshots`). What the editor showed goes to
 * .e2e/reports/schema-editor-<version>.json.
 */

const fs = require('fs');
const path = require('path');

const { ROOT } = require('./lib/package');
const { versionsFor } = require('./lib/setup');
const { screenshot, tid, closeToasts, settled, shotSaver, openInEditor } = require('./lib/browser');
const { startEditor, stopEditor } = require('./lib/editor');
const W = require('./lib/workflows');

jest.setTimeout(180000);

const DOCS_VERSION = '2.41.1';
const VIEWPORT = { width: 1440, height: 900 };
const SCHEMA_DIR = path.join(ROOT, 'nodes', 'GetBill', '__schema__');
const CREDENTIAL = { name: 'GetBill schema preview' };
const GETBILL = 'Create debt';
const SET = 'Map the debt';

const saveShot = shotSaver({ root: ROOT, docsVersion: DOCS_VERSION, docsShots: { 'schema-preview.png': 'docs/schema-preview.png' } });

/** The repository's schema files: {path under __schema__/ (`v2.0.0/debt/create.json`): the parsed schema}. */
function schemaFiles(dir = SCHEMA_DIR, base = dir) {
	return fs.readdirSync(dir, { withFileTypes: true }).reduce((files, entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return { ...files, ...schemaFiles(full, base) };
		return { ...files, [path.relative(base, full).split(path.sep).join('/')]: JSON.parse(fs.readFileSync(full, 'utf8')) };
	}, {});
}

// Every pinned version: the schema route and the editor's schema preview are n8n's loader and front
// end (2.8.4 resolves `v<version>` as the editor asks for it, 2.41 through n8n-core's resolver).
describe.each(versionsFor('every version'))('GetBill\'s output schemas in the n8n %s editor (chromium)', (version) => {
	/** The editor suite (lib/editor.js: page, baseUrl, rest) and the ID n8n gave the workflow */
	let suite;
	let workflowId;
	const report = { version, cases: {} };

	beforeAll(async () => {
		suite = await startEditor({
			version,
			viewport: VIEWPORT,
			prepare: async (s) => {
				// A credential as a user saves one; port 9 on this machine takes no request (GetBill never runs here).
				const { id: _id, ...body } = W.credential({ name: CREDENTIAL.name, baseUrl: 'http://127.0.0.1:9', scope: 'debts:write' });
				const credential = await s.credential(body);
				const getBill = W.getBillNode(GETBILL, {
					typeVersion: 2,
					credential,
					parameters: { resource: 'debt', operation: 'create', firstname: 'Jane', lastname: 'Smith', amount: 750.5, currency: 'EUR', email: 'jane@example.com' },
				});
				const set = W.node(SET, 'n8n-nodes-base.set', 3.4, { assignments: { assignments: [] }, options: {} });
				const { id: _wid, ...wf } = W.chain(undefined, 'GetBill schema preview', [W.manualTrigger(), getBill, set]);
				const created = await s.rest('/rest/workflows', { method: 'POST', body: wf });
				workflowId = created.id;
			},
		});
	}, 300000);

	afterAll(async () => {
		await stopEditor(suite, `schema-editor-${version}.json`, report, { deleteCredentials: true });
	});

	test('n8n serves the package\'s schema of every version-2 operation, as in the repository, at the route its editor fetches; none for version 1', async () => {
		const { page, baseUrl } = suite;
		const files = schemaFiles();
		expect(Object.keys(files)).toHaveLength(25);
		const served = {};
		for (const [file, schema] of Object.entries(files)) {
			const [, resource, operation] = file.replace(/\.json$/, '').split('/');
			const response = await page.request.get(`${baseUrl}/schemas/${W.GETBILL_TYPE}/2.0.0/${resource}/${operation}.json`);
			served[file] = response.status();
			expect({ file, status: response.status() }).toEqual({ file, status: 200 });
			expect(await response.json()).toEqual(schema);
		}
		const v1 = await page.request.get(`${baseUrl}/schemas/${W.GETBILL_TYPE}/1.0.0/debt/create.json`);
		report.cases.served = { ...served, 'v1.0.0/debt/create.json': v1.status() };
		expect(v1.status()).toBe(404);
	});

	const ndv = () => tid(suite.page, 'ndv');
	/**
	 * The mappable field pills of the input panel, top to bottom: [{node, name, value (the expression), preview}].
	 * The panel draws only the rows in view (a virtual scroller): it is scrolled through, each pill
	 * placed by its offset in the scrolled content, then scrolled back to the top.
	 */
	const inputPills = () =>
		suite.page.evaluate(async () => {
			const panel = document.querySelector('[data-test-id="ndv-input-panel"]');
			const pills = () => [...panel.querySelectorAll('[data-test-id="run-data-schema-node-name"]')].filter((el) => el.dataset.target === 'mappable');
			const first = pills()[0];
			if (!first) return [];
			let scroller = first.parentElement;
			while (scroller && scroller !== panel && !(scroller.scrollHeight > scroller.clientHeight + 1 && /auto|scroll/.test(getComputedStyle(scroller).overflowY))) scroller = scroller.parentElement;
			const seen = new Map();
			const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
			for (let guard = 0; guard < 50; guard++) {
				const view = scroller.getBoundingClientRect();
				for (const el of pills()) {
					// Only rows in view: a virtual scroller parks the rows it does not use out of sight
					const box = el.getBoundingClientRect();
					if (box.height === 0 || box.top < view.top - 1 || box.bottom > view.bottom + 1) continue;
					const y = box.top - view.top + scroller.scrollTop;
					if (!seen.has(el.dataset.path)) seen.set(el.dataset.path, { node: el.dataset.nodeName, name: el.dataset.name, value: el.dataset.value, preview: el.classList.contains('pill--preview'), y });
				}
				if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1) break;
				scroller.scrollTop += Math.max(40, Math.floor(scroller.clientHeight / 2));
				await frame();
			}
			scroller.scrollTop = 0;
			await frame();
			return [...seen.values()].sort((a, b) => a.y - b.y).map(({ y: _y, ...pill }) => pill);
		});

	test('the panel of the node after the unexecuted Create debt offers GetBill\'s fields (id, status, …) to map, marked as a preview; screenshot', async () => {
		const { page, baseUrl } = suite;
		await openInEditor(page, `${baseUrl}/workflow/${workflowId}`);
		const setNode = tid(page, 'canvas-node').filter({ hasText: SET }).first();
		await setNode.waitFor({ state: 'visible' });
		await setNode.dblclick();
		await ndv().waitFor({ state: 'visible' });
		const expected = Object.keys(schemaFiles()['v2.0.0/debt/create.json'].properties);
		const pills = await settled(page, inputPills, { until: (p) => p.length >= expected.length, what: 'the input panel\'s fields' });
		report.cases.preview = { pills };
		expect(pills.map((p) => p.name)).toEqual(expected);
		expect(pills.map((p) => p.name)).toEqual(expect.arrayContaining(['id', 'status', 'amount', 'email']));
		for (const pill of pills) expect(pill).toEqual({ node: GETBILL, name: pill.name, value: `{{ $json.${pill.name} }}`, preview: true });
		// Marked as what GetBill usually outputs, not data of a run
		const notice = tid(ndv(), 'schema-preview-warning');
		await notice.first().waitFor({ state: 'visible' });
		report.cases.preview.notice = await notice.first().innerText();
		expect(report.cases.preview.notice).toMatch(/Usually outputs the following fields/);
		// The header names the node the fields come from
		const headers = await tid(tid(page, 'ndv-input-panel'), 'run-data-schema-header').allInnerTexts();
		report.cases.preview.headers = headers;
		expect(headers.filter((h) => h.includes(GETBILL))).toHaveLength(1);
		await closeToasts(page);
		await page.mouse.move(1, 1);
		await page.waitForTimeout(300);
		saveShot(await screenshot(page), version, 'schema-preview.png');
	});

	test('GetBill\'s id dragged onto Edit Fields becomes a field id = {{ $json.id }}, kept when saved; GetBill never ran', async () => {
		const { page, rest } = suite;
		const pill = page.locator('[data-test-id="ndv-input-panel"] [data-test-id="run-data-schema-node-name"][data-name="id"]').first();
		const drop = tid(ndv(), 'assignment-collection-drop-area').first();
		await drop.waitFor({ state: 'visible' });
		// n8n's draggable follows the mouse: press on the pill, move in steps, release over the drop area
		const from = await pill.boundingBox();
		const to = await drop.boundingBox();
		await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
		await page.mouse.down();
		await page.mouse.move(from.x + from.width / 2 + 20, from.y + from.height / 2 + 10, { steps: 5 });
		await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 20 });
		await page.waitForTimeout(200);
		await page.mouse.up();
		const assignment = tid(ndv(), 'assignment').first();
		await assignment.waitFor({ state: 'visible' });
		const name = await tid(assignment, 'assignment-name').locator('input, textarea').first().inputValue();
		const value = (await tid(assignment, 'assignment-value').innerText()).trim();
		report.cases.dropped = { name, value };
		expect({ name, value: value.replace(/\s+/g, ' ') }).toEqual({ name: 'id', value: expect.stringContaining('{{ $json.id }}') });

		await tid(page, 'ndv-close-button').click();
		await ndv().waitFor({ state: 'hidden' });
		await page.keyboard.press('Control+s');
		const deadline = Date.now() + 20000;
		let saved;
		do {
			saved = (await rest(`/rest/workflows/${workflowId}`)).nodes.find((n) => n.name === SET);
			if (saved.parameters.assignments?.assignments?.length) break;
			await page.waitForTimeout(300);
		} while (Date.now() < deadline);
		report.cases.dropped.saved = saved.parameters;
		expect(saved.parameters.assignments.assignments).toEqual([expect.objectContaining({ name: 'id', value: '={{ $json.id }}', type: 'string' })]);
		// Nothing ran: the fields came from the schema, not from an execution
		const answer = await rest(`/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}&limit=100`, { raw: true });
		const list = answer.data?.results ?? answer.results;
		report.cases.executions = list;
		expect(list).toEqual([]);
	});
});
