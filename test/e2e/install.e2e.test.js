'use strict';

/*
 * The README's install route until the package is on npm: `npm run pack`, then
 * the printed commands run in a fresh n8n user folder, then `n8n start` there
 * (the restart). n8n must load both nodes and both credentials from it.
 */

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const { N8n, freshUserFolder } = require('./lib/n8n');
const { ROOT } = require('./lib/package');
const { ownerSession } = require('./lib/run');
const { selectedVersions, keepFolders } = require('./lib/setup');

jest.setTimeout(180000);

/** What `npm run pack -- --json` prints: the tarball and the install commands (for ~/.n8n). */
function pack() {
	const out = execFileSync('npm', ['run', '--silent', 'pack', '--', '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
	return JSON.parse(out.trim().split('\n').pop());
}

const versions = selectedVersions();

describe.each(versions)('the packed tarball installed as the README says, in n8n %s', (version) => {
	let n8n;
	let userFolder;
	let packed;

	beforeAll(() => {
		packed = pack();
		userFolder = freshUserFolder(`getbill-e2e-install-${version}-`);
	});

	afterAll(async () => {
		await n8n?.stop();
		if (userFolder && !keepFolders()) fs.rmSync(userFolder, { recursive: true, force: true });
	});

	test('npm run pack prints the tarball and the commands to install it', () => {
		expect(fs.existsSync(packed.tarball)).toBe(true);
		expect(path.dirname(packed.tarball)).toBe(path.join(ROOT, 'packed'));
		expect(packed.installCommands).toEqual([
			'mkdir -p ~/.n8n/nodes && cd ~/.n8n/nodes',
			`npm install --omit=peer ${packed.tarball}`,
		]);
	});

	test('the commands, run for a fresh n8n folder, install the package alone', () => {
		const n8nDir = path.join(userFolder, '.n8n');
		const script = packed.installCommands.map((c) => c.replace(/~\/\.n8n/g, n8nDir)).join('\n');
		execFileSync('bash', ['-euc', script], { encoding: 'utf8', stdio: 'pipe', env: { ...process.env, npm_config_update_notifier: 'false' } });
		const modules = fs.readdirSync(path.join(n8nDir, 'nodes', 'node_modules')).filter((d) => !d.startsWith('.'));
		expect(modules).toEqual(['n8n-nodes-getbill']); // n8n-workflow (peer) is n8n's own
		expect(fs.existsSync(path.join(n8nDir, 'nodes', 'node_modules', 'n8n-nodes-getbill', 'dist', 'nodes', 'GetBill', 'GetBill.node.js'))).toBe(true);
	});

	test('after the restart n8n offers GetBill, GetBill Trigger and both credentials; Settings → Community Nodes lists nothing', async () => {
		n8n = await new N8n({ version, userFolder }).init();
		await n8n.start();
		const get = await ownerSession(n8n.url);
		const described = (await get('/types/nodes.json')).filter((n) => n.name.startsWith('n8n-nodes-getbill.'));
		const nodes = described.map((n) => n.name);
		expect(nodes.sort()).toEqual(['n8n-nodes-getbill.getBill', 'n8n-nodes-getbill.getBillTool', 'n8n-nodes-getbill.getBillTrigger']);
		// The node-level builderHint for n8n 2.41's AI workflow builder: n8n loads it (2.41 refuses one on an operation,
		// resource or mode property) and lists it as the built nodes have it; n8n 2.8 has no builder hints.
		const hints = Object.fromEntries(described.map((n) => [n.name, n.builderHint]));
		const { GetBill } = require(path.join(ROOT, 'dist', 'nodes', 'GetBill', 'GetBill.node.js'));
		const { GetBillTrigger } = require(path.join(ROOT, 'dist', 'nodes', 'GetBillTrigger', 'GetBillTrigger.node.js'));
		if (version === '2.41.1') {
			expect(hints['n8n-nodes-getbill.getBill']).toEqual(new GetBill().description.builderHint);
			expect(hints['n8n-nodes-getbill.getBillTrigger']).toEqual(new GetBillTrigger().description.builderHint);
			expect(hints['n8n-nodes-getbill.getBill'].relatedNodes.map((r) => r.nodeType)).toContain('n8n-nodes-getbill.getBillTrigger');
		}
		const credentials = (await get('/types/credentials.json')).map((c) => c.name);
		expect(credentials).toEqual(expect.arrayContaining(['getBillOAuth2Api', 'getBillWebhookApi']));
		// Settings → Community Nodes lists only the packages n8n installed itself (its own
		// records): after a tarball install it is empty, as the README says, though the nodes load.
		const listed = await get('/rest/community-packages');
		expect(listed.data).toEqual([]);
	});
});
