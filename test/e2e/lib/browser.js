'use strict';

/*
 * The editor in a real browser: Debian's chromium driven by playwright-core, headless.
 *
 * The e2e suite starts ONE chromium per run (sharedChromium: launched by the first browser
 * test file that needs it, in a process of its own, lib/chromium-server.js; globalTeardown
 * stops it with stopSharedChromium); each browser test file connects to it and opens a
 * context of its own (browserSession: its viewport, a fresh profile, signed in as the owner
 * of the shared n8n). `launch` (a chromium of its own, fresh user-data dir) is for the dev
 * scripts (scripts/try-dev.js). Plus the owner setup and sign-in every fresh n8n needs.
 */

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

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
	// An n8n started elsewhere (lib/external.js) may have an owner of its own.
	...(process.env.GETBILL_E2E_N8N_EMAIL ? { email: process.env.GETBILL_E2E_N8N_EMAIL } : {}),
	...(process.env.GETBILL_E2E_N8N_PASSWORD ? { password: process.env.GETBILL_E2E_N8N_PASSWORD } : {}),
};

/**
 * Launches a chromium of its own with a fresh user-data dir (the dev scripts; the e2e test
 * files share the run's one chromium: browserSession).
 * @returns {Promise<{context: import('playwright-core').BrowserContext, page: import('playwright-core').Page, close: () => Promise<void>}>}
 */
async function launch({ viewport = { width: 1440, height: 900 } } = {}) {
	const { chromium } = require('playwright-core');
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium) or set GETBILL_E2E_CHROMIUM`);
	}
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'getbill-e2e-chromium-'));
	const started = Date.now();
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport,
		deviceScaleFactor: 1,
		locale: 'en-US',
		timezoneId: 'UTC',
	});
	require('./ledger').countStart('chromium', { ms: Date.now() - started });
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

/**
 * Reads `read()` until it gives the same twice in a row, 200 ms apart (the canvas redraws over
 * a few frames), and that reading meets `until`. Throws, with the last reading, when that does
 * not happen within `timeout` ms (`what` names the reading in the message).
 */
async function settled(page, read, { until = () => true, timeout = 10000, what = 'the reading' } = {}) {
	const deadline = Date.now() + timeout;
	let last = await read();
	for (;;) {
		await page.waitForTimeout(200);
		const again = await read();
		const same = JSON.stringify(again) === JSON.stringify(last);
		if (same && until(again)) return again;
		if (Date.now() > deadline) {
			const why = same ? 'was steady but did not meet its condition' : 'kept changing';
			throw new Error(`settled: ${what} ${why} within ${timeout} ms; last read: ${JSON.stringify(again).slice(0, 3000)}`);
		}
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

/** The browser context's options: the same for every test file (the pictures depend on them). */
const CONTEXT_OPTIONS = { deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'UTC' };

/**
 * Opens `url`, a page of the n8n editor shown in `page`, as a link inside the editor does: through
 * the editor's own router (Vue Router, on the app mounted at #app), without loading and starting
 * the editor again (seconds per page, more on a busy machine). A full page load when the page is
 * not on that editor yet, has no router, or the router does not get there within 10 s.
 */
async function openInEditor(page, url) {
	const target = new URL(url);
	let here;
	try {
		here = new URL(page.url());
	} catch {
		here = undefined;
	}
	// Just after signing in, the editor is still on its way to its home page: a push then is cancelled (Vue
	// Router's NavigationFailureType.cancelled, 8): up to 3 tries. Any other failure (the editor's "Save changes
	// before leaving?" guard, 2.8's on a workflow it counts as changed) or no answer within 10 s: a full page load.
	for (let attempt = 0; attempt < 3 && here?.origin === target.origin && here.pathname !== target.pathname; attempt++) {
		const pushed = await page
			.evaluate(async (to) => {
				const router = document.querySelector('#app')?.__vue_app__?.config?.globalProperties?.$router;
				if (!router) return 'no router';
				await router.isReady();
				const failure = await Promise.race([router.push(to), new Promise((resolve) => setTimeout(() => resolve('timeout'), 10000))]);
				return failure ? (failure.type ?? String(failure)) : 'pushed';
			}, target.pathname + target.search)
			.catch((error) => error.message);
		// (the router may redirect: /workflow/new becomes the new workflow's own address)
		if (pushed === 'pushed') return;
		if (pushed !== 8) break;
		await page.waitForTimeout(300);
	}
	await page.goto(url);
}

/** This run's folder (globalSetup makes it; the state file is in it), where the shared chromium is described. */
const runDir = () => (process.env.GETBILL_E2E_STATE ? path.dirname(process.env.GETBILL_E2E_STATE) : undefined);
const CHROMIUM_INFO = 'chromium.json';

function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

function readInfo(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

/**
 * The run's one chromium (playwright-core's launchServer in lib/chromium-server.js, a process
 * of its own that outlives the test file), launched on first use and counted in the run's
 * ledger; later calls, from any test file of the run, connect to it. Outside a jest run of
 * the e2e suite (no run folder), a chromium of this process, counted too.
 * @returns {Promise<import('playwright-core').Browser>}
 */
async function sharedChromium() {
	const { chromium } = require('playwright-core');
	const { countStart } = require('./ledger');
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium) or set GETBILL_E2E_CHROMIUM`);
	}
	const dir = runDir();
	if (!dir) {
		const started = Date.now();
		const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
		countStart('chromium', { ms: Date.now() - started });
		return browser;
	}
	const file = path.join(dir, CHROMIUM_INFO);
	let info = readInfo(file);
	if (!info || !alive(info.pid)) {
		fs.rmSync(file, { force: true });
		const started = Date.now();
		const logFile = path.join(dir, 'chromium-server.log');
		const log = fs.openSync(logFile, 'a');
		const child = spawn(process.execPath, [path.join(__dirname, 'chromium-server.js'), file, String(process.pid)], { detached: true, stdio: ['ignore', log, log] });
		fs.closeSync(log);
		child.unref();
		let exited;
		child.once('exit', (code, signal) => (exited = signal ?? code));
		const deadline = Date.now() + 60000;
		while (!(info = readInfo(file))) {
			const tail = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '');
			if (exited !== undefined) throw new Error(`the shared chromium did not start (exit ${exited}): ${tail()}`);
			if (Date.now() > deadline) {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					/* gone */
				}
				throw new Error(`the shared chromium was not up within 60 s: ${tail()}`);
			}
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		child.removeAllListeners('exit');
		countStart('chromium', { ms: Date.now() - started });
	}
	return await chromium.connect(info.wsEndpoint, { timeout: 30000 });
}

