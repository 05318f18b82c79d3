#!/usr/bin/env node
'use strict';

/*
 * `npm run pack`: builds this package from a clean dist/, packs it into
 * packed/n8n-nodes-getbill-<version>.tgz and prints the tarball's path with
 * the commands that install it into a self-hosted n8n (until the package is on
 * npm, this is how to install it).
 *
 *   npm run pack             # human-readable
 *   npm run pack -- --json   # {"tarball": "...", "installCommands": [...]} for scripts
 */

const fs = require('fs');
const path = require('path');

const { buildAndPack, ROOT, PKG } = require('../test/e2e/lib/package');

const DEST = path.join(ROOT, 'packed');

/** The commands that install `tarball` into the n8n whose data folder is `n8nDir` (~/.n8n). */
function installCommands(tarball, n8nDir = '~/.n8n') {
	return [`mkdir -p ${n8nDir}/nodes && cd ${n8nDir}/nodes`, `npm install --omit=peer ${tarball}`];
}

function main() {
	fs.rmSync(DEST, { recursive: true, force: true });
	const tarball = buildAndPack(DEST);
	const commands = installCommands(tarball);
	if (process.argv.includes('--json')) {
		process.stdout.write(`${JSON.stringify({ tarball, installCommands: commands })}\n`);
		return;
	}
	const name = path.basename(tarball);
	const kb = (fs.statSync(tarball).size / 1024).toFixed(1);
	const say = (line = '') => process.stdout.write(`${line}\n`);
	say(`Packed ${PKG.name} ${PKG.version}: ${tarball} (${kb} kB)`);
	say();
	say('Install it into a self-hosted n8n (n8n keeps its data in ~/.n8n, or $N8N_USER_FOLDER/.n8n):');
	commands.forEach((c) => say(`  ${c}`));
	say('then restart n8n: the GetBill and GetBill Trigger nodes appear in the nodes panel (search "GetBill").');
	say();
	say('n8n in Docker (its data volume mounted at /home/node/.n8n):');
	say(`  docker cp ${tarball} <container>:/home/node/.n8n/nodes/`);
	say(`  docker exec -u node -w /home/node/.n8n/nodes <container> npm install --omit=peer ./${name}`);
	say('  docker restart <container>');
	say();
	say('n8n 3.x loads a package n8n has not verified (this one) only with N8N_UNVERIFIED_PACKAGES_ENABLED=true: set it first.');
}

if (require.main === module) {
	try {
		main();
	} catch (error) {
		process.stderr.write(`npm run pack failed: ${error.message}\n`);
		process.exit(1);
	}
}

module.exports = { installCommands, DEST };
