#!/usr/bin/env bash
# A governed repository attacked from the command line: an unapproved or broken working
# tree, an unsigned freeze tag, a deleted definition's old major, and every governance
# command failing. Failures go to stderr only (stdout stays empty, or holds exactly one
# JSON document with --json), so `CR=$(tally propose ...)` never captures an error.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)  # before any cd: the fixture is beside this script
tally=$1
root=$2
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
cd "$work"
source "$here/council_fixture.sh"  # fail, expect_exit, make_council_policy
# expect_failure WHAT command...: exit 1, a message on stderr, nothing on stdout; then the
# same with --json: exactly one JSON document with "ok": false on stdout, the message on stderr.
expect_failure() {
  local what=$1; shift
  expect_exit 1 "$@"
  [ -s err.txt ] || fail "$what: no message on stderr"
  [ ! -s out.txt ] || { cat out.txt >&2; fail "$what: an error printed on stdout"; }
}
expect_json_failure() {
  local what=$1; shift
  expect_exit 1 "$@" --json
  [ -s err.txt ] || fail "$what --json: no message on stderr"
  python3 -c 'import json,sys; d=json.load(open("out.txt")); assert d["ok"] is False, d' \
    || { cat out.txt >&2; fail "$what --json: stdout is not one JSON document with ok false"; }
}

make_council_policy || fail "could not make keys and policy"
expect_exit 0 "$tally" init repo --policy policy.yaml --gate-key keys/gate --definitions "$root/metrics"
cat > in.csv <<'CSV'
account_id,logins_30d,logins_prev_30d,open_tickets,nps,arr,region
a1,30,30,0,50,1000,emea
a2,30,30,0,,60000,na
a3,12,30,5,30,75000,na
CSV
printf 'account_id,score,tier,at_risk\na1,70,green,false\na2,65,amber,false\na3,38,red,true\n' > want_v1.csv
root_commit=$(git -C repo rev-parse main)

# 1. The working tree never decides what a governed score uses.
sed -i 's/score >= 70 then "green"/score >= 99 then "green"/' repo/metrics/customer/health.tally
mv repo/governance/policy.yaml policy.saved
expect_exit 0 "$tally" score customer.health --repo repo --input in.csv --output wt.csv
cmp wt.csv want_v1.csv || fail "without a policy in the checkout the unapproved working tree was scored"
grep -q "commit $(echo "$root_commit" | cut -c1-12)" out.txt || { cat out.txt; fail "the governed commit is scored"; }
echo 'version: [broken' > repo/governance/policy.yaml
expect_exit 0 "$tally" score customer.health --repo repo --input in.csv --output wt.csv
cmp wt.csv want_v1.csv || fail "a broken uncommitted policy changed the score"
sed 's/governed_branch: main/governed_branch: elsewhere/' policy.saved > repo/governance/policy.yaml
git -C repo branch elsewhere
expect_exit 0 "$tally" score customer.health --repo repo --input in.csv --output wt.csv
grep -q "commit $(echo "$root_commit" | cut -c1-12)" out.txt || { cat out.txt; fail "an uncommitted governed_branch chose the commit"; }
git -C repo checkout -q -- .

# 2. A freeze tag the gate never signed nor logged does not resolve.
git -C repo -c user.name=m -c user.email=m@example.com tag -a freeze/fake -m fake main
expect_exit 1 "$tally" score customer.health --as-of fake --repo repo --input in.csv --output fake.csv
grep -q "freeze/fake" err.txt || { cat err.txt; fail "the refusal names the tag"; }
grep -q "not in the gate log" err.txt || { cat err.txt; fail "the refusal says why"; }
[ ! -e fake.csv ] || fail "no output from an unsigned freeze"
# ... nor does trace accept a record that names one: a genuine frozen run, its record
# edited to claim the unsigned tag (pointing at the same commit).
expect_exit 0 "$tally" freeze q4 --repo repo --key keys/alice
expect_exit 0 "$tally" score customer.health --as-of q4 --repo repo --input in.csv --output frozen.csv
expect_exit 0 "$tally" trace frozen.csv --repo repo --input in.csv
python3 - frozen.csv.lineage.json <<'PY'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
assert d["freeze"] == "q4", d
d["freeze"] = "fake"
json.dump(d, open(p, "w"), indent=2)
PY
expect_exit 1 "$tally" trace frozen.csv --repo repo --input in.csv
grep -q "freeze/fake" err.txt || { cat out.txt err.txt; fail "trace names the unsigned freeze"; }
git -C repo tag -d freeze/fake >/dev/null

# 3. A deleted definition's released major stays runnable.
rm repo/metrics/customer/health.tally repo/metrics/regions/emea/health.tally
rm -f repo/metrics/customer/churn_risk.tally
expect_exit 0 "$tally" propose --repo repo -m "Retire customer.health" --key keys/carol
cr=$(cat out.txt)
[ "$cr" = "CR-1" ] || fail "propose prints only the id, got '$cr'"
for who in alice bob dora erin; do "$tally" approve "$cr" --repo repo --key "keys/$who" >/dev/null 2>&1 || true; done
expect_exit 0 "$tally" merge "$cr" --repo repo --key keys/gate
expect_exit 0 "$tally" score customer.health@1 --repo repo --input in.csv --output old.csv
cmp old.csv want_v1.csv || fail "customer.health@1 after its deletion"
expect_exit 1 "$tally" score customer.health --repo repo --input in.csv --output gone.csv

# 4. Every governance command's failure: stderr only.
expect_failure "init" "$tally" init repo --policy policy.yaml --gate-key keys/gate --definitions "$root/metrics"
expect_json_failure "init" "$tally" init repo --policy policy.yaml --gate-key keys/gate --definitions "$root/metrics"
out=$("$tally" propose --repo repo -m "Nothing changed" --key keys/carol 2>/dev/null) && fail "propose with no change succeeded"
[ -z "$out" ] || fail "CR=\$(tally propose) captured an error: '$out'"
expect_failure "propose" "$tally" propose --repo repo -m "Nothing changed" --key keys/carol
expect_json_failure "propose" "$tally" propose --repo repo -m "Nothing changed" --key keys/carol
expect_failure "review" "$tally" review CR-99 --repo repo
expect_json_failure "review" "$tally" review CR-99 --repo repo
expect_failure "approve" "$tally" approve CR-99 --repo repo --key keys/alice
expect_json_failure "approve" "$tally" approve CR-99 --repo repo --key keys/alice
expect_failure "merge" "$tally" merge CR-99 --repo repo --key keys/gate
expect_json_failure "merge" "$tally" merge CR-99 --repo repo --key keys/gate
expect_failure "freeze" "$tally" freeze q1 --repo repo --key keys/gate
expect_json_failure "freeze" "$tally" freeze q1 --repo repo --key keys/gate
expect_failure "lineage" "$tally" lineage no.such --repo repo
expect_json_failure "lineage" "$tally" lineage no.such --repo repo
expect_failure "trace" "$tally" trace missing.csv --repo repo
expect_json_failure "trace" "$tally" trace missing.csv --repo repo
expect_failure "audit" "$tally" audit --repo repo --expect-root 0000000000000000000000000000000000000000
expect_json_failure "audit" "$tally" audit --repo repo --expect-root 0000000000000000000000000000000000000000
echo "governed failures: all checks passed"
