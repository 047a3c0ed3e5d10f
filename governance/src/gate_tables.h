// The gate's rules for reference tables: ownership of a table's declaration and of its CSV
// file, and its version bump. Called by EvaluateGate (gate.cpp).
#pragma once

#include <functional>
#include <set>
#include <string>

#include "gate.h"
#include "tally/governance/definitions.h"

namespace tally::governance {

using RequireFn = std::function<void(const std::string& council, const std::string& what)>;

// For every table whose declaration or data differs between the trees: its owner (old and
// new) must approve, its files are `covered`, its version rules are reasons in `v`, and the
// change is one of `v.changes` (is_table).
void GateTables(const FileMap& base_files, const FileMap& head_files, const DefinitionIndex& old_index,
                const DefinitionIndex& new_index, const RequireFn& require, std::set<std::string>& covered,
                GateVerdict& v);

}  // namespace tally::governance
