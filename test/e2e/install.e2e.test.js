'use strict';

/*
 * The README's install route until the package is on npm: `npm run pack`, then
 * the printed commands run in a fresh n8n user folder, then `n8n start` there
 * (the restart). n8n must load both nodes, the AI-tool variant and both
 * credentials from it. This file is the home of "the package loads": what n8n
 * lists of it (node names, versions, the tool variant, the credentials).
 *
 * Its own n8n by nature: a fresh user folder where the package is installed
 * before n8n starts (the shared server of lib/shared.js was started with the
 * package installed another way). One `n8n start` per version, nothing else:
 * no CLI process, no workflow. `npm run pack` runs once for the file, in a copy
 * of this project (its sources, node_modules linked), so that it neither
 * rebuilds this tree's dist/ nor replaces its packed/ while other runs use them.
 *
 * Lane 'every version': installing and loading a community package is what
 * differs between n8n versions (the loader, what n8n refuses in a description:
 * 2.41 refuses a builderHint on an operation, resource or mode property).
 */

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const { N8n, freshUserFolder } = require('./lib/n8n');
const { ROOT } = require('./lib/package');
const { ownerSession } = require('./lib/run');
const { versionsFor, keepFolders } = require('./lib/setup');

jest.setTimeout(180000);

/** What a clone of this project holds besides its sources: not copied (node_modules is linked). */
const NOT_SOURCES = new Set(['node_modules', 'dist', 'packed', '.e2e', '.git', '.bench', 'coverage']);

/** A copy of this project's sources in `dir`, with its node_modules linked; returns the copy's root. */
function copyProject(dir) {
	const copy = path.join(dir, path.basename(ROOT));
	fs.cpSync(ROOT, copy, { recursive: true, filter: (src) => !NOT_SOURCES.has(path.relative(ROOT, src).split(path.sep)[0]) });
	fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
	return copy;
}

/** What `npm run pack -- --json` prints in `root`: the tarball and the install commands (for ~/.n8n). */
function pack(root) {
	const env = { ...process.env, npm_config_update_notifier: 'false' };
	const out = execFileSync('npm', ['run', '--silent', 'pack', '--', '--json'], { cwd: root, env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
	return JSON.parse(out.trim().split('\n').pop());
}

let workDir;
let project;
let packed;

beforeAll(() => {
	workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'getbill-e2e-install-'));
	project = copyProject(workDir);
	packed = pack(project);
}, 300000);

afterAll(() => {
	if (workDir && !keepFolders()) fs.rmSync(workDir, { recursive: true, force: true });
});

test('npm run pack prints the tarball and the commands to install it', () => {
	expect(fs.existsSync(packed.tarball)).toBe(true);
	expect(path.dirname(packed.tarball)).toBe(path.join(project, 'packed'));
	expect(packed.installCommands).toEqual(['mkdir -p ~/.n8n/nodes && cd ~/.n8n/nodes', `npm install --omit=peer ${packed.tarball}`]);
});

