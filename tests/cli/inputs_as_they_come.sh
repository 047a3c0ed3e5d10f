#!/usr/bin/env bash
# Inputs as they come (issue 10 item 8), through the real `tally` binary:
#   1. the first lines of the real CDNOW_master.txt scored directly: whitespace format and
#      column names given by the definition, expected values from a Python script that does
#      not use Tally, the lineage record checked by `tally trace --input` (with the JIT too);
#   2. pipes: `--input -` and `--output -` with real pipes, the record written with
#      --lineage and traced; --output - without a record place is a usage error;
#   3. --delimiter ';' and tab, --columns / --no-header from the command line;
#   4. carried columns, byte for byte, after the keys;
#   5. the command line cannot change what the definition fixes.
set -uo pipefail
tally=$1
root=$2
data=$root/../shared/data/cdnow-transactions/CDNOW_master.txt
[ -f "$data" ] || data=$(dirname "$root")/shared/data/cdnow-transactions/CDNOW_master.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export NO_COLOR=1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

mkdir -p lib/metrics
cat > lib/metrics/cdnow.tally <<'TALLY'
score cdnow.purchase {
  version 1.0.0
  owner cx
  description "Each CDNOW purchase as the raw file has it: whitespace-aligned, CRLF, a header to skip"
  format whitespace
  header skip
  columns customer, day, quantity, amount
  key customer, day
  input customer : string
  input day : int
  input quantity : int
  input amount : float
  output spend : float = amount * quantity
  output big : bool = amount >= 50.0
}
TALLY
cat > lib/metrics/crm.tally <<'TALLY'
score crm.flag {
  version 1.0.0
  owner cx
  key id, site
  carry email, plan
  input id : int
  input site : string
  input n : int
  output twice : int = n * 2
}
TALLY
run() { "$tally" "$@" >out.txt 2>err.txt; }
# expect CODE WHAT TEXT args...: `tally args` exits CODE and its stderr holds TEXT.
expect() {
  local code=$1 what=$2 text=$3; shift 3
  "$tally" "$@" >out.txt 2>err.txt </dev/null
  local rc=$?
  if [ "$rc" != "$code" ]; then fail "$what: exit $rc, wanted $code"; cat out.txt err.txt >&2; return 1; fi
  if [ -n "$text" ] && ! grep -qF -- "$text" err.txt; then fail "$what: stderr lacks '$text'"; cat err.txt >&2; return 1; fi
  return 0
}
traced() {  # traced WHAT args...: trace recomputes the file bit for bit
  local what=$1; shift
  "$tally" trace "$@" --repo lib >trace.txt 2>&1 </dev/null
  grep -qE '^ +ok +recompute' trace.txt || { fail "$what: trace does not recompute it"; cat trace.txt >&2; }
  if grep -qE '^ +FAIL +(field|output unchanged)' trace.txt; then fail "$what: trace finds a wrong field"; cat trace.txt >&2; fi
}

# 1. The real CDNOW file, its first 2,000 purchases (plus the header line), as it is.
head -n 2001 "$data" > cdnow_head.txt
python3 - cdnow_head.txt > want.csv <<'PY'
import sys
def text(x):  # shortest round-trip text, as Tally writes floats: 385.0 -> 385
    r = repr(x)
    return r[:-2] if r.endswith('.0') else r
lines = open(sys.argv[1], 'rb').read().decode('ascii').split('\r\n')
print('customer,day,spend,big')
for line in lines[1:]:
    if not line.strip():
        continue
    customer, day, quantity, amount = line.split()
    a = float(amount)
    print(f"{customer},{int(day)},{text(a * int(quantity))},{'true' if a >= 50.0 else 'false'}")
