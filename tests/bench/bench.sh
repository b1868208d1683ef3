#!/bin/sh
# The benchmark: binome (on all cores and with -j 1) against Hugo, the
# cmark-gfm conversion floor and the file-copy floor, on the same
# generated corpus, in one run; binome's stage times and what it writes;
# a 20-lesson course; rebuilds with no change and with one edit at the
# largest size; the targets of issue 7, checked against the measurements.
# Writes build/bench/results.md and the table in README.md.
# BENCH_N (default "100 1000 10000"), BENCH_RUNS (default 3),
# BENCH_SMALL_RUNS (20-lesson builds, default 10), BENCH_INC_RUNS
# (rebuilds, default 5).
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bin=$root/build/binome
sizes=${BENCH_N:-100 1000 10000}
runs=${BENCH_RUNS:-3}
small_runs=${BENCH_SMALL_RUNS:-10}
inc_runs=${BENCH_INC_RUNS:-5}
need=""
command -v hugo >/dev/null || need="$need hugo"
command -v cmark-gfm >/dev/null || need="$need cmark-gfm"
[ -x /usr/bin/time ] || need="$need time"
command -v node >/dev/null || need="$need nodejs"
perl -MTime::HiRes -e 1 2>/dev/null || need="$need perl"
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
trap 'exit 1' INT TERM HUP
edit_why=""
largest=$(for n in $sizes; do echo "$n"; done | sort -n | tail -n 1)

# The millisecond timer: hr.pl FILE CMD... runs CMD, appends its wall
# time in ms (monotonic clock) to FILE and fails if CMD fails.
cat > "$tmp/hr.pl" <<'EOF'
use strict;
use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC);
my $f = shift;
my $t = clock_gettime(CLOCK_MONOTONIC);
my $rc = system { $ARGV[0] } @ARGV;
my $ms = (clock_gettime(CLOCK_MONOTONIC) - $t) * 1000;
open(my $o, '>>', $f) or die "$f: $!";
printf $o "%.2f\n", $ms;
close($o);
exit($rc == 0 ? 0 : 1);
EOF

# fail NAME CMD...: report a failed command; fatal unless $OPTIONAL is set.
fail() {
	name=$1
	shift
	echo "bench: $name failed: $*" >&2
	cat "$tmp/err" >&2
	[ -n "$OPTIONAL" ] && return 1
	exit 1
}

# measure NAME CMD...: run CMD $runs times after a warm-up, evaluating
# $PREP before each timed run; write "wall cpu rss" lines to $tmp/r-NAME
# (no file when CMD fails and $OPTIONAL is set).
measure() {
	name=$1
	shift
	rm -f "$tmp/r-$name"
	: > "$tmp/part"
	"$@" >/dev/null 2>"$tmp/err" || { fail "$name" "$@"; return 1; }
	i=0
	while [ $i -lt "$runs" ]; do
		[ -n "$PREP" ] && eval "$PREP"
		/usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" ||
		    { fail "$name" "$@"; return 1; }
		tail -n 1 "$tmp/t" | awk '{ printf "%.3f %.3f %d\n", $1, $2 + $3, $4 }' >> "$tmp/part"
		i=$((i + 1))
	done
	mv "$tmp/part" "$tmp/r-$name"
}

# hrtime NAME COUNT CMD...: run CMD COUNT times after a warm-up, evaluating
# $PREP (with $i the run, 0 for the warm-up) before each; write the times
# in ms to $tmp/ms-NAME (no file when CMD fails and $OPTIONAL is set).
hrtime() {
	name=$1
	count=$2
	shift 2
	rm -f "$tmp/ms-$name"
	i=0
	[ -n "$PREP" ] && eval "$PREP"
	"$@" >/dev/null 2>"$tmp/err" || { fail "$name" "$@"; return 1; }
	: > "$tmp/part"
	while [ $i -lt "$count" ]; do
		i=$((i + 1))
		[ -n "$PREP" ] && eval "$PREP"
		perl "$tmp/hr.pl" "$tmp/part" "$@" >/dev/null 2>"$tmp/err" ||
		    { fail "$name" "$@"; return 1; }
		[ -n "$CHECK" ] && eval "$CHECK"
	done
	mv "$tmp/part" "$tmp/ms-$name"
}

