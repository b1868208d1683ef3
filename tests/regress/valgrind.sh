#!/bin/sh
# A full build of content/ under valgrind: no memory error, no leak.
root=$(cd "$(dirname "$0")/../.." && pwd)
case ${BIN:=build/binome} in /*) bin=$BIN ;; *) bin=$root/$BIN ;; esac
# Sanitizer builds cannot run under valgrind.
case $bin in */asan/*) exit 0 ;; esac
if ! command -v valgrind >/dev/null; then
	echo "not ok - valgrind: not installed"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root" || exit 1
valgrind --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect \
    "$bin" build -q --theme themes/default -o "$tmp/out" content \
    > "$tmp/log" 2>&1
rc=$?
if [ $rc = 0 ] && [ -f "$tmp/out/site/index.html" ]; then
	echo "ok - valgrind: full build of content/ has no error and no leak"
else
	echo "not ok - valgrind: full build of content/ (exit $rc)"
	grep -E '==[0-9]+==' "$tmp/log" | head -30 | sed 's/^/#   /'
fi
