#include "tally/compiler/ir_verify.h"

#include <string>

#include "tally/compiler/ir_ops.h"

namespace tally::ir {
namespace {

enum class Code { kRow, kPost };

bool IsNumeric(Type t) { return t == Type::kInt || t == Type::kFloat; }

std::string CheckShape(const std::vector<Instruction>& code, const Instruction& ins) {
  const OpInfo& info = InfoOf(ins.op);
  size_t n = ins.args.size();
  switch (info.arity) {
    case OpInfo::Arity::kLeaf: if (n != 0) return "a leaf with operands"; break;
    case OpInfo::Arity::kOne: if (n != 1) return "takes 1 operand"; break;
    case OpInfo::Arity::kTwo: if (n != 2) return "takes 2 operands"; break;
    case OpInfo::Arity::kThree: if (n != 3) return "takes 3 operands"; break;
    case OpInfo::Arity::kAtLeastOne: if (n == 0) return "takes at least 1 operand"; break;
  }
  auto arg = [&](size_t i) { return code[ins.args[i]].type; };
  auto all_args = [&](Type t) {
    for (size_t i = 0; i < n; ++i) {
      if (arg(i) != t) return false;
    }
    return true;
  };
  bool operands_ok = true;
  switch (info.operands) {
    case OpInfo::Operands::kNone: break;
    case OpInfo::Operands::kResult: operands_ok = all_args(ins.type); break;
    case OpInfo::Operands::kInt: operands_ok = all_args(Type::kInt); break;
    case OpInfo::Operands::kSameType: operands_ok = arg(0) == arg(1); break;
    case OpInfo::Operands::kBool: operands_ok = all_args(Type::kBool); break;
    case OpInfo::Operands::kSelect: operands_ok = arg(0) == Type::kBool && arg(1) == ins.type && arg(2) == ins.type; break;
    case OpInfo::Operands::kAny: break;
    case OpInfo::Operands::kTableKey: break;  // against the table: CheckLookup
    case OpInfo::Operands::kDate: operands_ok = all_args(Type::kDate); break;
    case OpInfo::Operands::kDateInt: operands_ok = arg(0) == Type::kDate && arg(1) == Type::kInt; break;
    case OpInfo::Operands::kFloat: operands_ok = all_args(Type::kFloat); break;
    case OpInfo::Operands::kString: operands_ok = all_args(Type::kString); break;
    case OpInfo::Operands::kStringIntInt:
      operands_ok = arg(0) == Type::kString && arg(1) == Type::kInt && arg(2) == Type::kInt;
      break;
  }
  if (!operands_ok) return "operand types do not fit";
  bool result_ok = true;
  switch (info.result) {
    case OpInfo::Result::kAny: break;
    case OpInfo::Result::kNumeric: result_ok = IsNumeric(ins.type); break;
    case OpInfo::Result::kFloat: result_ok = ins.type == Type::kFloat; break;
    case OpInfo::Result::kBool: result_ok = ins.type == Type::kBool; break;
    case OpInfo::Result::kInt: result_ok = ins.type == Type::kInt; break;
    case OpInfo::Result::kDate: result_ok = ins.type == Type::kDate; break;
    case OpInfo::Result::kString: result_ok = ins.type == Type::kString; break;
  }
  if (!result_ok) return std::string("result type ") + TypeName(ins.type) + " does not fit";
  if (info.immediate == OpInfo::Immediate::kDigits && (ins.imm_int < 0 || ins.imm_int > 15))
    return "digits outside 0..15";
  return "";
}

// The flags follow from the operands: the engines rely on `nullable` (a non-nullable value
// is valid) and the trap analysis on both.
std::string CheckFlags(const Program& p, const std::vector<Instruction>& code, const Instruction& ins) {
  bool any_error = false, any_nullable = false, all_nullable = true;
  for (ValueId id : ins.args) {
    any_error = any_error || code[id].may_error;
    any_nullable = any_nullable || code[id].nullable;
    all_nullable = all_nullable && code[id].nullable;
  }
  bool traps = OpTraps(ins.op, ins.type);
  if (traps != (ins.trap != kNoError)) return traps ? "a trapping op without a trap id" : "a trap id on an op that cannot trap";
  if (traps && (ins.trap >= p.reasons.size() || p.reasons[ins.trap].kind != Reason::Kind::kTrap))
    return "trap id " + std::to_string(ins.trap) + " names no trap reason";
  if (ins.may_error != (traps || any_error)) return "may_error does not follow from the operands";
  if (ins.is_null_constant && (ins.op != Op::kConstant || !ins.nullable)) return "a null constant must be a nullable constant";
  bool must_be_nullable = false;
  switch (InfoOf(ins.op).nulls) {
    case OpInfo::Nulls::kLeaf: case OpInfo::Nulls::kNever: break;
    case OpInfo::Nulls::kStrict: case OpInfo::Nulls::kStrictOrDomain: case OpInfo::Nulls::kKleene:
      must_be_nullable = any_nullable;
      break;
    case OpInfo::Nulls::kSelect: must_be_nullable = code[ins.args[1]].nullable || code[ins.args[2]].nullable; break;
    case OpInfo::Nulls::kCoalesce: must_be_nullable = all_nullable; break;
    case OpInfo::Nulls::kAlways: must_be_nullable = true; break;
  }
  if (must_be_nullable && !ins.nullable) return "not nullable though a nullable operand can make it null";
  if (InfoOf(ins.op).nulls == OpInfo::Nulls::kNever && ins.nullable) return "nullable though it is never null";
  return "";
}

std::string CheckLeaf(const Program& p, const Instruction& ins, Code where) {
  switch (ins.op) {
    case Op::kConstant:
      if (ins.type == Type::kString && !ins.is_null_constant && ins.index >= p.string_constants.size())
        return "string constant index out of range";
      return "";
    case Op::kInput:
      if (where != Code::kRow || ins.index >= p.inputs.size() || p.inputs[ins.index].type != ins.type ||
          p.inputs[ins.index].nullable != ins.nullable)
        return "bad input reference";
      return "";
    case Op::kParam: {
      if (ins.index >= p.params.size() || p.params[ins.index].type != ins.type || ins.nullable) return "bad param reference";
      const Param& param = p.params[ins.index];
      size_t n = ins.type == Type::kFloat ? param.float_values.size() : param.int_values.size();
      size_t variants = p.variants.empty() ? 1 : p.variants.size();
      if (n != 1 && n != variants) return "param " + param.name + " has a value count unlike the variants";
      return "";
    }
    case Op::kAggregate:
      if (where != Code::kPost || ins.index >= p.aggregates.size() || p.aggregates[ins.index].type != ins.type)
        return "bad aggregate reference";
      return "";
    case Op::kWindow: {
      if (where != Code::kRow || p.kind != Program::Kind::kScore || ins.index >= p.window_values.size())
        return "bad window reference";
      const WindowValue& w = p.window_values[ins.index];
      if (w.type != ins.type || w.nullable != ins.nullable || w.window >= p.windows.size() ||
          w.aggregate >= p.windows[w.window].aggregates.size() ||
          p.windows[w.window].aggregates[w.aggregate].type != w.type)
        return "bad window reference";
      return "";
    }
    case Op::kGroupKey:
      if (where != Code::kPost || ins.index >= p.group_keys.size() || p.group_keys[ins.index] >= p.inputs.size() ||
          p.inputs[p.group_keys[ins.index]].type != ins.type)
        return "bad group key reference";
      return "";
    default:
      return "";
  }
}

// A lookup names a table and a column the program holds, with a key of the table's type.
std::string CheckLookup(const Program& p, const std::vector<Instruction>& code, const Instruction& ins) {
  if (InfoOf(ins.op).immediate != OpInfo::Immediate::kTable) return "";
  if (ins.index >= p.tables.size()) return "table index out of range";
  const Table& t = p.tables[ins.index];
  if (ins.imm_int < 0 || static_cast<size_t>(ins.imm_int) >= t.columns.size()) return "column index out of range";
  if (code[ins.args[0]].type != t.key_type) return "key type unlike the table's";
  if (t.columns[static_cast<size_t>(ins.imm_int)].type != ins.type) return "result type unlike the column's";
  return "";
}

// Empty when `code[at]` is well formed, else why not.
std::string CheckInstruction(const Program& p, const std::vector<Instruction>& code, size_t at, Code where) {
  const Instruction& ins = code[at];
  if (static_cast<size_t>(ins.op) > static_cast<size_t>(kLastOp)) return "unknown op";
  for (ValueId id : ins.args) {
    if (id >= at) return "operand " + std::to_string(id) + " is not an earlier instruction";
  }
  std::string why = CheckShape(code, ins);
  if (why.empty()) why = CheckLeaf(p, ins, where);
  if (why.empty()) why = CheckLookup(p, code, ins);
  if (why.empty()) why = CheckFlags(p, code, ins);
  return why;
}

Status CheckCode(const Program& p, const std::vector<Instruction>& code, Code where) {
  for (size_t i = 0; i < code.size(); ++i) {
    std::string why = CheckInstruction(p, code, i, where);
    if (!why.empty()) {
      return Error{"malformed IR for " + p.name + ": " + (where == Code::kRow ? "row" : "post") + " instruction " +
                   std::to_string(i) + " (" + OpName(code[i].op) + "): " + why};
    }
  }
  return Status::Ok();
}

// Computed keys: each names a distinct kKey aggregate, every kKey aggregate is named once, and
// the positions of input and computed keys together are 0..n-1, each once.
Status VerifyComputedKeys(const Program& p) {
  auto bad = [&](const std::string& what) { return Error{"malformed IR for " + p.name + ": " + what}; };
  size_t total = p.group_keys.size() + p.computed_keys.size();
  std::vector<bool> position_used(total, false);
  std::vector<bool> aggregate_named(p.aggregates.size(), false);
  for (const ComputedKey& k : p.computed_keys) {
    if (k.aggregate >= p.aggregates.size() || p.aggregates[k.aggregate].kind != Aggregate::Kind::kKey ||
        aggregate_named[k.aggregate] || k.position >= total || position_used[k.position])
      return bad("bad computed key " + k.name);
    aggregate_named[k.aggregate] = true;
    position_used[k.position] = true;
  }
  for (size_t i = 0; i < p.aggregates.size(); ++i) {
    if (p.aggregates[i].kind == Aggregate::Kind::kKey && !aggregate_named[i]) return bad("key aggregate without a name");
  }
  return Status::Ok();
}

}  // namespace

// Keys ascending and distinct (both engines search them), every column one value per key.
std::string CheckTable(const Program& p, const Table& t) {
  if (t.key_type != Type::kInt && t.key_type != Type::kString) return "keys are neither int nor string";
  for (size_t r = 1; r < t.keys.size(); ++r) {
    if (t.keys[r - 1] >= t.keys[r]) return "keys not ascending";
  }
  auto bad_string = [&](int64_t v) { return v < 0 || static_cast<size_t>(v) >= p.string_constants.size(); };
  if (t.key_type == Type::kString) {
    for (int64_t k : t.keys) {
      if (bad_string(k)) return "string key out of range";
    }
  }
  for (const TableColumn& c : t.columns) {
    size_t n = c.type == Type::kFloat ? c.float_values.size() : c.int_values.size();
    if (n != t.keys.size() || c.valid.size() != t.keys.size()) return "column " + c.name + " has a value count unlike the keys";
    if (c.type != Type::kString) continue;
    for (size_t r = 0; r < n; ++r) {
      if (c.valid[r] && bad_string(c.int_values[r])) return "string value out of range in column " + c.name;
    }
  }
  return "";
}

Status Verify(const Program& p) {
  for (const Table& t : p.tables) {
    if (std::string why = CheckTable(p, t); !why.empty()) return Error{"malformed IR for " + p.name + ": table " + t.name + ": " + why};
  }
  RETURN_IF_ERROR(CheckCode(p, p.row_code, Code::kRow));
  RETURN_IF_ERROR(CheckCode(p, p.post_code, Code::kPost));
  auto bad = [&](const std::string& what) { return Error{"malformed IR for " + p.name + ": " + what}; };
  for (const Require& r : p.requirements) {
    if (r.condition >= p.row_code.size() || p.row_code[r.condition].type != Type::kBool || r.reason >= p.reasons.size())
      return bad("bad require");
  }
  const auto& out_code = p.kind == Program::Kind::kScore ? p.row_code : p.post_code;
  for (const Output& o : p.outputs) {
    if (o.value >= out_code.size() || out_code[o.value].type != o.type) return bad("bad output " + o.name);
  }
  if (p.kind == Program::Kind::kMetric) {
    for (const Aggregate& a : p.aggregates) {
      bool uses_arg = HasArgument(a.kind);
      if (uses_arg && a.arg >= p.row_code.size()) return bad("bad aggregate argument");
      if (HasSecondArgument(a.kind) && a.weight >= p.row_code.size()) return bad("bad aggregate weight");
      if (a.kind == Aggregate::Kind::kQuantile && !(a.p >= 0.0 && a.p <= 1.0)) return bad("bad quantile p");
    }
    for (uint32_t k : p.group_keys) {
      if (k >= p.inputs.size()) return bad("bad group key");
    }
    if (Status s = VerifyComputedKeys(p); !s.ok()) return s;
  }
  // A window is a metric over the score's very inputs (one batch feeds both kernels) with the
  // same string constants (the same dictionary codes) and no outputs of its own.
  for (const Program& w : p.windows) {
    if (p.kind != Program::Kind::kScore || w.kind != Program::Kind::kMetric || !w.windows.empty() ||
        !w.outputs.empty() || w.string_constants != p.string_constants || w.inputs.size() != p.inputs.size())
      return bad("bad window program " + w.name);
    for (size_t i = 0; i < p.inputs.size(); ++i) {
      if (w.inputs[i].name != p.inputs[i].name || w.inputs[i].type != p.inputs[i].type ||
          w.inputs[i].nullable != p.inputs[i].nullable)
        return bad("window program " + w.name + " reads other inputs than its score");
    }
    RETURN_IF_ERROR(Verify(w));
  }
  return Status::Ok();
}

}  // namespace tally::ir
