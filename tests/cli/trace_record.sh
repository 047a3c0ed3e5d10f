#!/usr/bin/env bash
# tally trace against edited lineage records: every field trace can derive (from the commit,
# the definition there, the gate's approvals, the policy; with --input from a recompute) is
# compared, and an edit of any of them fails naming the field, the recorded and the derived
# value. Without --input trace says what it could not verify. Signed records (--sign-key):
# any edit breaks the signature, and trace names the signer. Expected values are stated here.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)  # before any cd: the fixture is beside this script
tally=$1
root=$2
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
cd "$work"
source "$here/council_fixture.sh"  # fail, expect_exit, make_council_policy, pub

make_council_policy || fail "could not make keys and policy"
ssh-keygen -q -t ed25519 -N '' -C "mallory@example.com" -f keys/mallory
expect_exit 0 "$tally" init repo --policy policy.yaml --gate-key keys/gate --definitions "$root/metrics"
cat > in.csv <<'CSV'
account_id,logins_30d,logins_prev_30d,open_tickets,nps,arr,region
a1,30,30,0,50,1000,emea
a2,30,30,0,,60000,na
a3,12,30,5,30,75000,na
a4,1,1,-1,0,1,na
CSV
expect_exit 0 "$tally" score customer.health --repo repo --input in.csv --output run.csv
cp run.csv.lineage.json genuine.json
python3 - genuine.json <<'PY' || fail "the genuine record"
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["rows_read"], d["rows_scored"], d["rows_rejected"], d["output"]["rows"]) == (4, 3, 1, 3), d
assert d["params"] == {"engagement_weight": 0.5, "at_risk_below": 40}, d["params"]
assert d["regional_overrides"]["emea"] == {"at_risk_below": 35}, d["regional_overrides"]
assert d["approvers"] == [] and d["owner"] == "cx" and d["engine"] == "jit" and d["signature"] is None, d
PY
expect_exit 0 "$tally" trace run.csv --repo repo --input in.csv
grep -q "every check passed" out.txt || fail "a genuine record passes trace --input"
expect_exit 0 "$tally" trace run.csv --repo repo
grep -q "not verified:" out.txt || { cat out.txt; fail "trace without --input lists what it did not verify"; }
grep -q "output.sha256: proves only that the file matches the record, not that the record is true" out.txt \
  || { cat out.txt; fail "trace without --input says what the output hash proves"; }

# tamper WHAT PYTHON: a copy of the genuine record edited by PYTHON (d is the record).
tamper() {
  cp run.csv.saved run.csv 2>/dev/null || cp run.csv run.csv.saved
  python3 - genuine.json run.csv.lineage.json "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"), indent=2)
PY
}
# refused FIELD RECORDED DERIVED [trace args...]: trace exits 1 naming the field and both values.
refused() {
  local field=$1 recorded=$2 derived=$3; shift 3
  expect_exit 1 "$tally" trace run.csv --repo repo "$@"
  grep -qF "field $field: recorded $recorded, derived $derived" err.txt out.txt \
    || { cat out.txt err.txt >&2; fail "an edited $field is refused, naming both values"; }
}

tamper approvers 'd["approvers"] = ["alice", "bob"]'
refused approvers '["alice","bob"]' '[]'
tamper owner 'd["owner"] = "finance"'
refused owner '"finance"' '"cx"'
tamper params 'd["params"]["engagement_weight"] = 0.9'
refused params.engagement_weight 0.9 0.5
tamper override 'd["regional_overrides"]["emea"]["at_risk_below"] = 30'
refused regional_overrides.emea.at_risk_below 30 35
tamper added-override 'd["regional_overrides"]["na"] = {"at_risk_below": 50}'
refused regional_overrides.na '{"at_risk_below":50}' absent
tamper valid_until 'd["valid_until"] = "2099-01-01T00:00:00Z"'
expect_exit 0 python3 -c 'import json,sys,datetime as t; d=json.load(open("genuine.json")); r=t.datetime.strptime(d["run_at"],"%Y-%m-%dT%H:%M:%SZ")+t.timedelta(days=90); print(r.strftime("%Y-%m-%dT%H:%M:%SZ"))'
want_valid=$(cat out.txt)
refused valid_until '"2099-01-01T00:00:00Z"' "\"$want_valid\""
tamper expires 'd["expires_after_seconds"] = None; d["valid_until"] = None'
refused expires_after_seconds null 7776000
tamper engine 'd["engine"] = "interpreter"'
refused engine '"interpreter"' '"jit"'
tamper version 'd["version"] = "1.0.1"'
refused version '"1.0.1"' '"1.0.0"'
tamper content 'd["content_sha256"] = "0" * 64'
refused content_sha256 "\"$(printf '0%.0s' $(seq 64))\"" '"'
tamper definition_file 'd["definition_file"] = "metrics/customer/value.tally"'
refused definition_file '"metrics/customer/value.tally"' '"metrics/customer/health.tally"'
short=$(git -C repo rev-parse --short=12 main)
tamper commit "d['commit'] = '$short'"
refused commit "\"$short\"" "\"$(git -C repo rev-parse main)\""
tamper kind 'd["kind"] = "metric"'
refused kind '"metric"' '"score"'
# Row counts that no longer reconcile are refused without --input ...
tamper rows 'd["rows_scored"] = 4'
refused rows_read 4 5
# ... and counts edited so that they still reconcile only with --input.
tamper reconciled 'd["rows_read"] = 5; d["rows_rejected"] = 2; d["rejects"]["rows"] = 2'
expect_exit 0 "$tally" trace run.csv --repo repo
refused rows_read 5 4 --input in.csv
# The output edited together with its recorded sha256 and size: trace without --input
# cannot know (and says so); with --input the recompute and the fields differ.
cp run.csv.saved run.csv
sed -i 's/^a1,70,green,false$/a1,99,green,false/' run.csv
cmp -s run.csv run.csv.saved && fail "the output edit did nothing"
sha=$(sha256sum run.csv | cut -d' ' -f1)
python3 - genuine.json run.csv.lineage.json "$sha" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["output"]["sha256"] = sys.argv[3]
json.dump(d, open(sys.argv[2], "w"), indent=2)
PY
expect_exit 0 "$tally" trace run.csv --repo repo
grep -q "output.sha256: proves only that the file matches the record" out.txt || fail "the limit is stated"
expect_exit 1 "$tally" trace run.csv --repo repo --input in.csv
grep -q "FAIL  recompute" err.txt out.txt || { cat out.txt err.txt; fail "the recompute finds the edited output"; }
grep -qF "field output.sha256: recorded \"$sha\"" err.txt out.txt || { cat out.txt err.txt; fail "output.sha256 is re-derived"; }
cp run.csv.saved run.csv
cp genuine.json run.csv.lineage.json
expect_exit 0 "$tally" trace run.csv --repo repo --input in.csv

