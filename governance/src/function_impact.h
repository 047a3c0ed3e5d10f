// What a change to user-defined functions does to the definitions that call them. Calls are
// inlined, so a definition's computation changes when a function it reaches does, though
// its own text does not: the gate holds such a definition to the version rules (and its
// owner's approval) as if it had been edited, and `review` lists it under the function.
#pragma once

#include <string>
#include <vector>

#include "tally/governance/definitions.h"
#include "tally/governance/versioning.h"

namespace tally::governance {

struct CallerImpact {
  std::string caller;                  // a score or metric present on both sides
  std::vector<std::string> functions;  // the changed functions it reaches, sorted
  Bump required = Bump::kNone;         // none: the normalised IR proves it unchanged
  std::vector<std::string> why;        // findings, each ending with the class it implies
};

// The changed functions (text or file differs, added or removed) of the two indexes, and
// every definition on both sides that reaches one of them through calls (in the old or the
// new tree), each compared by `oracle` (the caller's IR diff and backtest). Sorted by caller.
std::vector<CallerImpact> FunctionImpacts(const DefinitionIndex& before, const DefinitionIndex& after,
                                          const BehaviourOracle& oracle);

// The changed function names, sorted.
std::vector<std::string> ChangedFunctions(const DefinitionIndex& before, const DefinitionIndex& after);

}  // namespace tally::governance
