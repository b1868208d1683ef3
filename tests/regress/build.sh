#!/bin/sh
# Properties of whole builds: determinism, failed builds leave the last
# output intact, check writes nothing, exit codes, JSON diagnostics.
root=$(cd "$(dirname "$0")/../.." && pwd)
case ${BIN:=build/binome} in /*) bin=$BIN ;; *) bin=$root/$BIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
theme="--theme $root/themes/default"
course=$root/tests/regress/course/basic/content

ok() { echo "ok - build/$1"; }
notok() { echo "not ok - build/$1"; }
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }

"$bin" build -q $theme -o "$tmp/a" "$course" 2>/dev/null
"$bin" build -q $theme -o "$tmp/b" "$course" 2>/dev/null
check "two builds are byte-identical" \
    "[ -f '$tmp/a/site/index.html' ] && diff -r '$tmp/a/site' '$tmp/b/site' >/dev/null && diff -r '$tmp/a/scorm' '$tmp/b/scorm' >/dev/null"

check "drafts are skipped" "[ ! -e '$tmp/a/site/c/m/brouillon.html' ]"
"$bin" build -q --drafts $theme -o "$tmp/dr" "$course" 2>/dev/null
check "--drafts includes them" "[ -f '$tmp/dr/site/c/m/brouillon.html' ]"

# A broken course must not touch the previous output.
cp -R "$course" "$tmp/broken"
printf -- '---\ntitle: [\n---\n' > "$tmp/broken/c/01-m/01-l.md"
cp -R "$tmp/a/site" "$tmp/before"
"$bin" build -q $theme -o "$tmp/a" "$tmp/broken" 2>/dev/null
rc=$?
check "a failed build exits 1" "[ $rc = 1 ]"
check "a failed build leaves the previous site" \
    "diff -r '$tmp/before' '$tmp/a/site' >/dev/null"
check "a failed build leaves no temporary files" \
    "[ -z \"\$(ls -A '$tmp/a' | grep -v -e '^site\$' -e '^scorm\$' -e '^.binome.lock\$' -e '^.binome-state\$' -e '^.binome-memo\$')\" ]"

"$bin" check $theme -o "$tmp/c" "$course" 2>/dev/null
rc=$?
check "check exits 0 on a good course" "[ $rc = 0 ]"
check "check leaves the output directory alone" "[ ! -e '$tmp/c' ]"
"$bin" check $theme -o "$tmp/c" "$tmp/broken" 2>/dev/null
check "check exits 1 on errors" "[ $? = 1 ]"

"$bin" frobnicate >/dev/null 2>&1
check "an unknown command exits 2" "[ $? = 2 ]"
"$bin" build --target scorm3 >/dev/null 2>&1
check "an unknown target exits 2" "[ $? = 2 ]"
"$bin" build --nope >/dev/null 2>&1
check "an unknown option exits 2" "[ $? = 2 ]"
"$bin" build $theme -o "$tmp/d" "$tmp/nowhere" 2>/dev/null
check "a missing directory exits 1" "[ $? = 1 ]"
"$bin" --version | grep -q '^binome [0-9]'
check "--version prints the version" "[ $? = 0 ]"

# Warnings: counted, fatal with --werror, JSON on request.
uk=$root/tests/regress/course/unknown-key/content
"$bin" check $theme --werror -o "$tmp/e" "$uk" 2>/dev/null
check "--werror turns a warning into a failure" "[ $? = 1 ]"
"$bin" check $theme --format json -o "$tmp/e" "$uk" 2> "$tmp/json"
check "--format json prints one object per diagnostic" \
    "grep -q '^{\"file\":\".*01-l.md\",\"line\":3,\"column\":1,\"severity\":\"warning\",\"message\":\"unknown key ' \"$tmp/json\""

# --schemas validates every generated manifest; a kit whose rules reject
# everything proves that the check runs and can fail.
kit=$root/../shared/schemas
if [ -d "$kit" ]; then
	"$bin" check $theme --schemas "$kit" -o "$tmp/f" "$course" 2>/dev/null
	check "check --schemas accepts the manifests of a good course" "[ $? = 0 ]"
	cp -R "$kit" "$tmp/kit"
	chmod -R u+w "$tmp/kit"
	cat > "$tmp/kit/checks/scorm12-rules.sch" <<'SCH'
<?xml version="1.0" encoding="UTF-8"?>
<sch:schema xmlns:sch="http://purl.oclc.org/dsdl/schematron">
  <sch:pattern><sch:rule context="/*"><sch:assert test="false()">never</sch:assert></sch:rule></sch:pattern>
</sch:schema>
SCH
	"$bin" check $theme --schemas "$tmp/kit" -o "$tmp/f" "$course" \
	    2> "$tmp/err"
	check "check --schemas fails when the rules reject a manifest" \
	    "[ $? = 1 ] && grep -q 'SCORM 1.2 manifest breaks the rules' '$tmp/err'"
else
	echo "not ok - build/--schemas: ../shared/schemas is missing"
fi

# make install honours DESTDIR and PREFIX; the installed binary finds
# its theme beside itself, from any directory.
if make -s -C "$root" install DESTDIR="$tmp/inst" PREFIX=/usr >/dev/null 2>&1; then
	check "make install puts the binary, the theme and both man pages" \
	    "[ -x '$tmp/inst/usr/bin/binome' ] && [ -f '$tmp/inst/usr/share/binome/themes/default/page.html' ] && [ -f '$tmp/inst/usr/share/man/man1/binome.1' ] && [ -f '$tmp/inst/usr/share/man/man5/binome.5' ]"
	(cd "$tmp" && "$tmp/inst/usr/bin/binome" build -q -o "$tmp/io" "$course" 2>/dev/null)
	check "the installed binary builds with its installed theme" \
	    "[ -f '$tmp/io/site/c/index.html' ]"
else
	notok "make install"
fi

if command -v mandoc >/dev/null; then
	mandoc -Tlint -Wwarning "$root/src/binome.1" "$root/src/binome.5" > "$tmp/lint" 2>&1
	check "the man pages pass mandoc -Tlint" "[ $? = 0 ]"
else
	notok "mandoc is not installed"
fi