PY
[ "$(wc -l < want.csv)" = 2001 ] || fail "the Python reference does not have 2,000 rows"
for engine in interpreter jit; do
  expect 0 "CDNOW ($engine)" "" score cdnow.purchase --repo lib --engine "$engine" --progress never \
    --input cdnow_head.txt --output cdnow_$engine.csv
  cmp -s want.csv cdnow_$engine.csv || { fail "CDNOW ($engine): scores differ from the Python reference"; diff want.csv cdnow_$engine.csv | head >&2; }
  grep -qF "rows read 2000 = scored 2000 + rejected 0" out.txt || { fail "CDNOW ($engine): counts"; cat out.txt >&2; }
  traced "CDNOW ($engine)" cdnow_$engine.csv --input cdnow_head.txt
done
record=cdnow_jit.csv.lineage.json
python3 - "$record" "$(sha256sum cdnow_head.txt | cut -d' ' -f1)" <<'PY' || fail "CDNOW: the lineage record does not describe the input as read"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["input_format"] == {"format": "whitespace", "delimiter": None, "header": "skip",
                             "columns": ["customer", "day", "quantity", "amount"]}, r["input_format"]
assert r["output_columns"] == {"keys": ["customer", "day"], "carried": [], "outputs": ["spend", "big"]}, r["output_columns"]
assert r["input"]["sha256"] == sys.argv[2], r["input"]
PY
# Repeating what the definition fixes is fine; changing it is refused before anything is read.
expect 0 "CDNOW, the definition's layout repeated" "" score cdnow.purchase --repo lib --engine interpreter \
  --input cdnow_head.txt --output again.csv --format whitespace --header skip --columns customer,day,quantity,amount
cmp -s want.csv again.csv || fail "CDNOW, layout repeated: different scores"
expect 1 "CDNOW as CSV" "--format csv: cdnow.purchase fixes how its input is read (format whitespace)" \
  score cdnow.purchase --repo lib --engine interpreter --input cdnow_head.txt --output csv.csv --format csv
expect 1 "CDNOW with other columns" "--columns a,b,c,d: cdnow.purchase fixes how its input is read" \
  score cdnow.purchase --repo lib --engine interpreter --input cdnow_head.txt --output c.csv --columns a,b,c,d
expect 1 "CDNOW with --map" "--map: cdnow.purchase names its columns itself" \
  score cdnow.purchase --repo lib --engine interpreter --input cdnow_head.txt --output m.csv --map day=amount
[ -e csv.csv ] || [ -e c.csv ] || [ -e m.csv ] && fail "a refused run published an output"

# 2. Pipes. Standard input is hashed as read; standard output holds the scores and nothing else
# (the summary goes to stderr); the record goes where --lineage says, and trace reads it.
printf 'id;n;site;email;plan\n1;5;eu;"a;b";x\n2;6;us;c;\n' > semi.csv
want_semi=$'id,site,email,plan,twice\n1,eu,a;b,x,10\n2,us,c,,12'
cat semi.csv | "$tally" score crm.flag --repo lib --engine jit --progress never --delimiter ';' \
  --input - --output - --lineage semi.lineage.json 2>pipe_err.txt | tee piped.csv | cat > downstream.csv
[ "${PIPESTATUS[1]}" = 0 ] || { fail "pipes: tally failed"; cat pipe_err.txt >&2; }
[ "$(cat downstream.csv)" = "$want_semi" ] || { fail "pipes: wrong scores on stdout"; cat downstream.csv >&2; }
grep -qF "rows read 2 = scored 2 + rejected 0" pipe_err.txt || { fail "pipes: no summary on stderr"; cat pipe_err.txt >&2; }
python3 - semi.lineage.json "$(sha256sum < semi.csv | cut -d' ' -f1)" "$(sha256sum < piped.csv | cut -d' ' -f1)" <<'PY' || fail "pipes: the record does not describe the streams"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["input"]["path"] == "-" and r["output"]["path"] == "-", (r["input"], r["output"])
assert r["input"]["sha256"] == sys.argv[2], r["input"]
assert r["output"]["sha256"] == sys.argv[3], r["output"]
assert r["input_format"]["delimiter"] == ";", r["input_format"]
assert r["output_columns"]["carried"] == ["email", "plan"], r["output_columns"]
PY
traced "pipes" piped.csv --lineage semi.lineage.json --input semi.csv
# trace re-reads standard input too.
"$tally" trace piped.csv --lineage semi.lineage.json --repo lib --input - < semi.csv > trace.txt 2>&1
grep -qE '^ +ok +recompute' trace.txt || { fail "pipes: trace --input - does not recompute"; cat trace.txt >&2; }
expect 2 "--output - without a record place" "name one with --lineage FILE" \
  score crm.flag --repo lib --input semi.csv --output - --delimiter ';'
