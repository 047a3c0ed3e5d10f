#!/usr/bin/env bash
# Installs every Debian package Tally needs to build, test and run. Safe to run twice:
# apt-get install is idempotent, and the index is refreshed only when it is missing or stale.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git openssh-client python3 diffutils
  antlr4 libantlr4-runtime-dev
  llvm-19-dev clang-19 libclang-rt-19-dev
  zlib1g-dev libzstd-dev libedit-dev libffi-dev libxml2-dev libcurl4-openssl-dev
  libyaml-cpp-dev libgit2-dev libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  libfast-float-dev libssl-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# Refresh the index when it is older than a day or empty (a fresh machine).
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
  $SUDO apt-get update -qq
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
