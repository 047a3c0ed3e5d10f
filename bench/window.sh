#!/usr/bin/env bash
# Window-aggregate benchmark (docs/performance.md, "Window aggregates"):
#
#   bench/window.sh [ROWS]        (default 10,000,000 rows of the health workload, ~490 MB)
#
# Scores bench/window/metrics/arr_rank.tally (a quantile over all rows and an average and a
# total per region: two passes over the input) with tally --threads 1 and 2, against DuckDB
# doing the same in SQL (bench/duckdb/window.mjs, window functions, threads 1 and 2), RUNS
# rounds alternating (the order rotates). Checks first, on 100,000 rows, that DuckDB gives
# the same values (top_fifth exactly; the float columns within 1e-9 relative: DuckDB's
# parallel sums add in another order). Prints medians of wall time, CPU and peak RSS and the
# ratios. Environment: TALLY (default build/cli/tally), RUNS (5), WORK (a /tmp directory,
# kept for reuse when given), SKIP_DUCKDB=1.
set -euo pipefail
rows=${1:-10000000}
runs=${RUNS:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
tally=${TALLY:-$root/build/cli/tally}
work=${WORK:-$(mktemp -d /tmp/tally-window.XXXXXX)}
mkdir -p "$work"
timer=/usr/bin/time
die() { echo "window.sh: $*" >&2; exit 1; }
[[ -x $tally ]] || die "no tally binary at $tally"
[[ -x $timer ]] || die "$timer is missing (Debian package 'time')"
echo "== window-aggregate benchmark: $rows rows, $runs runs each, work dir $work"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)  ($(nproc) CPUs)"
echo "tally: $tally ($(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?'))"
clang++-19 -std=c++20 -O2 -o "$work/gen_health" "$root/bench/gen_health.cpp"

. "$root/bench/duckdb/ensure.sh"

big=$work/health_$rows.csv
check=$work/health_100000.csv
[[ -s $big ]] || "$work/gen_health" "$rows" "$big"
[[ -s $check ]] || "$work/gen_health" 100000 "$check"
echo "input: $big, $(stat -c %s "$big") bytes"
repo=$root/bench/window
cache=$work/kernel-cache
tally_score() {  # tally_score IN OUT THREADS
  "$tally" score bench.arr_rank --repo "$repo" --cache-dir "$cache" --progress never \
    --input "$1" --output "$2" --threads "$3" >/dev/null
}

tally_score "$check" "$work/check.tally.csv" 2
if ((duck)); then
  node "$root/bench/duckdb/window.mjs" "$check" "$work/check.duck.csv" 1 2>/dev/null
  paste -d'|' "$work/check.tally.csv" "$work/check.duck.csv" | awk -F'|' '
    function off(a, b) { d = a - b; if (d < 0) d = -d; m = (a < 0 ? -a : a); return d > 1e-9 * (m > 1 ? m : 1) }
    NR > 1 { split($1, a, ","); split($2, b, ",");
      if (a[1] != b[1] || a[2] != b[2] || off(a[3], b[3]) || off(a[4], b[4])) bad++ }
    END { if (bad) { print "DuckDB differs from tally on " bad " rows"; exit 1 } }' || die "DuckDB output differs"
  echo "check: DuckDB = tally on 100,000 rows ($(($(wc -l <"$work/check.tally.csv") - 1)) scored; floats within 1e-9 relative)"
fi

names=(tally_t1 tally_t2)
((duck)) && names+=(duckdb_t1 duckdb_t2)
run_one() {
  local name=$1 out=$work/out.$1.csv cmd
  rm -f "$out" "$out.lineage.json"
  case $name in
    tally_t1) cmd=("$tally" score bench.arr_rank --repo "$repo" --cache-dir "$cache" --progress never --input "$big" --output "$out" --threads 1) ;;
    tally_t2) cmd=("$tally" score bench.arr_rank --repo "$repo" --cache-dir "$cache" --progress never --input "$big" --output "$out" --threads 2) ;;
    duckdb_t1) cmd=(node "$root/bench/duckdb/window.mjs" "$big" "$out" 1) ;;
    duckdb_t2) cmd=(node "$root/bench/duckdb/window.mjs" "$big" "$out" 2) ;;
  esac
  local t0=$EPOCHREALTIME
  "$timer" -f '%U %S %M' -o "$work/time.txt" "${cmd[@]}" >/dev/null 2>"$work/stderr.$name.txt" \
    || { cat "$work/stderr.$name.txt" >&2; die "$name failed"; }
  local t1=$EPOCHREALTIME
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $(tail -1 "$work/time.txt")" >>"$work/$name.times"
  rm -f "$out" "$out.lineage.json"
}
for n in "${names[@]}"; do rm -f "$work/$n.times"; done
tally_score "$big" "$work/warm.csv" 2 && rm -f "$work/warm.csv" "$work/warm.csv.lineage.json"
for ((r = 0; r < runs; r++)); do
  order=("${names[@]:r % ${#names[@]}}" "${names[@]:0:r % ${#names[@]}}")
  for n in "${order[@]}"; do run_one "$n"; done
  echo "round $((r + 1))/$runs done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
done
median() { cut -d' ' -f"$1" "$2" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A wall
echo
printf '%-12s %10s %10s %10s %10s\n' contender "wall s" "user s" "sys s" "RSS MB"
for n in "${names[@]}"; do
  wall[$n]=$(median 1 "$work/$n.times")
  printf '%-12s %10s %10s %10s %10.0f\n' "$n" "${wall[$n]}" "$(median 2 "$work/$n.times")" "$(median 3 "$work/$n.times")" \
    "$(awk -v k="$(median 4 "$work/$n.times")" 'BEGIN { print k / 1024 }')"
done
if ((duck)); then
  echo
  for t in 1 2; do
    echo "ratio duckdb_t$t / tally_t$t (wall): $(awk -v a="${wall[duckdb_t$t]}" -v b="${wall[tally_t$t]}" 'BEGIN { printf "%.2f", a / b }')"
  done
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ -n ${WORK:-} ]] || rm -rf "$work"
