#!/usr/bin/env bash
# Every command, driven with invalid UTF-8 in each of its arguments in turn and in the names
# of the files it reads, must end with exit 1 or 2 and a message: never "internal error",
# never a crash. Each command line below works (or fails cleanly) as written; the loop then
# spoils one argument at a time.
set -uo pipefail
tally=$1
root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export NO_COLOR=1
bad=$'\xff'
failures=0
ran=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect_clean_exit DESCRIPTION ALLOWED_CODES command...: exits with one of ALLOWED_CODES,
# says why when it fails, never "internal error", never a crash.
expect_clean_exit() {
  local what=$1 allowed=$2; shift 2
  "$@" >out.txt 2>err.txt </dev/null
  local rc=$?
  ran=$((ran + 1))
  if [ "$rc" -ge 128 ]; then fail "$what: crashed (exit $rc): $(printf '%q ' "$@")"; return; fi
  if ! grep -qw -- "$rc" <<<"$allowed"; then
    fail "$what: exit $rc (wanted one of $allowed): $(printf '%q ' "$@")"; cat out.txt err.txt >&2; return
  fi
  if grep -qi "internal error" out.txt err.txt; then fail "$what: internal error: $(printf '%q ' "$@")"; cat err.txt >&2; return; fi
  if [ "$rc" != 0 ] && [ ! -s out.txt ] && [ ! -s err.txt ]; then fail "$what: exit $rc without a message: $(printf '%q ' "$@")"; fi
}

# A governed repository with one open change request and a score file with its record.
mkdir keys
for p in alice bob gate; do ssh-keygen -q -t ed25519 -N '' -C "$p@example.com" -f "keys/$p" || exit 1; done
pub() { tr -d '\n' < "keys/$1.pub"; }
cat > policy.yaml <<YAML
version: 1
governed_branch: main
gate: "$(pub gate)"
people:
  alice: "$(pub alice)"
  bob: "$(pub bob)"
councils:
  cx: { members: [alice, bob], quorum: 1 }
policy_council: cx
self_approval: false
freezes: []
YAML
mkdir defs
cat > defs/s.tally <<'TALLY'
score t.s {
  version 1.0.0
  owner cx
  key id
  input id : string
  input n : int
  output o : int = n + 1
  test "adds one" {
    given id = "a", n = 1
    expect o = 2
  }
}
TALLY
"$tally" init repo --policy policy.yaml --gate-key keys/gate --definitions defs >/dev/null || { echo "init failed"; exit 1; }
sed -i 's/version 1.0.0/version 1.0.1/; s/n + 1/1 + n/' repo/metrics/s.tally
"$tally" propose --repo repo -m "Reorder" --key keys/alice >/dev/null || { echo "propose failed"; exit 1; }
printf 'id,n\na,1\n' > in.csv
"$tally" score t.s --repo repo --input in.csv --output out.csv >/dev/null || { echo "score failed"; exit 1; }
cp keys/alice "keys/al${bad}ice"
cp in.csv "in${bad}.csv"

commands=(
  "check repo/metrics --json"
  "check repo/metrics/s.tally --dump-ir"
  "test repo/metrics -v"
  "score t.s --repo repo --input in.csv --output o2.csv --rejects r2.csv --json"
  "score t.s@1 --repo repo --input in.csv --output o3.csv"
  "score t.s --repo repo --as-of main --input in.csv --output o4.csv"
  "init newrepo --policy policy.yaml --gate-key keys/gate --definitions defs --json"
  "propose --repo repo -m Why --key keys/alice --revise CR-1 --json"
  "review CR-1 --repo repo --json"
  "approve CR-1 --repo repo --key keys/bob --json"
  "merge CR-1 --repo repo --key keys/gate --json"
  "freeze Q4 --repo repo --key keys/bob -m Close --json"
  "lineage t.s --repo repo --json"
  "trace out.csv --input in.csv --repo repo --json"
  "audit --repo repo --expect-root 0000 --json"
  "demo --help"
)

