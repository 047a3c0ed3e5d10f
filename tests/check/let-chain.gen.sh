# codes: none
# 30,000 lets, each using the previous one (750 KB, far under the size limit): a legitimate
# chain that every stage walks without recursing once per let (issue 9: this overflowed the
# stack in lowering and `tally check` died with SIGSEGV).
out=$1
{
  printf 'score demo.chain {\n  version 1.0.0\n  owner cx\n  input a : int\n  let v1 = a\n'
  for i in $(seq 2 30000); do printf '  let v%d = v%d + 1\n' "$i" "$((i - 1))"; done
  printf '  output o : int = v30000\n}\n'
} >"$out"
