#!/usr/bin/env bash
# `tally check FOLDER` also validates the policy that governs the folder and each
# definition's owner against its councils.
set -euo pipefail
tally=$1
root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cp -r "$root/metrics" "$work/lib"
"$tally" check "$work/lib" 2>/dev/null || fail "the bundled library and policy check cleanly"
sed -i 's/owner finance/owner fiance/' "$work/lib/customer/value.tally"
set +e; "$tally" check "$work/lib" 2>"$work/err"; rc=$?; set -e
[ "$rc" = 1 ] || fail "unknown owner must fail (exit $rc)"
grep -q "customer.value\` is owned by \`fiance\`, which is not a council" "$work/err" || { cat "$work/err"; fail "owner message"; }
cp "$root/metrics/customer/value.tally" "$work/lib/customer/value.tally"
sed -i 's/quorum: 2 }/quorum: 9 }/' "$work/lib/governance/policy.yaml"
set +e; "$tally" check "$work/lib" 2>"$work/err"; rc=$?; set -e
[ "$rc" = 1 ] || fail "a bad policy must fail"
grep -q "policy.yaml:[0-9]*:[0-9]*: error: quorum of cx is 9 but it has only 3 member(s)" "$work/err" || { cat "$work/err"; fail "policy message"; }
echo "check-policy: all checks passed"
