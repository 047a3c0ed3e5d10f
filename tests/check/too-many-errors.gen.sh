# codes: E-syntax E-too-many-errors
# After 50 syntax errors a file is abandoned, with one last error at its end.
out=$1
{
  printf 'score demo.noise {\n  version 1.0.0\n  owner cx\n'
  for i in $(seq 1 60); do printf '  input v%d int\n' "$i"; done
  printf '  output x : int = v1\n}\n'
} >"$out"
