#!/usr/bin/env bash
# Scores one case folder with both engines and compares output and rejects to the
# expected files byte for byte:  run-case.sh TALLY CASE_DIR [--refresh]
set -euo pipefail
tally=$1
case_dir=$2
refresh=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$case_dir"
read -r -a args < args
status=0
for engine in jit interpreter; do
  "$tally" score "${args[@]}" --repo . --input input.csv --output "$work/out.csv" --rejects "$work/rejects.csv" \
    --engine "$engine" --no-lineage --progress never >"$work/stdout" 2>"$work/stderr" || {
    cat "$work/stderr" >&2; echo "FAIL: tally score exited non-zero with --engine $engine" >&2; exit 1; }
  if [ "$refresh" = "--refresh" ] && [ "$engine" = jit ]; then
    cp "$work/out.csv" expected.csv
    cp "$work/rejects.csv" expected.rejects.csv
  fi
  for f in out.csv:expected.csv rejects.csv:expected.rejects.csv; do
    got=${f%%:*} want=${f##*:}
    if ! cmp -s "$work/$got" "$want"; then
      echo "FAIL ($engine): $got differs from $(basename "$case_dir")/$want" >&2
      diff "$want" "$work/$got" >&2 || true
      status=1
    fi
  done
done
exit $status
