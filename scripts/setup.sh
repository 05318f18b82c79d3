#!/usr/bin/env bash
# `npm run setup`: everything a fresh machine needs, then a build.
# - the dev dependencies (npm ci; .npmrc keeps install scripts off)
# - Debian's Chromium for the editor test (skipped when present)
# - the two pinned n8n versions for the end-to-end suite, in a cache outside
#   the repo (~/.cache/n8n-nodes-getbill-e2e; a cold install takes ~10 minutes,
#   later runs reuse it)
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund

if ! command -v chromium >/dev/null 2>&1 && [ ! -x "${GETBILL_E2E_CHROMIUM:-/usr/bin/chromium}" ]; then
	if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
		echo "setup: installing Debian's chromium for the editor test"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
	else
		echo "setup: chromium not found; install it (e.g. 'sudo apt-get install chromium') for the editor test" >&2
	fi
fi

node test/e2e/install-n8n.js
npm run build
