'use strict';

/*
 * The e2e run's one browser: Debian's chromium launched once with playwright-core's
 * `chromium.launchServer` (headless, on 127.0.0.1), in a process of its own so that it
 * outlives the test file that first needed it (lib/browser.js sharedChromium starts it,
 * each browser test file connects and opens a context of its own).
 *
 *   node chromium-server.js <info file> <parent pid>
 *
 * Writes {wsEndpoint, pid, chromiumPid} to the info file once chromium is up. Closes
 * chromium and exits on SIGTERM/SIGINT (globalTeardown sends it) or when the parent
 * (the jest process) is gone, so that an aborted run leaves no browser behind.
 *
 * CommonJS, playwright-core and Node built-ins only.
 */

const fs = require('fs');

const { CHROMIUM, CHROMIUM_ARGS } = require('./browser');

const [infoFile, parentPid] = process.argv.slice(2);

async function main() {
	const { chromium } = require('playwright-core');
	const server = await chromium.launchServer({
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_ARGS,
		host: '127.0.0.1',
		// This process closes the browser itself (below): no playwright signal handlers.
		handleSIGINT: false,
		handleSIGTERM: false,
		handleSIGHUP: false,
	});
	let closing;
	const close = (code) => {
		closing ??= server
			.close()
			.catch(() => {})
			.finally(() => process.exit(code));
		return closing;
	};
	process.on('SIGTERM', () => close(0));
	process.on('SIGINT', () => close(0));
	server.process().once('exit', () => close(1));
	const tmp = `${infoFile}.${process.pid}.tmp`;
	fs.writeFileSync(tmp, JSON.stringify({ wsEndpoint: server.wsEndpoint(), pid: process.pid, chromiumPid: server.process().pid }));
	fs.renameSync(tmp, infoFile);
	const parent = Number(parentPid);
	if (parent) {
		setInterval(() => {
			try {
				process.kill(parent, 0);
			} catch {
				close(0);
			}
		}, 1000);
	}
}

main().catch((error) => {
	process.stderr.write(`chromium-server: ${error.stack ?? error.message}\n`);
	process.exit(1);
});
