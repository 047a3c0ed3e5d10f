#!/usr/bin/env bash
# Rewrites the .expected files of tests/check/ from what `tally` prints now. Run it on
# purpose after changing a message, then read `git diff tests/check/` line by line: a golden
# is only right if a careful reader agrees with every byte of it.
#
#   scripts/refresh-goldens.sh [BUILD_DIR] [CASE...]
#
# BUILD_DIR defaults to build/ (it must hold cli/tally; the script builds it with ninja).
# CASE is a file name in tests/check/ (e.g. unknown-name.tally); default: every case.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
[ $# -gt 0 ] && shift
case "$build" in /*) ;; *) build=$PWD/$build ;; esac
cmake --build "$build" --target tally >/dev/null
tally=$build/cli/tally
cases_dir=$root/tests/check
cd "$cases_dir"
if [ $# -gt 0 ]; then cases=("$@"); else cases=(*.tally *.gen.sh); fi
failed=0
for c in "${cases[@]}"; do
  GOLDEN_REFRESH=1 bash "$cases_dir/run-golden.sh" "$tally" "$cases_dir" "$(basename "$c")" || failed=1
done
exit $failed
