#include "validate.h"

#include <string>

namespace tally::codegen {
namespace {

using ir::Op;
using ir::Type;

enum class Code { kRow, kPost };

bool IsNumeric(Type t) { return t == Type::kInt || t == Type::kFloat; }

// Empty when `ins` (at position `at` of `code`) is well formed, else why not.
std::string CheckInstruction(const ir::Program& p, const std::vector<ir::Instruction>& code,
                             size_t at, Code where) {
  const ir::Instruction& ins = code[at];
  for (ir::ValueId id : ins.args) {
    if (id >= at) return "operand " + std::to_string(id) + " is not an earlier instruction";
  }
  auto arity = [&](size_t n) { return ins.args.size() == n; };
  auto arg = [&](size_t i) { return code[ins.args[i]].type; };
  auto all_args = [&](Type t) {
    for (size_t i = 0; i < ins.args.size(); ++i) if (arg(i) != t) return false;
    return true;
  };
  switch (ins.op) {
    case Op::kConstant:
      if (!arity(0)) return "constant with operands";
      if (ins.type == Type::kString && !ins.is_null_constant && ins.index >= p.string_constants.size())
        return "string constant index out of range";
      return "";
    case Op::kInput:
      if (!arity(0) || where != Code::kRow || ins.index >= p.inputs.size() || p.inputs[ins.index].type != ins.type)
        return "bad input reference";
      return "";
    case Op::kParam: {
      if (!arity(0) || ins.index >= p.params.size() || p.params[ins.index].type != ins.type)
        return "bad param reference";
      const ir::Param& param = p.params[ins.index];
      size_t n = ins.type == Type::kFloat ? param.float_values.size() : param.int_values.size();
      size_t variants = p.variants.empty() ? 1 : p.variants.size();
      if (n != 1 && n != variants) return "param " + param.name + " has a value count unlike the variants";
      return "";
    }
    case Op::kAggregate:
      if (!arity(0) || where != Code::kPost || ins.index >= p.aggregates.size() ||
          p.aggregates[ins.index].type != ins.type)
        return "bad aggregate reference";
      return "";
    case Op::kGroupKey:
      if (!arity(0) || where != Code::kPost || ins.index >= p.group_keys.size() ||
          p.group_keys[ins.index] >= p.inputs.size() || p.inputs[p.group_keys[ins.index]].type != ins.type)
        return "bad group key reference";
      return "";
    case Op::kAdd: case Op::kSub: case Op::kMul: case Op::kMod: case Op::kMin: case Op::kMax:
      return arity(2) && IsNumeric(ins.type) && all_args(ins.type) ? "" : "bad arithmetic operands";
    case Op::kNeg: case Op::kAbs: case Op::kRound: case Op::kFloor: case Op::kCeil:
      return arity(1) && IsNumeric(ins.type) && all_args(ins.type) ? "" : "bad operand";
    case Op::kDiv: case Op::kPow:
      return arity(2) && ins.type == Type::kFloat && all_args(Type::kFloat) ? "" : "bad float operands";
    case Op::kSqrt: case Op::kLn: case Op::kExp: case Op::kSigmoid:
      return arity(1) && ins.type == Type::kFloat && all_args(Type::kFloat) ? "" : "bad float operand";
    case Op::kIntToFloat:
      return arity(1) && ins.type == Type::kFloat && all_args(Type::kInt) ? "" : "bad conversion";
    case Op::kEq: case Op::kNe: case Op::kLt: case Op::kLe: case Op::kGt: case Op::kGe:
      return arity(2) && ins.type == Type::kBool && arg(0) == arg(1) ? "" : "bad comparison";
    case Op::kAnd: case Op::kOr:
      return arity(2) && ins.type == Type::kBool && all_args(Type::kBool) ? "" : "bad logic operands";
    case Op::kNot:
      return arity(1) && ins.type == Type::kBool && all_args(Type::kBool) ? "" : "bad logic operand";
    case Op::kSelect:
      return arity(3) && arg(0) == Type::kBool && arg(1) == ins.type && arg(2) == ins.type ? "" : "bad select";
    case Op::kCoalesce:
      return !ins.args.empty() && all_args(ins.type) ? "" : "bad coalesce";
    case Op::kIsNull:
      return arity(1) && ins.type == Type::kBool ? "" : "bad is_null";
  }
  return "unknown op";
}

Status CheckCode(const ir::Program& p, const std::vector<ir::Instruction>& code, Code where) {
  for (size_t i = 0; i < code.size(); ++i) {
    std::string why = CheckInstruction(p, code, i, where);
    if (!why.empty()) {
      return Error{"malformed IR for " + p.name + ": " + (where == Code::kRow ? "row" : "post") +
                   " instruction " + std::to_string(i) + ": " + why};
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateProgram(const ir::Program& p) {
  if (Status s = CheckCode(p, p.row_code, Code::kRow); !s.ok()) return s;
  if (Status s = CheckCode(p, p.post_code, Code::kPost); !s.ok()) return s;
  auto bad = [&](const std::string& what) { return Error{"malformed IR for " + p.name + ": " + what}; };
  for (const ir::Require& r : p.requirements) {
    if (r.condition >= p.row_code.size() || p.row_code[r.condition].type != Type::kBool ||
        r.reason >= p.reasons.size())
      return bad("bad require");
  }
  const auto& out_code = p.kind == ir::Program::Kind::kScore ? p.row_code : p.post_code;
  for (const ir::Output& o : p.outputs) {
    if (o.value >= out_code.size() || out_code[o.value].type != o.type) return bad("bad output " + o.name);
  }
  if (p.kind == ir::Program::Kind::kMetric) {
    for (const ir::Aggregate& a : p.aggregates) {
      bool uses_arg = a.kind != ir::Aggregate::Kind::kCount;
      if (uses_arg && a.arg >= p.row_code.size()) return bad("bad aggregate argument");
      if (a.kind == ir::Aggregate::Kind::kWeightedAvg && a.weight >= p.row_code.size())
        return bad("bad aggregate weight");
    }
    for (uint32_t k : p.group_keys) {
      if (k >= p.inputs.size()) return bad("bad group key");
    }
  }
  return Status::Ok();
}

}  // namespace tally::codegen
