'use strict';

/*
 * The package as a user meets it in n8n's editor, in a real browser (the run's one
 * chromium, driven by playwright-core, a context of this file's own), on the newest
 * pinned n8n: its shared n8n server (lib/shared.js), credentials made over REST (the
 * editor is shown only this file's credentials).
 *
 * - The node creator's search finds GetBill by the words users search for
 *   (the nodes' codex aliases: "debt", "dunning", "collection", "recouvrement"),
 *   both among triggers (an empty workflow) and among actions (after a
 *   trigger); a word that is no alias ("xylophone") does not find it.
 * - Every template of examples/workflows/ posted to `POST /rest/workflows` as a
 *   user's import gives it (credentials swapped for the ones made here) opens in
 *   the editor: every node drawn, its connections drawn, the overview sticky
 *   note, no node flagged with issues (a missing parameter or credential).
 *   Its picture (the canvas fitted to the view) is
 *   .e2e/screenshots/<version>/templates/<file>.png, and
 *   docs/templates/<file>.png from DOCS_VERSION (written when missing, or
 *   always with GETBILL_E2E_UPDATE_DOCS=1: `npm run docs:screenshots`).
 * What the editor showed goes to .e2e/reports/templates-editor-<version>.json.
 */

const fs = require('fs');
const path = require('path');

const { ROOT } = require('./lib/package');
const { versionsFor } = require('./lib/setup');
const { screenshot, tid, canvasEdges, closeToasts, imagesLoaded, settled, shotSaver, openInEditor } = require('./lib/browser');
const { startEditor, stopEditor } = require('./lib/editor');
const W = require('./lib/workflows');

jest.setTimeout(180000);

const DOCS_VERSION = '2.41.1';
const VIEWPORT = { width: 1440, height: 900 };
const TEMPLATES_DIR = path.join(ROOT, 'examples', 'workflows');
const TEMPLATES = fs
	.readdirSync(TEMPLATES_DIR)
	.filter((f) => f.endsWith('.json'))
	.sort();
const STICKY = 'n8n-nodes-base.stickyNote';

/** What users type in the node creator to find a debt-collection service. */
const SEARCHES = ['debt', 'dunning', 'collection', 'recouvrement'];
/** A word that is neither a name nor an alias of ours: the control. */
const NOT_OURS = 'xylophone';

const saveShot = shotSaver({
	root: ROOT,
	docsVersion: DOCS_VERSION,
	docsShots: Object.fromEntries(TEMPLATES.map((f) => [`templates/${f.replace(/\.json$/, '.png')}`, `docs/templates/${f.replace(/\.json$/, '.png')}`])),
});

const read = (file) => JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, file), 'utf8'));

/** The edges a template's connections describe, as canvasEdges reads them. */
function edgesOf(wf) {
	const edges = [];
	for (const [from, byType] of Object.entries(wf.connections ?? {})) {
		for (const [type, outputs] of Object.entries(byType)) {
			outputs.forEach((targets, output) => {
				for (const t of targets ?? []) edges.push({ from, output, to: t.node, input: t.index, type });
			});
		}
	}
	const key = (e) => `${e.from}|${e.output}|${e.to}|${e.input}|${e.type}`;
	return edges.sort((a, b) => key(a).localeCompare(key(b)));
}

