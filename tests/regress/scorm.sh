#!/bin/sh
# SCORM packages: build the test courses with --schemas, then for every
# zip validate imsmanifest.xml with the XSD wrapper and the Schematron
# rules (shared/schemas/README.md), check that the <file href> list and
# the zip entries agree, that the XSDs the manifest names are at the
# root, that entry names are safe, and that a second build gives the
# same bytes.  The broken manifests of shared/schemas/examples/broken/
# must be rejected by the same validation, so that it can fail.
root=$(cd "$(dirname "$0")/../.." && pwd)
case ${BIN:=build/binome} in /*) bin=$BIN ;; *) bin=$root/$BIN ;; esac
schemas=${SCHEMAS:-$(cd "$root/.." && pwd)/shared/schemas}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: "${SOURCE_DATE_EPOCH:=1700000000}"
export SOURCE_DATE_EPOCH LC_ALL=C TZ=UTC
theme="--theme $root/themes/default"
courses="$root/tests/course $root/tests/scorm-course/graded"

ok() { echo "ok - scorm/$1"; }
notok() { echo "not ok - scorm/$1"; [ -z "$2" ] || sed 's/^/#   /' "$2" | head -20; }
check() { if eval "$2"; then ok "$1"; else notok "$1" "$3"; fi; }

if [ ! -f "$schemas/scorm12/scorm12_manifest.xsd" ]; then
	notok "schemas found in $schemas (set SCHEMAS=DIR)"
	exit 0
fi

# valid 12|2004 FILE: XSD wrapper and Schematron rules, both must pass.
valid() {
	if [ "$1" = 12 ]; then
		xsd=$schemas/scorm12/scorm12_manifest.xsd
		sch=$schemas/checks/scorm12-rules.sch
	else
		xsd=$schemas/scorm2004-4th/scorm2004_4th_manifest.xsd
		sch=$schemas/checks/scorm2004-rules.sch
	fi
	xmllint --noout --nonet --schema "$xsd" "$2" >"$tmp/log" 2>&1 &&
	    xmllint --noout --nonet --schematron "$sch" "$2" >>"$tmp/log" 2>&1
}

# The validation accepts good manifests and rejects every broken one.
for f in "$schemas"/examples/minimal-scorm12.xml \
    "$schemas"/examples/minimal-scorm2004-4th.xml; do
	case $f in *scorm12*) v=12 ;; *) v=2004 ;; esac
	check "accepts examples/$(basename "$f")" "valid $v '$f'" "$tmp/log"
done
for f in "$schemas"/examples/broken/*.xml; do
	case $(basename "$f") in scorm12-*) v=12 ;; *) v=2004 ;; esac
	check "rejects examples/broken/$(basename "$f")" "! valid $v '$f'"
done

# Build twice with the schemas, once without.
for d in a b; do
	"$bin" build -q $theme -o "$tmp/$d" --schemas "$schemas" $courses \
	    2>"$tmp/build-$d.err"
	check "build $d exits 0" "[ $? = 0 ]" "$tmp/build-$d.err"
done
"$bin" build -q $theme -o "$tmp/n" $courses 2>"$tmp/build-n.err"
check "build without --schemas exits 0" "[ $? = 0 ]" "$tmp/build-n.err"

n=$(ls "$tmp/a/scorm"/*.zip 2>/dev/null | wc -l)
# demo: course + 2 modules, both versions; fr-mini: 2004 course;
# graded: course + 2 modules, both versions.
check "13 packages built" "[ $n = 13 ]"
check "package names" "[ -f '$tmp/a/scorm/demo-1.0.0-scorm12.zip' ] &&
    [ -f '$tmp/a/scorm/demo-1.0.0-scorm2004.zip' ] &&
    [ -f '$tmp/a/scorm/fr-mini-0.2.0-scorm2004.zip' ] &&
    [ ! -f '$tmp/a/scorm/fr-mini-0.2.0-scorm12.zip' ] &&
    [ -f '$tmp/a/scorm/scorm-graded-2.1.0-intro-scorm12.zip' ]"

# Percent-decode the hrefs of a manifest, one a line, sorted.
hrefs() {
	xmllint --xpath "//*[local-name()='file']/@href" "$1" 2>/dev/null |
	    tr ' ' '\n' | sed -n 's/^href="\(.*\)"$/\1/p' |
	    awk 'BEGIN { for (i = 0; i < 256; i++) hex[sprintf("%02X", i)] = i }
		{ out = ""; s = $0
		  while ((i = index(s, "%")) > 0) {
			out = out substr(s, 1, i - 1) \
			    sprintf("%c", hex[toupper(substr(s, i + 1, 2))])
			s = substr(s, i + 3)
		  }
		  print out s }' | sort
}

for zip in "$tmp/a/scorm"/*.zip; do
	z=$(basename "$zip" .zip)
	case $z in *-scorm12) v=12 ;; *) v=2004 ;; esac
	d=$tmp/u/$z
	mkdir -p "$d"
	unzip -q "$zip" -d "$d"
	m=$d/imsmanifest.xml
	check "$z: imsmanifest.xml at the root" "[ -f '$m' ]"
	check "$z: manifest is valid (XSD and rules)" "valid $v '$m'" \
	    "$tmp/log"
	unzip -Z1 "$zip" | sort > "$tmp/entries"
	check "$z: entry names are relative and normalised" \
	    "! grep -Eq '^/|(^|/)\\.\\.?(/|\$)|//|\\\\' '$tmp/entries'"
	grep -v -e '^imsmanifest\.xml$' -e '\.xsd$' -e '\.dtd$' \
	    "$tmp/entries" > "$tmp/content"
	hrefs "$m" > "$tmp/hrefs"
	diff "$tmp/content" "$tmp/hrefs" > "$tmp/diff"
	check "$z: every entry is a <file>, every <file> an entry" \
	    "[ -s '$tmp/hrefs' ] && [ ! -s '$tmp/diff' ]" "$tmp/diff"
	check "$z: the SCO launches scorm.html" \
	    "grep -q 'href=\"scorm.html\"' '$m' && [ -f '$d/scorm.html' ] &&
	    [ -f '$d/assets/scorm.js' ] && [ -f '$d/assets/course.js' ]"
	loc=$(xmllint --xpath 'string(/*/@*[local-name()="schemaLocation"])' "$m")
	missing=
	for x in $(echo "$loc" | tr ' ' '\n' | grep '\.xsd$'); do
		[ -f "$d/$x" ] || missing="$missing $x"
	done
	check "$z: the XSDs of xsi:schemaLocation are at the root" \
	    "[ -n '$loc' ] && [ -z '$missing' ]"
	if [ $v = 2004 ]; then
		check "$z: imsss includes shipped" \
		    "[ -f '$d/imsss_v1p0util.xsd' ] && [ -f '$d/xml.xsd' ]"
	else
		check "$z: ims_xml.xsd shipped" "[ -f '$d/ims_xml.xsd' ]"
	fi
	check "$z: second build is byte-identical" \
	    "cmp -s '$zip' '$tmp/b/scorm/$z.zip'"
	unzip -Z1 "$tmp/n/scorm/$z.zip" > "$tmp/plain"
	mkdir -p "$tmp/p/$z"
	unzip -q -o "$tmp/n/scorm/$z.zip" imsmanifest.xml -d "$tmp/p/$z"
	check "$z: without --schemas: no XSD, still valid" \
	    "! grep -q '\\.xsd\$' '$tmp/plain' &&
	    valid $v '$tmp/p/$z/imsmanifest.xml'" "$tmp/log"
