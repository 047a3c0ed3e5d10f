# Sourced by the CLI scenarios: keys for five people and the gate in keys/, and policy.yaml
# with the councils of the bundled library (cx, finance, emea, governance), in the current
# directory. Defines pub NAME (a person's public key on one line), fail MESSAGE (exit 1) and
# expect_exit CODE command... (runs it with stdout in out.txt, stderr in err.txt).
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_exit() {  # expect_exit CODE command...
  local want=$1; shift
  set +e; "$@" >out.txt 2>err.txt; local got=$?; set -e
  [ "$got" = "$want" ] || { cat out.txt err.txt >&2; fail "exit $got, wanted $want: $*"; }
}
pub() { tr -d '\n' < "keys/$1.pub"; }
make_council_policy() {
  mkdir keys
  for p in alice bob carol dora erin gate; do ssh-keygen -q -t ed25519 -N '' -C "$p@example.com" -f "keys/$p" || return 1; done
  cat > policy.yaml <<YAML
version: 1
governed_branch: main
gate: "$(pub gate)"
people:
  alice: "$(pub alice)"
  bob: "$(pub bob)"
  carol: "$(pub carol)"
  dora: "$(pub dora)"
  erin: "$(pub erin)"
councils:
  cx: { members: [alice, bob, carol], quorum: 2 }
  finance: { members: [erin, bob], quorum: 2 }
  emea: { members: [dora], quorum: 1 }
  governance: { members: [alice, dora, erin], quorum: 2 }
regions:
  emea: emea
policy_council: governance
self_approval: false
freezes: []
YAML
}
