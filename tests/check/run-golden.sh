#!/usr/bin/env bash
# Runs one golden case and compares what `tally` prints with the case's .expected file,
# byte for byte. See docs/language.md, "Testing definitions and the golden tests".
#
#   run-golden.sh TALLY CASE_DIR CASE      compare; print a diff and exit 1 on mismatch
#   GOLDEN_REFRESH=1 run-golden.sh ...     rewrite CASE's .expected file instead
#
# CASE names the input, and its name says what is run:
#   NAME.tally        tally check NAME.tally             -> NAME.expected
#   NAME.test.tally   tally test NAME.test.tally         -> NAME.test.expected
#                     (both engines, the default; then --engine interpreter and --engine jit
#                     alone must print the same bytes)
#   NAME.ir.tally     tally check --dump-ir NAME.ir.tally -> NAME.ir.expected
#   NAME.gen.sh       bash NAME.gen.sh OUT writes NAME.tally into a scratch folder (for inputs too
#                     big or too odd to keep in git), then tally check NAME.tally -> NAME.expected
# Every command runs in the folder holding the .tally file, with NO_COLOR=1.
#
# The .expected file is `# exit N`, then `# stderr` and what tally wrote to stderr, then
# `# stdout` and what it wrote to stdout (a section is left out when the stream is empty).
# The streams are kept apart because their interleaving on a terminal depends on buffering.
#
# Each case also declares the diagnostic codes it must produce, in a line
# `// codes: E-a W-b` (`# codes:` in a .gen.sh; `none` when it produces none). The set of
# codes in `tally check --json` must equal it, so a golden cannot silently test a different
# diagnostic than the one it is named after.
set -uo pipefail

tally=${1:?usage: run-golden.sh TALLY CASE_DIR CASE}
case_dir=${2:?usage: run-golden.sh TALLY CASE_DIR CASE}
case_file=${3:?usage: run-golden.sh TALLY CASE_DIR CASE}
export NO_COLOR=1 LC_ALL=C

scratch=$(mktemp -d "${TMPDIR:-/tmp}/tally-golden.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

run_dir=$case_dir
args=(check)
case $case_file in
  *.gen.sh)
    base=${case_file%.gen.sh}
    input=$base.tally
    expected=$case_dir/$base.expected
    run_dir=$scratch/input
    mkdir -p "$run_dir"
    if ! bash "$case_dir/$case_file" "$run_dir/$input"; then
      echo "FAIL $case_file: the generator failed" >&2
      exit 1
    fi
    ;;
  *.test.tally) input=$case_file; expected=$case_dir/${case_file%.tally}.expected; args=(test) ;;
  *.ir.tally) input=$case_file; expected=$case_dir/${case_file%.tally}.expected; args=(check --dump-ir) ;;
  *.tally) input=$case_file; expected=$case_dir/${case_file%.tally}.expected ;;
  *) echo "run-golden.sh: do not know how to run $case_file" >&2; exit 2 ;;
esac

# run_tally OUT ARGS...: what `tally ARGS... INPUT` prints, in the .expected format, into OUT.
run_tally() {
  local out=$1
  shift
  (cd "$run_dir" && "$tally" "$@" "$input" >"$scratch/stdout" 2>"$scratch/stderr")
  local status=$?
  {
    printf '# exit %d\n' "$status"
    if [ -s "$scratch/stderr" ]; then printf '# stderr\n'; cat "$scratch/stderr"; fi
    if [ -s "$scratch/stdout" ]; then printf '# stdout\n'; cat "$scratch/stdout"; fi
  } >"$out"
}

# 1. The output, exactly.
run_tally "$scratch/actual" "${args[@]}"

if [ "${GOLDEN_REFRESH:-0}" = 1 ]; then
  if ! cmp -s "$scratch/actual" "$expected" 2>/dev/null; then
    cp "$scratch/actual" "$expected"
    echo "refreshed ${expected#"$case_dir"/}"
  fi
elif [ ! -f "$expected" ]; then
  echo "FAIL $case_file: no ${expected#"$case_dir"/}; run scripts/refresh-goldens.sh and read the result" >&2
  cat "$scratch/actual"
  exit 1
elif ! cmp -s "$expected" "$scratch/actual"; then
  echo "FAIL $case_file: output differs from ${expected#"$case_dir"/} (- expected, + actual)" >&2
  diff -u "$expected" "$scratch/actual" | tail -n +3
  exit 1
fi

# 2. A test case prints the same on each engine alone as on both (the default), so neither
#    engine's results were hidden behind the other's.
if [ "${args[0]}" = test ]; then
  for engine in interpreter jit; do
    run_tally "$scratch/engine" "${args[@]}" --engine "$engine"
    if ! cmp -s "$scratch/actual" "$scratch/engine"; then
      echo "FAIL $case_file: tally test --engine $engine differs from both engines (- both, + $engine)" >&2
      diff -u "$scratch/actual" "$scratch/engine" | tail -n +3
      exit 1
    fi
  done
fi

# 3. The diagnostic codes it produces.
codes_line=$(LC_ALL=C sed -e '1s/^\xef\xbb\xbf//' -e 's/\r$//' "$case_dir/$case_file" | grep -a -m1 -E '^(//|#) codes:')
if [ -z "$codes_line" ]; then
  echo "FAIL $case_file: no \`// codes:\` line naming the diagnostics it produces" >&2
  exit 1
fi
declared=$(printf '%s\n' "$codes_line" | sed -E 's/^(\/\/|#) codes://' | tr ' ' '\n' |
           grep -v -e '^$' -e '^none$' | sort -u | tr '\n' ' ')
(cd "$run_dir" && "$tally" check --json "$input" >"$scratch/json" 2>/dev/null)
actual_codes=$(grep -o '"code": *"[^"]*"' "$scratch/json" | sed -E 's/.*"([^"]*)"$/\1/' | sort -u | tr '\n' ' ')
if [ "$declared" != "$actual_codes" ]; then
  echo "FAIL $case_file: declares codes [${declared% }] but tally check --json reports [${actual_codes% }]" >&2
  exit 1
fi
exit 0
