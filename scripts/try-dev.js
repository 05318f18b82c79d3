#!/usr/bin/env node
'use strict';

/*
 * Does what a newcomer does after `npm run dev`, in a real browser (Debian's
 * chromium via playwright-core): opens the printed URL, signs in with the
 * printed login, opens the example workflow "Update a followup", clicks
 * "Execute workflow", and checks that the sandbox's followup changed.
 *
 *   node scripts/try-dev.js [url] [email] [password]
 *
 * Defaults: what `npm run dev` prints. Screenshots: .e2e/dev/try-dev-*.png.
 */

const fs = require('fs');
const path = require('path');

const { launch, signIn, tid, OWNER } = require('../test/e2e/lib/browser');
const { ROOT } = require('../test/e2e/lib/package');

const [url = 'http://127.0.0.1:5678', email = OWNER.email, password = OWNER.password] = process.argv.slice(2);
const DEV_DIR = path.join(ROOT, '.e2e', 'dev');
const SANDBOX_FILE = path.join(DEV_DIR, 'sandbox-followups.json');
const FOLLOWUP = 'abc123def456';

const say = (msg) => process.stdout.write(`[try-dev] ${msg}\n`);

function followup() {
	try {
		return JSON.parse(fs.readFileSync(SANDBOX_FILE, 'utf8'))[FOLLOWUP];
	} catch {
		return undefined;
	}
}

async function main() {
	const before = followup();
	say(`sandbox followup ${FOLLOWUP} before: ${before ? `status=${before.status}, summary=${JSON.stringify(before.summary)}, processed_at=${before.processed_at}` : '(unknown)'}`);
	const browser = await launch();
	const { page } = browser;
	const shot = (name) => page.screenshot({ path: path.join(DEV_DIR, `try-dev-${name}.png`) });
	try {
		say(`opening ${url} and signing in as ${email}`);
		await signIn(page, url, { email, password });
		say(`signed in: ${page.url()}`);

		// Find the example workflow the way a user would: in the list of workflows.
		await page.goto(`${url}/home/workflows`);
		const card = page.getByText('Update a followup', { exact: true }).first();
		await card.waitFor({ state: 'visible', timeout: 30000 });
		await shot('1-workflows');
		await card.click();
		await page.waitForURL(/\/workflow\//);
		await tid(page, 'canvas-node').first().waitFor({ state: 'visible' });
		say(`opened ${page.url()}`);
		await shot('2-workflow');

		await tid(page, 'execute-workflow-button').click();
		say('clicked "Execute workflow"');
		const success = page.getByText(/executed successfully/i).first();
		const failure = page.getByText(/Problem in node|failed|error/i).first();
		await Promise.race([
			success.waitFor({ state: 'visible', timeout: 60000 }),
			failure.waitFor({ state: 'visible', timeout: 60000 }).then(() => {
				throw new Error('n8n reported a problem executing the workflow');
			}),
		]);
		await shot('3-executed');
		say('n8n: "Workflow executed successfully"');

		// The sandbox writes its followups after each update (npm run dev polls every 300 ms).
		let after;
		for (let i = 0; i < 20; i++) {
			after = followup();
			if (after && before && after.processed_at !== before.processed_at) break;
			await new Promise((r) => setTimeout(r, 250));
		}
		const changed = after && (!before || after.processed_at !== before.processed_at);
		say(`sandbox followup ${FOLLOWUP} after: status=${after?.status}, summary=${JSON.stringify(after?.summary)}, duration_ms=${after?.duration_ms}, call_date=${after?.call_date}, processed_at=${after?.processed_at}`);
		if (!changed) throw new Error(`the sandbox's followup ${FOLLOWUP} did not change`);
		say('OK: the followup changed on the sandbox');
	} catch (error) {
		await shot('error').catch(() => {});
		throw error;
	} finally {
		await browser.close();
	}
}

main().catch((error) => {
	process.stderr.write(`[try-dev] FAILED: ${error.message}\n`);
	process.exit(1);
});
