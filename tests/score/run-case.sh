#!/usr/bin/env bash
# Scores one case folder with each engine (the JIT, then the interpreter), compares each
# engine's output and rejects with the expected files, and the two engines' files with each
# other, byte for byte:  run-case.sh TALLY CASE_DIR [--refresh]
# --refresh rewrites the expected files from the JIT's; the interpreter must still agree.
set -euo pipefail
tally=$1
case_dir=$2
refresh=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$case_dir"
read -r -a args < args
engines=(jit interpreter)
status=0
for engine in "${engines[@]}"; do
  "$tally" score "${args[@]}" --repo . --input input.csv --output "$work/$engine.csv" \
    --rejects "$work/$engine.rejects.csv" --engine "$engine" --no-lineage --progress never \
    >"$work/stdout" 2>"$work/stderr" || {
    cat "$work/stderr" >&2; echo "FAIL: tally score exited non-zero with --engine $engine" >&2; exit 1; }
  if [ "$refresh" = "--refresh" ] && [ "$engine" = jit ]; then
    cp "$work/$engine.csv" expected.csv
    cp "$work/$engine.rejects.csv" expected.rejects.csv
  fi
  for f in csv:expected.csv rejects.csv:expected.rejects.csv; do
    got=$engine.${f%%:*} want=${f##*:}
    if ! cmp -s "$work/$got" "$want"; then
      echo "FAIL ($engine): its output differs from $(basename "$case_dir")/$want" >&2
      diff "$want" "$work/$got" >&2 || true
      status=1
    fi
  done
done
# The engines with each other: what the expected files cannot show during --refresh.
for kind in csv rejects.csv; do
  if ! cmp -s "$work/${engines[0]}.$kind" "$work/${engines[1]}.$kind"; then
    echo "FAIL: the engines disagree on the $kind file (< ${engines[0]}, > ${engines[1]})" >&2
    diff "$work/${engines[0]}.$kind" "$work/${engines[1]}.$kind" >&2 || true
    status=1
  fi
done
exit $status
