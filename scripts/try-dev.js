#!/usr/bin/env node
'use strict';

/*
 * Does what a newcomer does after `npm run dev`, in a real browser (Debian's
 * chromium via playwright-core): opens the printed link to the example workflow
 * "Update followup" signed out, signs in on the page n8n redirects to with the
 * printed login, checks that it lands on the workflow, clicks "Execute
 * workflow", and checks that the sandbox's followup changed.
 *
 *   node scripts/try-dev.js [url] [email] [password]
 *
 * Defaults: what `npm run dev` prints. Screenshots: .e2e/dev/try-dev-*.png.
 */

const fs = require('fs');
const path = require('path');

const { launch, tid, OWNER } = require('../test/e2e/lib/browser');
const { ROOT } = require('../test/e2e/lib/package');

const [url = 'http://127.0.0.1:5678', email = OWNER.email, password = OWNER.password] = process.argv.slice(2);
const DEV_DIR = path.join(ROOT, '.e2e', 'dev');
const SANDBOX_FILE = path.join(DEV_DIR, 'sandbox-followups.json');
const FOLLOWUP = 'abc123def456';
const WORKFLOW_ID = 'getbillExample01';

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
		// The link `npm run dev` prints: signed out, n8n redirects to its sign-in page and,
		// after the sign-in, to the workflow (n8n 2.41 would otherwise land on its home page).
		const link = `${url}/workflow/${WORKFLOW_ID}`;
		say(`opening ${link}`);
		await page.goto(link);
		await page.locator('input[type=email]').waitFor({ state: 'visible', timeout: 30000 });
		say(`redirected to ${page.url()}; signing in as ${email}`);
		await shot('1-signin');
		await page.locator('input[type=email]').fill(email);
		await page.locator('input[type=password]').fill(password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 30000 });
		if (new URL(page.url()).pathname !== `/workflow/${WORKFLOW_ID}`) {
			throw new Error(`after the sign-in n8n shows ${page.url()}, not the workflow ${link}`);
		}
		await tid(page, 'canvas-node').first().waitFor({ state: 'visible' });
		say(`signed in, landed on the workflow: ${page.url()}`);
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
