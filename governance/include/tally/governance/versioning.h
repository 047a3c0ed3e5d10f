// The smallest truthful version bump for a changed definition (PRODUCT.md, "Score versions").
//
//   patch  interface unchanged and every output identical on all evidence
//   minor  only additions that leave existing outputs unchanged (new output, new nullable input)
//   major  an output changes value or type, is removed or renamed; a required input is added;
//          the key changes
//
// Two levels of evidence: the interface (inputs, outputs, types, key), read from the
// definition's outline (the compiler's parse, compiler/outline.h); and behaviour (do existing outputs keep their values?), which needs the
// compiler and data. Without behavioural evidence a changed computation is classed major:
// the gate never assumes two formulas agree.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tally/governance/definitions.h"

namespace tally::governance {

struct InterfaceItem {
  std::string name;
  std::string type;   // "float", "int?", ...
  bool nullable = false;
};

struct Interface {
  std::vector<InterfaceItem> inputs;
  std::vector<InterfaceItem> outputs;
  std::vector<std::string> key;        // scores
  std::vector<std::string> group_by;   // metrics
};
// The declared inputs, outputs, key and grouping of a definition.
Interface ReadInterface(const DefinitionOutline& definition);

// Answers "does every existing output keep its value on all evidence?" for a pair of
// definition versions; nullopt when it cannot tell (no compiler, a side does not compile).
// `differences` gets human lines ("score: 14 of 60 reference rows change").
using BehaviourOracle = std::function<std::optional<bool>(
    const DefinitionOutline& before, const DefinitionOutline& after, std::vector<std::string>* differences)>;

struct VersionVerdict {
  Bump required = Bump::kNone;
  std::vector<std::string> reasons;   // why this bump: one line per finding
};

// `before` and `after` are the same definition at the base and in the change.
VersionVerdict RequiredBump(const DefinitionOutline& before, const DefinitionOutline& after,
                            const BehaviourOracle& oracle);

}  // namespace tally::governance
