#!/bin/sh
# Parallel and incremental builds give the bytes of a serial, clean
# build: site trees and zips compared byte for byte.
root=$(cd "$(dirname "$0")/../.." && pwd)
case ${BIN:=build/binome} in /*) bin=$BIN ;; *) bin=$root/$BIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
theme="--theme $root/themes/default"

ok() { echo "ok - speed/$1"; }
notok() { echo "not ok - speed/$1"; }
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }
same() { diff -r "$1/site" "$2/site" >/dev/null && diff -r "$1/scorm" "$2/scorm" >/dev/null; }

# 400 generated lessons: large enough that the contents are cut down
# and that the zips are deflated in parts; both targets, and modules.
if ! node "$root/tests/bench/gen.js" 400 "$tmp/gen" >/dev/null; then
	notok "generate a corpus"
	exit 0
fi
big=$tmp/gen/binome
sed -i 's/^version: .*/&\npackage: both/' "$big/bench/_index.md"

for j in 1 2 4; do
	"$bin" build -q -j $j $theme -o "$tmp/j$j" "$big" 2>"$tmp/err$j"
	check "-j $j builds the generated course" \
	    "[ -f '$tmp/j$j/site/bench/index.html' ] && [ ! -s '$tmp/err$j' ]"
done
check "the zips are there" "[ \$(ls '$tmp/j1/scorm' | wc -l) -gt 20 ]"
check "-j 2 gives the bytes of -j 1" "same '$tmp/j1' '$tmp/j2'"
check "-j 4 gives the bytes of -j 1" "same '$tmp/j1' '$tmp/j4'"
for n in content basic; do
	c=$root/content
	[ $n = basic ] && c=$root/tests/regress/course/basic/content
	"$bin" build -q -j 1 $theme -o "$tmp/s-$n" "$c" 2>/dev/null
	"$bin" build -q -j 3 $theme -o "$tmp/p-$n" "$c" 2>/dev/null
	check "$n: -j 3 gives the bytes of -j 1" \
	    "[ -f '$tmp/s-$n/site/index.html' ] && same '$tmp/s-$n' '$tmp/p-$n'"
done

# Deflating once and copying: a zip of one target alone has the bytes
# of the same zip built beside the other target.
sed -i 's/^package: .*/&\ntargets: [scorm2004]/' "$big/bench/_index.md"
"$bin" build -q -j 1 $theme -o "$tmp/one" "$big" 2>/dev/null
z=bench-1.0.0-scorm2004.zip
check "a zip copied from the other target's has the same bytes" \
    "[ -f '$tmp/one/scorm/$z' ] && cmp -s '$tmp/one/scorm/$z' '$tmp/j1/scorm/$z'"
m=bench-1.0.0-m0001-scorm2004.zip
check "a module package holds its own pages only" \
    "unzip -l '$tmp/j1/scorm/$m' | grep -q ' m0001/l01.html\$' && ! unzip -l '$tmp/j1/scorm/$m' | grep -q ' m0002/'"

# Incremental builds: after each change, a build into the last output
# must give the bytes of a clean build, and rewrite only what changed.
c=$tmp/inc
cp -R "$root/tests/regress/course/basic/content" "$c"
cp -R "$root/themes/default" "$tmp/theme"
inc() { "$bin" build -q --theme "$tmp/theme" -o "$tmp/inc-out" "$c" 2>"$tmp/inc-err"; }
clean() {
	rm -rf "$tmp/clean-out"
	"$bin" build -q --theme "$tmp/theme" -o "$tmp/clean-out" "$c" 2>/dev/null
}
inc
page=$tmp/inc-out/site/c/deux/autre-nom.html
ino() { ls -i "$1" | cut -d' ' -f1; }
before=$(ino "$page")
echo "Une phrase de plus." >> "$c/c/01-m/01-l.md"
inc
clean
check "one edited lesson: incremental equals clean" \
    "[ -f '$page' ] && same '$tmp/inc-out' '$tmp/clean-out'"
check "one edited lesson: an untouched page is not rewritten" \
    "[ \"\$(ino '$page')\" = '$before' ]"
sed -i 's/^title: .*/title: Un autre titre/' "$c/c/01-m/01-l.md"
inc
clean
check "a changed title: incremental equals clean" \
    "same '$tmp/inc-out' '$tmp/clean-out'"
echo '<footer>autre pied</footer>' > "$tmp/theme/partials/footer.html"
inc
clean
check "a changed template: incremental equals clean" \
    "grep -q 'autre pied' '$page' && same '$tmp/inc-out' '$tmp/clean-out'"
