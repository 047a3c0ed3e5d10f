// Trap analysis: which trap checks a kernel's fast loop must evaluate.
//
// A compiled kernel runs each chunk of rows through a fast loop that tracks no error values,
// only whether some trap fired; if one did, the chunk is run again by a precise loop that
// tracks every error exactly (docs/codegen.md). The fast loop may therefore skip the check of
// a trapping float op whose non-finite result would surely make a later *checked* op
// non-finite too: inf and NaN survive +, - and * with any valid operand, and division by a
// non-zero constant. Such a trap is "covered"; the check at the end of the chain catches it.
//
// A value counts as valid when its instruction is not nullable (ir_verify.h holds programs to
// that). The analysis reads only the IR, so it is tested without LLVM.
#pragma once

#include <vector>

#include "tally/compiler/ir.h"

namespace tally::ir {

// checks[i] is true when the fast loop must evaluate instruction i's trap condition: i can
// trap (carries a trap id) and no later checked instruction covers it.
std::vector<bool> FastLoopTrapChecks(const std::vector<Instruction>& code);

}  // namespace tally::ir