expect 0 "--output - --no-lineage" "" score crm.flag --repo lib --engine interpreter --input semi.csv \
  --output - --delimiter ';' --no-lineage
[ "$(cat out.txt)" = "$want_semi" ] || { fail "--output - --no-lineage: stdout"; cat out.txt >&2; }
expect 2 "--lineage beside a file output" "--lineage is for --output -" \
  score crm.flag --repo lib --input semi.csv --output f.csv --lineage f.json
expect 2 "--rejects -" "--rejects -: the rejects go to a file" \
  score crm.flag --repo lib --input semi.csv --output f.csv --rejects -

# 3. Tabs, spelled two ways; columns named on the command line for a file with no header.
printf 'id\tn\tsite\temail\tplan\n1\t5\teu\t"t\tu"\tx\n' > tab.csv
for spelling in tab '\t'; do
  expect 0 "--delimiter $spelling" "" score crm.flag --repo lib --engine interpreter --input tab.csv \
    --output tab.csv.out --delimiter "$spelling"
  [ "$(cat tab.csv.out)" = $'id,site,email,plan,twice\n1,eu,t\tu,x,10' ] || { fail "--delimiter $spelling: output"; cat tab.csv.out >&2; }
done
expect 2 "--delimiter of two bytes" "--delimiter: a delimiter is one tab" \
  score crm.flag --repo lib --input tab.csv --output x.csv --delimiter ';;'
printf '5;1;eu;e;p\n6;2;us;f;q\n' > noheader.csv
for flags in "--columns n,id,site,email,plan" "--columns n,id,site,email,plan --no-header" \
             "--columns n,id,site,email,plan --header none"; do
  # shellcheck disable=SC2086
  expect 0 "$flags" "" score crm.flag --repo lib --engine interpreter --input noheader.csv --output nh.csv \
    --delimiter ';' $flags
  [ "$(cat nh.csv)" = $'id,site,email,plan,twice\n1,eu,e,p,10\n2,us,f,q,12' ] || { fail "$flags: output"; cat nh.csv >&2; }
done
traced "--columns" nh.csv --input noheader.csv
expect 1 "--no-header without columns" "--header none: name the columns with --columns" \
  score crm.flag --repo lib --engine interpreter --input noheader.csv --output nh2.csv --no-header

# 4. Carried columns: after the keys (in declared order), byte for byte, quoted only where
# CSV needs it; the int key is a value (00017 -> 17), the carried text is not.
printf 'email,id,n,plan,site\na@x.org,00017,1,"Pro, annual",eu\n"",2,2,,us\n" spaced ",3,3,007,eu\n' > carry.csv
expect 0 "carry" "" score crm.flag --repo lib --engine jit --input carry.csv --output carry.out.csv
[ "$(cat carry.out.csv)" = $'id,site,email,plan,twice\n17,eu,a@x.org,"Pro, annual",2\n2,us,"",,4\n3,eu, spaced ,007,6' ] \
  || { fail "carry: output"; cat carry.out.csv >&2; }
traced "carry" carry.out.csv --input carry.csv

[ "$failures" = 0 ] && echo "inputs as they come: all checks passed"
exit $((failures > 0))
