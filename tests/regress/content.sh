#!/bin/sh
# The shipped course builds with no warning at all, so that it stays
# clean as binome evolves.
root=$(cd "$(dirname "$0")/../.." && pwd)
case ${BIN:=build/binome} in /*) bin=$BIN ;; *) bin=$root/$BIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root" || exit 1
"$bin" build -q --werror --theme themes/default -o "$tmp/out" content \
    > "$tmp/log" 2>&1
rc=$?
if [ $rc = 0 ] && [ ! -s "$tmp/log" ]; then
	echo "ok - content: content/ builds with no warning"
else
	echo "not ok - content: content/ (exit $rc)"
	head -30 "$tmp/log" | sed 's/^/#   /'
fi
