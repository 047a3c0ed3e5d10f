#!/usr/bin/env bash
# I/O faults in every file Tally writes (issue 9): the output, the rejects, the lineage record,
# a kernel cache entry, and the governance writes (init, propose, approve, merge, freeze: git
# objects and refs through libgit2). An LD_PRELOAD shim (fault_inject.c) fails one call at a
# time -- the Nth open(O_CREAT), write, fsync, rename or mkdir under the folder Tally writes,
# for every N the run makes -- with ENOSPC, EIO or EROFS in turn, and then every call from the
# first on (a full disk, a read-only folder). After each:
#   - scoring: exit 1, a message naming the user's path (never a temporary name), each file
#     its previous bytes or absent (never new or partial), no temporary or staged record left;
#   - the kernel cache (best effort by design, docs/codegen.md): exit 0 with the right scores
#     and a warning, and the cache holds the complete entry or nothing, no temporary;
#   - governance: exit 1 with the error text on stderr and refs and HEAD as before, or exit 0
#     when libgit2 recovered (it retries some calls) with the change made; either way no
#     lock or temporary object left and `git fsck --strict` clean;
#   - never a crash (a signal), never "internal error".
#   bash io_faults.sh TALLY SHIM SOURCE_DIR
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tally=$(realpath "$1")
shim=$(realpath "$2")
root=$(realpath "$3")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export NO_COLOR=1 XDG_CACHE_HOME=$work/cache
failures=0
cases=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
sha() { if [ -e "$1" ]; then sha256sum "$1" | cut -c1-64; else echo absent; fi; }
errnos=(ENOSPC EIO EROFS)
declare -A errtext=([ENOSPC]="No space left on device" [EIO]="Input/output error" [EROFS]="Read-only file system")
calls=(open write fsync rename mkdir link)

# faulted PREFIX CALL NTH ERRNO PERSIST command...: runs the command under the shim.
faulted() {
  local prefix=$1 call=$2 nth=$3 errno=$4 persist=$5; shift 5
  TALLY_FAULT_CALLS=$call TALLY_FAULT_PATH=$prefix TALLY_FAULT_NTH=$nth TALLY_FAULT_ERRNO=$errno \
    TALLY_FAULT_PERSIST=$persist LD_PRELOAD=$shim "$@" >out.txt 2>err.txt </dev/null
}
# count PREFIX CALL command...: how many CALLs under PREFIX the command makes.
count() {
  local prefix=$1 call=$2; shift 2
  rm -f calls.log
  TALLY_FAULT_CALLS=$call TALLY_FAULT_PATH=$prefix TALLY_FAULT_LOG=$work/calls.log LD_PRELOAD=$shim \
    "$@" >/dev/null 2>&1 </dev/null
  if [ -f calls.log ]; then wc -l < calls.log; else echo 0; fi
}
# Every (call, N, errno) for a command, then each call failing from the first on. `setup`
# restores the state before the command, `check RC ERRNO WHAT` judges the state after it.
each_fault() {
  local prefix=$1; shift
  local call n total i=0 rc
  for call in "${calls[@]}"; do
    setup
    total=$(count "$prefix" "$call" "$@")
    for ((n = 1; n <= total; n++)); do
      local errno=${errnos[$((i % 3))]}
      i=$((i + 1))
      setup
      faulted "$prefix" "$call" "$n" "$errno" 0 "$@"
      rc=$?
      cases=$((cases + 1))
      check "$rc" "$errno" "$* with $call #$n of $total failing ($errno)"
    done
    if [ "$total" -gt 0 ]; then
      for errno in ENOSPC EROFS; do
        setup
        faulted "$prefix" "$call" 1 "$errno" 1 "$@"
        rc=$?
        cases=$((cases + 1))
        check "$rc" "$errno" "$* with every $call failing ($errno)"
      done
    fi
  done
}
no_crash() {  # no_crash RC WHAT
  [ "$1" -lt 128 ] || fail "$2: killed by signal $(($1 - 128))"
  ! grep -qi "internal error" err.txt out.txt || { fail "$2: internal error"; cat err.txt >&2; }
}

