#!/usr/bin/env node
'use strict';

/*
 * `npm run n8n:newest`: is the newest n8n that the e2e suite and `npm run dev`
 * pin still the newest n8n that installs from the npm registry?
 *
 *   node scripts/n8n-newest.js [--top N] [--trust-pin] [--timeout S] [--no-docker]
 *   node scripts/n8n-newest.js --docker-newest 3      (prints the newest n8n 3.x image tag)
 *
 * 1. Reads the pin: the newest version in test/e2e/install-n8n.js's VERSIONS
 *    (the other pinned version, 2.8.4, is the oldest n8n tested and stays), and
 *    checks that every other place naming it agrees (PLACES below: scripts/dev.js,
 *    the queue-mode suite, the Dockerfile, the screenshot tests, CI's job name).
 * 2. Asks the registry: `npm view n8n versions dist-tags --json`. The newest is
 *    the dist-tag `latest`; the candidates are the stable versions above the pin,
 *    up to `latest`, newest first.
 * 3. Tries each candidate, newest first, with `npm install --dry-run
 *    --ignore-scripts` of n8n@<version> in an empty temp folder: npm resolves
 *    the whole dependency tree (about 2,300 packages) without downloading a
 *    tarball or running a script, and fails when a package of that tree is
 *    missing from the registry. About 35 s for one that fails, 80 s for one that
 *    installs, on a busy 2-core machine with npm's cache warm; one every time.
 *    It stops at the first that installs, then dry-runs the pin itself (with
 *    the overrides install-n8n.js installs it with) unless --trust-pin.
 * 4. Reads n8n's Docker image tags (Docker Hub's tags API; docker.n8n.io serves the same
 *    images): the newest version tag and the versions `stable` and `latest` point at, and says
 *    which of them npm has none of (n8n 3.x is Docker-only: the harness cannot install it, CI's
 *    docker job runs the core suites in its image). Said, not part of the verdict. E.g.
 *   n8n-newest: docker: newest image tag 3.0.1 (Docker only: no npm package, ...); stable = 2.48.5 (...)
 * Last line, e.g.:
 *   n8n newest: 2.41.3 (does not install: @n8n/agents@0.26.2 missing); newest that installs: 2.41.1 = pinned ✓
 *
 * --top N      try only the N newest candidates above the pin (default: all)
 * --trust-pin  do not dry-run the pin (the e2e suite installs it for real)
 * --timeout S  seconds for one dry run (default 600)
 * --no-docker  do not read the Docker image tags
 * --docker-newest N  only print the newest image tag of n8n N.x (exit 1: none, 2: tags unreadable)
 *
 * Exit 0: the pin is the newest n8n that installs. 1: move the pin (a newer
 * version installs), or the pin no longer installs, or the places disagree.
 * 2: the registry could not be asked (no network) or a wrong argument.
 * 3: inconclusive (--top left newer versions untried, or a dry run timed out).
 * On GitHub Actions, 1 and 3 also print an ::error:: / ::warning:: annotation.
 * Node built-ins and the npm CLI only.
 */

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const ROOT = path.resolve(__dirname, '..');

/**
 * Every place that names the newest pinned n8n version, and how to read it.
 * Moving the pin means changing all of them (and the prose: README.md,
 * test/e2e/README.md, docs/releasing.md "Moving the n8n pin").
 */
