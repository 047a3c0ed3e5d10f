#!/usr/bin/env bash
# A governed repository driven through the command line only: init, a major change through
# the gate, a freeze, then scoring pinned by freeze, by commit and by major version, trace
# and audit, and the usage errors a pipeline could make. Every expected value is stated here.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)  # before any cd: the fixture is beside this script
tally=$1
root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
source "$here/council_fixture.sh"  # fail, expect_exit, make_council_policy

make_council_policy || fail "could not make keys and policy"

expect_exit 0 "$tally" init repo --policy policy.yaml --gate-key keys/gate --definitions "$root/metrics"
git -C repo log --oneline | grep -q "Initialise" || fail "root commit not readable by git log"
# Three accounts, scored by hand below with customer.health: (70, green), (65, amber), (38, red).
cat > in.csv <<'CSV'
account_id,logins_30d,logins_prev_30d,open_tickets,nps,arr,region
a1,30,30,0,50,1000,emea
a2,30,30,0,,60000,na
a3,12,30,5,30,75000,na
a4,1,1,-1,0,1,na
CSV
expect_exit 0 "$tally" score customer.health --repo repo --input in.csv --output v1.csv --rejects v1.rej
printf 'account_id,score,tier,at_risk\na1,70,green,false\na2,65,amber,false\na3,38,red,true\n' > want_v1.csv
cmp v1.csv want_v1.csv || { diff v1.csv want_v1.csv; fail "1.0.0 scores"; }
grep -q '^4,5,,require failed,require open_tickets >= 0,' v1.rej || { cat v1.rej; fail "row 4 must be rejected naming its rule"; }
root_commit=$(git -C repo rev-parse main)

# customer.health 2.0.0: green from 75 (was 70), amber from 45 (was 40).
sed -i -e 's/version 1.0.0/version 2.0.0/' -e 's/score >= 70 then "green" else if score >= 40/score >= 75 then "green" else if score >= 45/' \
  repo/metrics/customer/health.tally
# Its tests must change with it, or the gate refuses: drop the old tests, add one for 2.0.0.
python3 - repo/metrics/customer/health.tally <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = s[:s.index('  test "')] + '''  test "70 is amber now" {
    given account_id = "a1", logins_30d = 30, logins_prev_30d = 30, open_tickets = 0,
          nps = 50, arr = 1000, region = "emea"
    expect score = 70.0, tier = "amber", at_risk = false
  }
}
'''
open(p, "w").write(s)
PY
expect_exit 0 "$tally" propose --repo repo -m "Raise tier thresholds" --key keys/carol
grep -qx "CR-1" out.txt || fail "propose prints the id"
expect_exit 0 "$tally" review CR-1 --repo repo
grep -q "required: major" out.txt || fail "review names the required bump"
expect_exit 1 "$tally" approve CR-1 --repo repo --key keys/carol     # self-approval
expect_exit 1 "$tally" merge CR-1 --repo repo --key keys/gate        # no quorum
grep -q "\[quorum\]" err.txt || fail "merge names the quorum rule"
expect_exit 0 "$tally" approve CR-1 --repo repo --key keys/alice
expect_exit 0 "$tally" approve CR-1 --repo repo --key keys/bob
expect_exit 1 "$tally" merge CR-1 --repo repo --key keys/alice       # not the gate's key
expect_exit 0 "$tally" merge CR-1 --repo repo --key keys/gate
expect_exit 0 "$tally" freeze 2026-Q4-close --repo repo --key keys/alice
git -C repo fsck --strict --no-dangling >/dev/null 2>&1 || fail "git fsck"

# Latest: 2.0.0. Pinned to major 1 and to the root commit: 1.0.0, the same bytes as before.
expect_exit 0 "$tally" score customer.health --repo repo --input in.csv --output v2.csv
printf 'account_id,score,tier,at_risk\na1,70,amber,false\na2,65,amber,false\na3,38,red,true\n' > want_v2.csv
cmp v2.csv want_v2.csv || { diff v2.csv want_v2.csv; fail "2.0.0 scores"; }
expect_exit 0 "$tally" score customer.health@1 --repo repo --input in.csv --output pinned.csv
cmp pinned.csv want_v1.csv || fail "customer.health@1 must give the 1.0.0 scores"
expect_exit 0 "$tally" score customer.health --as-of "$root_commit" --repo repo --input in.csv --output asof.csv
cmp asof.csv want_v1.csv || fail "--as-of the root commit must give the 1.0.0 scores"
expect_exit 0 "$tally" score customer.health --as-of 2026-Q4-close --repo repo --input in.csv --output frozen.csv --json
cmp frozen.csv want_v2.csv || fail "--as-of the freeze"
python3 -c 'import json,sys; d=json.load(open("out.txt")); assert (d["rows_read"], d["rows_scored"], d["rows_rejected"]) == (4, 3, 1), d' \
  || fail "--json summary counts"
python3 -c 'import json; d=json.load(open("frozen.csv.lineage.json")); assert d["freeze"] == "2026-Q4-close" and d["version"] == "2.0.0" and d["approvers"] == ["alice","bob"], d' \
  || fail "lineage record of the frozen run"

expect_exit 0 "$tally" trace frozen.csv --repo repo --input in.csv
grep -q "every check passed" out.txt || fail "trace"
printf 'x\n' >> frozen.csv
expect_exit 1 "$tally" trace frozen.csv --repo repo                   # the file was edited
expect_exit 0 "$tally" lineage customer.health --repo repo
grep -q "^2.0.0 .*CR-1 .*carol .*alice,bob .*major" out.txt || { cat out.txt; fail "lineage"; }
expect_exit 0 "$tally" audit --repo repo --expect-root "$root_commit"

# A commit straight onto the governed branch is found by audit.
git -C repo -c user.name=x -c user.email=x@example.com commit -q --allow-empty -m "sneaky"
expect_exit 1 "$tally" audit --repo repo

# Usage and input errors: exit 2 for usage, 1 for problems, and a message naming the cause.
expect_exit 2 "$tally" score
expect_exit 2 "$tally" score customer.health --input in.csv --output x.csv --engine nope
printf 'account_id,logins_30d\na1,3\n' > missing.csv
expect_exit 1 "$tally" score customer.health --repo "$root" --input missing.csv --output m.csv
grep -q "logins_prev_30d" err.txt || { cat err.txt; fail "a missing column is named"; }
[ ! -e m.csv ] || fail "no output on a failed run"
echo "governed scenario: all checks passed"
