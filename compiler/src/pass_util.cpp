#include "pass_util.h"

#include "tally/compiler/ir_ops.h"

namespace tally::ir {

Replacements Identity(size_t size) {
  Replacements r(size);
  for (size_t i = 0; i < size; ++i) r[i] = static_cast<ValueId>(i);
  return r;
}

void Rewrite(Instruction& inst, const std::vector<Instruction>& code, const Replacements& replacement) {
  bool any_error = false;
  for (ValueId& a : inst.args) {
    a = replacement[a];
    any_error = any_error || code[a].may_error;
  }
  inst.may_error = inst.trap != kNoError || any_error;
}

void ForEachCode(Program& program, void (*pass)(Program& program, std::vector<Instruction>& code)) {
  pass(program, program.row_code);
  pass(program, program.post_code);
}

std::vector<ValueId> Roots(const Program& p, const std::vector<Instruction>& code) {
  std::vector<ValueId> roots;
  const bool row = &code == &p.row_code;
  if (row) {
    for (const Require& r : p.requirements) roots.push_back(r.condition);
    for (const Aggregate& a : p.aggregates) {
      if (a.kind != Aggregate::Kind::kCount) roots.push_back(a.arg);
      if (HasSecondArgument(a.kind)) roots.push_back(a.weight);
    }
  }
  if (row == (p.kind == Program::Kind::kScore)) {
    for (const Output& o : p.outputs) roots.push_back(o.value);
  }
  return roots;
}

bool CallsTheCLibrary(Op op) { return op == Op::kLn || op == Op::kExp || op == Op::kPow || op == Op::kSigmoid; }

std::optional<std::vector<Instruction>> ConstantOperands(const Instruction& inst, const std::vector<Instruction>& code) {
  std::vector<Instruction> operands;
  for (ValueId a : inst.args) {
    if (code[a].op != Op::kConstant) return std::nullopt;
    operands.push_back(code[a]);
  }
  return operands;
}

void RewriteRoots(Program& p, const std::vector<Instruction>& code, const Replacements& replacement) {
  const bool row = &code == &p.row_code;
  if (row) {
    for (Require& r : p.requirements) r.condition = replacement[r.condition];
    for (Aggregate& a : p.aggregates) {
      if (a.kind != Aggregate::Kind::kCount) a.arg = replacement[a.arg];
      if (HasSecondArgument(a.kind)) a.weight = replacement[a.weight];
    }
  }
  if (row == (p.kind == Program::Kind::kScore)) {
    for (Output& o : p.outputs) o.value = replacement[o.value];
  }
}

}  // namespace tally::ir
