#!/usr/bin/env node
'use strict';

/*
 * The publish step of .github/workflows/publish.yml:
 *
 *   NPM_TOKEN=<optional> node scripts/release-publish.js --tag latest [package dir]
 *
 * runs `npm publish --provenance --access public --tag <tag>` to
 * registry.npmjs.org, authenticated by npm's trusted publishing: npm (≥ 11.5.1)
 * trades the job's GitHub OIDC token for a short-lived publish token, no secret
 * stored anywhere. On npmjs.com the package's Settings → Trusted Publisher names
 * GitHub Actions, this repository and the workflow file publish.yml
 * (docs/releasing.md). When the repository secret NPM_TOKEN is set, npm gets it
 * as the fallback: npm still tries trusted publishing first, and uses the token
 * only when the registry refuses the exchange (the first version of a package,
 * which trusted publishing cannot create, or a package not set up for it).
 * Either way the OIDC token also signs the provenance statement.
 *
 * Before publishing, it fails (exit 1, ::error:: annotation) when npm is older
 * than 11.5.1 or when the job has no OIDC token (no `permissions: id-token:
 * write`): neither trusted publishing nor --provenance could work. npm runs with
 * a user config of its own (a temp file): the token is in it only as
 * ${NPM_TOKEN}, which npm reads from the environment, never written to disk, and
 * nothing else (a .npmrc of setup-node's registry-url, a NODE_AUTH_TOKEN) takes part.
 * After a failure, an ::error:: says what npm's refusal usually means.
 * Node built-ins only.
 */

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const REGISTRY = 'https://registry.npmjs.org/';
const MIN_NPM = '11.5.1';

function fail(title, message) {
	console.log(`::error title=${title}::${message}`);
	console.error(`release-publish: ${message}`);
	process.exit(1);
}

/** a ≥ b, for plain x.y.z versions (a prerelease counts as its release). */
function atLeast(a, b) {
	const x = String(a).split(/[.-]/).slice(0, 3).map(Number);
	const y = String(b).split('.').map(Number);
	for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
	return true;
}

function parseArgs(argv) {
	const opts = { tag: '', dir: '.' };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--tag') opts.tag = argv[++i] || '';
		else if (argv[i].startsWith('--')) fail('Usage', `unknown argument ${argv[i]}`);
		else opts.dir = argv[i];
	}
	if (!/^[a-z][a-z0-9-]*$/.test(opts.tag)) fail('Usage', `--tag needs an npm dist-tag such as latest or next, not ${JSON.stringify(opts.tag)}`);
	return opts;
}

/** What npm's refusal usually means here, from its output. */
function explainFailure(out, { name, version, usedToken, repository }) {
	const where = `on npmjs.com, ${name}'s Settings → Trusted Publisher: GitHub Actions, repository ${repository || '<owner>/<name>'}, workflow publish.yml`;
	if (/\bE422\b/.test(out) || /repository\.url|provenance.*(mismatch|does not match)/i.test(out)) {
		return `npm refused the provenance statement: package.json's repository.url must name ${repository || 'this repository'} (scripts/release-fill-repository.js fills it when missing)`;
	}
	if (/cannot publish over|previously published versions?/i.test(out)) return `${name}@${version} is already on npm: a version is published once; release the next one`;
	if (/\b(E404|ENEEDAUTH|E401|E403)\b/.test(out)) {
		return usedToken
			? `npm refused both trusted publishing and the NPM_TOKEN secret: set up trusted publishing (${where}) or renew NPM_TOKEN (an npm granular token allowed to publish ${name})`
			: `npm refused trusted publishing and there is no NPM_TOKEN secret: ${where}; a package's first version cannot be published this way: set NPM_TOKEN for it (docs/releasing.md)`;
	}
	return `npm publish failed: see its output above`;
}

function main() {
	const opts = parseArgs(process.argv.slice(2));
	const dir = path.resolve(opts.dir);
	let pkg;
	try {
		pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
	} catch (e) {
		fail('No package.json', `cannot read ${path.join(dir, 'package.json')}: ${e.message}`);
	}

	const npmVersion = (spawnSync('npm', ['--version'], { cwd: dir, encoding: 'utf8' }).stdout || '').trim();
	if (!/^\d+\.\d+\.\d+/.test(npmVersion) || !atLeast(npmVersion, MIN_NPM)) {
		fail('npm too old', `trusted publishing needs npm ≥ ${MIN_NPM}; this job has npm ${npmVersion || '(none found)'} (publish.yml installs it: npm install -g npm@^${MIN_NPM})`);
	}
	if (!process.env.ACTIONS_ID_TOKEN_REQUEST_URL || !process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
		fail('No OIDC token', 'the job cannot mint a GitHub OIDC token: give the publish job `permissions: id-token: write` (trusted publishing and --provenance both need it)');
	}

	const usedToken = Boolean(process.env.NPM_TOKEN);
	const host = new URL(REGISTRY).host;
	const userconfig = path.join(fs.mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'release-publish-')), 'npmrc');
	// The literal ${NPM_TOKEN}: npm expands it from the environment.
	fs.writeFileSync(userconfig, `registry=${REGISTRY}\n${usedToken ? `//${host}/:_authToken=\${NPM_TOKEN}\n` : ''}`, { mode: 0o600 });

	console.log(
		`release-publish: ${pkg.name}@${pkg.version} → ${REGISTRY} (dist-tag ${opts.tag}), npm ${npmVersion}, with provenance; auth: ` +
			(usedToken
				? 'trusted publishing (GitHub OIDC) first, the NPM_TOKEN secret if npm refuses it'
				: 'trusted publishing (GitHub OIDC; no NPM_TOKEN secret)'),
	);

	const env = { ...process.env };
	for (const k of Object.keys(env)) if (k === 'NODE_AUTH_TOKEN' || /^npm_config_(registry|userconfig|_auth|.*_authtoken)$/i.test(k)) delete env[k];
	if (!usedToken) delete env.NPM_TOKEN;
	env.NPM_CONFIG_USERCONFIG = userconfig;

	const args = ['publish', '--provenance', '--access', 'public', '--tag', opts.tag, '--registry', REGISTRY, '--loglevel', 'verbose'];
	console.log(`$ npm ${args.join(' ')}`);
	const child = spawn('npm', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	child.stdout.on('data', (d) => {
		out += d;
		process.stdout.write(d);
	});
	child.stderr.on('data', (d) => {
		out += d;
		process.stderr.write(d);
	});
	child.on('close', (code) => {
		fs.rmSync(path.dirname(userconfig), { recursive: true, force: true });
		const viaOidc = /oidc\b.*Successfully retrieved and set token/.test(out);
		if (code === 0) {
			const how = viaOidc ? 'trusted publishing' : usedToken ? 'the NPM_TOKEN secret (trusted publishing refused or not set up)' : 'npm (no trusted-publishing exchange seen in its log)';
			console.log(`release-publish: published ${pkg.name}@${pkg.version} (dist-tag ${opts.tag}) with provenance, authenticated by ${how}`);
			if (!viaOidc && usedToken) console.log(`::warning title=Published with NPM_TOKEN::trusted publishing was not used; set it up (docs/releasing.md) and then delete the NPM_TOKEN secret`);
			process.exit(0);
		}
		const repository = process.env.GITHUB_REPOSITORY;
		const message = explainFailure(out, { name: pkg.name, version: pkg.version, usedToken, repository });
		console.log(`::error title=npm publish failed::${message}`);
		console.error(`release-publish: ${message}`);
		process.exit(code || 1);
	});
}

if (require.main === module) main();

module.exports = { atLeast, explainFailure };
