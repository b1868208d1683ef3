#!/bin/sh
# Golden builds: each tests/regress/course/<case>/ holds content/ (the
# input), expect.err (the exact diagnostics), expect.rc (the exit code)
# and, for the cases holding a file named compare-output, expect/ (the
# pages and generated data, theme assets left out).  REGEN=1 rewrites
# the expected files.
root=$(cd "$(dirname "$0")/../.." && pwd)
case ${BIN:=build/binome} in /*) bin=$BIN ;; *) bin=$root/$BIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for dir in "$root"/tests/regress/course/*/; do
	name=$(basename "$dir")
	out="$tmp/$name"
	(cd "$dir" && "$bin" build --theme "$root/themes/default" -o "$out" \
	    $(cat args 2>/dev/null) content) > "$tmp/stdout" 2> "$tmp/stderr"
	echo $? > "$tmp/rc"
	# Keep only what the case is about: pages and generated data.
	if [ -d "$out/site" ]; then
		mkdir -p "$tmp/got-$name"
		(cd "$out/site" && find . -type f \( -name '*.html' -o \
		    -name course.js -o -name search-index.js \) | sort |
		    while read -r f; do
			mkdir -p "$tmp/got-$name/$(dirname "$f")"
			cp "$f" "$tmp/got-$name/$f"
		done)
	fi
	if [ -n "$REGEN" ]; then
		cp "$tmp/stderr" "$dir/expect.err"
		cp "$tmp/rc" "$dir/expect.rc"
		rm -rf "$dir/expect"
		[ -f "$dir/compare-output" ] && [ -d "$tmp/got-$name" ] &&
		    [ "$(cat "$tmp/rc")" = 0 ] &&
		    cp -R "$tmp/got-$name" "$dir/expect"
		echo "ok - course/$name (regenerated)"
		continue
	fi
	fail=""
	cmp -s "$tmp/rc" "$dir/expect.rc" ||
	    fail="exit $(cat "$tmp/rc"), want $(cat "$dir/expect.rc")"
	diff -u "$dir/expect.err" "$tmp/stderr" > "$tmp/diff" ||
	    fail="$fail diagnostics differ"
	if [ -d "$dir/expect" ]; then
		diff -ru "$dir/expect" "$tmp/got-$name" >> "$tmp/diff" ||
		    fail="$fail output differs"
	fi
	if [ -z "$fail" ]; then
		echo "ok - course/$name"
	else
		echo "not ok - course/$name: $fail"
		head -40 "$tmp/diff" | sed 's/^/#   /'
	fi
	rm -rf "$out"
done
