# A table of 10,001 rows: one more than a table may hold (docs/language.md, "Reference tables").
# codes: E-table-too-large
out=$1
dir=$(dirname "$out")
cat >"$out" <<'TALLY'
table demo.big {
  version 1.0.0
  owner cx
  source "tables-too-large.csv"
  key id : int
  column v : int
}
TALLY
{ echo "id,v"; seq 1 10001 | sed 's/.*/&,&/'; } >"$dir/tables-too-large.csv"
