#!/bin/sh
# Run every test: unit binaries, golden regress cases, browser tests.
# Counts "ok"/"not ok" lines and ends with "N passed, N failed".
# REGEN=1 rewrites the expected files instead of comparing.
cd "$(dirname "$0")/.." || exit 2
: "${BIN:=build/binome}" "${O:=build/obj}"
export BIN O LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=1700000000
log=build/test.log
mkdir -p build
: > "$log"

count() {
	# count OUTPUT-FILE: echo its ok/not ok lines, fold them into the totals
	grep -E '^(ok|not ok)( |$)' "$1" | grep -v '^ok' >/dev/null && cat "$1"
	cat "$1" >> "$log"
}

for t in "$O"/tests/t_*; do
	[ -x "$t" ] || continue
	"$t" > build/.t.out 2>&1 || echo "not ok - $(basename "$t") exited $?" >> build/.t.out
	count build/.t.out
done

# Every fuzz corpus file through its target (built by `make replay`).
for t in frontmatter template lesson quiz state zipcat; do
	r="$O/fuzz/replay_$t"
	[ -x "$r" ] || continue
	"$r" tests/fuzz/corpus/$t/* > build/.t.out 2>&1 ||
	    echo "not ok - fuzz replay $t exited $?" >> build/.t.out
	count build/.t.out
done

for t in tests/regress/*.sh; do
	[ -f "$t" ] || continue
	sh "$t" > build/.t.out 2>&1 || true
	count build/.t.out
done

if [ -z "$NOE2E" ]; then
	for t in tests/e2e/*.test.js; do
		[ -f "$t" ] || continue
		timeout 600 node "$t" > build/.t.out 2>&1 ||
		    grep -q '^not ok' build/.t.out ||
		    echo "not ok - $(basename "$t") crashed" >> build/.t.out
		count build/.t.out
	done
fi

pass=$(grep -c '^ok' "$log")
fail=$(grep -c '^not ok' "$log")
grep '^not ok' "$log" | sed 's/^/FAILED: /'
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
