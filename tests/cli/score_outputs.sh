#!/usr/bin/env bash
# tally score and the files it writes (issue 9, "data loss and wrong files" and "input that is
# accepted but should not be"): a run that rejects every row fails, numeric flags are strict,
# device outputs are written in place and their write errors fail the run, --no-lineage
# removes a previous run's record, clashing paths are usage errors, a missing folder is
# reported under the user's path.
#
# Device cases use device nodes made here with mknod (as root), never the system's own, so a
# Tally that replaced its output device could not break /dev/null on this machine; /dev/null
# itself is used only after the private node has survived.
set -uo pipefail
tally=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export NO_COLOR=1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

mkdir -p lib/metrics
cat > lib/metrics/s.tally <<'TALLY'
score t.s {
  version 1.0.0
  owner cx
  key id
  input id : string
  input n : int
  output o : int = n + 1
}
TALLY
printf 'id,n\na,1\nb,2\n' > in.csv
score() { "$tally" score t.s --repo lib --engine interpreter --progress never "$@" >out.txt 2>err.txt </dev/null; }

# expect CODE DESCRIPTION TEXT-IN-STDERR args...: `tally score args` exits CODE, its stderr holds TEXT.
expect() {
  local code=$1 what=$2 text=$3; shift 3
  score "$@"
  local rc=$?
  if [ "$rc" != "$code" ]; then fail "$what: exit $rc, wanted $code"; cat out.txt err.txt >&2; return 1; fi
  if [ -n "$text" ] && ! grep -qF -- "$text" err.txt; then fail "$what: stderr lacks '$text'"; cat err.txt >&2; return 1; fi
  return 0
}

# 1. Every row rejected: exit 1, loud, nothing published but the rejects; unless asked for.
printf 'id,n\na,yes\nb,no\n' > bad.csv
expect 1 "every row rejected" "every one of the 2 rows was rejected; first reason: row 1 (line 2), column n: not an integer" \
  --input bad.csv --output all.csv --rejects all.rejects.csv
[ -e all.csv ] && fail "every row rejected: the empty output was published"
[ "$(wc -l < all.rejects.csv)" = 3 ] || fail "every row rejected: the rejects file does not explain it"
expect 0 "every row rejected, --allow-all-rejected" "" --input bad.csv --output all.csv --allow-all-rejected
[ "$(cat all.csv)" = "id,o" ] || fail "--allow-all-rejected: output is not the header alone"
# trace recomputes such a run too: the recompute compares bytes, it does not refuse the run again.
"$tally" trace all.csv --repo lib --input bad.csv >trace.txt 2>&1 </dev/null
grep -qE '^ +ok +recompute' trace.txt || { fail "--allow-all-rejected: trace cannot recompute the run"; cat trace.txt >&2; }
printf 'id,n\n' > header_only.csv
expect 0 "no rows at all is not every row rejected" "" --input header_only.csv --output none.csv

# 2. Numeric flags: digits only, in range; anything else is a usage error (exit 2).
for v in -1 -9223372036854775808 '' ' 1' 1.5 +3 9223372036854775808 x; do
  expect 2 "--max-rejects '$v'" "--max-rejects" --input in.csv --output m.csv --max-rejects "$v"
done
expect 0 "--max-rejects 0 with no rejects" "" --input in.csv --output m.csv --max-rejects 0
for v in '' 0 -1 3 x; do expect 2 "--threads '$v'" "--threads" --input in.csv --output m.csv --threads "$v"; done
for v in '' 0 -1 16777217 x; do expect 2 "--batch-rows '$v'" "--batch-rows" --input in.csv --output m.csv --batch-rows "$v"; done

