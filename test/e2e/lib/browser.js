'use strict';

/*
 * The editor in a real browser: Debian's chromium driven by playwright-core,
 * headless, a fresh user-data dir per launch. Plus the owner setup and sign-in
 * every fresh n8n needs.
 */

const fs = require('fs');
const os = require('os');
const path = require('path');

const CHROMIUM = process.env.GETBILL_E2E_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-quic',
];

const OWNER = {
	email: 'owner@getbill.example',
	firstName: 'Sandbox',
	lastName: 'Owner',
	password: 'GetBill-sandbox-1',
};

/**
 * Launches chromium with a fresh user-data dir.
 * @returns {Promise<{context: import('playwright-core').BrowserContext, page: import('playwright-core').Page, close: () => Promise<void>}>}
 */
async function launch({ viewport = { width: 1440, height: 900 } } = {}) {
	const { chromium } = require('playwright-core');
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium) or set GETBILL_E2E_CHROMIUM`);
	}
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'getbill-e2e-chromium-'));
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport,
		deviceScaleFactor: 1,
		locale: 'en-US',
		timezoneId: 'UTC',
	});
	const page = context.pages()[0] ?? (await context.newPage());
	page.setDefaultTimeout(20000);
	const close = async () => {
		await context.close().catch(() => {});
		fs.rmSync(userDataDir, { recursive: true, force: true });
	};
	return { context, page, close };
}

/** Creates the instance owner through n8n's REST API (a fresh n8n has none). */
async function setupOwner(baseUrl, owner = OWNER) {
	const res = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(owner),
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`POST /rest/owner/setup answered ${res.status}: ${text.slice(0, 500)}`);
	return JSON.parse(text).data;
}

/** Signs in through n8n's sign-in page. */
async function signIn(page, baseUrl, owner = OWNER) {
	await page.goto(`${baseUrl}/signin`);
	await page.locator('input[type=email]').fill(owner.email);
	await page.locator('input[type=password]').fill(owner.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30000 });
}

/**
 * A screenshot for the docs: animations finished, no caret, and for each `replace`
 * entry the text matching `pattern` inside `locator` shown as `text` in the picture
 * only (e.g. an id n8n makes up anew every run), put back right after.
 * @param {import('playwright-core').Page} page
 * @param {{replace?: {locator: import('playwright-core').Locator, pattern: RegExp, text: string}[]}} [opts]
 * @returns {Promise<Buffer>}
 */
async function screenshot(page, { replace = [] } = {}) {
	const changed = [];
	try {
		for (const { locator, pattern, text } of replace) {
			const handle = await locator.elementHandle();
			const n = await handle.evaluate(
				(el, [source, flags, to]) => {
					const re = new RegExp(source, flags);
					const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
					el.__shotOriginal = [];
					for (let node = walker.nextNode(); node; node = walker.nextNode()) {
						const value = node.nodeValue.replace(re, to);
						if (value !== node.nodeValue) {
							el.__shotOriginal.push([node, node.nodeValue]);
							node.nodeValue = value;
						}
					}
					return el.__shotOriginal.length;
				},
				[pattern.source, pattern.flags, text],
			);
			if (!n) throw new Error(`screenshot: ${pattern} not found in the text of ${locator}`);
			changed.push(handle);
		}
		return await page.screenshot({ animations: 'disabled', caret: 'hide' });
	} finally {
		for (const handle of changed) {
			await handle
				.evaluate((el) => {
					for (const [node, value] of el.__shotOriginal ?? []) node.nodeValue = value;
					delete el.__shotOriginal;
				})
				.catch(() => {});
		}
	}
}

/** n8n marks its elements with data-test-id. */
const tid = (scope, id) => scope.locator(`[data-test-id="${id}"]`);

/**
 * The output handles the canvas draws for the node named `nodeName`, in order:
 * `{type, index, label}` (n8n 2.x's canvas: `canvas-node-output-handle` with
 * data-node-name, data-connection-type, data-index; the label is the output's
 * displayName, empty for a node's one unnamed output).
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{type: string, index: number, label: string}[]>}
 */
async function canvasOutputHandles(page, nodeName) {
	const handles = await tid(page, 'canvas-node-output-handle').evaluateAll(
		(els, name) =>
			els
				.filter((el) => el.dataset.nodeName === name)
				.map((el) => ({ type: el.dataset.connectionType, index: Number(el.dataset.index), label: el.innerText.trim() })),
		nodeName,
	);
	return handles.sort((a, b) => (a.type === b.type ? a.index - b.index : a.type.localeCompare(b.type)));
}

/**
 * The connections the canvas draws, in DOM order: `{from, output, to, input, type}`
 * (node names; output and input indexes), read from each edge's test id
 * (`edge`, data-source-node-name / data-target-node-name) and its Vue Flow edge
 * id (`[<source id>/outputs/<type>/<index>][<target id>/inputs/<type>/<index>]`).
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{from: string, output: number, to: string, input: number, type: string}[]>}
 */
async function canvasEdges(page) {
	return await tid(page, 'edge').evaluateAll((els) =>
		els.map((el) => {
			const id = el.closest('.vue-flow__edge')?.dataset.id ?? '';
			const [, type, output] = /\/outputs\/([^/\]]+)\/(\d+)\]/.exec(id) ?? [];
			const [, input] = /\/inputs\/[^/\]]+\/(\d+)\]/.exec(id) ?? [];
			return {
				from: el.dataset.sourceNodeName,
				output: output === undefined ? undefined : Number(output),
				to: el.dataset.targetNodeName,
				input: input === undefined ? undefined : Number(input),
				type,
			};
		}),
	);
}

/** Closes n8n's toasts ("Credential successfully created ..."), so they stay out of pictures. */
async function closeToasts(page) {
	const buttons = page.locator('.el-notification .el-notification__closeBtn:visible');
	for (let i = (await buttons.count()) - 1; i >= 0; i--) await buttons.nth(i).click().catch(() => {});
	await page.locator('.el-notification:visible').first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
}

/** Waits until every <img> under `scope` has loaded (node icons), so a picture never catches one half-drawn. */
async function imagesLoaded(page, scope) {
	await page.waitForFunction(
		(el) => [...el.querySelectorAll('img')].every((img) => img.complete && img.naturalWidth > 0),
		await scope.elementHandle(),
		{ timeout: 20000 },
	);
}

/** Reads `read()` until it gives the same twice in a row, 200 ms apart (the canvas redraws over a few frames). */
async function settled(page, read, { until = () => true, timeout = 10000 } = {}) {
	const deadline = Date.now() + timeout;
	let last = await read();
	for (;;) {
		await page.waitForTimeout(200);
		const again = await read();
		if (JSON.stringify(again) === JSON.stringify(last) && until(again)) return again;
		if (Date.now() > deadline) return again;
		last = again;
	}
}

/**
 * The screenshots of a suite: each goes to .e2e/screenshots/<version>/<name>; the
 * pictures the docs show (`docsShots`: name → path under the repository) are also
 * written there from `docsVersion`, when missing or always with
 * GETBILL_E2E_UPDATE_DOCS=1 (`npm run docs:screenshots`), through a temp file.
 * @param {{root: string, docsVersion: string, docsShots: Record<string, string>}} opts
 * @returns {(buffer: Buffer, version: string, name: string) => void}
 */
function shotSaver({ root, docsVersion, docsShots }) {
	return (buffer, version, name) => {
		const dir = path.join(root, '.e2e', 'screenshots', version);
		fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
		fs.writeFileSync(path.join(dir, name), buffer);
		if (version !== docsVersion || !docsShots[name]) return;
		const docsFile = path.join(root, docsShots[name]);
		const update = /^(1|true|yes)$/i.test(process.env.GETBILL_E2E_UPDATE_DOCS ?? '');
		if (update || !fs.existsSync(docsFile)) {
			fs.mkdirSync(path.dirname(docsFile), { recursive: true });
			const tmp = docsFile.replace(/\.png$/, '.tmp.png');
			fs.writeFileSync(tmp, buffer);
			fs.renameSync(tmp, docsFile);
		}
	};
}

module.exports = { launch, setupOwner, signIn, screenshot, tid, canvasOutputHandles, canvasEdges, closeToasts, imagesLoaded, settled, shotSaver, OWNER, CHROMIUM, CHROMIUM_ARGS };
