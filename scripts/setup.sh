#!/usr/bin/env bash
# `npm run setup`: the full preparation for `npm run verify` (every test, on both
# pinned n8n versions), then a build. To only try the nodes, `npm ci && npm run
# dev` is enough: it installs the newest pinned n8n alone.
# Before it starts it prints what it will install and why:
# - the dev dependencies (npm ci; .npmrc keeps install scripts off)
# - Debian's Chromium for the editor test (skipped when present)
# - Debian's redis-server and postgresql for the queue-mode test (skipped when
#   present; installed only as root with apt-get: elsewhere the queue-mode
#   suite says loudly that it is skipped)
# - the two pinned n8n versions for the end-to-end suite, in a cache outside
#   the repo (~/.cache/n8n-nodes-getbill-e2e or $GETBILL_E2E_CACHE; later runs
#   reuse it)
# GETBILL_SETUP_APT=0 skips the apt-get installs (the tests needing them are skipped).
# Its last line says how long it took, the cache's size and what to run next.
set -euo pipefail
cd "$(dirname "$0")/.."

STARTED=$SECONDS
STEP=start
elapsed() {
	local s=$((SECONDS - STARTED))
	if [ "$s" -ge 60 ]; then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}
step() {
	STEP=$1
	echo "setup: [$(elapsed)] $1"
}
trap 'echo "setup: FAILED after $(elapsed) during: $STEP (see the lines above; npm run setup again keeps what is already installed)" >&2' ERR

CACHE_DIR=${GETBILL_E2E_CACHE:-$HOME/.cache/n8n-nodes-getbill-e2e}
APT_OK=0
if [ "${GETBILL_SETUP_APT:-1}" != "0" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then APT_OK=1; fi
WANT_APT=()
command -v chromium >/dev/null 2>&1 || [ -x "${GETBILL_E2E_CHROMIUM:-/usr/bin/chromium}" ] || WANT_APT+=("chromium (about 460 MB with its libraries: the editor test drives n8n's editor in it)")
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || WANT_APT+=("redis-server (about 7 MB: the queue-mode test)")
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then WANT_APT+=("postgresql (about 60 MB: the queue-mode test)"); fi
cat <<PLAN
setup: this prepares the whole test suite (npm run verify). It installs:
  - the dev dependencies with npm ci: about 1 GB in node_modules, 1 GB in npm's cache (~/.npm)
  - n8n 2.41.1 (with Node 24 from npm) and n8n 2.8.4, the two versions the end-to-end tests run in:
    about 5.4 GB in $CACHE_DIR, 6 to 15 minutes when not cached
PLAN
if [ "${#WANT_APT[@]}" -gt 0 ]; then
	if [ "$APT_OK" = "1" ]; then
		echo "  - with apt-get, as root (GETBILL_SETUP_APT=0 skips them; the tests needing them are then skipped):"
	else
		echo "  - NOT installed (needs root and apt-get, or GETBILL_SETUP_APT=0 was set); the tests needing them will be skipped:"
	fi
	for p in "${WANT_APT[@]}"; do echo "      $p"; done
fi
echo "  To only try the nodes, Ctrl-C now and run: npm ci && npm run dev"

step "1/5 npm ci: the dev dependencies"
# npm's warnings here are harmless (ERESOLVE: @langchain/core under @n8n/node-cli's AI SDK;
# EBADENGINE on Node 20: isolated-vm and this package's own engines ask for newer Node, which only
# the n8n the package runs in needs): only errors are shown.
echo "setup: (npm's ERESOLVE and EBADENGINE warnings are harmless on this machine: not shown)"
npm ci --no-audit --no-fund --loglevel=error

step "2/5 chromium for the editor test"
if ! command -v chromium >/dev/null 2>&1 && [ ! -x "${GETBILL_E2E_CHROMIUM:-/usr/bin/chromium}" ]; then
	if [ "$APT_OK" = "1" ]; then
		echo "setup: installing Debian's chromium for the editor test"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
	else
		echo "setup: chromium not found; install it (e.g. 'sudo apt-get install chromium') for the editor test" >&2
	fi
else
	echo "setup: chromium is there"
fi

step "3/5 redis-server and PostgreSQL for the queue-mode test"
# What test/e2e/lib/services.js looks for: redis-server on PATH, initdb and postgres on PATH or in
# /usr/lib/postgresql/<major>/bin (Debian's layout). The test starts its own throwaway instances on
# 127.0.0.1 and a free port; the services the packages set up themselves are not used.
QUEUE_MISSING=()
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || QUEUE_MISSING+=(redis-server)
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then QUEUE_MISSING+=(postgresql); fi
if [ "${#QUEUE_MISSING[@]}" -eq 0 ]; then
	echo "setup: redis-server and PostgreSQL are there"
elif [ "$APT_OK" = "1" ]; then
	echo "setup: installing Debian's ${QUEUE_MISSING[*]} for the queue-mode test"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${QUEUE_MISSING[@]}" >/dev/null
else
	echo "setup: ${QUEUE_MISSING[*]} not found and not installed (needs root and apt-get, and GETBILL_SETUP_APT not 0): the queue-mode test will be SKIPPED; install them (e.g. 'sudo apt-get install ${QUEUE_MISSING[*]}') to run it" >&2
fi

CACHE=$(node -e 'process.stdout.write(require("./test/e2e/install-n8n").cacheDir())')
step "4/5 the pinned n8n versions into $CACHE (cold: the longest step, 6 to 15 minutes; cached: seconds)"
# Its stdout is one JSON line per version (for scripts); its progress goes to stderr.
node test/e2e/install-n8n.js >/dev/null

step "5/5 npm run build"
npm run build

SIZE=$(du -sh "$CACHE" 2>/dev/null | cut -f1 | sed -E 's/^([0-9.,]+)([KMGT])$/\1 \2B/' || echo '?')
echo "setup: done in $(elapsed); the n8n cache takes ${SIZE} in ${CACHE}. Next: npm run dev to try it, npm run verify to test."
