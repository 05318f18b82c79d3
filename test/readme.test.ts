/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- reads the README, docs, codex files and package.json; tests run in Node.js, not inside n8n Cloud */
/**
 * The README and docs/ as a user reads them (issue #30): Install and
 * Compatibility before the sandbox, the versions the e2e suite pins named as
 * the tested range, what n8n 3.x needs on every install route, the webhook URL
 * setting, `engines` as docs/compatibility.md explains it, every relative link
 * and anchor resolving, and docs links in the nodes and credentials that work
 * before the first release (not the npm page, a 404 until then).
 */
import * as fs from 'fs';
import * as path from 'path';

import { GetBillOAuth2Api } from '../credentials/GetBillOAuth2Api.credentials';
import { GetBillWebhookApi } from '../credentials/GetBillWebhookApi.credentials';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JS shared with the e2e suite
const { VERSIONS, NODE24_VERSION } = require('./e2e/install-n8n') as { VERSIONS: Record<string, unknown>; NODE24_VERSION: string };

const root = path.resolve(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { name: string; engines: { node: string } };
const readme = read('README.md');

/** Markdown without its fenced code blocks (a `#` there is no heading, a `](` no link). */
const prose = (markdown: string) => markdown.replace(/^```[\s\S]*?^```$/gm, '');

/** The `## ` headings of a markdown text, in order. */
const sections = (markdown: string) => [...prose(markdown).matchAll(/^## (.+)$/gm)].map((m) => m[1].trim());

/** One `## ` section's text, up to the next `## ` heading. */
function section(markdown: string, heading: string): string {
	const text = prose(markdown);
	const start = text.indexOf(`\n## ${heading}\n`);
	if (start < 0) throw new Error(`no "## ${heading}" section`);
	const next = text.indexOf('\n## ', start + 1);
	return text.slice(start, next < 0 ? undefined : next);
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2... */
function anchors(markdown: string): Set<string> {
	const seen = new Map<string, number>();
	const out = new Set<string>();
	for (const m of prose(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
		const base = m[1]
			.trim()
			.toLowerCase()
			.replace(/[^\p{L}\p{N}\s_-]/gu, '')
			.replace(/\s/g, '-');
		const n = seen.get(base) ?? 0;
		seen.set(base, n + 1);
		out.add(n === 0 ? base : `${base}-${n}`);
	}
	return out;
}

const byVersion = (a: string, b: string) => {
	const [x, y] = [a, b].map((v) => v.split('.').map(Number));
	return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};
const pinned = Object.keys(VERSIONS).sort(byVersion);
const oldest = pinned[0];
const newest = pinned[pinned.length - 1];

const docs = fs
	.readdirSync(path.join(root, 'docs'))
	.filter((f) => f.endsWith('.md'))
	.map((f) => `docs/${f}`);

describe('README: for a reader who already runs n8n', () => {
	it('starts with Compatibility and Install; Try it (the sandbox, for no n8n of one\'s own) comes after them', () => {
		expect(sections(readme).slice(0, 3)).toEqual(['Compatibility', 'Install', 'Try it']);
		// Both on the first screen: the short table first, Install's heading within the first 30 lines.
		expect(readme.split('\n').indexOf('## Install')).toBeLessThan(30);
		// The intro sends a reader without an n8n to the sandbox.
		expect(readme.slice(0, readme.indexOf('\n## '))).toContain('[Try it](#try-it)');
	});

	it(`names the oldest pinned n8n (${oldest}) as the minimum and the pinned range as tested (test/e2e/install-n8n.js VERSIONS)`, () => {
		const compatibility = section(readme, 'Compatibility');
		expect(compatibility).toContain(`${oldest} (the minimum) to ${newest}`);
		expect(compatibility).toMatch(/\| 3\.x, self-hosted \|/);
		expect(compatibility).toMatch(/\| n8n Cloud \| no: /);
		expect(compatibility).toContain('Self-hosted n8n only');
		expect(compatibility).toContain('](docs/compatibility.md)');
		// No second, older statement of the tested versions elsewhere in the README.
		expect(readme.match(/tested in n8n/g) ?? []).toEqual([]);
	});
});

describe('n8n 3.x: every install route says N8N_UNVERIFIED_PACKAGES_ENABLED=true', () => {
	it.each([
		['README.md, Install', () => section(readme, 'Install')],
		['docs/queue-mode.md, a single n8n in Docker', () => section(read('docs/queue-mode.md'), 'A single n8n in Docker')],
		['docs/queue-mode.md, Queue mode (the image)', () => section(read('docs/queue-mode.md'), 'Queue mode')],
		['docs/any-n8n.md', () => read('docs/any-n8n.md')],
		['examples/docker/Dockerfile', () => read('examples/docker/Dockerfile')],
		['docs/compatibility.md', () => read('docs/compatibility.md')],
	])('%s', (_where, text) => {
		expect(text()).toContain('N8N_UNVERIFIED_PACKAGES_ENABLED=true');
	});
});

describe('the webhook URL setting', () => {
	// docs/development.md and docs/operations.md are maintainers' pages of other changes: not held here.
	const userDocs = ['README.md', ...docs.filter((f) => !/\/(development|operations)\.md$/.test(f))];

	it.each(userDocs)('%s tells to set N8N_WEBHOOK_URL, never the deprecated WEBHOOK_URL=', (file) => {
		expect(prose(read(file))).not.toMatch(/(?<![A-Z0-9_])WEBHOOK_URL=/);
	});

	it('docs/compatibility.md says which n8n reads which (2.8 only WEBHOOK_URL)', () => {
		const text = section(read('docs/compatibility.md'), 'The webhook URL');
		expect(text).toMatch(/\| 2\.8 \| `WEBHOOK_URL` \(it does not read `N8N_WEBHOOK_URL`\) \|/);
		expect(text).toMatch(/\| 2\.41 \| `N8N_WEBHOOK_URL`; `WEBHOOK_URL` still works but is deprecated/);
		expect(section(readme, 'GetBill Trigger')).toContain('N8N_WEBHOOK_URL=https://n8n.example.com/');
	});
});

describe('Node.js: engines, as docs/compatibility.md explains it', () => {
	let floor: string | undefined;
	beforeAll(() => {
		floor = /asks for \*\*Node\.js (\d+) or later\*\*/.exec(read('docs/compatibility.md'))?.[1];
	});

	it('package.json engines is the floor docs/compatibility.md names', () => {
		expect(floor).toBeDefined();
		expect(pkg.engines).toEqual({ node: `>=${floor}` });
	});

	it('the floor is a maintained Node.js (not 20) that the newest pinned n8n\'s Node.js satisfies', () => {
		expect(Number(floor)).toBeGreaterThan(20);
		expect(Number(floor)).toBeLessThanOrEqual(Number(NODE24_VERSION.split('.')[0]));
	});

	it('the README asks a clone for the same Node.js', () => {
		expect(section(readme, 'Try it')).toContain(`with Node.js ${floor} or later`);
	});
});

describe('links in README.md and docs/', () => {
	const files = ['README.md', ...docs];

	it.each(files)('every relative link and anchor in %s resolves', (file) => {
		const broken: string[] = [];
		for (const m of prose(read(file)).matchAll(/\]\(([^)\s]+)\)/g)) {
			const target = m[1];
			if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
			const [ref, anchor] = target.split('#');
			const resolved = ref === '' ? path.join(root, file) : path.resolve(path.dirname(path.join(root, file)), ref);
			if (!fs.existsSync(resolved)) {
				broken.push(`${target} (no ${path.relative(root, resolved)})`);
				continue;
			}
			if (anchor !== undefined && resolved.endsWith('.md') && !anchors(fs.readFileSync(resolved, 'utf8')).has(anchor)) {
				broken.push(`${target} (no heading #${anchor})`);
			}
		}
		expect(broken).toEqual([]);
	});
});

describe('docs links in the nodes (codex) and credentials', () => {
	/** The pages of GetBill's docs that ../shared/api was read from (endpoints.md, getbill-api.md): they exist today. */
	const GETBILL_DOCS = /^https:\/\/docs\.getbill\.io(\/(authentication|guides\/webhooks-integration))?$/;
	const codex = ['nodes/GetBill/GetBill.node.json', 'nodes/GetBillTrigger/GetBillTrigger.node.json'].map((file) => {
		const { resources } = JSON.parse(read(file)) as { resources: Record<string, Array<{ url: string }>> };
		return [file, resources] as const;
	});

	it.each(codex)('%s: the node\'s and its credential\'s docs are GetBill\'s pages, not the npm page (a 404 until the first release)', (_file, resources) => {
		// n8n's editor opens primaryDocumentation[0] (its "Docs" link); with none, a community node's npm page.
		expect(resources.primaryDocumentation.length).toBeGreaterThan(0);
		expect(resources.credentialDocumentation.length).toBeGreaterThan(0);
		for (const { url } of [...resources.primaryDocumentation, ...resources.credentialDocumentation]) {
			expect(url).not.toContain(`npmjs.com/package/${pkg.name}`);
			expect(url).toMatch(GETBILL_DOCS);
		}
	});

	it.each([
		['GetBill OAuth2 API', new GetBillOAuth2Api().documentationUrl, 'https://docs.getbill.io/authentication'],
		['GetBill Webhook API', new GetBillWebhookApi().documentationUrl, 'https://docs.getbill.io/guides/webhooks-integration'],
	])('the %s credential links GetBill\'s page on it', (_name, url, page) => {
		expect(url).toBe(page);
	});
});
