#!/bin/sh
# The memo (src/memo.c): in a large course, the modules an edit did not
# touch are neither read nor rendered again, and the output still has
# the bytes of a clean build; what a kept page links to is still checked.
root=$(cd "$(dirname "$0")/../.." && pwd)
case ${BIN:=build/binome} in /*) bin=$BIN ;; *) bin=$root/$BIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok - memo/$1"; }
notok() { echo "not ok - memo/$1"; }
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }
same() { diff -r "$1/site" "$2/site" >/dev/null && diff -r "$1/scorm" "$2/scorm" >/dev/null; }

# 400 lessons in 40 modules: over the 300 pages from which a course's
# search index is one part per module.
if ! node "$root/tests/bench/gen.js" 400 "$tmp/gen" >/dev/null; then
	notok "generate a corpus"
	exit 0
fi
c=$tmp/gen/binome
b=$c/bench
cp -R "$root/themes/default" "$tmp/theme"
# A link across modules, to a heading of another module's lesson.
printf '\nVoir [la fin du module 7](../m0007/l10.md#introduction).\n' >> "$b/m0008/l05.md"
# Sources changed in the last two seconds are not memoised: age them.
age() { find "$c" "$tmp/theme" -exec touch -h -d '2020-01-01 00:00' {} +; }
age
build() {
	"$bin" build -v --theme "$tmp/theme" -o "$tmp/out" "$c" 2>"$tmp/err"
}
clean() {
	rm -rf "$tmp/clean"
	"$bin" build -q --theme "$tmp/theme" -o "$tmp/clean" "$c" 2>/dev/null
}
kept() { grep -q "bench: $1 of 441 pages as the last build left them" "$tmp/err"; }

build
check "a first build keeps nothing" "kept 0"
check "the search index is in parts" \
    "[ -f '$tmp/out/site/bench/assets/search/0002.js' ] && grep -q '\"parts\":\\[\"search/0000.js\",\"search/0001.js\",\"search/0002.js\"\]' '$tmp/out/site/bench/assets/search-index.js'"

echo "Une phrase de plus." >> "$b/m0003/l02.md"
build
clean
# The text of a lesson only: all but the home page, which is always
# made, and that lesson (site.c's patch).
check "one edit: only its page is made again" "kept 440"
check "one edit: incremental equals clean" "same '$tmp/out' '$tmp/clean'"
# The memo too, but for its id: kept pages' records are copied.
body() { perl -0777 -pe 's/\A[^\n]*\n[\x80-\xff]*[\x00-\x7f]//' "$1"; }
check "one edit: the memo is a clean build's" \
    "body '$tmp/out/.binome-memo' > '$tmp/m1' && body '$tmp/clean/.binome-memo' > '$tmp/m2' && [ -s '$tmp/m1' ] && cmp -s '$tmp/m1' '$tmp/m2'"

# Edited again within two seconds: its record (time 0) still says what
# its page showed.
echo "Et une autre." >> "$b/m0003/l02.md"
build
clean
check "edited again at once: only its page, equal to clean" \
    "kept 440 && same '$tmp/out' '$tmp/clean'"

# What other pages or the packages show of it changes: its module again.
printf '\n## Une section de plus\n\nDu texte.\n' >> "$b/m0003/l02.md"
build
clean
check "a new heading: its module is made again, equal to clean" \
    "kept 429 && grep -q 'une-section-de-plus' '$tmp/out/.binome-memo' && same '$tmp/out' '$tmp/clean'"
sed -i 's/quiz id=q-m0003-l05/quiz id=q-m0003-l05-bis/' "$b/m0003/l05.md"
build
clean
check "a quiz's id: its module is made again, equal to clean" \
    "kept 429 && grep -q 'q-m0003-l05-bis' '$tmp/out/site/bench/assets/course.js' && same '$tmp/out' '$tmp/clean'"

sed -i 's/^title: .*/title: Un titre tout neuf/' "$b/m0003/l02.md"
build
clean
check "a new title: incremental equals clean" \
    "grep -q 'Un titre tout neuf' '$tmp/out/site/bench/m0003/l03.html' && same '$tmp/out' '$tmp/clean'"

# The first lesson of a module shows the previous module's last one.
# (An edit in the last two seconds is not memoised: settle first.)
age
build
sed -i 's/^title: .*/title: Fin du module 4/' "$b/m0004/l10.md"
build
clean
check "a title seen from the next module: incremental equals clean" \
    "grep -q 'Fin du module 4' '$tmp/out/site/bench/m0005/index.html' && same '$tmp/out' '$tmp/clean'"
check "a title seen from the next module: modules 4 and 5 are made again" "kept 418"

# A heading that a kept page links to disappears: the link is an error.
cp "$b/m0007/l10.md" "$tmp/l10.md"
cp -R "$tmp/out/site" "$tmp/before"
sed -i 's/^## Introduction$/## Autre chose/' "$b/m0007/l10.md"
build
rc=$?
check "a kept page's link to a removed heading fails the build" \
    "[ $rc = 1 ] && grep -q 'm0008/l05.md:[0-9]*:[0-9]*: error: link to .*#introduction' '$tmp/err'"
