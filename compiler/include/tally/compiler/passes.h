// Named IR passes and the one pipeline that runs them. Each pass rewrites an ir::Program
// into one that computes the same bytes for every row (outputs, nulls, statuses, and so
// reject messages) with less code; the pipeline verifies the program (ir_verify.h) before
// the first pass and after each one, so a pass that breaks the IR is caught by name.
//
//   fold-constants     an op whose operands are all constants becomes the constant the
//                      interpreter computes for it; an op that traps on them is kept (the
//                      row is still rejected, with the same message); select with a constant
//                      condition (or two equal branches and a condition that cannot error)
//                      becomes its chosen branch; coalesce whose first operand is a non-null
//                      constant becomes that constant; a strict op with a null constant
//                      operand, and no operand that may error, becomes null; int round,
//                      floor and ceil become their operand. exp/ln/pow/sigmoid on constants
//                      are not folded, so the IR never holds a value of this machine's libm.
//   eliminate-common-subexpressions
//                      an instruction equal to an earlier one (op, type, flags, immediates,
//                      operands, and trap id) is replaced by it. Two trapping expressions
//                      at different places carry different trap ids and stay apart, so the
//                      reason a row is rejected for never changes.
//   remove-dead-code   instructions no require, output or aggregate needs are dropped and
//                      the rest renumbered. Reasons are kept as they are.
//
// The pipeline: eliminate-common-subexpressions, fold-constants, eliminate-common-
// subexpressions again (folding can make different expressions equal constants),
// remove-dead-code.
#pragma once

#include <vector>

#include "tally/compiler/ir.h"
#include "tally/support/result.h"

namespace tally::ir {

struct Pass {
  const char* name;
  void (*run)(Program& program);
};

void FoldConstants(Program& program);
void EliminateCommonSubexpressions(Program& program);
void RemoveDeadCode(Program& program);

// The passes Optimize runs, in order.
const std::vector<Pass>& StandardPipeline();

// Verifies `program`, then runs each pass of StandardPipeline, verifying after each. An error
// names the pass after which the program was malformed ("after lowering" for the input).
Status Optimize(Program& program);

}  // namespace tally::ir
