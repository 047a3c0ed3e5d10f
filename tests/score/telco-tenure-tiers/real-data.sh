#!/usr/bin/env bash
# The same metric over the real Telco churn file (7,043 rows, not copied into the repo),
# on both engines, against expected.py's plain-Python figures:  real-data.sh TALLY DATA_CSV
set -euo pipefail
tally=$1
data=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/expected.py" "$data" >"$work/expected.csv"
for engine in jit interpreter; do
  "$tally" score telco.churn_by_tier --map monthly=MonthlyCharges --map churn=Churn --repo "$here" \
    --input "$data" --output "$work/$engine.csv" --rejects "$work/$engine.rejects.csv" --engine "$engine" \
    --no-lineage --progress never >/dev/null
  cmp "$work/expected.csv" "$work/$engine.csv" || { diff "$work/expected.csv" "$work/$engine.csv" >&2; exit 1; }
done
echo "telco-tenure-tiers on $(basename "$data"): both engines match expected.py"