for line in "${commands[@]}"; do
  read -r -a args <<<"$line"
  for ((i = 0; i < ${#args[@]}; ++i)); do
    spoiled=("${args[@]}")
    spoiled[i]="${args[i]}${bad}"
    expect_clean_exit "argument $i of '$line'" "1 2" "$tally" "${spoiled[@]}"
    spoiled[i]="${bad}${args[i]}"
    expect_clean_exit "argument $i of '$line'" "1 2" "$tally" "${spoiled[@]}"
  done
done
expect_clean_exit "review of a CR id that is not UTF-8" "1 2" "$tally" review "CR-${bad}" --repo repo
expect_clean_exit "approve of a CR id that is not UTF-8" "1 2" "$tally" approve "CR-${bad}" --repo repo --key keys/bob
expect_clean_exit "check --json of a file named in invalid UTF-8" "1 2" "$tally" check --json "${bad}.tally"
expect_clean_exit "a key file named in invalid UTF-8" "1 2" "$tally" approve CR-1 --repo repo --key "keys/al${bad}ice"
expect_clean_exit "an input named in invalid UTF-8" "1 2" "$tally" score t.s --repo repo --input "in${bad}.csv" --output o5.csv

# Files found in folders (not named on the command line) with invalid UTF-8 names, holding a
# definition that does not compile: the commands that read them fail cleanly.
mkdir -p lib/metrics
cp defs/s.tally lib/metrics/
printf 'score t.bad {\n  version 1.0.0\n  owner cx\n  output o : int = nope\n}\n' > "lib/metrics/b${bad}d.tally"
expect_clean_exit "check of a folder holding a file named in invalid UTF-8" "1" "$tally" check lib/metrics
expect_clean_exit "check --json of a folder holding a file named in invalid UTF-8" "1" "$tally" check --json lib/metrics
expect_clean_exit "test of a folder holding a file named in invalid UTF-8" "1" "$tally" test lib/metrics
expect_clean_exit "score from a folder holding a file named in invalid UTF-8" "1" "$tally" score t.s --repo lib --input in.csv --output o6.csv
expect_clean_exit "init from a folder holding a file named in invalid UTF-8" "1" "$tally" init repo2 --policy policy.yaml --definitions lib/metrics
cp "lib/metrics/b${bad}d.tally" "repo/metrics/"
expect_clean_exit "propose of a working tree holding a file named in invalid UTF-8" "1" "$tally" propose --repo repo -m "Bad name" --key keys/alice
expect_clean_exit "propose --json of a working tree holding a file named in invalid UTF-8" "1" "$tally" propose --repo repo -m "Bad name" --key keys/alice --json
# Invalid UTF-8 inside files: CSV values and headers (the valid rows are scored), a
# definition, a policy.
printf 'id,n\na%s,1\nb,x%s\n' "$bad" "$bad" > badvalues.csv
expect_clean_exit "score --json of a CSV with invalid UTF-8 values" "0 1" "$tally" score t.s --repo repo --input badvalues.csv --output o7.csv --json
expect_clean_exit "score --json, rejects to a file, of a CSV with invalid UTF-8 values" "0 1" "$tally" score t.s --repo repo --input badvalues.csv --output o8.csv --rejects r8.csv --json
printf 'id%s,n\na,1\n' "$bad" > badheader.csv
expect_clean_exit "score --json of a CSV with an invalid UTF-8 header" "1" "$tally" score t.s --repo repo --input badheader.csv --output o9.csv --json
mkdir -p content/metrics
printf 'score t.u {\n  description "%s"\n}\n' "$bad" > content/metrics/u.tally
expect_clean_exit "check --json of a definition holding invalid UTF-8" "1" "$tally" check --json content/metrics
printf 'version: 1\ngoverned_branch: ma%sin\n' "$bad" > badpolicy.yaml
expect_clean_exit "init --json with a policy holding invalid UTF-8" "1" "$tally" init repo3 --policy badpolicy.yaml --json
# A lineage record that is not UTF-8 (hand-edited): trace refuses it with a message.
cp out.csv bad.csv
sed "s/t\.s/t.s${bad}/" out.csv.lineage.json > bad.csv.lineage.json
expect_clean_exit "trace of a record holding invalid UTF-8" "1" "$tally" trace bad.csv --repo repo --json

echo "hostile-input: $ran runs, $failures failure(s)"
[ "$failures" = 0 ]
