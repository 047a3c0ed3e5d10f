// What the IR passes share: rewriting operands and roots through a replacement map, and
// recomputing the flags that follow from operands.
#pragma once

#include <optional>
#include <vector>

#include "tally/compiler/ir.h"

namespace tally::ir {

// replacement[i] is the instruction that now stands for i (i itself when unchanged); always
// an earlier or equal index, so one forward sweep resolves chains.
using Replacements = std::vector<ValueId>;

Replacements Identity(size_t size);

// Points `inst`'s operands at their replacements and recomputes may_error from them.
void Rewrite(Instruction& inst, const std::vector<Instruction>& code, const Replacements& replacement);

// Runs `pass` on the row code, then on the post-aggregation code.
void ForEachCode(Program& program, void (*pass)(Program& program, std::vector<Instruction>& code));

// The requires, outputs and aggregate arguments that read `code`: what decides a row's
// (or group's) values and status.
std::vector<ValueId> Roots(const Program& program, const std::vector<Instruction>& code);

// Ops left to run time by fold-constants, so that the IR never holds a value of this
// machine's libm.
bool CallsTheCLibrary(Op op);

// Copies of `inst`'s operands when all of them are constants; empty otherwise.
std::optional<std::vector<Instruction>> ConstantOperands(const Instruction& inst, const std::vector<Instruction>& code);

// Points the requires, outputs and aggregates that read `code` at the replacements.
void RewriteRoots(Program& program, const std::vector<Instruction>& code, const Replacements& replacement);

}  // namespace tally::ir
