#!/usr/bin/env bash
# Configures a build directory with clang 19 and Ninja: scripts/configure.sh BUILD_DIR [cmake args...]
set -euo pipefail
build_dir=${1:?usage: scripts/configure.sh BUILD_DIR [cmake args...]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$root" -B "$build_dir" -G Ninja \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 "$@" >/dev/null
