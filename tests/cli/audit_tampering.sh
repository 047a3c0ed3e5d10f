#!/usr/bin/env bash
# The gate log tampered with as an attacker would, with plain git: replaced by one unsigned
# root entry naming another branch, or pointed at a branch commit — audit reports it. Two
# repositories made by `tally init` from the same files differ (their identity). A
# 100,000-deep policy is one located error, exit 1, no crash.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)  # before any cd: the fixture is beside this script
tally=$1
root=$2
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
cd "$work"
source "$here/council_fixture.sh"  # fail, expect_exit, make_council_policy
make_council_policy || fail "could not make keys and policy"

# 1. Twins: the same policy and definitions, one after the other.
expect_exit 0 "$tally" init repo --policy policy.yaml --gate-key keys/gate --definitions "$root/metrics"
expect_exit 0 "$tally" init twin --policy policy.yaml --gate-key keys/gate --definitions "$root/metrics"
root_commit=$(git -C repo rev-parse main)
[ "$root_commit" != "$(git -C twin rev-parse main)" ] || fail "twin repositories share their root commit"
id=$(git -C repo show -s --format='%(trailers:key=Tally-Repository,valueonly)' main)
twin_id=$(git -C twin show -s --format='%(trailers:key=Tally-Repository,valueonly)' main)
[[ "$id" =~ ^[0-9a-f]{32}$ ]] || fail "the root commit holds no 128-bit identity: '$id'"
[ "$id" != "$twin_id" ] || fail "twin repositories share their identity"
expect_exit 0 "$tally" audit --repo repo --expect-root "$root_commit"

# 2. The log replaced by one unsigned root entry that names a branch at the root, after a
#    commit straight onto main: audit must not follow it.
echo "// quiet" >> repo/metrics/customer/health.tally
git -C repo -c user.name=m -c user.email=m@example.com commit -q -am "quiet fix"
git -C repo branch elsewhere "$root_commit"
fake=$(printf 'tally log: root\n\nTally-Log: root\nTally-Commit: %s\nTally-Branch: elsewhere\nTally-Repository: %s\n' \
         "$root_commit" "$id" | git -C repo -c user.name=g -c user.email=g@example.com commit-tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904)
saved=$(git -C repo rev-parse refs/tally/log)
git -C repo update-ref refs/tally/log "$fake"
expect_exit 1 "$tally" audit --repo repo --expect-root "$root_commit"
grep -q "root entry names branch 'elsewhere', but the root policy governs refs/heads/main" out.txt err.txt \
  || { cat out.txt err.txt; fail "audit names the replaced log's branch"; }
grep -q "is unsigned, but the root commit is signed by the gate" out.txt err.txt || { cat out.txt; fail "audit names the unsigned root entry"; }
#    Scoring must not follow it either: the root policy governs main, not 'elsewhere'.
printf 'account_id,logins_30d,logins_prev_30d,open_tickets,nps,arr,region\na1,30,30,0,50,1000,emea\n' > in.csv
expect_exit 1 "$tally" score customer.health --repo repo --input in.csv --output replaced.csv
grep -q "the gate log's root entry names refs/heads/elsewhere, but the root policy governs refs/heads/main" err.txt \
  || { cat out.txt err.txt; fail "score refuses a log replaced to name another branch"; }
[ ! -e replaced.csv ] || fail "score wrote an output from the branch a replaced log names"

# 3. The log ref pointed at the governed branch itself.
git -C repo update-ref refs/tally/log main
expect_exit 1 "$tally" audit --repo repo --expect-root "$root_commit"
grep -q "commit(s) that are not gate-log entries" out.txt err.txt || { cat out.txt err.txt; fail "audit says the log ref holds no log entry"; }
git -C repo update-ref refs/tally/log "$saved"

# 4. A 100,000-deep policy: located, exit 1, no crash; also when `tally check` reads it.
{ printf 'version: 1\nfreezes: '; head -c 100000 /dev/zero | tr '\0' '['; printf '\n'; } > deep.yaml
expect_exit 1 "$tally" init deep --policy deep.yaml --gate-key keys/gate
grep -q "deep.yaml:2:73: error: nested deeper than 64 levels" err.txt out.txt || { cat out.txt err.txt; fail "the deep policy's line and column"; }
! grep -q "bad file" err.txt out.txt || fail "a bare 'bad file'"
mkdir -p lib/governance && cp -r "$root/metrics/customer" lib/ && cp deep.yaml lib/governance/policy.yaml
expect_exit 1 "$tally" check lib
grep -q "policy.yaml:2:73: error: nested deeper than 64 levels" err.txt || { cat out.txt err.txt; fail "tally check locates the deep policy"; }
echo "audit-tampering: all checks passed"