# stat FILE COLUMN: "min median max" of a column
stat() {
	cut -d' ' -f"$2" "$1" | sort -n | awk '{ v[NR] = $1 } END {
	    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	    printf "%s %s %s\n", v[1], m, v[NR] }'
}

label() {
	case $1 in
	j1) echo "binome -j 1" ;;
	*) echo "$1" ;;
	esac
}

table=$tmp/table.md
{
	echo "| lessons | tool | wall min (s) | wall median (s) | CPU median (s) | pages/s | peak RSS (MiB) |"
	echo "|---:|---|---:|---:|---:|---:|---:|"
} > "$table"
ratios=$tmp/ratios.md
{
	echo "| lessons | binome/Hugo wall | binome/Hugo CPU | binome/floor wall | floor = cmark-gfm + copy (s) | speed-up, -j 1/default wall |"
	echo "|---:|---:|---:|---:|---:|---:|"
} > "$ratios"
quick=$tmp/quick.md
{
	echo "| build | lessons | runs | min (ms) | median (ms) | target |"
	echo "|---|---:|---:|---:|---:|---|"
} > "$quick"
: > "$tmp/written"
: > "$tmp/stages"

# ms_row NAME LABEL LESSONS TARGET: a row of $quick; sets ms_NAME (median).
ms_row() {
	if [ -s "$tmp/ms-$1" ]; then
		set -- "$@" $(stat "$tmp/ms-$1" 1)
		eval "ms_$1=$6"
		awk -v a="$2" -v n="$3" -v r="$(wc -l < "$tmp/ms-$1")" -v t="$4" \
		    -v lo="$5" -v m="$6" 'BEGIN {
		    printf "| %s | %d | %d | %.1f | %.1f | %s |\n", a, n, r, lo, m, t }' >> "$quick"
	else
		eval "ms_$1="
		echo "| $2 | $3 | – | – | – | $4 |" >> "$quick"
	fi
}

# A 20-lesson course: full builds (site and packages) into a fresh folder.
node tests/bench/gen.js 20 "$tmp/corpus-small" >/dev/null
PREP='rm -rf "$tmp/out-small"'
OPTIONAL=1
hrtime small "$small_runs" "$bin" build -q -o "$tmp/out-small" "$tmp/corpus-small/binome" || true
OPTIONAL=
PREP=""
ms_row small "full build" 20 "< 20 ms"
rm -rf "$tmp/corpus-small" "$tmp/out-small"

