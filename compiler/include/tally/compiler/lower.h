// Stage 3: a checked definition (and its overrides) -> ir::Program. This is where the
// language's implicit rules become explicit IR: int-to-float widening, `in` as a chain of
// comparisons, each call as its registry entry says (functions.h; clamp as min/max, ...),
// regional params as per-variant tables, trap ids where the op table says an op can trap.
// The result is verified and optimized next (passes.h).
#pragma once

#include <vector>

#include "tally/compiler/checker.h"
#include "tally/compiler/ir.h"

namespace tally {

// `definition` must come from `module` and have no errors. `reason_ranges`, when given,
// receives the source range of each of the program's reasons (by reason id), for
// diagnostics about the IR (a trap that constants make certain).
ir::Program Lower(const CheckedModule& module, const CheckedDefinition& definition,
                  std::vector<SourceRange>* reason_ranges = nullptr);

// The program of user-defined function `function` alone (a score with its parameters as
// inputs and its body as the output `result`): what governance compares between two
// versions of a function. Calls of it are inlined by Lower, not linked to this.
ir::Program LowerFunction(const CheckedModule& module, const CheckedFunction& function,
                          std::vector<SourceRange>* reason_ranges = nullptr);

}  // namespace tally