// Lane 'every version': installing and loading differ between n8n versions (see the top of the file).
describe.each(versionsFor('every version'))('the packed tarball installed as the README says, in n8n %s', (version) => {
	let n8n;
	let userFolder;

	beforeAll(() => {
		userFolder = freshUserFolder(`getbill-e2e-install-${version}-`);
	});

	afterAll(async () => {
		await n8n?.stop();
		if (userFolder && !keepFolders()) fs.rmSync(userFolder, { recursive: true, force: true });
	});

	test('the commands, run for a fresh n8n folder, install the package alone', () => {
		const n8nDir = path.join(userFolder, '.n8n');
		const script = packed.installCommands.map((c) => c.replace(/~\/\.n8n/g, n8nDir)).join('\n');
		// The commands as printed; npm's settings only spare the network: npm resolves the peer n8n-workflow's tree
		// even with --omit=peer, from its cache when it can (14 s of registry requests otherwise), and no audit.
		const npmSettings = { npm_config_update_notifier: 'false', npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
		execFileSync('bash', ['-euc', script], { encoding: 'utf8', stdio: 'pipe', env: { ...process.env, ...npmSettings } });
		const modules = fs.readdirSync(path.join(n8nDir, 'nodes', 'node_modules')).filter((d) => !d.startsWith('.'));
		expect(modules).toEqual(['n8n-nodes-getbill']); // n8n-workflow (peer) is n8n's own
		expect(fs.existsSync(path.join(n8nDir, 'nodes', 'node_modules', 'n8n-nodes-getbill', 'dist', 'nodes', 'GetBill', 'GetBill.node.js'))).toBe(true);
	});

	test('after the restart n8n offers GetBill (versions 1 and 2), its AI-tool variant, GetBill Trigger and both credentials; Settings → Community Nodes lists nothing', async () => {
		// Nothing but the start: no telemetry, version check or template fetch (they do not touch the package).
		n8n = await new N8n({
			version,
			userFolder,
			env: { N8N_DIAGNOSTICS_ENABLED: 'false', N8N_VERSION_NOTIFICATIONS_ENABLED: 'false', N8N_TEMPLATES_ENABLED: 'false' },
		}).init();
		await n8n.start();
		const get = await ownerSession(n8n.url);
		const described = (await get('/types/nodes.json')).filter((n) => n.name.startsWith('n8n-nodes-getbill.'));
		const byName = Object.fromEntries(described.map((n) => [n.name, n]));
		expect(described.map((n) => n.name).sort()).toEqual(['n8n-nodes-getbill.getBill', 'n8n-nodes-getbill.getBillTool', 'n8n-nodes-getbill.getBillTrigger']);
		// GetBill in both versions (a saved version-1 node still runs), version 2 for a new node.
		const getBill = byName['n8n-nodes-getbill.getBill'];
		expect(getBill.version).toEqual([1, 2]);
		expect(getBill.defaultVersion ?? Math.max(...getBill.version)).toBe(2);
		// The AI-tool variant n8n makes of it (usableAsTool): the same versions, an ai_tool output, the OAuth2 credential.
		const tool = byName['n8n-nodes-getbill.getBillTool'];
		expect(tool).toMatchObject({ displayName: 'GetBill Tool', outputs: ['ai_tool'], version: [1, 2] });
		expect(tool.credentials).toEqual([expect.objectContaining({ name: 'getBillOAuth2Api', required: true })]);
		expect(byName['n8n-nodes-getbill.getBillTrigger']).toMatchObject({ displayName: 'GetBill Trigger', group: ['trigger'] });
		// The node-level builderHint for n8n 2.41's AI workflow builder: n8n loads it (2.41 refuses one on an operation,
		// resource or mode property) and lists it as the built nodes have it; n8n 2.8 has no builder hints.
		// The build `npm run pack` made (the tarball's contents), in the copy.
		const built = (file) => require(path.join(project, 'dist', 'nodes', file));
		if (version === '2.41.1') {
			const { GetBill } = built('GetBill/GetBill.node.js');
			const { GetBillTrigger } = built('GetBillTrigger/GetBillTrigger.node.js');
			expect(getBill.builderHint).toEqual(new GetBill().description.builderHint);
			expect(byName['n8n-nodes-getbill.getBillTrigger'].builderHint).toEqual(new GetBillTrigger().description.builderHint);
			expect(getBill.builderHint.relatedNodes.map((r) => r.nodeType)).toContain('n8n-nodes-getbill.getBillTrigger');
		}
		const credentials = Object.fromEntries((await get('/types/credentials.json')).map((c) => [c.name, c]));
		expect(credentials.getBillOAuth2Api).toMatchObject({ displayName: 'GetBill OAuth2 API', extends: ['oAuth2Api'] });
		expect(credentials.getBillWebhookApi).toMatchObject({ displayName: 'GetBill Webhook API' });
		// Settings → Community Nodes lists only the packages n8n installed itself (its own
		// records): after a tarball install it is empty, as the README says, though the nodes load.
		const listed = await get('/rest/community-packages');
		expect(listed.data).toEqual([]);
	});
});
