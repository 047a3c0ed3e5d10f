#!/usr/bin/env bash
# The kernel cache attacked from the command line (issue 9, "forged kernel-cache entries"):
#  1. another definition's object copied into this definition's entry, with the key line
#     rewritten and size and sha256 recomputed, is refused: right scores, a warning, and a
#     lineage record naming the sha256 of the machine code that really ran;
#  2. a cache directory its group can write is not used, with one warning naming it;
#  3. a FIFO, a directory, or a symbolic link to /dev/zero in an entry's place is a damaged
#     entry: right scores, a warning, no hang (each run under `timeout`).
set -uo pipefail
tally=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export NO_COLOR=1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

mkdir -p lib/metrics
cat > lib/metrics/defs.tally <<'TALLY'
score t.plus {
  version 1.0.0
  owner cx
  key id
  input id : string
  input n : int
  output o : int = n + 1
}
score t.times {
  version 1.0.0
  owner cx
  key id
  input id : string
  input n : int
  output o : int = n * 100
}
TALLY
printf 'id,n\na,1\nb,2\n' > in.csv
printf 'id,o\na,100\nb,200\n' > times.expected
mkdir -m 700 cache

# score NAME OUT: `tally score` with the JIT and the cache in ./cache, under a timeout.
score() { timeout 120 "$tally" score "$1" --repo lib --input in.csv --output "$2" --cache-dir cache --progress never \
            >out.txt 2>err.txt </dev/null; }
# entry_of: the one cache entry made since the list in entries.before.
entry_of() { ls cache/*.tko | sort > entries.after; comm -13 entries.before entries.after; }
object_of() { tail -c +$(($(head -n 5 "$1" | wc -c) + 1)) "$1"; }  # the bytes after the header
sha() { sha256sum | cut -c1-64; }
field() { sed -n "s/^  \"$1\": \"\\(.*\\)\",\$/\\1/p" "$2"; }  # a string field of a lineage record

: > entries.before
score t.plus plus.csv || fail "t.plus: exit $?"
plus_entry=$(entry_of); cp entries.after entries.before
score t.times times.csv || fail "t.times: exit $?"
times_entry=$(entry_of)
cmp -s times.csv times.expected || fail "t.times: wrong scores before any tampering"
[ -n "$plus_entry" ] && [ -n "$times_entry" ] || { fail "no cache entries were written"; exit 1; }
times_key=$(sed -n 's/^key //p' "$times_entry")
good_object_sha=$(object_of "$times_entry" | sha)
[ "$(field kernel_object_sha256 times.csv.lineage.json)" = "$good_object_sha" ] ||
  fail "the lineage record does not name the object that ran"

# 1. The forged entry: t.plus's machine code under t.times's key, header recomputed.
object_of "$plus_entry" > plus.obj
{
  printf 'TALLY-KERNEL-OBJECT 1\nkey %s\nobject-sha256 %s\nobject-size %s\n\n' \
    "$times_key" "$(sha < plus.obj)" "$(stat -c %s plus.obj)"
  cat plus.obj
} > "$times_entry"
score t.times forged.csv || fail "forged entry: exit $?"
cmp -s forged.csv times.expected || { fail "forged entry: the other definition's code ran"; cat forged.csv >&2; }
grep -qF "the object was compiled from another program" err.txt || { fail "forged entry: no warning"; cat err.txt >&2; }
[ "$(field kernel_object_sha256 forged.csv.lineage.json)" = "$good_object_sha" ] ||
  fail "forged entry: the lineage record does not name the object that ran"
[ "$(object_of "$times_entry" | sha)" = "$good_object_sha" ] || fail "forged entry: not rebuilt"

# 2. A cache directory its group can write: not read, not written, one warning naming it.
chmod 770 cache
rm -f "$times_entry"
score t.times group.csv || fail "group-writable cache: exit $?"
cmp -s group.csv times.expected || fail "group-writable cache: wrong scores"
grep -qF "not using the kernel cache in cache: $work/cache is writable by its group (mode 0770)" err.txt ||
  { fail "group-writable cache: no warning naming it"; cat err.txt >&2; }
[ "$(grep -c 'tally: warning' err.txt)" = 1 ] || { fail "group-writable cache: not one warning"; cat err.txt >&2; }
[ -e "$times_entry" ] && fail "group-writable cache: an entry was written"
chmod 700 cache

# 3. Not a regular file where the entry should be: damaged, rebuilt where it can be, no hang.
for kind in fifo directory devzero; do
  rm -rf "$times_entry"
  case $kind in
    fifo) mkfifo "$times_entry" ;;
    directory) mkdir "$times_entry" ;;
    devzero) ln -s /dev/zero "$times_entry" ;;
  esac
  score t.times "$kind.csv"
  rc=$?
  [ "$rc" = 124 ] && fail "$kind in the entry's place: tally hung"
  [ "$rc" = 0 ] || { fail "$kind in the entry's place: exit $rc"; cat err.txt >&2; continue; }
  cmp -s "$kind.csv" times.expected || fail "$kind in the entry's place: wrong scores"
  grep -qF "was corrupt" err.txt || { fail "$kind in the entry's place: no warning"; cat err.txt >&2; }
done

if [ "$failures" -ne 0 ]; then echo "$failures failure(s)" >&2; exit 1; fi
echo "kernel cache entries: all cases held"
