// tally review CR: for every changed definition, what changed (inputs, outputs, params,
// lets, requires — each with old and new text), the compatibility class and the smallest
// truthful bump next to the declared one, and a backtest of old vs new (rows whose outputs
// change, mean shift, tier migrations such as "amber -> red: 12"). Also what the gate would
// say if merged now, so reviewers see the refusal reasons before anyone merges.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tally/governance/definitions.h"
#include "tally/governance/evidence.h"
#include "tally/governance/repository.h"

namespace tally::governance {

struct ReviewOptions : RepoOptions {
  std::string cr;
};

struct DeclarationChange {
  std::string what;    // "output score", "param weight", "require", "let engagement"
  std::string change;  // "added", "removed", "changed"
  std::string before;  // declaration text, "" when added
  std::string after;   // "" when removed
};

// The members of a definition that differ, in the new version's order.
std::vector<DeclarationChange> DiffDeclarations(const DefinitionOutline& before, const DefinitionOutline& after);

// One changed definition (or regional override) of the CR.
struct ReviewedChange {
  std::string name;
  bool is_override = false;
  std::string region;          // overrides
  std::string from_version;    // "" when added
  std::string to_version;      // "" when removed
  std::string declared;        // declared bump, as the gate names it
  std::string required;        // the smallest truthful bump
  std::vector<std::string> why;
  // A function's change: every definition calling it, with its own required bump
  // ("cx.survey 1.0.0 -> 2.0.0: needs major", then indented findings).
  std::vector<std::string> impacts;
  std::vector<DeclarationChange> diff;   // when the definition exists on both sides
  std::optional<Backtest> backtest;      // when both trees compile and both sides exist
};

struct ReviewResult : Report {
  std::string cr;
  std::string title;
  std::string proposer;
  std::string base, head;                 // full commit ids
  std::vector<std::string> approvers;
  std::vector<std::string> changed_paths;
  std::vector<ReviewedChange> changes;
  std::optional<std::pair<int64_t, int64_t>> policy_versions;  // base -> new, when it changes
  std::string policy_council;
  std::vector<std::string> gate_reasons;  // what merge would refuse for, now
  std::vector<std::string> gate_notes;
};
Result<ReviewResult> Review(const ReviewOptions& options);

}  // namespace tally::governance