check "the failed build leaves the output" "diff -r '$tmp/before' '$tmp/out/site' >/dev/null"
cp "$tmp/l10.md" "$b/m0007/l10.md"

# A template: every page again.
echo '<footer>autre pied</footer>' > "$tmp/theme/partials/footer.html"
age
build
clean
check "a changed template: nothing is kept" "kept 0"
check "a changed template: incremental equals clean" \
    "grep -q 'autre pied' '$tmp/out/site/bench/m0020/l03.html' && same '$tmp/out' '$tmp/clean'"

# Warnings of kept pages are said again, in the same order.
printf '\n![](../images/schema.svg)\n' >> "$b/m0030/l04.md"
age
build
cp "$tmp/err" "$tmp/err1"
echo "Encore une phrase." >> "$b/m0002/l01.md"
build
check "a kept page's warnings are said again" \
    "kept 429 && grep -q 'm0030/l04.md:[0-9]*:[0-9]*: warning: image' '$tmp/err' && [ \"\$(grep warning '$tmp/err')\" = \"\$(grep warning '$tmp/err1')\" ]"
clean
check "with warnings: incremental equals clean" "same '$tmp/out' '$tmp/clean'"

# A removed output, and a removed image a kept page shows.
rm "$tmp/out/site/bench/m0020/l03.html"
echo "Une autre phrase." >> "$b/m0002/l01.md"
build
clean
check "a removed page is made again, with its module" \
    "kept 418 && [ -f '$tmp/out/site/bench/m0020/l03.html' ] && same '$tmp/out' '$tmp/clean'"
mv "$b/images/schema.svg" "$tmp/schema.svg"
echo "Et encore une." >> "$b/m0002/l01.md"
build
rc=$?
check "an image a kept page shows is gone: the build fails" \
    "[ $rc = 1 ] && grep -q 'm0030/l01.md:[0-9]*:[0-9]*: error: image' '$tmp/err'"
mv "$tmp/schema.svg" "$b/images/schema.svg"

# A search part rewritten takes the entries of kept pages from the last
# build's part, if their bytes are those it made: one changed in place
# (the directory's time does not show it) has its module rendered again.
age
build
part=$tmp/out/site/bench/assets/search/0001.js
at=$(grep -b -o '"t":"Leçon 17.1"' "$part" | cut -d: -f1)
printf '"t":"Leçon 71.1"' | dd of="$part" bs=1 seek="$at" conv=notrunc 2>/dev/null
echo "Une phrase pour le module 20." >> "$b/m0020/l02.md"
build
clean
check "a part changed in place: its module is made again" \
    "[ -n '$at' ] && kept 418 && same '$tmp/out' '$tmp/clean'"

# A damaged memo is not believed: a full build, with the same bytes.
age
build
printf 'binome-memo 1\n\377\377' > "$tmp/out/.binome-memo"
echo "Une dernière phrase." >> "$b/m0002/l01.md"
build
clean
check "a damaged memo: nothing is kept, the bytes are a clean build's" \
    "kept 0 && same '$tmp/out' '$tmp/clean'"

# A zip a course and one a module: each is its last one with the page
# changed in place (scorm.c's scorm_patch), the bytes of a clean build.
# (The last build said nothing: the image gets its text.)
sed -i 's/^version: .*/&\npackage: both/' "$b/_index.md"
sed -i 's/^!\[\](\.\.\/images\/schema\.svg)$/![Un schéma](..\/images\/schema.svg)/' "$b/m0030/l04.md"
age
build
echo "Une phrase pour le module 12." >> "$b/m0012/l03.md"
build
clean
check "packages by course and module: only the page, equal to clean" \
    "kept 440 && [ \$(ls '$tmp/out/scorm' | wc -l) = 82 ] && same '$tmp/out' '$tmp/clean'"

# Over 2,000 inputs, binome build leaves its memory to the kernel at
# exit (site_run): under the sanitizers (make check), a leak would fail
# these builds, the first and an incremental one.
if node "$root/tests/bench/gen.js" 2000 "$tmp/large" >/dev/null; then
	l=$tmp/large/binome
	"$bin" build -q -o "$tmp/large-out" "$l" 2>"$tmp/large-err"
	r1=$?
	echo "Une phrase de plus." >> "$l/bench/m0001/l01.md"
	"$bin" build -q -o "$tmp/large-out" "$l" 2>>"$tmp/large-err"
	r2=$?
	check "2,000 lessons: built twice, nothing said, nothing leaked" \
	    "[ $r1 = 0 ] && [ $r2 = 0 ] && [ ! -s '$tmp/large-err' ] && grep -q 'Une phrase de plus' '$tmp/large-out/site/bench/m0001/l01.html'"
else
	notok "generate a corpus of 2,000 lessons"
fi
