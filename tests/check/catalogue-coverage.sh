#!/usr/bin/env bash
# catalogue-coverage.sh SOURCE_ROOT
# Holds three lists to each other, so none can drift:
#   - every diagnostic code the compiler can emit (string literals "E-..." / "W-..." in
#     compiler/src/*.cpp; a literal ending in '-' is a prefix completed at run time);
#   - the catalogue in docs/language.md (headings "#### `E-code`");
#   - the codes the golden cases in tests/check/ declare (and run-golden.sh verifies).
set -uo pipefail
root=${1:?usage: catalogue-coverage.sh SOURCE_ROOT}
# Codes no input can produce: E-internal reports a failure inside the parser itself.
untestable="E-internal"

source_codes=$(grep -oh '"[EW]-[a-z0-9-]*' "$root"/compiler/src/*.cpp | tr -d '"' | sort -u)
catalogue=$(grep -oE '^#### `[EW]-[a-z0-9-]+`' "$root/docs/language.md" | grep -oE '[EW]-[a-z0-9-]+' | sort -u)
covered=$(cat "$root"/tests/check/*.tally "$root"/tests/check/*.gen.sh |
          LC_ALL=C sed -e 's/^\xef\xbb\xbf//' -e 's/\r$//' | grep -a -E '^(//|#) codes:' |
          sed -E 's/^(\/\/|#) codes://' | tr ' ' '\n' | grep -E '^[EW]-' | sort -u)
status=0
for code in $source_codes; do
  if [[ $code == *- ]]; then
    grep -q "^$code" <<<"$catalogue" || { echo "no catalogue entry starts with $code (emitted in compiler/src)"; status=1; }
  else
    grep -qx -- "$code" <<<"$catalogue" || { echo "$code is emitted in compiler/src but missing from docs/language.md"; status=1; }
  fi
done
for code in $catalogue; do
  if grep -qx -- "$code" <<<"$untestable"; then continue; fi
  grep -qx -- "$code" <<<"$covered" || { echo "$code is catalogued but no golden case in tests/check declares it"; status=1; }
done
for code in $covered; do
  grep -qx -- "$code" <<<"$catalogue" || { echo "$code is produced by a golden case but missing from the catalogue"; status=1; }
done
[ $status = 0 ] && echo "$(wc -w <<<"$catalogue") catalogued codes, all covered by golden cases ($untestable excepted)"
exit $status