for n in $sizes; do
	corpus=$tmp/corpus-$n
	node tests/bench/gen.js "$n" "$corpus" >/dev/null
	PREP='rm -rf "$tmp/out" "$tmp/hugo-out" "$tmp/copy"'
	measure binome "$bin" build -q -o "$tmp/out" "$corpus/binome"
	OPTIONAL=1
	measure j1 "$bin" build -q -j 1 -o "$tmp/out" "$corpus/binome" || true
	OPTIONAL=
	measure hugo hugo --quiet -s "$corpus/hugo" -d "$tmp/hugo-out"
	PREP=""
	measure cmark sh -c "cat '$corpus'/md/*.md | cmark-gfm -e table -e strikethrough -e autolink -e tasklist"

	# Once more with the stage times, into a fresh folder: then what it wrote.
	rm -rf "$tmp/out" "$tmp/hugo-out"
	BINOME_TIMES=1 "$bin" build -q -o "$tmp/out" "$corpus/binome" 2>"$tmp/err" >/dev/null ||
	    fail binome "$bin" build -q -o "$tmp/out" "$corpus/binome"
	sed -n 's/^binome: *\([^ ][^ ]*\)  *\([0-9][0-9.]*\) s$/\1 \2/p' "$tmp/err" |
	    awk -v n="$n" '{ if (!($1 in t)) o[++k] = $1; t[$1] += $2 }
	    END { for (i = 1; i <= k; i++) print n, o[i], t[o[i]] }' >> "$tmp/stages"
	files=0 bytes=0
	for d in site scorm; do
		[ -d "$tmp/out/$d" ] || continue
		files=$((files + $(find "$tmp/out/$d" -type f | wc -l)))
		bytes=$((bytes + $(du -sb "$tmp/out/$d" | cut -f1)))
	done
	echo "$n $files $bytes" >> "$tmp/written"

	PREP='rm -rf "$tmp/copy"'
	measure copy cp -R "$tmp/out/site" "$tmp/copy"
	PREP=""
	rm -rf "$tmp/copy"

	if [ "$n" = "$largest" ]; then
		# Rebuilds into the full build just made: no change, then one
		# edit to the first lesson, a different sentence each run.
		OPTIONAL=1
		hrtime noop "$inc_runs" "$bin" build -q -o "$tmp/out" "$corpus/binome" || true
		lesson=$(ls "$corpus/binome/bench/m0001/" | grep '\.md$' | grep -v '^_' | sort | head -n 1)
		lesson=$corpus/binome/bench/m0001/$lesson
		cp "$lesson" "$tmp/lesson"
		: > "$tmp/missed"
		PREP='{ cat "$tmp/lesson"; printf "\nPhrase ajoutée pour la mesure %s.\n" "$i"; } > "$lesson"'
		CHECK='grep -rqF "pour la mesure $i." "$tmp/out/site" || echo "$i" >> "$tmp/missed"'
		hrtime edit "$inc_runs" "$bin" build -q -o "$tmp/out" "$corpus/binome" || true
		PREP="" CHECK="" OPTIONAL=""
		cp "$tmp/lesson" "$lesson"
		ms_row noop "no change" "$n" "–"
		edit_target="< 100 ms" edit_why=""
		if [ -s "$tmp/missed" ]; then
			edit_why="the edit was missing from the output in $(wc -l < "$tmp/missed") of $inc_runs runs"
			edit_target="< 100 ms; $edit_why"
			echo "bench: the edit did not reach the output" >&2
		fi
		ms_row edit "one edit" "$n" "$edit_target"
	fi

	for t in binome j1 hugo cmark copy; do
		if [ ! -s "$tmp/r-$t" ]; then
			eval "w_$t= c_$t="
			echo "| $n | $(label $t) | – | – | – | – | – |" >> "$table"
			continue
		fi
		set -- $(stat "$tmp/r-$t" 1)
		wmin=$1 wmed=$2
		set -- $(stat "$tmp/r-$t" 2)
		cmed=$2
		set -- $(stat "$tmp/r-$t" 3)
		rss=$2 rssmax=$3
		eval "w_$t=$wmed c_$t=$cmed rss_$t=$rssmax"
		awk -v n="$n" -v t="$(label $t)" -v a="$wmin" -v b="$wmed" -v c="$cmed" -v r="$rss" \
		    'BEGIN { printf "| %d | %s | %.2f | %.2f | %.2f | %d | %.1f |\n", n, t, a, b, c, (b > 0 ? n / b : 0), r / 1024 }' >> "$table"
	done
	awk -v n="$n" -v wb="$w_binome" -v wh="$w_hugo" -v cb="$c_binome" -v ch="$c_hugo" \
	    -v wc="$w_cmark" -v wp="$w_copy" -v wj="$w_j1" 'BEGIN {
	    f = wc + wp
	    printf "| %d | %.2f | %.2f | %.2f | %.2f | %s |\n", n, (wh > 0 ? wb / wh : 0),
	        (ch > 0 ? cb / ch : 0), (f > 0 ? wb / f : 0), f,
	        (wj != "" && wb > 0 ? sprintf("%.2f", wj / wb) : "–") }' >> "$ratios"
	if [ "$n" = "$largest" ]; then
		L_w_binome=$w_binome L_c_binome=$c_binome L_w_hugo=$w_hugo
		L_c_hugo=$c_hugo L_w_cmark=$w_cmark L_w_copy=$w_copy
		L_rss=$rss_binome
	fi
	rm -rf "$corpus" "$tmp/out" "$tmp/hugo-out" "$tmp/copy"
	rm -f "$tmp"/r-*
done

