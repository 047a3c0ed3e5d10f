#!/usr/bin/env bash
# A real full disk: `tally score` into a 256 KiB tmpfs (in a private mount namespace) with an
# output of several MiB. Exit 1 naming the user's path, the previous small output and its
# record intact, no temporary left. Needs `unshare -m` and mount (root); without them the
# test reports itself skipped (exit 77, shown as "Skipped" by CTest), never passed.
set -uo pipefail
tally=$(realpath "$1")
root=$(realpath "$2")
if [ -z "${TALLY_IN_NAMESPACE:-}" ]; then
  unshare -m true 2>/dev/null || { echo "SKIP: no private mount namespace here"; exit 77; }
  exec env TALLY_IN_NAMESPACE=1 unshare -m bash "$0" "$@"
fi
work=$(mktemp -d)
trap 'umount "$work/disk" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
export NO_COLOR=1 XDG_CACHE_HOME=$work/cache
mkdir disk lib && cp -r "$root/metrics" lib/metrics
mount -t tmpfs -o size=256k tmpfs disk || { echo "SKIP: cannot mount a tmpfs here"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
score() { "$tally" score customer.health --repo lib --input "$1" --output disk/out.csv --rejects disk/rejects.csv --progress never; }
score "$root/metrics/reference/health_sample.csv" >/dev/null 2>err.txt || { cat err.txt; fail "the small run"; }
before=$(cd disk && sha256sum out.csv rejects.csv out.csv.lineage.json)
awk 'BEGIN { print "account_id,logins_30d,logins_prev_30d,open_tickets,nps,arr,region";
  for (i = 1; i <= 100000; i++) printf "acc-%07d,%d,%d,%d,%d,%d.00,emea\n", i, i % 61, i % 59, i % 9, i % 200 - 100, i % 90000 }' > big.csv
score big.csv >/dev/null 2>err.txt
rc=$?
[ "$rc" = 1 ] || { cat err.txt; fail "exit $rc on a full disk, wanted 1"; }
grep -qE "disk/(out|rejects)\.csv(\.lineage\.json)?: No space left on device" err.txt || { cat err.txt; fail "the message"; }
! grep -q '\.tmp\.' err.txt || fail "the message names a temporary file"
[ "$(cd disk && sha256sum out.csv rejects.csv out.csv.lineage.json)" = "$before" ] || fail "the previous files changed"
[ "$(ls disk | wc -l)" = 3 ] || { ls disk; fail "left behind in the full folder"; }
echo "full tmpfs: exit 1, $(cat err.txt), previous files intact, nothing left behind"
