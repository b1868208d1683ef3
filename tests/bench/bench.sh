#!/bin/sh
# The benchmark: binome against Hugo, the cmark-gfm conversion floor and
# the file-copy floor, on the same generated corpus, in one run.
# Writes build/bench/results.md and the table in README.md.
# BENCH_N (default "100 1000 10000") and BENCH_RUNS (default 3).
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bin=$root/build/binome
sizes=${BENCH_N:-100 1000 10000}
runs=${BENCH_RUNS:-3}
need=""
command -v hugo >/dev/null || need="$need hugo"
command -v cmark-gfm >/dev/null || need="$need cmark-gfm"
[ -x /usr/bin/time ] || need="$need time"
command -v node >/dev/null || need="$need nodejs"
if [ -n "$need" ]; then
	if [ "$(id -u)" = 0 ]; then
		apt-get update -q >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need >/dev/null
	else
		echo "bench: run: sudo apt-get install$need" >&2
		exit 1
	fi
fi
out=build/bench
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure NAME CMD...: run CMD $runs times after a warm-up; append
# "wall cpu rss" lines to $tmp/NAME.
measure() {
	name=$1
	shift
	: > "$tmp/r-$name"
	"$@" >/dev/null 2>"$tmp/err" || { echo "bench: $name failed: $*" >&2; cat "$tmp/err" >&2; exit 1; }
	i=0
	while [ $i -lt "$runs" ]; do
		[ -n "$PREP" ] && sh -c "$PREP"
		/usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$@" >/dev/null 2>&1
		awk '{ printf "%.3f %.3f %d\n", $1, $2 + $3, $4 }' "$tmp/t" >> "$tmp/r-$name"
		i=$((i + 1))
	done
}

# stat FILE COLUMN: "min median" of a column
stat() {
	cut -d' ' -f"$2" "$1" | sort -n | awk '{ v[NR] = $1 } END {
	    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	    printf "%s %s\n", v[1], m }'
}

table=$tmp/table.md
{
	echo "| lessons | tool | wall min (s) | wall median (s) | CPU median (s) | pages/s | peak RSS (MiB) |"
	echo "|---:|---|---:|---:|---:|---:|---:|"
} > "$table"
ratios=$tmp/ratios.md
{
	echo "| lessons | binome/Hugo wall | binome/Hugo CPU | binome/floor wall | floor = cmark-gfm + copy (s) |"
	echo "|---:|---:|---:|---:|---:|"
} > "$ratios"

for n in $sizes; do
	corpus=$tmp/corpus-$n
	node tests/bench/gen.js "$n" "$corpus" >/dev/null
	PREP="rm -rf $tmp/out $tmp/hugo-out $tmp/copy"
	export PREP
	measure binome "$bin" build -q -o "$tmp/out" "$corpus/binome"
	measure hugo hugo --quiet -s "$corpus/hugo" -d "$tmp/hugo-out"
	PREP=""
	measure cmark sh -c "cat '$corpus'/md/*.md | cmark-gfm -e table -e strikethrough -e autolink -e tasklist"
	"$bin" build -q -o "$tmp/out" "$corpus/binome"
	PREP="rm -rf $tmp/copy"
	measure copy cp -R "$tmp/out/site" "$tmp/copy"
	PREP=""
	for t in binome hugo cmark copy; do
		set -- $(stat "$tmp/r-$t" 1)
		wmin=$1 wmed=$2
		set -- $(stat "$tmp/r-$t" 2)
		cmed=$2
		set -- $(stat "$tmp/r-$t" 3)
		rss=$2
		eval "w_$t=$wmed c_$t=$cmed"
		awk -v n="$n" -v t="$t" -v a="$wmin" -v b="$wmed" -v c="$cmed" -v r="$rss" \
		    'BEGIN { printf "| %d | %s | %.2f | %.2f | %.2f | %d | %.1f |\n", n, t, a, b, c, (b > 0 ? n / b : 0), r / 1024 }' >> "$table"
	done
	awk -v n="$n" -v wb="$w_binome" -v wh="$w_hugo" -v cb="$c_binome" -v ch="$c_hugo" \
	    -v wc="$w_cmark" -v wp="$w_copy" 'BEGIN {
	    f = wc + wp
	    printf "| %d | %.2f | %.2f | %.2f | %.2f |\n", n, (wh > 0 ? wb / wh : 0),
	        (ch > 0 ? cb / ch : 0), (f > 0 ? wb / f : 0), f }' >> "$ratios"
	rm -rf "$corpus" "$tmp/out" "$tmp/hugo-out" "$tmp/copy"
done

{
	echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, $runs runs each"
	echo "(\`make bench\`; binome builds the site and the SCORM packages)."
	echo
	cat "$table"
	echo
	cat "$ratios"
} > "$out/results.md"
cat "$out/results.md"
# README.md shows the latest table, between the bench markers.
awk -v f="$out/results.md" '
	/<!-- bench -->/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
	/<!-- \/bench -->/ { skip = 0 }
	!skip' README.md > "$tmp/readme" && cat "$tmp/readme" > README.md
