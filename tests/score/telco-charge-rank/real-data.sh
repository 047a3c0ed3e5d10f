#!/usr/bin/env bash
# The same score over the real Telco churn file (7,043 rows, not copied into the repo),
# on both engines and 1 and 2 threads, against expected.py's plain-Python figures:  real-data.sh TALLY DATA_CSV
set -euo pipefail
tally=$1
data=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/expected.py" "$data" >"$work/expected.csv"
for engine in jit interpreter; do
  for threads in 1 2; do
    "$tally" score telco.charge_rank --repo "$here" --threads "$threads" --batch-rows 1000 \
      --input "$data" --output "$work/$engine.csv" --rejects "$work/$engine.rejects.csv" --engine "$engine" \
      --no-lineage --progress never >/dev/null
    cmp "$work/expected.csv" "$work/$engine.csv" || { diff "$work/expected.csv" "$work/$engine.csv" | head >&2; exit 1; }
  done
done
# Standard input is read twice too (spooled to a temporary file, removed at the end).
"$tally" score telco.charge_rank --repo "$here" --input - --output - --no-lineage --progress never <"$data" \
  >"$work/stdin.csv" 2>/dev/null
cmp "$work/expected.csv" "$work/stdin.csv" || { echo "--input - differs" >&2; exit 1; }
echo "telco-charge-rank on $(basename "$data"): both engines, 1 and 2 threads and --input -, match expected.py"
