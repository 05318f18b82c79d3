'use strict';

/*
 * Builds and packs this package, and installs the tarball into an n8n user
 * folder the way n8n installs a community package (see n8n's
 * CommunityPackagesService.downloadPackage): extract into
 * <userFolder>/.n8n/nodes/node_modules/<name>, drop dev/peer/optional
 * dependencies from its package.json, `npm install` what is left, and list the
 * package in <userFolder>/.n8n/nodes/package.json.
 */

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PKG = require(path.join(ROOT, 'package.json'));

/** Files n8n needs from the tarball; a build that lacks one must fail here, not in n8n. */
const REQUIRED_FILES = [
	'package.json',
	...PKG.n8n.nodes,
	...PKG.n8n.credentials,
	'dist/nodes/GetBill/GetBill.node.json',
	'dist/nodes/GetBill/getbill.svg',
	'dist/nodes/GetBill/getbill.dark.svg',
	'dist/nodes/GetBillTrigger/GetBillTrigger.node.json',
	'dist/nodes/GetBillTrigger/getbill.svg',
	'dist/nodes/GetBillTrigger/getbill.dark.svg',
	'dist/credentials/getbill.svg',
	'dist/credentials/getbill.dark.svg',
];

/** Env for child npm: no npm_* settings inherited from `npm run` (except registry/cache ones). */
function npmEnv() {
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (/^npm_/i.test(k) && !/^npm_config_(registry|cache|userconfig|globalconfig|cafile|proxy|https_proxy|noproxy|strict_ssl)$/i.test(k)) continue;
		env[k] = v;
	}
	return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

function sh(cmd, args, opts = {}) {
	return execFileSync(cmd, args, {
		cwd: ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		env: npmEnv(),
		maxBuffer: 64 * 1024 * 1024,
		...opts,
	});
}

/**
 * Builds from a clean dist/ and packs. `npm pack --ignore-scripts`: the build
 * is run explicitly, so a machine with ignore-scripts=true packs a fresh build too.
 * @returns {string} absolute path of the tarball
 */
function buildAndPack(destDir = fs.mkdtempSync(path.join(os.tmpdir(), 'getbill-pack-'))) {
	fs.mkdirSync(destDir, { recursive: true });
	try {
		sh('npm', ['run', '--silent', 'clean']);
		sh('npm', ['run', '--silent', 'build']);
	} catch (e) {
		throw new Error(`npm run build failed:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
	}
	const out = sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destDir]);
	const [info] = JSON.parse(out.slice(out.indexOf('[')));
	const tarball = path.join(destDir, info.filename);
	const listed = new Set(info.files.map((f) => f.path));
	const missing = REQUIRED_FILES.filter((f) => !listed.has(f));
	if (missing.length) throw new Error(`${info.filename} lacks ${missing.join(', ')}`);
	return tarball;
}

/**
 * Installs a packed tarball into <userFolder>/.n8n/nodes as n8n does for a community package.
 * @returns {string} the package directory
 */
function installTarball(tarball, userFolder) {
	return installTarballInto(tarball, path.join(userFolder, '.n8n', 'nodes'));
}

/**
 * Installs a packed tarball into an n8n's nodes folder (<N8N_USER_FOLDER>/.n8n/nodes; in Docker
 * the host folder mounted at /home/node/.n8n/nodes) as n8n does for a community package.
 * @returns {string} the package directory
 */
function installTarballInto(tarball, nodesDir) {
	const packageDir = path.join(nodesDir, 'node_modules', PKG.name);
	fs.rmSync(packageDir, { recursive: true, force: true });
	fs.mkdirSync(packageDir, { recursive: true });
	sh('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);

	const pkgFile = path.join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...pkg } = JSON.parse(
		fs.readFileSync(pkgFile, 'utf8'),
	);
	fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
	// What n8n runs after extracting (no registry access needed: nothing is left to install).
	sh(
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
			'--offline',
		],
		{ cwd: packageDir },
	);

	const listFile = path.join(nodesDir, 'package.json');
	let list = { name: 'installed-nodes', private: true, dependencies: {} };
	try {
		list = JSON.parse(fs.readFileSync(listFile, 'utf8'));
		list.dependencies = list.dependencies ?? {};
	} catch {
		/* first package */
	}
	list.dependencies[PKG.name] = pkg.version;
	fs.writeFileSync(listFile, JSON.stringify(list, null, 2));
	return packageDir;
}

module.exports = { buildAndPack, installTarball, installTarballInto, ROOT, PKG, REQUIRED_FILES };
