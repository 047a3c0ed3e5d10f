#include "tally/compiler/trap_analysis.h"

namespace tally::ir {

std::vector<bool> FastLoopTrapChecks(const std::vector<Instruction>& code) {
  auto always_valid = [&](ValueId id) { return !code[id].nullable; };
  auto nonzero_constant = [&](ValueId id) {
    const Instruction& c = code[id];
    return c.op == Op::kConstant && !c.is_null_constant && c.type == Type::kFloat && c.imm_float != 0.0;
  };
  std::vector<std::vector<ValueId>> consumers(code.size());
  for (ValueId c = 0; c < code.size(); ++c) {
    for (ValueId a : code[c].args) consumers[a].push_back(c);
  }
  // detected[i]: a non-finite result of i (when valid) fires some check the fast loop makes.
  // Walk backwards, so every consumer is decided before its operands.
  std::vector<bool> detected(code.size(), false);
  std::vector<bool> checks(code.size(), false);
  for (size_t i = code.size(); i-- > 0;) {
    if (code[i].trap == kNoError) continue;
    bool covered = false;
    if (code[i].type == Type::kFloat) {
      for (ValueId c : consumers[i]) {
        const Instruction& user = code[c];
        if (!detected[c] || user.type != Type::kFloat) continue;
        bool others_valid = true;
        for (ValueId a : user.args) others_valid = others_valid && (a == i || always_valid(a));
        if (!others_valid) continue;
        // x / inf = 0, so only a non-zero constant divisor keeps a non-finite dividend so.
        if (user.op == Op::kAdd || user.op == Op::kSub || user.op == Op::kMul ||
            (user.op == Op::kDiv && user.args[0] == i && user.args[1] != i && nonzero_constant(user.args[1]))) {
          covered = true;
          break;
        }
      }
    }
    detected[i] = true;
    checks[i] = !covered;
  }
  return checks;
}

}  // namespace tally::ir
