// The merge gate's rules as one pure evaluation, used by `merge` before it merges and by
// `audit` to re-check every past merge under the policy of its time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "git.h"
#include "store.h"
#include "tally/governance/definitions.h"
#include "tally/governance/policy.h"
#include "tally/governance/versioning.h"

namespace tally::governance {

struct GateInput {
  std::string cr_id;
  git_oid base{};                       // the governed commit the change applies to
  git_oid head{};                       // the CR's latest revision
  std::vector<git_oid> revisions;       // head first, down to (excluding) base
  std::string cr_message;               // of the first revision
  std::optional<git_oid> approvals;     // tip of the approvals chain
  int64_t now = 0;                      // the moment of the merge (freeze windows)
  // Compile, tests and behavioural evidence for the required bump. Audit turns this off:
  // those verdicts depend on the compiler of the day, and the gate recorded its own in the
  // merge's trailers; audit re-checks who approved what under which policy.
  bool check_evidence = true;
};

struct DefinitionChange {
  std::string name;
  std::string from_version;   // "" when added
  std::string to_version;     // "" when removed
  std::string declared;       // declared bump: "patch", "minor", "major", "new", "removed", "override"
  std::string required;       // required bump
  std::string region;         // for override changes
  std::vector<std::string> why;
  // A function's change: each definition that calls it, "NAME FROM -> TO: needs BUMP", then
  // its findings (function_impact.h).
  std::vector<std::string> impacts;
  bool is_table = false;      // a reference table (its declaration or its CSV file)
};

struct GateVerdict {
  std::vector<std::string> reasons;     // every rule broken; empty = may merge
  std::vector<std::string> notes;       // facts worth showing (stale approvals, ...)
  Policy policy;                        // the policy the gate applied (at base)
  std::string proposer;
  std::vector<std::string> authors;     // every person who signed a revision
  struct Approver {
    std::string person;
    std::string fingerprint;
    std::string commit;
  };
  std::vector<Approver> approvers;      // valid, current, not self-approvals
  std::vector<std::string> councils;    // councils whose quorum was required
  std::vector<DefinitionChange> changes;
  std::vector<std::string> changed_paths;
  std::optional<std::string> freeze_exception;
  std::optional<std::pair<int64_t, int64_t>> policy_versions;  // base -> new, when it changed
};

// Evaluates every rule; an Error only when the repository cannot be read. Behavioural
// evidence comes from MakeEvidenceOracle (evidence.h) over the two trees.
Result<GateVerdict> EvaluateGate(const git::Repo& repo, const GateInput& input);

// The gate's input for open change request `cr` at time `now`, as `merge` evaluates it — and
// `review`, so that what review says merge would refuse is exactly what merge refuses.
GateInput GateInputFor(const git::Repo& repo, const store::ChangeRequest& cr, int64_t now);

// Re-checks one governed commit `id` whose first parent is `prev`: signed by the gate key
// of the policy at `prev`, a merge of a CR whose tree it holds, not dated before any of its
// parents, and every gate rule held at the time of the merge: the latest of its date, its
// parents' (base, CR head, approvals) and `judged_at` (where the gate log puts it), so a
// back-dated merge is still judged inside the freeze window it was made in. Returns the violations (empty when it is a valid gate merge).
Result<std::vector<std::string>> VerifyMerge(const git::Repo& repo, const git_oid& id, const git_oid& prev,
                                             std::optional<int64_t> judged_at = std::nullopt);

// The earliest moment the gate dates its next merge or freeze: the latest date of the
// commits it follows (the governed tip; for a merge also the CR head and approvals) and of
// the gate log's last entry. The log stays in time order, so audit can judge by it.
Result<int64_t> EarliestNextRecord(const git::Repo& repo, const std::vector<git_oid>& follows);

// Tree files of a commit.
Result<FileMap> FilesAt(const git::Repo& repo, const git_oid& commit);

}  // namespace tally::governance
