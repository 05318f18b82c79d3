/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- runs npm and reads the packed package; tests run in Node.js, not inside n8n Cloud: they read files, use timers and process */
/** The package as npm packs it and n8n installs it. */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JS shared with the e2e suite
const { REQUIRED_FILES } = require('./e2e/lib/package') as { REQUIRED_FILES: string[] };

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('package.json', () => {
	it('is a community node package with no runtime dependencies', () => {
		expect(pkg.name).toBe('n8n-nodes-getbill');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.license).toBe('MIT');
		expect(pkg.files).toEqual(['dist']);
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(pkg.n8n).toEqual({
			n8nNodesApiVersion: 1,
			strict: true,
			credentials: [
				'dist/credentials/GetBillOAuth2Api.credentials.js',
				'dist/credentials/GetBillWebhookApi.credentials.js',
			],
			nodes: ['dist/nodes/GetBill/GetBill.node.js', 'dist/nodes/GetBillTrigger/GetBillTrigger.node.js'],
		});
	});

	it('has a CHANGELOG entry (Keep a Changelog) for its version', () => {
		const changelog = fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
		expect(changelog).toMatch(new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\] - (\\d{4}-\\d{2}-\\d{2}|Unreleased)$`, 'm'));
	});

	it('pins the dev copies of n8n-workflow and n8n-core', () => {
		expect(pkg.devDependencies['n8n-workflow']).toBe('2.8.0');
		expect(pkg.devDependencies['n8n-core']).toBe('2.8.1');
	});
});

describe('npm pack', () => {
	let files: string[];

	beforeAll(() => {
		execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe' });
		const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
		files = (JSON.parse(out)[0].files as Array<{ path: string }>).map((f) => f.path);
	}, 120_000);

	it('is exactly the pinned file list (test/fixtures/package-files.txt)', () => {
		const pinned = fs
			.readFileSync(path.join(root, 'test/fixtures/package-files.txt'), 'utf8')
			.split('\n')
			.filter((line) => line && !line.startsWith('#'));
		expect([...files].sort()).toEqual(pinned);
		// Source maps only of what ships (no tests, no bench), each next to its script
		const maps = files.filter((f) => f.endsWith('.map'));
		expect(maps.length).toBeGreaterThan(0);
		for (const map of maps) expect(files).toContain(map.replace(/\.map$/, ''));
		expect(files.filter((f) => /(^|\/)(test|bench|docs|scripts)\//.test(f) || f.endsWith('.png'))).toEqual([]);
	});

	it('passes the lint of n8n\'s community-package scanner, on the tarball and on the source (npm run scan\'s checks)', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'getbill-pack-test-'));
		try {
			const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }));
			const extracted = path.join(dir, 'package');
			fs.mkdirSync(extracted);
			execFileSync('tar', ['-xzf', path.join(dir, packed[0].filename), '-C', extracted, '--strip-components=1']);
			const scan = (packageDir: string) =>
				spawnSync(process.execPath, ['scripts/scan.mjs', '--package-dir', packageDir, '--source-dir', root], { cwd: root, encoding: 'utf8' });
			const clean = scan(extracted);
			expect(clean.stdout).toMatch(/scan: tarball: passed/);
			expect(clean.stdout).toMatch(/scan: source: passed/);
			expect(clean.status).toBe(0);
			// The same scan refuses a package whose compiled code does what n8n Cloud forbids.
			fs.writeFileSync(
				path.join(extracted, 'dist/nodes/GetBill/GetBill.node.js'),
				"'use strict';\nconst cp = require('child_process');\nconsole.log(cp.execSync('ls'));\n",
			);
			const refused = scan(extracted);
			expect(refused.status).toBe(1);
			expect(refused.stdout).toMatch(/scan: tarball: FAILED/);
			expect(refused.stdout).toMatch(/no-restricted-imports/);
			expect(refused.stdout).toMatch(/no-dangerous-functions/);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}, 120_000);

	it('contains only dist/, package.json, README and LICENSE', () => {
		const outside = files.filter((f) => !f.startsWith('dist/'));
		expect(outside.sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
		expect(files.some((f) => f.startsWith('dist/test') || f.includes('.test.'))).toBe(false);
	});

	it('ships the built nodes, credentials, codex files and icons that package.json names', () => {
		expect(files).toContain(pkg.main);
		// REQUIRED_FILES: package.json's nodes and credentials, their codex files and icons
		// (the list the e2e suite checks in the tarball before installing it into n8n)
		const perNode = (pkg.n8n.nodes as string[]).flatMap((node) => {
			const dir = path.posix.dirname(node);
			return [node.replace(/\.js$/, '.json'), `${dir}/getbill.svg`, `${dir}/getbill.dark.svg`];
		});
		expect(REQUIRED_FILES).toEqual(
			expect.arrayContaining([...pkg.n8n.nodes, ...pkg.n8n.credentials, ...perNode, 'dist/credentials/getbill.svg', 'dist/credentials/getbill.dark.svg']),
		);
		for (const file of REQUIRED_FILES) expect(files).toContain(file);
	});

	it('loads in plain Node without n8n-core (only n8n-workflow and luxon at run time)', () => {
		const script = `
			const Module = require('module');
			const load = Module._load;
			Module._load = function (request, ...rest) {
				if (request.startsWith('n8n-core')) throw new Error('n8n-core is not available at run time');
				return load.call(this, request, ...rest);
			};
			const { GetBill } = require('./dist/nodes/GetBill/GetBill.node.js');
			const { GetBillOAuth2Api } = require('./dist/credentials/GetBillOAuth2Api.credentials.js');
			const { GetBillTrigger } = require('./dist/nodes/GetBillTrigger/GetBillTrigger.node.js');
			const { GetBillWebhookApi } = require('./dist/credentials/GetBillWebhookApi.credentials.js');
			console.log(new GetBill().description.name, new GetBillOAuth2Api().name, new GetBillTrigger().description.name, new GetBillWebhookApi().name);
		`;
		expect(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' }).trim()).toBe(
			'getBill getBillOAuth2Api getBillTrigger getBillWebhookApi',
		);
	});
});
