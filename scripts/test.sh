#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine, then runs it.
#   Debian packages: knot (authoritative DNS server for the dns tests), chromium (HAR tests), nodejs/npm if missing
#   Python: a .venv with clerkdomains and its test extras
#   npm: the pinned packages of tests/node/package-lock.json (real @clerk/* SDKs, next, react, typescript)
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k dns -x`.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

debs=(knot knot-dnsutils)
debs+=(chromium)  # headless browser that records the HAR fixtures' flows (driven by Playwright, never `playwright install`)
command -v node >/dev/null 2>&1 || debs+=(nodejs)
command -v npm >/dev/null 2>&1 || debs+=(npm)
missing=()
for p in "${debs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

(cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
(cd tests/node/next15 && npm ci --no-audit --no-fund --loglevel=error)  # Next.js 15 for tests/test_nextjs_runtime.py

exec .venv/bin/python -m pytest "$@"