mkdir lib && cp -r "$root/metrics" lib/metrics
input=$root/metrics/reference/health_sample.csv
head -30 "$input" > small.csv
score() { "$tally" score customer.health --repo lib --input "$1" --output out/out.csv --rejects out/rejects.csv --progress never; }

# 1. Scoring: output, rejects, lineage record over a previous run's files.
rm -rf out && mkdir out
score "$input" >/dev/null 2>&1 || { echo "FAIL: the first run failed" >&2; exit 1; }
cp -a out prev
declare -A before=()
for f in out.csv rejects.csv out.csv.lineage.json; do before[$f]=$(sha "prev/$f"); done
setup() { rm -rf out && cp -a prev out; }
check() {
  local rc=$1 errno=$2 what=$3
  no_crash "$rc" "$what"
  [ "$rc" = 1 ] || { fail "$what: exit $rc, wanted 1"; cat err.txt >&2; }
  grep -qF "${errtext[$errno]}" err.txt || { fail "$what: the error does not say '${errtext[$errno]}'"; cat err.txt >&2; }
  grep -qE "(^|[ :'])out/(out\.csv|rejects\.csv|out\.csv\.lineage\.json)(:| )" err.txt ||
    { fail "$what: the error names none of the user's files"; cat err.txt >&2; }
  ! grep -q '\.tmp\.' err.txt || { fail "$what: the error names a temporary file"; cat err.txt >&2; }
  for f in out.csv rejects.csv out.csv.lineage.json; do
    local now
    now=$(sha "out/$f")
    [ "$now" = "${before[$f]}" ] || [ "$now" = absent ] || fail "$what: out/$f changed"
  done
  # A visible output keeps its matching record (docs/scoring.md).
  if [ -f out/out.csv ] && [ "$(sha out/out.csv.lineage.json)" != "${before[out.csv.lineage.json]}" ]; then
    fail "$what: out/out.csv without its record"
  fi
  local extra
  extra=$(ls out | grep -vxE 'out\.csv|rejects\.csv|out\.csv\.lineage\.json')
  [ -z "$extra" ] || fail "$what: left behind: $extra"
}
each_fault "$work/out/" score small.csv

