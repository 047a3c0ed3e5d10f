#include "constant_traps.h"

#include "pass_util.h"
#include "tally/compiler/interpreter.h"

namespace tally::ir {
namespace {

// Which instructions' errors always reach a root: every operand's error propagates except
// the branches of a select and the coalesce operands after the first (ir.h), which only
// count when chosen.
std::vector<bool> ErrorsAlwaysReachARoot(const Program& p, const std::vector<Instruction>& code) {
  std::vector<bool> always(code.size(), false);
  for (ValueId r : Roots(p, code)) always[r] = true;
  for (size_t i = code.size(); i-- > 0;) {
    if (!always[i]) continue;
    const Instruction& inst = code[i];
    bool only_first = inst.op == Op::kSelect || inst.op == Op::kCoalesce;
    for (size_t a = 0; a < inst.args.size(); ++a) {
      if (a == 0 || !only_first) always[inst.args[a]] = true;
    }
  }
  return always;
}

void FindIn(const Program& p, const std::vector<Instruction>& code, std::vector<ConstantTrap>& out) {
  std::vector<bool> always = ErrorsAlwaysReachARoot(p, code);
  for (size_t i = 0; i < code.size(); ++i) {
    const Instruction& inst = code[i];
    if (inst.trap == kNoError || CallsTheCLibrary(inst.op)) continue;
    auto operands = ConstantOperands(inst, code);
    if (operands && !interp::EvaluateOnConstants(inst, *operands)) out.push_back({inst.trap, always[i]});
  }
}

}  // namespace

std::vector<ConstantTrap> FindConstantTraps(const Program& program) {
  std::vector<ConstantTrap> traps;
  FindIn(program, program.row_code, traps);
  FindIn(program, program.post_code, traps);
  return traps;
}

}  // namespace tally::ir
