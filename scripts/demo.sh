#!/usr/bin/env bash
# Quick start 1: install dependencies, build Tally and run `tally demo`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/configure.sh" "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$root/build" --target tally -j "$(nproc)"
exec "$root/build/cli/tally" demo "$@"