/** Stops the run's shared chromium, if one was launched (globalTeardown). */
async function stopSharedChromium(dir = runDir()) {
	const info = dir && readInfo(path.join(dir, CHROMIUM_INFO));
	if (!info) return;
	try {
		process.kill(info.pid, 'SIGTERM');
	} catch {
		/* gone */
	}
	const deadline = Date.now() + 10000;
	while (alive(info.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
	for (const pid of [info.pid, -info.chromiumPid, info.chromiumPid]) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			/* gone */
		}
	}
	fs.rmSync(path.join(dir, CHROMIUM_INFO), { force: true });
}

/**
 * Shows the editor of `context` only the credentials whose IDs are in `ids` (a Set the test
 * file fills with the credentials it made; one the editor saves is added as it is saved), as
 * a fresh n8n would have only those. Every test file works on the one shared n8n server of
 * its version, where the other files' credentials are too: n8n's editor picks a new node's
 * credential by itself when there is exactly one of its type, names a new credential after the
 * ones there are, and lists them all in the node's credential dropdown; the pictures and the
 * checks of a file must not depend on which files ran before it.
 * (GET /rest/credentials and /rest/credentials/for-workflow: the lists the editor loads;
 * GET /rest/credentials/new: the name the credential dialog proposes, "GetBill account".)
 */
