// Traps that constant operands make certain: an op whose operands are all constants once
// the passes ran, and that the interpreter says traps on them (`9223372036854775807 + 1`,
// `abs(-9223372036854775807 - 1)`, `1e308 * 10`). The checker has no values to see these
// with; the folded IR has, under the engines' own rules. Compile reports them (E-constant-trap
// when every row is rejected, W-constant-trap when only the rows taking a branch are).
#pragma once

#include <cstdint>
#include <vector>

#include "tally/compiler/ir.h"

namespace tally::ir {

struct ConstantTrap {
  uint32_t reason = 0;        // index into Program::reasons
  bool every_row = false;     // the error reaches a require, output or aggregate argument
                              // through no branch of an `if` or later `coalesce` operand
};

// In `program`'s instruction order, row code first. exp/ln/pow/sigmoid are not evaluated
// (fold-constants leaves them to run time, see passes.h).
std::vector<ConstantTrap> FindConstantTraps(const Program& program);

}  // namespace tally::ir