# 3. A string field that is not valid UTF-8, or holds a NUL byte, is rejected naming the column.
printf 'id,n\na\xc3\x28,1\nb\x00c,2\n"q\xff",3\nd\xc3\xa9,4\n' > utf.csv
expect 0 "invalid UTF-8 in a string input" "" --input utf.csv --output utf.out.csv --rejects utf.rej.csv
printf 'row,line,column,reason,rule,location\n1,2,id,not valid UTF-8 at byte 2,,\n2,3,id,NUL byte at byte 2,,\n3,4,id,not valid UTF-8 at byte 2,,\n' > utf.rej.expected
cmp -s utf.rej.csv utf.rej.expected || { fail "invalid UTF-8: rejects differ"; diff utf.rej.csv utf.rej.expected >&2; }
printf 'id,o\nd\xc3\xa9,5\n' > utf.out.expected
cmp -s utf.out.csv utf.out.expected || fail "invalid UTF-8: output differs"

# 4. Device and FIFO outputs are written in place, and their write errors fail the run.
mkfifo fifo
# fd 3 keeps the FIFO open while cat starts, so Tally always finds a reader.
exec 3<>fifo
cat fifo > fifo.read 3>&- & reader=$!
expect 0 "a FIFO output" "" --input in.csv --output fifo
exec 3>&-
wait "$reader"
[ -p fifo ] || fail "a FIFO output: the FIFO was replaced"
[ "$(cat fifo.read)" = "$(printf 'id,o\na,2\nb,3')" ] || fail "a FIFO output: the reader got $(cat fifo.read)"
[ -e fifo.lineage.json ] && fail "a FIFO output: a lineage record was written for it"
expect 1 "a FIFO nobody reads fails at once" "fifo" --input in.csv --output fifo
if mknod nulldev c 1 3 2>/dev/null && mknod fulldev c 1 7 2>/dev/null && echo >nulldev 2>/dev/null; then
  expect 1 "a full device" "$work/fulldev: No space left on device" --input in.csv --output "$work/fulldev"
  [ -c fulldev ] || fail "a full device: the device node was replaced"
  expect 0 "a null device" "" --input in.csv --output nulldev --rejects r.csv
  if [ -c nulldev ]; then
    [ -e nulldev.lineage.json ] && fail "a null device: a lineage record was written for it"
    # The private node survived, so this Tally writes devices in place: /dev/null is safe.
    if [ -c /dev/null ]; then
      expect 0 "/dev/null" "" --input in.csv --output /dev/null --no-lineage
      [ -c /dev/null ] || fail "/dev/null is no longer a character device"
    fi
  else
    fail "a null device: the device node was replaced"
  fi
else
  echo "skipped: device nodes cannot be made here"
fi
ls ./*.tmp.* >/dev/null 2>&1 && fail "temporary files left behind: $(ls ./*.tmp.*)"

# 5. --no-lineage removes the previous run's record; clashing paths are usage errors.
expect 0 "a run with its record" "" --input in.csv --output o.csv
[ -e o.csv.lineage.json ] || fail "no lineage record written"
expect 0 "--no-lineage over a run with a record" "" --input in.csv --output o.csv --no-lineage
[ -e o.csv.lineage.json ] && fail "--no-lineage left the previous run's record beside the new output"
cp o.csv o.before
expect 2 "--rejects is the lineage record" "--rejects o.csv.lineage.json is the lineage record of --output o.csv" \
  --input in.csv --output o.csv --rejects o.csv.lineage.json
expect 2 "--rejects is the output" "--rejects" --input in.csv --output o.csv --rejects ./o.csv
expect 2 "--output is the input" "refusing to overwrite the input" --input in.csv --output ./in.csv
expect 0 "--rejects at the lineage path with --no-lineage" "" --input in.csv --output o.csv --rejects o.csv.lineage.json --no-lineage
cmp -s o.csv o.before || fail "the output changed across the refused runs"

# 6. A missing folder is reported under the user's path, not a temporary file's.
expect 1 "a missing output folder" "nodir/o.csv: No such file or directory" --input in.csv --output nodir/o.csv
grep -q '\.tmp\.' err.txt && fail "a missing output folder is reported under a temporary name: $(cat err.txt)"
expect 1 "a missing rejects folder" "nodir/r.csv: No such file or directory" --input in.csv --output o2.csv --rejects nodir/r.csv
[ -e o2.csv ] && fail "a missing rejects folder: the output was published"

if [ "$failures" -gt 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "all passed"
