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
  const bool score = program.kind == Program::Kind::kScore;
  std::vector<ValueId> row_roots, post_roots;
  for (const Require& r : program.requirements) row_roots.push_back(r.condition);
  for (const Aggregate& a : program.aggregates) {
    if (a.kind != Aggregate::Kind::kCount) row_roots.push_back(a.arg);
    if (a.kind == Aggregate::Kind::kWeightedAvg) row_roots.push_back(a.weight);
  }
  for (const Output& o : program.outputs) (score ? row_roots : post_roots).push_back(o.value);
  Compact(program, program.row_code, row_roots);
  Compact(program, program.post_code, post_roots);
}

}  // namespace tally::ir