// Newest pinned n8n only (GETBILL_E2E_FULL=1: every version): the search words are the nodes' codex
// aliases and the templates' nodes are checked per version by templates-bulk (every node type and
// version exists there); the editor's rendering of our parameters per version is editor.e2e's.
describe.each(versionsFor('newest'))('GetBill in the n8n %s node creator, and the templates in its editor (chromium)', (version) => {
	let suite;
	let page;
	let baseUrl;
	let rest;
	/** credential type → the credential made here {id, name} */
	const credentials = {};
	const report = { version, searches: {}, templates: {} };

	beforeAll(async () => {
		suite = await startEditor({
			version,
			viewport: VIEWPORT,
			prepare: async (s) => {
				// Credentials as a user saves them, one of each type the templates use (nothing here sends a request:
				// port 9 takes none); names of this file's own (the canvas pictures do not show them).
				const made = [
					(({ id: _id, ...body }) => body)(W.credential({ name: 'Templates editor: GetBill', baseUrl: 'http://127.0.0.1:9' })),
					{ name: 'Templates editor: GetBill webhook', type: W.WEBHOOK_CREDENTIAL_TYPE, data: { secret: 'whsec_editor_test_only' } },
					{ name: 'Templates editor: SMTP', type: 'smtp', data: { user: 'n8n', password: 'unused', host: '127.0.0.1', port: 9, secure: false } },
					{ name: 'Templates editor: MCP bearer token', type: 'httpBearerAuth', data: { token: 'editor-test-only' } },
					{ name: 'Templates editor: webhook header', type: 'httpHeaderAuth', data: { name: 'X-Webhook-Token', value: 'editor-test-only-0123456789abcdef0123456789' } },
					{ name: 'Templates editor: signing secret', type: 'crypto', data: { hmacSecret: 'editor-test-only' } },
				];
				for (const body of made) {
					const saved = await s.credential(body);
					credentials[body.type] = { id: saved.id, name: saved.name };
				}
			},
		});
		({ page, baseUrl, rest } = suite);
	}, 300000);

	afterAll(async () => {
		await stopEditor(suite, `templates-editor-${version}.json`, report);
	});

	/** The names of the node creator's items after searching `text` (once the list changed and stopped changing). */
	async function searchCreator(open, text) {
		await open.click();
		const search = tid(page, 'node-creator-search-bar');
		await search.waitFor({ state: 'visible' });
		const input = (await search.evaluate((el) => el.tagName)) === 'INPUT' ? search : search.locator('input');
		const items = () => tid(page, 'item-iterator-item').evaluateAll((els) => els.map((el) => ({ type: el.dataset.keyboardNavType, name: el.innerText.split('\n')[0].trim() })));
		const before = JSON.stringify(await items());
		await input.fill(text);
		// The search waits for a pause in typing (2.41: a few hundred ms) before it filters the list.
		const listed = await settled(page, items, { until: (list) => JSON.stringify(list) !== before, timeout: 10000, what: `the node creator's list after searching "${text}"` });
		// Closed with Escape (the first Escape may only leave the search: up to 4).
		for (let i = 0; i < 4; i++) {
			await page.keyboard.press('Escape');
			if (await tid(page, 'node-creator').waitFor({ state: 'hidden', timeout: 700 }).then(() => true, () => false)) break;
		}
		return listed.filter((i) => i.type === 'node').map((i) => i.name);
	}

	test.each([['triggers (an empty workflow)'], ['actions (after a trigger)']])('the node creator search among %s finds GetBill by debt, dunning, collection, recouvrement; not by an unrelated word', async (where) => {
		const afterTrigger = where.startsWith('actions');
		let open;
		if (afterTrigger) {
			const wf = W.chain(undefined, 'Node creator search', [W.manualTrigger("When clicking 'Execute workflow'")]);
			delete wf.id;
			const created = await rest('/rest/workflows', { method: 'POST', body: wf });
			await openInEditor(page, `${baseUrl}/workflow/${created.id}`);
			open = tid(page, 'canvas-handle-plus').first();
		} else {
			await openInEditor(page, `${baseUrl}/workflow/new`);
			open = tid(page, 'canvas-plus-button');
		}
		await open.waitFor({ state: 'visible' });
		const found = {};
		for (const text of [...SEARCHES, NOT_OURS]) found[text] = await searchCreator(open, text);
		report.searches[where] = found;
		for (const text of SEARCHES) expect({ text, found: found[text].includes('GetBill') }).toEqual({ text, found: true });
		expect(found[NOT_OURS]).not.toContain('GetBill');
	});

	test.each(TEMPLATES)('the template %s opens in the editor: every node and connection drawn, the overview note, no node with issues; screenshot', async (file) => {
		const wf = read(file);
		for (const n of wf.nodes) {
			for (const type of Object.keys(n.credentials ?? {})) {
				if (!credentials[type]) throw new Error(`${file}: node "${n.name}" uses a ${type} credential this test does not make`);
				n.credentials[type] = credentials[type];
			}
		}
		const created = await rest('/rest/workflows', { method: 'POST', body: wf });
		await page.setViewportSize(VIEWPORT);
		await openInEditor(page, `${baseUrl}/workflow/${created.id}`);
		const nodes = wf.nodes.filter((n) => n.type !== STICKY);
		const stickies = wf.nodes.filter((n) => n.type === STICKY);
		await tid(page, 'canvas-node').first().waitFor({ state: 'visible' });
		const drawn = await settled(page, async () => ({
			nodes: (await tid(page, 'canvas-node').evaluateAll((els) => els.map((el) => el.dataset.nodeName ?? el.innerText.split('\n')[0]))).sort(),
			stickies: await tid(page, 'sticky').count(),
			issues: await tid(page, 'canvas-node').evaluateAll((els) =>
				els.filter((el) => el.querySelector('[data-test-id="node-issues"]')).map((el) => el.dataset.nodeName ?? el.innerText.split('\n')[0]),
			),
			edges: (await canvasEdges(page)).sort((a, b) => `${a.from}|${a.output}|${a.to}`.localeCompare(`${b.from}|${b.output}|${b.to}`)),
		}), { until: (d) => d.nodes.length === nodes.length && d.edges.length === edgesOf(wf).length, what: `the canvas of ${file} (nodes, notes, issues, edges)` });
		report.templates[file] = { workflowId: created.id, ...drawn };
		expect(drawn.nodes).toEqual(nodes.map((n) => n.name).sort());
		expect(drawn.stickies).toBe(stickies.length);
		expect(drawn.edges.map(({ from, output, to }) => ({ from, output, to }))).toEqual(edgesOf(wf).map(({ from, output, to }) => ({ from, output, to })));
		expect(drawn.issues).toEqual([]);

		// The picture: the whole workflow fitted to the view, the overview note in it
		await tid(page, 'zoom-to-fit').click();
		await page.waitForTimeout(800); // the fit animates
		await closeToasts(page);
		await imagesLoaded(page, tid(page, 'canvas'));
		await page.mouse.move(1, 1);
		await page.waitForTimeout(300);
		saveShot(await screenshot(page), version, `templates/${file.replace(/\.json$/, '.png')}`);
	});
});
