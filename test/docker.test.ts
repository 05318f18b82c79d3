/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- reads the example Dockerfile; tests run in Node.js, not inside n8n Cloud */
/**
 * examples/docker/Dockerfile (docs/queue-mode.md): Docker is not
 * available to the tests, so the file is parsed and held to what the e2e suite
 * proves: the n8n image of the version queue mode is tested on, and this
 * package's name and version installed where n8n loads community packages.
 */
import * as fs from 'fs';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JS shared with the e2e suite
const { VERSIONS } = require('./e2e/install-n8n') as { VERSIONS: Record<string, unknown> };
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JS shared with the e2e suite
const { QUEUE_VERSIONS } = require('./e2e/lib/queue') as { QUEUE_VERSIONS: string[] };

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string };
const text = fs.readFileSync(path.join(root, 'examples', 'docker', 'Dockerfile'), 'utf8');

type Instruction = { keyword: string; args: string };

/** Dockerfile instructions in order: comments dropped, continuation lines (trailing `\`) joined. */
function parse(dockerfile: string): Instruction[] {
	const instructions: Instruction[] = [];
	let pending = '';
	for (const raw of dockerfile.split('\n')) {
		const line = raw.trim();
		if (!pending && (line === '' || line.startsWith('#'))) continue;
		if (pending && line.startsWith('#')) continue;
		pending += (pending ? ' ' : '') + line.replace(/\\$/, '').trim();
		if (line.endsWith('\\')) continue;
		const [keyword, ...rest] = pending.split(/\s+/);
		instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(' ') });
		pending = '';
	}
	if (pending) throw new Error(`the Dockerfile ends inside a continued line: ${pending}`);
	return instructions;
}

/** The commented-out lines (without `#`), where the tarball route is described. */
const comments = text
	.split('\n')
	.filter((l) => l.trim().startsWith('#'))
	.map((l) => l.trim().replace(/^#\s?/, ''))
	.join('\n');

describe('examples/docker/Dockerfile', () => {
	const instructions = parse(text);

	it('builds on the official n8n image of the version queue mode is tested on', () => {
		expect(QUEUE_VERSIONS).toHaveLength(1);
		expect(Object.keys(VERSIONS)).toContain(QUEUE_VERSIONS[0]);
		expect(instructions[0]).toEqual({ keyword: 'FROM', args: `n8nio/n8n:${QUEUE_VERSIONS[0]}` });
		expect(instructions.filter((i) => i.keyword === 'FROM')).toHaveLength(1);
	});

	it(`installs ${pkg.name}@${pkg.version} as the node user into ~/.n8n/nodes, without peer dependencies`, () => {
		const runs = instructions.filter((i) => i.keyword === 'RUN');
		expect(runs).toHaveLength(1);
		const run = runs[0].args;
		expect(run).toMatch(/^mkdir -p \/home\/node\/\.n8n\/nodes && cd \/home\/node\/\.n8n\/nodes && npm install /);
		const install = run.slice(run.indexOf('npm install ')).split(/\s+/);
		expect(install).toContain('--omit=peer');
		// Exactly one package: this one, pinned to this version.
		expect(install.filter((word) => !word.startsWith('-')).slice(2)).toEqual([`${pkg.name}@${pkg.version}`]);
		const user = instructions.findIndex((i) => i.keyword === 'USER' && i.args === 'node');
		expect(user).toBeGreaterThan(0);
		expect(user).toBeLessThan(instructions.indexOf(runs[0]));
	});

	it('names the tarball `npm run pack` writes for the route before the package is on npm', () => {
		const tarball = `packed/${pkg.name}-${pkg.version}.tgz`;
		expect(comments).toContain(`COPY --chown=node:node ${tarball} /tmp/`);
		expect(comments).toContain(`npm install --omit=peer --no-audit --no-fund /tmp/${path.basename(tarball)}`);
	});

	it('lets n8n 3.x load the package: N8N_UNVERIFIED_PACKAGES_ENABLED=true in the image (docs/compatibility.md)', () => {
		expect(instructions.filter((i) => i.keyword === 'ENV')).toEqual([{ keyword: 'ENV', args: 'N8N_UNVERIFIED_PACKAGES_ENABLED=true' }]);
	});

	it('changes nothing else about the image (its entrypoint and default command stay n8n\'s)', () => {
		expect(instructions.map((i) => i.keyword)).toEqual(['FROM', 'ENV', 'USER', 'RUN']);
	});
});
