#!/usr/bin/env node
/*
 * `npm run scan`: the checks n8n's community-package scanner
 * (`npx @n8n/scan-community-package n8n-nodes-getbill`) runs before n8n
 * verifies a package, run offline on this package as it would be published.
 *
 * The scanner itself downloads the published tarball and the source commit its
 * npm provenance names, then lints both with its own ESLint config (the
 * `@n8n/eslint-plugin-community-nodes` rules, the `eslint-plugin-n8n-nodes-base`
 * rule sets and `no-console`). This script runs the very same lint (the
 * scanner's own `analyzePackage`, from the dev dependency) on:
 *   - the tarball of `npm run pack` (compiled `.js` files and package.json),
 *   - the source the provenance would name: package.json, nodes/, credentials/.
 * Provenance itself exists only once GitHub Actions has published a version
 * (see docs/releasing.md): check it then with `npm audit signatures`.
 *
 *   npm run scan                                         # pack, then both checks
 *   node scripts/scan.mjs --package-dir <dir> --source-dir <dir>   # given folders (tests)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** What the scanner lints in the published tarball (its "dist" leg) */
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

const say = (line = '') => process.stdout.write(`${line}\n`);

function option(name) {
	const at = process.argv.indexOf(name);
	return at === -1 ? undefined : path.resolve(process.argv[at + 1]);
}

/** Packs the package (`npm run pack`) and extracts the tarball into a temp folder, as the scanner does. */
function packAndExtract() {
	const out = execFileSync(process.execPath, [path.join(ROOT, 'scripts/pack.js'), '--json'], { cwd: ROOT, encoding: 'utf8' });
	const { tarball } = JSON.parse(out.trim().split('\n').pop());
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'getbill-scan-'));
	execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
	return { tarball, dir };
}

async function main() {
	// eslint-plugin-n8n-nodes-base lints differently under NODE_ENV=test (as jest sets it); the scanner never runs so.
	delete process.env.NODE_ENV;
	const { analyzePackage, SOURCE_FILE_PATTERNS } = await import('@n8n/scan-community-package/scanner/scanner.mjs');
	let packageDir = option('--package-dir');
	const sourceDir = option('--source-dir') ?? ROOT;
	let cleanup = () => {};
	if (!packageDir) {
		const packed = packAndExtract();
		packageDir = packed.dir;
		cleanup = () => fs.rmSync(packed.dir, { recursive: true, force: true });
		say(`scan: packed ${path.relative(ROOT, packed.tarball)}, extracted to ${packed.dir}`);
	}
	try {
		const legs = [
			{ name: 'tarball', what: `compiled .js and package.json in ${packageDir}`, result: await analyzePackage(packageDir, TARBALL_FILE_PATTERNS) },
			{ name: 'source', what: `${SOURCE_FILE_PATTERNS.join(', ')} in ${sourceDir}`, result: await analyzePackage(sourceDir, SOURCE_FILE_PATTERNS) },
		];
		for (const { name, what, result } of legs) {
			say(`scan: ${name}: ${result.passed ? 'passed' : `FAILED (${result.message})`} — ${what}`);
			if (result.details) say(result.details);
		}
		const passed = legs.every((leg) => leg.result.passed);
		say(
			passed
				? 'scan: clean — the lint of @n8n/scan-community-package passes on the tarball and the source. Provenance is checked after publishing (npm audit signatures).'
				: 'scan: the community-package scanner would refuse this package (details above).',
		);
		return passed;
	} finally {
		cleanup();
	}
}

main().then(
	(passed) => process.exit(passed ? 0 : 1),
	(error) => {
		process.stderr.write(`npm run scan failed: ${error.stack ?? error.message}\n`);
		process.exit(2);
	},
);
