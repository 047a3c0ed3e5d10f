#!/usr/bin/env bash
# The same metric (and the score telco.segment_key) over the real Telco churn file (7,043 rows, not copied into the repo), on
# both engines, threads 1 and 2 and batch sizes 1, 7 and 100,000, against expected.py's
# plain-Python figures:  real-data.sh TALLY DATA_CSV
set -euo pipefail
tally=$1
data=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/expected.py" "$data" >"$work/expected.csv"
for engine in jit interpreter; do
  for threads in 1 2; do
    for batch in 1 7 100000; do
      "$tally" score telco.churn_by_string_segment --repo "$here" --input "$data" --output "$work/out.csv" \
        --engine "$engine" --threads "$threads" --batch-rows "$batch" --no-lineage --progress never >/dev/null
      cmp "$work/expected.csv" "$work/out.csv" || {
        echo "FAIL: $engine, $threads threads, batch $batch" >&2; diff "$work/expected.csv" "$work/out.csv" >&2; exit 1; }
    done
  done
done
# The score: per-batch dictionaries, spans on two threads.
python3 "$here/expected_key.py" "$data" >"$work/expected_key.csv"
for engine in jit interpreter; do
  for threads in 1 2; do
    for batch in 1 7 100000; do
      "$tally" score telco.segment_key --repo "$here" --input "$data" --output "$work/key.csv" \
        --engine "$engine" --threads "$threads" --batch-rows "$batch" --no-lineage --progress never >/dev/null
      cmp "$work/expected_key.csv" "$work/key.csv" || {
        echo "FAIL: segment_key, $engine, $threads threads, batch $batch" >&2
        diff "$work/expected_key.csv" "$work/key.csv" | head >&2; exit 1; }
    done
  done
done
echo "telco-string-segments on $(basename "$data"): both engines, every thread count and batch size match expected.py"
