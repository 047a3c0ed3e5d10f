// eliminate-common-subexpressions (passes.h). The trap id is part of what makes two
// instructions equal, so merging never changes which reason rejects a row.
#include <cstring>
#include <map>
#include <tuple>

#include "pass_util.h"
#include "tally/compiler/passes.h"

namespace tally::ir {
namespace {

using Key = std::tuple<Op, Type, bool, bool, uint32_t, uint32_t, int64_t, uint64_t, std::vector<ValueId>>;

Key KeyOf(const Instruction& inst) {
  uint64_t float_bits;  // bits, so that -0.0 and 0.0 stay apart
  std::memcpy(&float_bits, &inst.imm_float, sizeof float_bits);
  return {inst.op, inst.type, inst.nullable, inst.is_null_constant, inst.trap, inst.index, inst.imm_int, float_bits,
          inst.args};
}

void EliminateInCode(Program& p, std::vector<Instruction>& code) {
  Replacements replacement = Identity(code.size());
  std::map<Key, ValueId> first;
  for (ValueId i = 0; i < code.size(); ++i) {
    Rewrite(code[i], code, replacement);
    auto [it, inserted] = first.emplace(KeyOf(code[i]), i);
    if (!inserted) replacement[i] = it->second;
  }
  RewriteRoots(p, code, replacement);
}

}  // namespace

void EliminateCommonSubexpressions(Program& program) { ForEachCode(program, EliminateInCode); }

}  // namespace tally::ir