const PLACES = [
	{ file: 'scripts/dev.js', what: 'VERSION (npm run dev)', re: /^const VERSION = '([^']+)';/m },
	{ file: 'test/e2e/lib/queue.js', what: 'QUEUE_VERSIONS (queue-mode suite)', re: /^const QUEUE_VERSIONS = \['([^']+)'\];/m },
	{ file: 'examples/docker/Dockerfile', what: 'FROM n8nio/n8n (test/docker.test.ts)', re: /^FROM n8nio\/n8n:(\S+)$/m },
	{ file: 'test/e2e/editor.e2e.test.js', what: 'DOCS_VERSION (screenshots)', re: /^const DOCS_VERSION = '([^']+)';/m },
	{ file: 'test/e2e/agent.e2e.test.js', what: 'DOCS_VERSION (screenshots)', re: /^const DOCS_VERSION = '([^']+)';/m },
	{ file: 'test/e2e/quota-editor.e2e.test.js', what: 'DOCS_VERSION (screenshots)', re: /^const DOCS_VERSION = '([^']+)';/m },
	{ file: 'package.json', what: 'npm run docs:screenshots', re: /GETBILL_E2E_VERSIONS=([^\s"]+)/ },
	{ file: '.github/workflows/ci.yml', what: 'the e2e job name', re: /^ {4}name: End-to-end \(n8n (\S+) and /m },
];

// ---------------------------------------------------------------- versions

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parseVersion(v) {
	const m = SEMVER.exec(String(v));
	return m ? { major: +m[1], minor: +m[2], patch: +m[3], pre: m[4] || '' } : null;
}

const isStable = (v) => parseVersion(v)?.pre === '';

/** Semver order (prerelease identifiers compared as semver says: numbers numerically, below the release). */
function compareVersions(a, b) {
	const x = parseVersion(a);
	const y = parseVersion(b);
	if (!x || !y) throw new Error(`not a version: ${!x ? a : b}`);
	for (const k of ['major', 'minor', 'patch']) if (x[k] !== y[k]) return x[k] - y[k];
	if (x.pre === y.pre) return 0;
	if (!x.pre) return 1;
	if (!y.pre) return -1;
	const p = x.pre.split('.');
	const q = y.pre.split('.');
	for (let i = 0; i < Math.max(p.length, q.length); i++) {
		if (p[i] === undefined) return -1;
		if (q[i] === undefined) return 1;
		const [n, m] = [/^\d+$/.test(p[i]), /^\d+$/.test(q[i])];
		if (n && m && +p[i] !== +q[i]) return +p[i] - +q[i];
		if (n !== m) return n ? -1 : 1;
		if (p[i] !== q[i]) return p[i] < q[i] ? -1 : 1;
	}
	return 0;
}

const newestOf = (versions) => [...versions].sort(compareVersions).pop();

/**
 * What to try, newest first: the stable versions above the pin, up to the
 * dist-tag latest (above it are n8n's pre-release lines). `top` keeps the first N.
 */
function candidates(versions, latest, pin, top = Infinity) {
	const above = versions
		.filter((v) => isStable(v) && compareVersions(v, pin) > 0 && (!latest || compareVersions(v, latest) <= 0))
		.sort(compareVersions)
		.reverse();
	return { tried: above.slice(0, top), untried: above.slice(top) };
}

// ---------------------------------------------------------------- npm's answers

const NETWORK_CODES = new Set([
	'ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH',
	'ERR_SOCKET_TIMEOUT', 'ESOCKETTIMEDOUT', 'EPROTO', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN',
]);

/**
 * Why an npm command failed, from its output (stdout + stderr).
 * @returns {{ kind: 'missing' | 'network' | 'other', code: string, reason: string }}
 */
function explainNpmFailure(output) {
	const text = String(output);
	const code = (/^npm (?:error|ERR!) code (\S+)/m.exec(text) || /"code":\s*"([^"]+)"/.exec(text) || [])[1] || '';
	const errno = (/^npm (?:error|ERR!) errno (\S+)/m.exec(text) || [])[1] || '';
	if (NETWORK_CODES.has(code) || NETWORK_CODES.has(errno) || /request to \S+ failed, reason:/.test(text)) {
		const reason = (/request to \S+ failed, reason: (.+)$/m.exec(text) || [])[1];
		return { kind: 'network', code: code || errno, reason: `registry unreachable (${reason ? reason.trim() : code || errno})` };
	}
	const target = /No matching version found for (\S+?)\.?$/m.exec(text);
	if (code === 'ETARGET' && target) return { kind: 'missing', code, reason: `${target[1]} missing` };
	if (code === 'E404') {
		const spec =
			/The requested resource '([^'\s]+)' could not be found/.exec(text) || /'([^'\s]+)' is not in this registry/.exec(text);
		const url = /404 Not Found - GET \S+\/([^/\s]+)(?:\s|$)/m.exec(text);
		const name = spec ? spec[1] : url ? decodeURIComponent(url[1]) : '';
		return { kind: 'missing', code, reason: name ? `${name} missing` : 'a package is missing (404)' };
	}
	const first = (/^npm (?:error|ERR!) (?!code |errno |A complete log)(.+)$/m.exec(text) || [])[1];
	return { kind: 'other', code, reason: first ? `${code ? code + ': ' : ''}${first.trim()}` : `npm failed${code ? ` (${code})` : ''}` };
}

// ---------------------------------------------------------------- running npm

/** npm's environment without what `npm run` adds (npm_config_dry_run & co.), keeping how to reach the registry. */
function npmEnv() {
	const keep = /^npm_config_(registry|cache|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl|cafile|fetch_[a-z_]+)$/i;
	const env = {};
	for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) || keep.test(k)) env[k] = v;
	return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

const activeChildren = new Set();

/** Runs npm; resolves { code, out, ms, timedOut } (never rejects on npm's exit code). */
function npm(args, { cwd = ROOT, timeoutMs = 600_000 } = {}) {
	return new Promise((resolve) => {
		const started = Date.now();
		let out = '';
		let timedOut = false;
		const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, env: npmEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
		activeChildren.add(child);
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		const timer = setTimeout(() => {
			timedOut = true;
			child.kill('SIGTERM');
			setTimeout(() => child.kill('SIGKILL'), 5000).unref();
		}, timeoutMs);
		const done = (code) => {
			clearTimeout(timer);
			activeChildren.delete(child);
			resolve({ code, out, ms: Date.now() - started, timedOut });
		};
		child.on('error', (e) => {
			out += `\nnpm error could not start npm: ${e.message}`;
			done(127);
		});
		child.on('close', (code) => done(code === null ? 1 : code));
	});
}

/** `npm view n8n versions dist-tags --json`. */
async function registryVersions() {
	const r = await npm(['view', 'n8n', 'versions', 'dist-tags', '--json'], { timeoutMs: 120_000 });
	if (r.code !== 0 || r.timedOut) {
		const why = r.timedOut ? { kind: 'network', reason: 'registry unreachable (no answer in 120 s)' } : explainNpmFailure(r.out);
		return { error: why };
	}
	const json = JSON.parse(r.out);
	return { versions: json.versions, distTags: json['dist-tags'] || {} };
}

/**
 * Whether n8n@version installs: `npm install --dry-run` in an empty temp folder
 * (with the overrides install-n8n.js installs it with).
 * @returns {Promise<{ ok: boolean, kind?: string, reason: string, ms: number, packages?: number }>}
 */
async function installs(version, { overrides = {}, timeoutMs } = {}) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'getbill-n8n-newest-'));
	try {
		const pkg = { name: 'getbill-n8n-newest-probe', private: true };
		if (Object.keys(overrides).length) pkg.overrides = overrides;
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
		const r = await npm(
			['install', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund', '--no-save', `n8n@${version}`],
			{ cwd: dir, timeoutMs },
		);
		if (r.timedOut) return { ok: false, kind: 'timeout', reason: `no answer in ${Math.round(timeoutMs / 1000)} s`, ms: r.ms };
		if (r.code === 0) {
			const added = /added (\d+) packages?/.exec(r.out);
			return { ok: true, reason: 'installs', ms: r.ms, packages: added ? +added[1] : undefined };
		}
		return { ok: false, ...explainNpmFailure(r.out), ms: r.ms };
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------- Docker image tags

/**
 * n8n's Docker image tags, from Docker Hub's tags API (docker.n8n.io/n8nio/n8n serves the same
 * images as Docker Hub's n8nio/n8n, behind a registry that wants a token even to list tags).
 * GETBILL_N8N_DOCKER_TAGS_URL replaces it (the tests' fake).
 */
const DOCKER_TAGS_URL = 'https://hub.docker.com/v2/repositories/n8nio/n8n/tags';
/** The tags that name no version but point at one (the same image digest as a version's tag). */
const DOCKER_ALIASES = ['stable', 'latest', 'next', 'beta'];

/** GETs JSON within `timeoutMs`; throws with the status or the network's reason. */
async function getJson(url, { timeoutMs = 20_000 } = {}) {
	const res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
	const text = await res.text();
	if (!res.ok) throw new Error(`${url} answered ${res.status}`);
	return JSON.parse(text);
}

/**
 * The image tags, most recently pushed first: [{name, digest}], `pages` pages of 100 at most
 * (n8n pushes a version's tags and moves its aliases together: the newest are on the first page).
 */
async function dockerTags({ base = process.env.GETBILL_N8N_DOCKER_TAGS_URL || DOCKER_TAGS_URL, pages = 3, get = getJson } = {}) {
	const tags = [];
	let url = `${base}?page_size=100&ordering=last_updated`;
	for (let i = 0; url && i < pages; i++) {
		const page = await get(url);
		for (const t of page.results ?? []) tags.push({ name: String(t.name), digest: t.digest ?? t.images?.[0]?.digest ?? null });
		url = page.next || null;
	}
	return tags;
}

/**
 * What the tags say: `newest`, the newest version tag (of `major` when given; prereleases
 * count, n8n's early access ships as one), and for each alias the version whose tag has the same
 * digest (null: no version tag among those read has it).
 */
function dockerVersions(tags, { major } = {}) {
	const versions = tags.filter((t) => {
		const v = parseVersion(t.name);
		return v && (major === undefined || v.major === major);
	});
	const newest = versions.length ? newestOf(versions.map((t) => t.name)) : null;
	const aliases = {};
	for (const alias of DOCKER_ALIASES) {
		const tag = tags.find((t) => t.name === alias);
		if (!tag) continue;
		const same = tag.digest ? versions.filter((t) => t.digest === tag.digest).map((t) => t.name) : [];
		aliases[alias] = same.length ? newestOf(same) : null;
	}
	return { newest, aliases };
}

/**
 * One line on the Docker images, naming each version npm does not have: the e2e harness and
 * `npm run dev` cannot install it (n8n 3.x ships as images only); ci.yml's docker job runs the
 * core suites in those images.
 */
function dockerLine({ newest, aliases }, npmVersions) {
	if (!newest) return 'docker: no version tag among the image tags read';
	const dockerOnly = new Set();
	const about = (v) => {
		if (npmVersions.includes(v)) return `${v} (on npm too)`;
		dockerOnly.add(v);
		return `${v} (Docker only)`;
	};
	const parts = [`docker: newest image tag ${about(newest)}`];
	for (const [alias, v] of Object.entries(aliases)) parts.push(`${alias} = ${v ? about(v) : 'a version not among the tags read'}`);
	const only = [...dockerOnly];
	if (only.length) {
		parts.push(`npm has no n8n ${only.join(', ')}: the e2e harness cannot install ${only.length === 1 ? 'it' : 'them'}; ci.yml's docker job runs the core suites in the image`);
	}
	return parts.join('; ');
}

// ---------------------------------------------------------------- the pin

/** The pinned versions (install-n8n.js) and what each place says the newest is. */
function readPins(root = ROOT) {
	const { VERSIONS } = require(path.join(root, 'test', 'e2e', 'install-n8n.js'));
	const pinned = Object.keys(VERSIONS);
	const pin = newestOf(pinned);
	const places = PLACES.map((p) => {
		let found = null;
		try {
			const m = p.re.exec(fs.readFileSync(path.join(root, p.file), 'utf8'));
			found = m ? m[1] : null;
		} catch {
			/* unreadable: reported as not found */
		}
		return { ...p, found };
	});
	return { pin, pinned, overrides: VERSIONS[pin].overrides || {}, places };
}

function placesProblems(pin, places) {
	return places.filter((p) => p.found !== pin).map((p) => `${p.file}: ${p.what} ${p.found === null ? 'not found' : `says ${p.found}`}, not ${pin}`);
}

// ---------------------------------------------------------------- verdict

const secs = (ms) => `${Math.round(ms / 1000)} s`;

/**
 * The last line and the exit code, from what was found.
 * @param {object} f { latest, pin, tries: [{version, ok, kind, reason}], untried: string[], pinResult?: {ok, reason, kind}, trustedPin: boolean }
 */
function verdict(f) {
	const { latest, pin, tries, untried } = f;
	const timedOut = tries.find((t) => t.kind === 'timeout');
	const installing = tries.find((t) => t.ok);
	const about = (v) => {
		const t = tries.find((x) => x.version === v);
		if (t) return t.ok ? 'installs' : t.kind === 'timeout' ? `unknown: ${t.reason}` : `does not install: ${t.reason}`;
		if (v === pin) return pinStatus();
		return 'not tried';
	};
	const pinStatus = () =>
		f.trustedPin ? 'pinned, not re-checked' : f.pinResult ? (f.pinResult.ok ? 'installs' : `does not install: ${f.pinResult.reason}`) : 'not tried';
	const head = latest === pin ? `n8n newest: ${latest} (${pinStatus()})` : `n8n newest: ${latest} (${about(latest)})`;

	if (installing) {
		return { code: 1, line: `${head}; newest that installs: ${installing.version} > pinned ${pin} ✗ move the pin to ${installing.version}` };
	}
	if (timedOut) {
		return { code: 3, line: `${head}; inconclusive: n8n@${timedOut.version} gave no answer (${timedOut.reason}); pinned ${pin}` };
	}
	if (untried.length) {
		return {
			code: 3,
			line: `${head}; inconclusive: ${untried.length} newer version${untried.length === 1 ? '' : 's'} than pinned ${pin} not tried (--top): ${untried.join(', ')}`,
		};
	}
	if (f.pinResult && !f.pinResult.ok) {
		const code = f.pinResult.kind === 'timeout' ? 3 : 1;
		return { code, line: `${head}; pinned ${pin} ${code === 3 ? 'unknown' : 'does not install'}: ${f.pinResult.reason} ✗` };
	}
	const how = f.trustedPin ? ' (not re-checked: --trust-pin)' : '';
	return { code: 0, line: `${head}; newest that installs: ${pin} = pinned ✓${how}` };
}

// ---------------------------------------------------------------- main

function parseArgs(argv) {
	const opts = { top: Infinity, trustPin: false, timeoutMs: 600_000, docker: true, dockerNewest: undefined };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const value = () => {
			const v = Number(argv[++i]);
			if (!Number.isInteger(v) || v < 1) throw new Error(`${a} needs a whole number ≥ 1`);
			return v;
		};
		if (a === '--top') opts.top = value();
		else if (a === '--timeout') opts.timeoutMs = value() * 1000;
		else if (a === '--trust-pin') opts.trustPin = true;
		else if (a === '--no-docker') opts.docker = false;
		else if (a === '--docker-newest') {
			const m = /^\d+$/.exec(argv[++i] ?? '');
			if (!m) throw new Error('--docker-newest needs a major version, e.g. 3');
			opts.dockerNewest = Number(m[0]);
		}
		else if (a === '--help' || a === '-h') opts.help = true;
		else throw new Error(`unknown argument ${a}`);
	}
	return opts;
}

const say = (msg) => process.stdout.write(`n8n-newest: ${msg}\n`);

function annotate(level, title, message) {
	if (process.env.GITHUB_ACTIONS === 'true') process.stdout.write(`::${level} title=${title}::${message}\n`);
}

async function main(argv) {
	let opts;
	try {
		opts = parseArgs(argv);
	} catch (e) {
		process.stderr.write(`n8n-newest: ${e.message} (see the top of scripts/n8n-newest.js)\n`);
		return 2;
	}
	if (opts.help) {
		process.stdout.write(fs.readFileSync(__filename, 'utf8').split('*/')[0].replace(/^[\s\S]*?\/\*\n/, '').replace(/^ \* ?/gm, ''));
		return 0;
	}

	// --docker-newest N: the newest image tag of n8n N.x, for ci.yml's docker job; nothing else.
	if (opts.dockerNewest !== undefined) {
		try {
			const { newest } = dockerVersions(await dockerTags(), { major: opts.dockerNewest });
			if (!newest) {
				process.stderr.write(`n8n-newest: no n8n ${opts.dockerNewest}.x image tag among the newest tags\n`);
				return 1;
			}
			process.stdout.write(`${newest}\n`);
			return 0;
		} catch (e) {
			process.stderr.write(`n8n-newest: the Docker image tags could not be read: ${e.cause?.code ?? e.message}\n`);
			return 2;
		}
	}

	const { pin, pinned, overrides, places } = readPins();
	say(`pinned: ${pin} (test/e2e/install-n8n.js; also ${pinned.filter((v) => v !== pin).join(', ')}, the oldest n8n tested, not moved by this check)`);
	const problems = placesProblems(pin, places);
	if (problems.length) {
		for (const p of problems) say(`✗ ${p}`);
		const line = `the places that pin n8n disagree (${problems.length} of ${places.length}): set ${pin} everywhere or move install-n8n.js too`;
		annotate('error', 'n8n pins disagree', line);
		process.stdout.write(`n8n newest: not asked; ${line}\n`);
		return 1;
	}
	say(`the ${places.length} other places agree: ${places.map((p) => p.file).join(', ')}`);

	const reg = await registryVersions();
	if (reg.error) {
		process.stdout.write(`n8n newest: unknown (${reg.error.reason}); pinned ${pin}\n`);
		return reg.error.kind === 'network' ? 2 : 1;
	}
	const latest = reg.distTags.latest || newestOf(reg.versions.filter(isStable));
	const { tried: toTry, untried } = candidates(reg.versions, latest, pin, opts.top);
	say(
		`registry: ${reg.versions.length} versions, dist-tag latest ${latest}` +
			(compareVersions(latest, pin) > 0 ? `; newer than the pin: ${[...toTry, ...untried].join(', ')}` : ''),
	);
	if (!reg.versions.includes(pin)) say(`✗ the pinned ${pin} is not in the registry`);
	// The Docker images too (said, never the verdict: the harness installs n8n from npm).
	if (opts.docker) {
		try {
			say(dockerLine(dockerVersions(await dockerTags()), reg.versions));
		} catch (e) {
			say(`docker: image tags unknown (${e.cause?.code ?? e.message})`);
		}
	}

	const tries = [];
	for (const version of toTry) {
		say(`n8n@${version}: npm install --dry-run ...`);
		const r = await installs(version, { overrides, timeoutMs: opts.timeoutMs });
		if (r.kind === 'network') {
			process.stdout.write(`n8n newest: ${latest} (unknown: ${r.reason}); pinned ${pin}\n`);
			return 2;
		}
		tries.push({ version, ...r });
		say(`n8n@${version}: ${r.ok ? `installs (${r.packages ?? '?'} packages)` : r.kind === 'timeout' ? r.reason : `does not install: ${r.reason}`} [${secs(r.ms)}]`);
		if (r.ok || r.kind === 'timeout') break;
	}

	let pinResult;
	const decided = tries.some((t) => t.ok || t.kind === 'timeout') || untried.length > 0;
	if (!decided && !opts.trustPin) {
		say(`n8n@${pin} (pinned): npm install --dry-run ...`);
		pinResult = await installs(pin, { overrides, timeoutMs: opts.timeoutMs });
		if (pinResult.kind === 'network') {
			process.stdout.write(`n8n newest: ${latest}; pinned ${pin} unknown: ${pinResult.reason}\n`);
			return 2;
		}
		say(`n8n@${pin}: ${pinResult.ok ? `installs (${pinResult.packages ?? '?'} packages)` : pinResult.reason} [${secs(pinResult.ms)}]`);
	}

	const v = verdict({ latest, pin, tries, untried: tries.some((t) => t.ok) ? [] : untried, pinResult, trustedPin: opts.trustPin && !decided });
	if (v.code === 1) {
		annotate('error', 'n8n pin', v.line);
		const moveTo = (tries.find((t) => t.ok) || {}).version;
		if (moveTo) {
			say(`to move the pin: ${pin} → ${moveTo} in test/e2e/install-n8n.js and ${places.map((p) => p.file).join(', ')}; then npm run setup, npm run test:e2e and npm run docs:screenshots (docs/releasing.md, "Moving the n8n pin")`);
		}
	}
	if (v.code === 3) annotate('warning', 'n8n pin', v.line);
	process.stdout.write(`${v.line}\n`);
	return v.code;
}

module.exports = { PLACES, DOCKER_TAGS_URL, dockerTags, dockerVersions, dockerLine, parseVersion, compareVersions, newestOf, candidates, explainNpmFailure, readPins, placesProblems, verdict, parseArgs };

if (require.main === module) {
	for (const sig of ['SIGINT', 'SIGTERM']) {
		process.on(sig, () => {
			for (const c of activeChildren) c.kill('SIGTERM');
			process.exit(sig === 'SIGINT' ? 130 : 143);
		});
	}
	main(process.argv.slice(2)).then(
		(code) => process.exit(code),
		(e) => {
			process.stderr.write(`n8n-newest: ${e && e.stack ? e.stack : e}\n`);
			process.exit(2);
		},
	);
}
