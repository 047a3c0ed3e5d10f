# codes: E-file-too-large
# A file over 16 MiB is refused before it is read further.
out=$1
{
  printf '// a generated file of more than 16 MiB\n'
  head -c 16777216 /dev/zero | tr '\0' ' '
  printf '\n'
} >"$out"
