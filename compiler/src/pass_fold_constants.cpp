// fold-constants (passes.h): evaluates what the IR already knows, with the interpreter's own
// rules, so a folded program computes the same bytes as the original in both engines.
#include "pass_util.h"
#include "tally/compiler/interpreter.h"
#include "tally/compiler/ir_ops.h"
#include "tally/compiler/passes.h"

namespace tally::ir {
namespace {

bool IsConstant(const Instruction& i) { return i.op == Op::kConstant; }

// What instruction `at` can be replaced by, other than a new constant: an operand that
// computes the same value, validity and error. `at` itself when none.
ValueId SameAsOperand(const std::vector<Instruction>& code, ValueId at) {
  const Instruction& inst = code[at];
  switch (inst.op) {
    case Op::kSelect: {  // a constant condition chooses; a constant has no error to add
      const Instruction& c = code[inst.args[0]];
      if (!IsConstant(c)) return inst.args[1] == inst.args[2] && !c.may_error ? inst.args[1] : at;
      return !c.is_null_constant && c.imm_int != 0 ? inst.args[1] : inst.args[2];
    }
    case Op::kCoalesce: {  // a non-null constant first operand is chosen, with no error
      const Instruction& first = code[inst.args[0]];
      return IsConstant(first) && !first.is_null_constant ? inst.args[0] : at;
    }
    case Op::kRound: case Op::kFloor: case Op::kCeil:  // the identity on ints
      return inst.type == Type::kInt ? inst.args[0] : at;
    default:
      return at;
  }
}

// A strict op with a null operand is null, with the least error of its operands: none, when
// no operand may carry one.
bool NullByAStrictRule(const std::vector<Instruction>& code, const Instruction& inst) {
  OpInfo::Nulls rule = InfoOf(inst.op).nulls;
  if (rule != OpInfo::Nulls::kStrict && rule != OpInfo::Nulls::kStrictOrDomain) return false;
  bool null_operand = false;
  for (ValueId a : inst.args) {
    if (code[a].may_error) return false;
    null_operand = null_operand || code[a].is_null_constant;
  }
  return null_operand;
}

Instruction NullConstant(Type type) {
  Instruction c;
  c.op = Op::kConstant;
  c.type = type;
  c.nullable = true;
  c.is_null_constant = true;
  return c;
}

void FoldCode(Program& p, std::vector<Instruction>& code) {
  Replacements replacement = Identity(code.size());
  for (ValueId i = 0; i < code.size(); ++i) {
    Instruction& inst = code[i];
    Rewrite(inst, code, replacement);
    if (InfoOf(inst.op).arity == OpInfo::Arity::kLeaf) continue;
    replacement[i] = SameAsOperand(code, i);
    if (replacement[i] != i) continue;
    if (NullByAStrictRule(code, inst)) {
      inst = NullConstant(inst.type);
      continue;
    }
    if (CallsTheCLibrary(inst.op)) continue;
    // A lookup reads its program's tables, which EvaluateOnConstants does not have.
    if (inst.op == Op::kLookup) continue;
    // A string function's text needs the run's dictionary (and would need a new string
    // constant for its result), which folding does not have.
    if (IsStringCall(inst.op)) continue;
    auto operands = ConstantOperands(inst, code);
    if (!operands) continue;
    // An op that traps on its constant operands stays: the row is rejected as before
    // (and Compile reports it, constant_traps.h).
    if (auto folded = interp::EvaluateOnConstants(inst, *operands)) inst = *folded;
  }
  RewriteRoots(p, code, replacement);
}

}  // namespace

void FoldConstants(Program& program) { ForEachCode(program, FoldCode); }

}  // namespace tally::ir
