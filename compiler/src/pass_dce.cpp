// remove-dead-code (passes.h): keeps what a require, an output or an aggregate reads.
// Dropping an unused instruction cannot change a row's status: only the values of requires,
// outputs and aggregate arguments decide it.
#include "pass_util.h"
#include "tally/compiler/passes.h"

namespace tally::ir {
namespace {

void Compact(Program& p, std::vector<Instruction>& code, const std::vector<ValueId>& roots) {
  std::vector<bool> live(code.size(), false);
  for (ValueId r : roots) live[r] = true;
  for (size_t i = code.size(); i-- > 0;) {
    if (!live[i]) continue;
    for (ValueId a : code[i].args) live[a] = true;
  }
  Replacements renumbered(code.size(), 0);
  std::vector<Instruction> kept;
  for (size_t i = 0; i < code.size(); ++i) {
    if (!live[i]) continue;
    renumbered[i] = static_cast<ValueId>(kept.size());
    kept.push_back(std::move(code[i]));
    for (ValueId& a : kept.back().args) a = renumbered[a];
  }
  RewriteRoots(p, code, renumbered);
  code = std::move(kept);
}

}  // namespace

void RemoveDeadCode(Program& program) {
  Compact(program, program.row_code, Roots(program, program.row_code));
  Compact(program, program.post_code, Roots(program, program.post_code));
}

}  // namespace tally::ir