done

# Graded: the pass mark reaches the manifest in each version's place.
g=$tmp/u/scorm-graded-2.1.0
check "1.2 masteryscore is the course pass mark" \
    "grep -q '<adlcp:masteryscore>60</adlcp:masteryscore>' '$g-scorm12/imsmanifest.xml'"
check "2004 minNormalizedMeasure is pass/100" \
    "grep -q '<imsss:minNormalizedMeasure>0.60</imsss:minNormalizedMeasure>' '$g-scorm2004/imsmanifest.xml' &&
    grep -q 'satisfiedByMeasure=\"true\"' '$g-scorm2004/imsmanifest.xml'"
check "ungraded module: no pass mark" \
    "! grep -q masteryscore '$g-more-scorm12/imsmanifest.xml' &&
    ! grep -q minNormalizedMeasure '$g-more-scorm2004/imsmanifest.xml'"
check "module launcher restricts its pages" \
    "grep -q 'data-pages=\"[0-9][0-9,]*\"' '$g-more-scorm12/scorm.html' &&
    grep -q 'data-pages=\"\"' '$g-scorm12/scorm.html'"
check "identifiers are derived from id and version" \
    "grep -q 'identifier=\"MANIFEST-scorm-graded-2.1.0\"' '$g-scorm12/imsmanifest.xml' &&
    grep -q 'identifier=\"MANIFEST-scorm-graded-2.1.0-intro\"' '$g-intro-scorm2004/imsmanifest.xml'"

# A course whose state cannot fit SCORM 1.2's suspend_data is refused.
"$bin" build -q $theme -o "$tmp/o" "$root/tests/scorm-course/over-budget" \
    2>"$tmp/over.err"
rc=$?
check "over-budget course exits 1" "[ $rc = 1 ]"
check "over-budget diagnostic at _index.md" \
    "grep -q \"over-budget/_index.md:1:1: error: worst-case suspend_data of the course is [0-9]* characters, over SCORM 1.2's 4096\" '$tmp/over.err'" \
    "$tmp/over.err"
check "over-budget course writes no package" \
    "[ -z \"\$(ls '$tmp/o/scorm' 2>/dev/null)\" ]"

# The run-time stays small (the theme must stay under 100 KB).
size=$(cat "$root/themes/default/scorm.html" \
    "$root/themes/default/assets/scorm.js" | wc -c)
check "scorm.html + scorm.js under 24 KB ($size bytes)" "[ $size -lt 24576 ]"

# What a package adds to the course's own files (pages, media, course
# data): the theme's assets and the launcher, under 100 KB.
"$bin" build -q $theme -o "$tmp/rt" "$root/tests/course/demo" 2>/dev/null
runtime=$(unzip -Zl "$tmp/rt/scorm/demo-1.0.0-scorm12.zip" |
    awk '$NF ~ /^assets\// && $NF != "assets/course.js" &&
	$NF != "assets/search-index.js" || $NF == "scorm.html" { n += $4 }
	END { print n + 0 }')
check "the run-time adds under 100 KB to a package ($runtime bytes)" \
    "[ $runtime -gt 10000 ] && [ $runtime -lt 102400 ]"
exit 0
