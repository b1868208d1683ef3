#!/bin/sh
# Golden tests of the quiz stage alone.  Each case is
# tests/regress/quiz/<case>.md (or a directory <case>/ whose .md files
# are the lessons of one module), run through tests/unit/quizrender.c
# (quiz_extract, cmark's renderer, quiz_check_course).  <case>.html is
# the expected output, <case>.err the expected diagnostics; a case
# with a .err must fail, one without must pass silently.
# Prints "ok - quiz/<case>" or "not ok - quiz/<case>" per case;
# REGEN=1 rewrites the expected files instead of comparing.
cd "$(dirname "$0")/../.." || exit 2
: "${O:=build/obj}" "${CC:=cc}"
export LC_ALL=C TZ=UTC
top=$(pwd)
dir=tests/regress/quiz
work=$O/quiz
drv=$top/$work/quizrender
mkdir -p "$work"

san=
case $O in
*asan*) san="-fsanitize=address,undefined -fno-omit-frame-pointer" ;;
esac
# shellcheck disable=SC2046,SC2086
if ! $CC -std=c99 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall \
    -Wextra -Wno-unused-parameter -O1 -g $san -Isrc \
    $(pkg-config --cflags libcmark-gfm) -o "$drv" src/buf.c src/diag.c \
    src/escape.c src/fs.c src/quiz.c tests/unit/quizrender.c \
    $(pkg-config --libs libcmark-gfm) > "$work/cc.log" 2>&1; then
	echo "not ok - quiz/driver: does not build"
	sed 's/^/#   /' "$work/cc.log"
	exit 1
fi

pass=0 fail=0
for c in "$dir"/*.md "$dir"/*/; do
	[ -e "$c" ] || continue
	name=$(basename "$c" .md)
	arg=$(basename "$c")
	[ -d "$c" ] && arg=${arg%/}
	(cd "$dir" && "$drv" "$arg") > "$work/out" 2> "$work/err"
	rc=$?
	if [ -n "$REGEN" ]; then
		if [ "$rc" = 0 ]; then
			cp "$work/out" "$dir/$name.html"
		else
			rm -f "$dir/$name.html"
		fi
		if [ -s "$work/err" ]; then
			cp "$work/err" "$dir/$name.err"
		else
			rm -f "$dir/$name.err"
		fi
		echo "ok - quiz/$name (regenerated)"
		pass=$((pass + 1))
		continue
	fi
	why=
	if [ -f "$dir/$name.err" ]; then
		diff -u "$dir/$name.err" "$work/err" > "$work/diff" ||
		    why="diagnostics differ"
	elif [ -s "$work/err" ]; then
		cp "$work/err" "$work/diff"
		why="unexpected diagnostics"
	fi
	if [ -z "$why" ] && [ -f "$dir/$name.html" ]; then
		diff -u "$dir/$name.html" "$work/out" > "$work/diff" ||
		    why="HTML differs"
	fi
	if [ -z "$why" ] && [ ! -f "$dir/$name.html" ] &&
	    [ ! -f "$dir/$name.err" ]; then
		why="no $name.html or $name.err"
	fi
	if [ -z "$why" ] && [ "$rc" != 0 ] && [ -f "$dir/$name.html" ] &&
	    [ ! -f "$dir/$name.err" ]; then
		why="exit status $rc"
	fi
	if [ -z "$why" ] && [ "$rc" = 0 ] && [ ! -f "$dir/$name.html" ]; then
		why="passed, but an error was expected"
	fi
	if [ -z "$why" ] && [ "$rc" -gt 1 ]; then
		why="exit status $rc"
	fi
	if [ -z "$why" ]; then
		echo "ok - quiz/$name"
		pass=$((pass + 1))
	else
		echo "not ok - quiz/$name: $why"
		head -40 "$work/diff" | sed 's/^/#   /'
		fail=$((fail + 1))
	fi
done
echo "# quiz: $pass passed, $fail failed"
[ "$fail" = 0 ]
