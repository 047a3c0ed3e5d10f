#!/usr/bin/env bash
# End-to-end benchmark of `tally score customer.health` (docs/performance.md, "End to end").
#
#   bench/e2e.sh [ROWS]          (default 10,000,000 rows, about 490 MB of CSV)
#
# Generates the health workload (bench/gen_health.cpp) in a temporary directory, checks that
# the hand-written peer (bench/handwritten_csv.cpp) writes the same bytes as Tally and DuckDB
# the same values on 100,000 rows, then runs the contenders RUNS times each, alternating
# (the order rotates every round):
#   tally --threads 1, tally --threads 2 (both with the lineage record, warm kernel cache),
#   the hand-written single-threaded CSV->CSV program (clang -O3 -ffp-contract=off),
#   DuckDB (@duckdb/node-api, installed under bench/duckdb) with threads=1 and threads=2.
# Prints medians of wall time, CPU time and peak RSS, rows/s and the ratios the issue's targets
# are stated in, then the median wall time of `tally score` on a 1,000-row file with a warm
# kernel cache (SMALL_RUNS runs). The load average is printed before and after.
#
# Environment: TALLY (default build-bench/cli/tally), RUNS (5), SMALL_RUNS (20), CXX
# (clang++-19), WORK (a new /tmp/tally-e2e.* directory; kept, with the data, for reuse: pass
# it again to skip generating), SKIP_DUCKDB=1, KEEP=1 (keep WORK; otherwise the big files are
# removed at the end), TALLY_BASE (another tally binary, e.g. a build of an older commit: it
# joins the rotation as tally_base_t1/t2 and the ratios new/base are printed, so a refactor's
# "unchanged or better" is measured in the same run, not against old figures).
set -euo pipefail

rows=${1:-10000000}
runs=${RUNS:-5}
small_runs=${SMALL_RUNS:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
tally=${TALLY:-$root/build-bench/cli/tally}
tally_base=${TALLY_BASE:-}
cxx=${CXX:-clang++-19}
work=${WORK:-$(mktemp -d /tmp/tally-e2e.XXXXXX)}
mkdir -p "$work"
timer=/usr/bin/time

die() { echo "e2e.sh: $*" >&2; exit 1; }
[[ -x $tally ]] || die "no tally binary at $tally (build: scripts/configure.sh build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo && ninja -C build-bench -j2 tally)"
[[ -x $timer ]] || die "$timer is missing (Debian package 'time'): it measures peak RSS"
command -v "$cxx" >/dev/null || die "no $cxx"

echo "== tally end-to-end benchmark: $rows rows, $runs runs each, work dir $work"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)  ($(nproc) CPUs)"
echo "tally: $tally ($(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?'))"

# --- build the generator and the hand-written peer --------------------------------------
flags=(-std=c++20 -O3 -ffp-contract=off -fno-math-errno)
[[ $(uname -m) == x86_64 ]] && flags+=(-march=x86-64-v3)  # the kernels' baseline CPU
"$cxx" "${flags[@]}" -o "$work/gen_health" "$root/bench/gen_health.cpp"
"$cxx" "${flags[@]}" -o "$work/handwritten_csv" "$root/bench/handwritten_csv.cpp"

# --- DuckDB from npm, only under bench/duckdb ------------------------------------------
. "$root/bench/duckdb/ensure.sh"

# --- data --------------------------------------------------------------------------------
big=$work/health_$rows.csv
small=$work/health_1000.csv
check=$work/health_100000.csv
[[ -s $big ]] || "$work/gen_health" "$rows" "$big"
[[ -s $small ]] || "$work/gen_health" 1000 "$small"
[[ -s $check ]] || "$work/gen_health" 100000 "$check"
echo "input: $big, $(stat -c %s "$big") bytes; free space in $work: $(df -h --output=avail "$work" | tail -1 | tr -d ' ')"
cache=$work/kernel-cache
score() {  # score IN OUT [tally options...]
  local in=$1 out=$2
  shift 2
  "$tally" score customer.health --repo "$root" --cache-dir "$cache" --progress never \
    --input "$in" --output "$out" "$@" >/dev/null
}

