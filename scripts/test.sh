#!/usr/bin/env bash
# Quick start 2: install dependencies, then build and run the whole test suite twice:
#   1. optimized, warnings as errors (build/);
#   2. under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/).
# TALLY_TEST_CONFIGS="release" or "asan" runs only one of them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
jobs=$(nproc)
configs=${TALLY_TEST_CONFIGS:-"release asan"}

run_config() {
  local name=$1 dir=$2
  shift 2
  echo "== [$name] configure and build ($dir)"
  "$root/scripts/configure.sh" "$dir" -DTALLY_WERROR=ON "$@"
  cmake --build "$dir" -j "$jobs"
  echo "== [$name] test"
  (cd "$dir" && ctest --output-on-failure -j "$jobs" --timeout 600)
}

for config in $configs; do
  case "$config" in
    release) run_config release "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo ;;
    asan)
      # halt_on_error and detect_leaks make any sanitizer report fail the test that caused it.
      export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=1}
      export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
      run_config asan "$root/build-asan" -DCMAKE_BUILD_TYPE=Debug -DTALLY_SANITIZE=ON -DTALLY_BENCH=OFF \
        -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g"
      ;;
    *) echo "unknown config $config" >&2; exit 2 ;;
  esac
done
