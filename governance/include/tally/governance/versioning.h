// The smallest truthful version bump for a changed definition (PRODUCT.md, "Score versions").
//
//   patch  interface unchanged and every output identical
//   minor  only additions that leave existing outputs unchanged (new output, new nullable input)
//   major  an output changes value or type, is removed or renamed; a required input is added;
//          the key changes
//
// Three sources, each of which can only raise the class: the interface (inputs, outputs,
// types, key), read from the definition's outline (the compiler's parse, compiler/outline.h);
// the structure of the change — the diff of the normalised IR of both versions
// (compiler/ir_compare.h), which is the floor: a changed computation is major unless the IR
// proves every existing output unchanged; and behavioural evidence (backtests on reference
// and generated rows), which can show a difference but never prove there is none.
#pragma once

#include <cstdint>
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

// What the compiler and the data say about a changed computation of one definition.
struct BehaviourEvidence {
  // The proof: both versions compiled and their normalised IR compared. `structural` lists
  // what may change (empty when compared: every existing output and every row's verdict is
  // proven unchanged).
  bool compared = false;
  std::vector<std::string> structural;
  std::string why_not_compared;
  // Sampling, which can only raise the class: `sample_differences` are the outputs and
  // verdicts that differed on the evidence rows ("output score changes on 14 of 60 evidence
  // rows"); `sampled` is false when no rows applied (`why_not_sampled`).
  bool sampled = false;
  int64_t sample_rows = 0;
  std::vector<std::string> sample_differences;
  std::string why_not_sampled;
};
using BehaviourOracle = std::function<BehaviourEvidence(const DefinitionOutline& before, const DefinitionOutline& after)>;

struct VersionVerdict {
  Bump required = Bump::kNone;
  // Why this bump: one line per finding, each ending with the class it implies
  // ("output score is removed or renamed (major)"), or starting with "note: " for facts
  // that raise nothing.
  std::vector<std::string> reasons;
};

// `before` and `after` are the same definition at the base and in the change.
VersionVerdict RequiredBump(const DefinitionOutline& before, const DefinitionOutline& after,
                            const BehaviourOracle& oracle);

}  // namespace tally::governance