# --- correctness: same bytes as the hand-written program, same values as DuckDB ------------
score "$check" "$work/check.tally.csv"
"$work/handwritten_csv" "$check" "$work/check.hand.csv"
cmp "$work/check.tally.csv" "$work/check.hand.csv" || die "hand-written output differs from tally's"
echo "check: hand-written output = tally output, byte for byte, on 100,000 rows ($(($(wc -l <"$work/check.tally.csv") - 1)) scored)"
if ((duck)); then
  node "$root/bench/duckdb/score.mjs" "$check" "$work/check.duck.csv" 1 2>/dev/null
  # DuckDB prints 70.0 where Tally prints 70: compare the score as a number.
  paste -d'|' "$work/check.tally.csv" "$work/check.duck.csv" | awk -F'|' '
    { split($1, a, ","); split($2, b, ",");
      if (a[1] != b[1] || a[3] != b[3] || a[4] != b[4] || (NR > 1 && a[2] + 0 != b[2] + 0)) bad++ }
    END { if (bad) { print "DuckDB differs from tally on " bad " rows"; exit 1 } }' || die "DuckDB output differs"
  echo "check: DuckDB output = tally output, value for value, on 100,000 rows"
fi

# --- the contenders ------------------------------------------------------------------------
names=(tally_t1 tally_t2 handwritten)
((duck)) && names+=(duckdb_t1 duckdb_t2)
[[ -n $tally_base ]] && names+=(tally_base_t1 tally_base_t2)
run_one() {  # run_one NAME: one timed run; appends "wall user sys maxrss_kb" to $work/NAME.times
  local name=$1 out=$work/out.$1.csv
  rm -f "$out" "$out.lineage.json"
  local cmd
  case $name in
    tally_t1) cmd=("$tally" score customer.health --repo "$root" --cache-dir "$cache" --progress never --input "$big" --output "$out" --threads 1) ;;
    tally_t2) cmd=("$tally" score customer.health --repo "$root" --cache-dir "$cache" --progress never --input "$big" --output "$out" --threads 2) ;;
    tally_base_t1) cmd=("$tally_base" score customer.health --repo "$root" --cache-dir "$cache.base" --progress never --input "$big" --output "$out" --threads 1) ;;
    tally_base_t2) cmd=("$tally_base" score customer.health --repo "$root" --cache-dir "$cache.base" --progress never --input "$big" --output "$out" --threads 2) ;;
    handwritten) cmd=("$work/handwritten_csv" "$big" "$out") ;;
    duckdb_t1) cmd=(node "$root/bench/duckdb/score.mjs" "$big" "$out" 1) ;;
    duckdb_t2) cmd=(node "$root/bench/duckdb/score.mjs" "$big" "$out" 2) ;;
  esac
  local t0=$EPOCHREALTIME
  "$timer" -f '%U %S %M' -o "$work/time.txt" "${cmd[@]}" >/dev/null 2>"$work/stderr.$name.txt" \
    || { cat "$work/stderr.$name.txt" >&2; die "$name failed"; }
  local t1=$EPOCHREALTIME
  # DuckDB also reports its query alone (without starting node and DuckDB): column 5.
  local query
  query=$(sed -n 's/.* query \([0-9.]*\) s$/\1/p' "$work/stderr.$name.txt")
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $(tail -1 "$work/time.txt") $query" >>"$work/$name.times"
  rm -f "$out" "$out.lineage.json"
}
for n in "${names[@]}"; do rm -f "$work/$n.times"; done
# Warm-up: compiles the kernel into the cache and brings the input into the page cache.
score "$big" "$work/warm.csv" && rm -f "$work/warm.csv" "$work/warm.csv.lineage.json"
if [[ -n $tally_base ]]; then
  "$tally_base" score customer.health --repo "$root" --cache-dir "$cache.base" --progress never \
    --input "$check" --output "$work/check.base.csv" >/dev/null
  cmp "$work/check.tally.csv" "$work/check.base.csv" || die "TALLY_BASE output differs from tally's"
  echo "check: TALLY_BASE ($tally_base) output = tally output, byte for byte, on 100,000 rows"