async function onlyTheseCredentials(context, ids) {
	await context.route(/\/rest\/credentials\/new(\?.*)?$/, guarded(async (route) => {
		// The name the credential dialog proposes: n8n's rule (NamingService.getUniqueName) over these credentials only.
		const requested = new URL(route.request().url()).searchParams.get('name');
		const listed = await fetchForRoute(route, { url: route.request().url().replace(/\/new(\?.*)?$/, ''), method: 'GET' });
		const all = listed.ok() ? (await listed.json().catch(() => undefined))?.data : undefined;
		if (!requested || !Array.isArray(all)) return await route.fallback();
		const found = all.filter((c) => ids.has(c.id) && c.name.startsWith(requested));
		const suffixes = found.map((c) => parseInt(c.name.split(`${requested} `)[1])).filter((n) => !Number.isNaN(n));
		const name = found.length === 0 ? requested : found.length === 1 ? `${requested} 2` : `${requested} ${Math.max(2, ...suffixes) + 1}`;
		return await route.fulfill({ status: 200, contentType: 'application/json', json: { data: { name } } });
	}));
	await context.route(/\/rest\/credentials(\/for-workflow)?(\?.*)?$/, guarded(async (route) => {
		const request = route.request();
		const method = request.method();
		if (method !== 'GET' && method !== 'POST') return await route.fallback();
		const response = await fetchForRoute(route, method === 'GET' ? { method: 'GET' } : undefined);
		let json;
		try {
			json = await response.json();
		} catch {
			return await route.fulfill({ response });
		}
		if (method === 'POST') {
			if (response.ok() && json?.data?.id) ids.add(json.data.id);
			return await route.fulfill({ response });
		}
		if (Array.isArray(json?.data)) json.data = json.data.filter((c) => ids.has(c.id));
		return await route.fulfill({ response, json });
	}));
}

/**
 * A route handler that never throws into the test file: when n8n's answer cannot be fetched (the
 * connection reset, or the context closing while a list the editor polls is in flight, which once
 * failed every test of an editor file in its afterAll), the page's request fails instead, as it
 * would have without the route; a test that needs that request fails on its own checks.
 */
function guarded(handler) {
	return async (route) => {
		try {
			await handler(route);
		} catch {
			await route.abort().catch(() => {});
		}
	};
}

/**
 * The answer to an intercepted request, fetched from n8n by Playwright. A GET whose connection n8n
 * reset before answering (a keep-alive socket closed as it was reused: seen once under load, when it
 * failed a whole editor file) is asked again, twice at most; anything else, and every write, is not.
 * @param {import('playwright-core').Route} route
 * @param {{url?: string, method?: string}} [options] a GET when given with method GET
 */
async function fetchForRoute(route, options) {
	for (let attempt = 1; ; attempt++) {
		try {
			return await route.fetch(options);
		} catch (error) {
			const again = options?.method === 'GET' && attempt < 3 && /ECONNRESET|socket hang up/i.test(String(error?.message));
			if (!again) throw error;
		}
	}
}

/**
 * A browser test file's session on a shared n8n server: a new context of the run's one chromium
 * (its viewport, a fresh profile), signed in as the owner through n8n's sign-in page (it throws
 * when the sign-in page does not let the owner in). `credentials`: a Set of the credential IDs
 * the editor may show (onlyTheseCredentials), else every credential.
 * @param {{url: string, viewport?: {width: number, height: number}, credentials?: Set<string>}} o
 * @returns {Promise<{context: import('playwright-core').BrowserContext, page: import('playwright-core').Page, close: () => Promise<void>}>}
 */
async function browserSession({ url, viewport = { width: 1440, height: 900 }, credentials }) {
	const browser = await sharedChromium();
	let context;
	try {
		context = await browser.newContext({ viewport, ...CONTEXT_OPTIONS });
		if (credentials) await onlyTheseCredentials(context, credentials);
		const page = await context.newPage();
		page.setDefaultTimeout(20000);
		await signIn(page, url);
		// The pointer out of the way (it stays where the sign-in button was; the editor's canvas may come up under it).
		await page.mouse.move(1, 1);
		const close = async () => {
			await context.close().catch(() => {});
			await browser.close().catch(() => {});
		};
		return { context, page, close };
	} catch (error) {
		await context?.close().catch(() => {});
		await browser.close().catch(() => {});
		throw error;
	}
}

module.exports = {
	launch,
	setupOwner,
	signIn,
	screenshot,
	tid,
	canvasOutputHandles,
	canvasEdges,
	closeToasts,
	imagesLoaded,
	settled,
	shotSaver,
	openInEditor,
	sharedChromium,
	stopSharedChromium,
	browserSession,
	onlyTheseCredentials,
	OWNER,
	CHROMIUM,
	CHROMIUM_ARGS,
};
