// tally review CR: for every changed definition, what changed (inputs, outputs, params,
// lets, requires — each with old and new text), the compatibility class and the smallest
// truthful bump next to the declared one, and a backtest of old vs new (rows whose outputs
// change, mean shift, tier migrations such as "amber -> red: 12"). Also what the gate would
// say if merged now, so reviewers see the refusal reasons before anyone merges.
#pragma once

#include <string>
#include <vector>

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

// The declarations of a definition's text that differ, in the new text's order.
std::vector<DeclarationChange> DiffDeclarations(const std::string& before, const std::string& after);

struct ReviewResult : Report {
  std::vector<std::string> gate_reasons;  // what merge would refuse for, now
};
Result<ReviewResult> Review(const ReviewOptions& options);

}  // namespace tally::governance
