# codes: E-too-deep
# Nesting deeper than 200 (parentheses, brackets, prefix operators, open `if`s) is refused
# before the parser recurses. One `(` per line keeps the shown source line short.
out=$1
{
  printf 'score demo.deep {\n  version 1.0.0\n  owner cx\n  input a : int\n  output x : int =\n'
  for _ in $(seq 1 250); do printf '    (\n'; done
  printf '    a\n'
  for _ in $(seq 1 250); do printf '    )\n'; done
  printf '}\n'
} >"$out"
