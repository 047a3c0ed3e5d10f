# codes: E-too-large
# More than 1000 operators in one statement is refused; the caret marks the first one over.
out=$1
{
  printf 'score demo.wide {\n  version 1.0.0\n  owner cx\n  input a : int\n  output x : int =\n    a\n'
  for _ in $(seq 1 1100); do printf '    + a\n'; done
  printf '}\n'
} >"$out"