fi
for ((r = 0; r < runs; r++)); do
  order=("${names[@]:r % ${#names[@]}}" "${names[@]:0:r % ${#names[@]}}")
  for n in "${order[@]}"; do run_one "$n"; done
  echo "round $((r + 1))/$runs done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
done

median() {  # median COLUMN FILE
  cut -d' ' -f"$1" "$2" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
declare -A wall
echo
printf '%-12s %9s %9s %9s %10s %9s   %s\n' contender "wall s" "user s" "sys s" "M rows/s" "RSS MiB" "all wall times"
for n in "${names[@]}"; do
  f=$work/$n.times
  wall[$n]=$(median 1 "$f")
  printf '%-12s %9.3f %9.3f %9.3f %10.2f %9.1f   %s\n' "$n" "${wall[$n]}" "$(median 2 "$f")" "$(median 3 "$f")" \
    "$(awk -v r="$rows" -v w="${wall[$n]}" 'BEGIN { print r / w / 1e6 }')" \
    "$(awk -v k="$(median 4 "$f")" 'BEGIN { print k / 1024 }')" "$(cut -d' ' -f1 "$f" | tr '\n' ' ')"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", b / a }'; }  # speed of a relative to b
echo
echo "tally --threads 1 vs hand-written (1 thread): $(ratio "${wall[tally_t1]}" "${wall[handwritten]}")   (target >= 1.0x)"
echo "tally --threads 2 vs hand-written (1 thread): $(ratio "${wall[tally_t2]}" "${wall[handwritten]}")"
if ((duck)); then
  echo "tally vs DuckDB, 1 thread:  $(ratio "${wall[tally_t1]}" "${wall[duckdb_t1]}")   (target >= 4x)"
  echo "tally vs DuckDB, 2 threads: $(ratio "${wall[tally_t2]}" "${wall[duckdb_t2]}")   (target >= 4x)"
  q1=$(median 5 "$work/duckdb_t1.times") q2=$(median 5 "$work/duckdb_t2.times")
  echo "DuckDB query alone (no node/DuckDB start-up): 1 thread $q1 s, 2 threads $q2 s;" \
    "tally vs that: $(ratio "${wall[tally_t1]}" "$q1") and $(ratio "${wall[tally_t2]}" "$q2")"
fi
if [[ -n $tally_base ]]; then
  echo "tally vs TALLY_BASE, 1 thread:  $(ratio "${wall[tally_t1]}" "${wall[tally_base_t1]}")   (> 1x: this build is faster)"
  echo "tally vs TALLY_BASE, 2 threads: $(ratio "${wall[tally_t2]}" "${wall[tally_base_t2]}")"
fi
cpu() { awk '{ print $2 + $3 }' "$work/$1.times" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "CPU time (user + sys, median): tally --threads 1 $(cpu tally_t1) s, hand-written $(cpu handwritten) s:" \
  "$(ratio "$(cpu tally_t1)" "$(cpu handwritten)") (tally's includes its hashing thread)"
echo "peak RSS of tally: $(cut -d' ' -f4 "$work/tally_t1.times" "$work/tally_t2.times" | sort -n | tail -1 | awk '{ printf "%.1f MiB", $1 / 1024 }') (max over all runs; target <= 64 MiB)"

# --- 1,000 rows with a warm kernel cache -----------------------------------------------------
score "$small" "$work/small.csv"  # cache hit from here on (the big runs used the same cache)
: >"$work/small.times"
for ((i = 0; i < small_runs; i++)); do
  t0=$EPOCHREALTIME
  score "$small" "$work/small.csv"
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }' >>"$work/small.times"
done
echo "tally score, 1,000 rows, warm kernel cache: median $(median 1 "$work/small.times" | awk '{ printf "%.1f ms", $1 * 1000 }') of $small_runs (min $(sort -g "$work/small.times" | head -1 | awk '{ printf "%.1f", $1 * 1000 }'), max $(sort -g "$work/small.times" | tail -1 | awk '{ printf "%.1f", $1 * 1000 }'))   (target <= 50 ms)"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ ${KEEP:-0} != 1 && -z ${WORK:-} ]]; then
  rm -f "$big" "$work"/out.* "$work"/check.* "$work"/small.csv*
fi
