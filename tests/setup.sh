#!/bin/sh
# Install what the tests need on Debian: chromium, xmllint, valgrind,
# mandoc, and the npm packages (never a browser download).  Idempotent.
set -e
cd "$(dirname "$0")"
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v xmllint >/dev/null 2>&1 || need="$need libxml2-utils"
command -v node >/dev/null 2>&1 || need="$need nodejs npm"
command -v mandoc >/dev/null 2>&1 || need="$need mandoc"
command -v unzip >/dev/null 2>&1 || need="$need unzip"
command -v valgrind >/dev/null 2>&1 || need="$need valgrind"
if [ -n "$need" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "tests: installing$need"
		apt-get update -q >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need >/dev/null
	else
		echo "tests: missing$need; run: sudo apt-get install$need" >&2
		exit 1
	fi
fi
if [ ! -f node_modules/.binome-installed ] ||
    [ package.json -nt node_modules/.binome-installed ]; then
	echo "tests: installing npm packages"
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund \
	    --loglevel=error >/dev/null
	touch node_modules/.binome-installed
fi