rm "$c/c/02-deux/01-x.md"
inc
clean
check "a removed lesson: incremental equals clean" \
    "[ ! -e '$page' ] && same '$tmp/inc-out' '$tmp/clean-out'"
page=$tmp/inc-out/site/c/m/bundle.html

# A failed build leaves the output and its record as they were.
cp -R "$tmp/inc-out/site" "$tmp/kept"
cp "$c/c/01-m/01-l.md" "$tmp/l.md"
printf -- '---\ntitle: [\n---\n' > "$c/c/01-m/01-l.md"
inc
rc=$?
check "a failed incremental build exits 1 and changes nothing" \
    "[ $rc = 1 ] && diff -r '$tmp/kept' '$tmp/inc-out/site' >/dev/null"
cp "$tmp/l.md" "$c/c/01-m/01-l.md"
echo "Encore une phrase." >> "$c/c/01-m/01-l.md"
inc
clean
check "after a failed build: incremental equals clean" \
    "same '$tmp/inc-out' '$tmp/clean-out'"

# No change: nothing is done, and what was said is said again.  Inputs
# changed in the last two seconds are not trusted by their times: age
# them.
find "$c" "$tmp/theme" -exec touch -h -d '2020-01-01 00:00' {} +
"$bin" build --theme "$tmp/theme" -o "$tmp/inc-out" "$c" 2>"$tmp/inc-err"
"$bin" build --theme "$tmp/theme" -o "$tmp/inc-out" "$c" 2>"$tmp/inc-err"
check "no change: up to date" "grep -q 'up to date' '$tmp/inc-err'"
check "no change: the warnings are said again" \
    "grep -q 'warning' '$tmp/inc-err'"
rm "$page"
inc
check "a removed output is made again" "[ -f '$page' ] && same '$tmp/inc-out' '$tmp/clean-out'"
echo "Toujours une phrase." >> "$c/c/01-m/01-l.md"
touch -d '2020-01-01 00:00' "$c/c/01-m/01-l.md"
"$bin" build --theme "$tmp/theme" -o "$tmp/inc-out" "$c" 2>"$tmp/inc-err"
clean
check "an edit with an old time and another size is seen" \
    "! grep -q 'up to date' '$tmp/inc-err' && same '$tmp/inc-out' '$tmp/clean-out'"

# The walk takes a directory's names from the record while it has the
# inode and time recorded: an edit in place reads no directory, a file
# saved by rename reads its own, a new lesson reads the course's again.
find "$c" "$tmp/theme" -exec touch -h -d '2020-01-01 00:00' {} +
inc
walk() {
	BINOME_TIMES=1 "$bin" build -q --theme "$tmp/theme" -o "$tmp/inc-out" \
	    "$c" 2>"$tmp/inc-err"
	sed -n 's/^binome: read \([0-9]*\) of \([0-9]*\) directories$/\1 \2/p' \
	    "$tmp/inc-err"
}
echo "Une phrase en place." >> "$c/c/01-m/01-l.md"
read1=$(walk)
clean
check "an edit in place: no directory is read ($read1)" \
    "[ \"\${read1%% *}\" = 0 ] && same '$tmp/inc-out' '$tmp/clean-out'"
{ cat "$c/c/01-m/01-l.md"; echo "Une phrase par renommage."; } > "$c/c/01-m/.l.tmp"
mv "$c/c/01-m/.l.tmp" "$c/c/01-m/01-l.md"
read2=$(walk)
clean
check "a lesson saved by rename: its directory alone is read ($read2)" \
    "[ \"\${read2%% *}\" = 1 ] && same '$tmp/inc-out' '$tmp/clean-out'"
sed 's/^title: .*/title: Une leçon ajoutée/' "$c/c/01-m/01-l.md" > "$c/c/01-m/09-new.md"
read3=$(walk)
clean
check "a new lesson: the course's directories are read again, and it is built ($read3)" \
    "[ \"\${read3%% *}\" -gt 1 ] && grep -rq 'Une leçon ajoutée' '$tmp/inc-out/site' && same '$tmp/inc-out' '$tmp/clean-out'"

# libzip, libxml2 and libmicrohttpd (with libcrypto, ICU, GnuTLS) would
# double the time of a small build: they are loaded when needed only.
check "a build starts without libzip, libxml2 or libmicrohttpd" \
    "ldd '$bin' >'$tmp/ldd' && ! grep -Eq 'libzip|libxml2|libmicrohttpd' '$tmp/ldd'"