# Stage times (BINOME_TIMES=1, one run per size), one column per stage
# seen, in the order binome printed them; then what the build wrote.
stages=$tmp/stages.md
awk -v sizes="$sizes" -v wf="$tmp/written" '
	BEGIN { while ((getline l < wf) > 0) { split(l, a, " "); files[a[1]] = a[2]; bytes[a[1]] = a[3] } }
	{ if (!($2 in seen)) { seen[$2] = 1; col[++k] = $2 } t[$1, $2] = $3; sum[$1] += $3 }
	END {
		h = "| lessons |"; s = "|---:|"
		for (i = 1; i <= k; i++) { h = h " " col[i] " (s) |"; s = s "---:|" }
		print h " stages total (s) | files written | MiB written |"
		print s "---:|---:|---:|"
		m = split(sizes, ns, " ")
		for (j = 1; j <= m; j++) {
			n = ns[j]; r = "| " n " |"
			for (i = 1; i <= k; i++)
				r = r (((n, col[i]) in t) ? sprintf(" %.3f |", t[n, col[i]]) : " – |")
			r = r ((n in sum) ? sprintf(" %.3f |", sum[n]) : " – |")
			r = r sprintf(" %d | %.1f |", files[n], bytes[n] / 1048576)
			print r
		}
	}' "$tmp/stages" > "$stages"

# target TEXT VALUE OP LIMIT UNIT FORMAT [WHY]: one line of the targets
# list; a WHY fails it whatever the numbers.
target() {
	awk -v d="$1" -v v="$2" -v op="$3" -v l="$4" -v u="$5" -v f="$6" -v why="$7" 'BEGIN {
	    if (v == "" || l == "") { printf "- %s: not measured\n", d; exit }
	    ok = (op == "<") ? (v + 0 < l + 0) : (v + 0 <= l + 0)
	    if (why != "") ok = 0
	    printf "- %s: " f " %s against " f " %s: %s\n", d, v, u, l, u,
	        ok ? "pass" : "**FAIL**" (why != "" ? " (" why ")" : "") }'
}
lim() {
	awk -v a="$1" -v b="$2" -v k="$3" -v op="$4" 'BEGIN {
	    if (a == "" || b == "") exit
	    printf "%.4f\n", op == "/" ? a / k : k * (a + b) }'
}
rssmib=$( [ -n "$L_rss" ] && awk -v r="$L_rss" 'BEGIN { printf "%.1f\n", r / 1024 }' || true)
targets=$tmp/targets.md
{
	echo "Targets (issue 7), at $largest lessons unless said otherwise:"
	echo
	target "binome wall ≤ Hugo wall / 5" "$L_w_binome" "<=" "$(lim "$L_w_hugo" 0 5 /)" s "%.2f"
	target "binome CPU ≤ Hugo CPU / 10" "$L_c_binome" "<=" "$(lim "$L_c_hugo" 0 10 /)" s "%.2f"
	target "binome wall ≤ 1.3 × (cmark-gfm + copy)" "$L_w_binome" "<=" "$(lim "$L_w_cmark" "$L_w_copy" 1.3 x)" s "%.2f"
	target "binome peak RSS (worst run) < 64 MiB" "$rssmib" "<" 64 MiB "%.1f"
	target "20-lesson full build (median) < 20 ms" "$ms_small" "<" 20 ms "%.1f"
	target "one-edit rebuild (median) < 100 ms" "$ms_edit" "<" 100 ms "%.1f" "$edit_why"
} > "$targets"

{
	echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, $runs runs each"
	echo "(\`make bench\`; binome builds the site and the SCORM packages: both"
	echo "targets up to 500 lessons, SCORM 2004 beyond, where SCORM 1.2's"
	echo "suspend_data cannot hold the answers of every quiz;"
	echo "binome at $(git describe --always --dirty 2>/dev/null || echo "an unknown commit"))."
	echo
	cat "$table"
	echo
	cat "$ratios"
	echo
	echo "binome's stages (\`BINOME_TIMES=1\`, one run) and what it writes:"
	echo
	cat "$stages"
	echo
	echo "Small course and rebuilds into the same output (wall, ms):"
	echo
	cat "$quick"
	echo
	cat "$targets"
} > "$out/results.md"
cat "$out/results.md"
# README.md shows the latest table, between the bench markers.
awk -v f="$out/results.md" '
	/<!-- bench -->/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
	/<!-- \/bench -->/ { skip = 0 }
	!skip' README.md > "$tmp/readme" && cat "$tmp/readme" > README.md