# Signed records: alice (a person of the policy) signs; trace names her.
expect_exit 0 "$tally" score customer.health --repo repo --input in.csv --output signed.csv --sign-key keys/alice
expect_exit 0 "$tally" trace signed.csv --repo repo
grep -q "ok    signature: signed by alice (SHA256:" out.txt || { cat out.txt; fail "trace names the signer"; }
cp signed.csv.lineage.json signed.saved
# A field trace cannot derive, edited: the signature no longer verifies.
sed -i 's/"run_at": "[^"]*"/"run_at": "2020-01-01T00:00:00Z"/' signed.csv.lineage.json
sed -i 's/"valid_until": "[^"]*"/"valid_until": "2020-03-31T00:00:00Z"/' signed.csv.lineage.json
expect_exit 1 "$tally" trace signed.csv --repo repo
grep -q "FAIL  signature: the signature does not verify" err.txt out.txt || { cat out.txt err.txt; fail "an edited signed record"; }
# The output and its sha256 edited together: the signature covers the sha256.
cp signed.saved signed.csv.lineage.json
sed -i 's/^a1,70,green,false$/a1,99,green,false/' signed.csv
sha=$(sha256sum signed.csv | cut -d' ' -f1)
python3 -c 'import json,sys; p="signed.csv.lineage.json"; d=json.load(open(p)); d["output"]["sha256"]=sys.argv[1]; json.dump(d, open(p,"w"), indent=2)' "$sha"
expect_exit 1 "$tally" trace signed.csv --repo repo
grep -q "FAIL  signature: the signature does not verify" err.txt out.txt || { cat out.txt err.txt; fail "a signed output edited with its hash"; }
# Whitespace does not matter (the signature covers the fields, not the layout).
cp signed.saved signed.csv.lineage.json
expect_exit 0 "$tally" score customer.health --repo repo --input in.csv --output signed.csv --sign-key keys/alice
python3 -c 'import json; p="signed.csv.lineage.json"; d=json.load(open(p)); json.dump(d, open(p,"w"))'
expect_exit 0 "$tally" trace signed.csv --repo repo --input in.csv
# A key the policy does not know: refused, unless the trace is told to trust it.
expect_exit 0 "$tally" score customer.health --repo repo --input in.csv --output mallory.csv --sign-key keys/mallory
expect_exit 1 "$tally" trace mallory.csv --repo repo
grep -q "neither in the policy" err.txt out.txt || { cat out.txt err.txt; fail "an unknown signer"; }
expect_exit 0 "$tally" trace mallory.csv --repo repo --trusted-key keys/mallory.pub
grep -q "signed by --trusted-key keys/mallory.pub" out.txt || { cat out.txt; fail "a trusted key names its file"; }
# A signature moved onto another record does not verify there.
python3 - signed.csv.lineage.json mallory.csv.lineage.json <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
b["signature"] = a["signature"]
json.dump(b, open(sys.argv[2], "w"), indent=2)
PY
expect_exit 1 "$tally" trace mallory.csv --repo repo
grep -q "FAIL  signature" err.txt out.txt || { cat out.txt err.txt; fail "a moved signature"; }
# Usage: an unreadable key is an error before anything is written; --sign-key needs a record.
expect_exit 1 "$tally" score customer.health --repo repo --input in.csv --output nokey.csv --sign-key keys/nope
grep -q "keys/nope" err.txt || { cat err.txt; fail "the missing key is named"; }
[ ! -e nokey.csv ] || fail "nothing is written without the key"
expect_exit 2 "$tally" score customer.health --repo repo --input in.csv --output x.csv --sign-key keys/alice --no-lineage
echo "trace record: all checks passed"