# 2. The kernel cache entry: a fresh cache each time, so the JIT compiles and writes it.
rm -rf cache out && mkdir out
score small.csv >/dev/null 2>&1 || { echo "FAIL: the cache run failed" >&2; exit 1; }
good_out=$(sha out/out.csv)
entry=$(find cache -type f -name '*.tko' | head -1)
[ -n "$entry" ] || { echo "FAIL: no cache entry was written" >&2; exit 1; }
good_entry=$(sha "$entry")
entry_name=${entry#cache/}
setup() { rm -rf cache out && mkdir out; }
check() {
  local rc=$1 errno=$2 what=$3
  no_crash "$rc" "$what"
  [ "$rc" = 0 ] || { fail "$what: exit $rc, wanted 0 (the cache is best effort)"; cat err.txt >&2; }
  [ "$(sha out/out.csv)" = "$good_out" ] || fail "$what: wrong scores"
  local f
  for f in $(find cache -type f 2>/dev/null); do
    [ "${f#cache/}" = "$entry_name" ] && [ "$(sha "$f")" = "$good_entry" ] || fail "$what: cache holds $f"
  done
  if [ ! -f "cache/$entry_name" ]; then
    grep -qi "cache" err.txt || { fail "$what: no warning that the cache was not written"; cat err.txt >&2; }
  fi
}
each_fault "$work/cache/" score small.csv

# 3. Governance: each command over the state just before it, faults under the repository.
source "$here/../cli/council_fixture.sh"
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }  # count, do not stop (the fixture's exits)
make_council_policy || { echo "FAIL: keys and policy" >&2; exit 1; }
state() {  # refs, HEAD and the working tree's status: what a failed command must not change
  [ -d repo/.git ] || { echo none; return; }
  git -C repo for-each-ref --format='%(refname) %(objectname)'
  cat repo/.git/HEAD
  git -C repo status --porcelain
}
# A failed governance command names the operating system's error (not "already exists", not
# "contention") and leaves refs and HEAD as they were: a merge or freeze whose gate-log entry
# cannot be written is undone, a failed init removes what it made.
gov_check() {
  local rc=$1 errno=$2 what=$3
  no_crash "$rc" "$what"
  if [ "$rc" = 1 ]; then
    grep -qF "${errtext[$errno]}" err.txt || { fail "$what: the error does not say '${errtext[$errno]}'"; cat err.txt >&2; }
    [ "$(state)" = "$state_before" ] || fail "$what: failed, but refs or HEAD changed"
  elif [ "$rc" = 0 ]; then
    # libgit2 retries some calls (a loose object's temporary file): success is fine if whole.
    [ "$(state)" != "$state_before" ] || fail "$what: exit 0, but nothing changed"
  else
    fail "$what: exit $rc"; cat err.txt >&2
  fi
  repo_whole "$what"
}
repo_whole() {  # no lock or temporary left, and git finds every object and ref sound
  local left
  left=$(find repo/.git -name '*.lock' -o -name 'tmp_object_git2_*' 2>/dev/null)
  [ -z "$left" ] || fail "$1: left behind: $left"
  git -C repo fsck --strict --no-dangling >/dev/null 2>&1 || fail "$1: git fsck"
}
# init: nothing before it; a failed init leaves no repository, or one `tally init` can redo.
init() { "$tally" init repo --policy policy.yaml --gate-key keys/gate --definitions lib/metrics; }
setup() { rm -rf repo; }
state_before=none
check() {
  local rc=$1 errno=$2 what=$3
  no_crash "$rc" "$what"
  if [ "$rc" = 0 ]; then repo_whole "$what"; return; fi
  [ "$rc" = 1 ] || { fail "$what: exit $rc, wanted 1"; cat out.txt err.txt >&2; }
  grep -qF "${errtext[$errno]}" err.txt || { fail "$what: the error does not say '${errtext[$errno]}'"; cat err.txt >&2; }
  if [ -e repo ]; then
    init >/dev/null 2>&1 || fail "$what: a failed init left $(ls -A repo | head -3 | tr '\n' ' ')and init cannot run again"
  fi
}
each_fault "$work/repo" init
check() { gov_check "$@"; }

rm -rf repo && init >/dev/null 2>&1 || { echo "FAIL: init" >&2; exit 1; }
# A patch: the same normalised computation (the operands of a commutative product swapped),
# which the gate can prove equal.
sed -i 's/version 1.0.0/version 1.0.1/; s/let support    = 1 - min(open_tickets, 10) \/ 10/let support    = 1 - min(10, open_tickets) \/ 10/' \
  repo/metrics/customer/health.tally
rm -rf pristine && cp -a repo pristine
setup() { rm -rf repo && cp -a pristine repo; }
state_before=$(setup; state)
each_fault "$work/repo/.git/" "$tally" propose --repo repo -m "A minor change" --key keys/carol

setup
"$tally" propose --repo repo -m "A minor change" --key keys/carol >/dev/null 2>&1 || { echo "FAIL: propose" >&2; exit 1; }
rm -rf pristine && cp -a repo pristine
state_before=$(setup; state)
each_fault "$work/repo/.git/" "$tally" approve CR-1 --repo repo --key keys/alice

setup
"$tally" approve CR-1 --repo repo --key keys/alice >/dev/null 2>&1 &&
  "$tally" approve CR-1 --repo repo --key keys/bob >/dev/null 2>&1 || { echo "FAIL: approve" >&2; exit 1; }
rm -rf pristine && cp -a repo pristine
state_before=$(setup; state)
each_fault "$work/repo/.git/" "$tally" merge CR-1 --repo repo --key keys/gate

setup
"$tally" merge CR-1 --repo repo --key keys/gate >out.txt 2>&1 || { cat out.txt >&2; echo "FAIL: merge" >&2; exit 1; }
rm -rf pristine && cp -a repo pristine
state_before=$(setup; state)
each_fault "$work/repo/.git/" "$tally" freeze 2026-Q4-close --repo repo --key keys/alice

echo "$cases faults injected, $failures failures"
[ "$failures" = 0 ]
