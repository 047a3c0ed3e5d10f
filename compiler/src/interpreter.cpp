// The reference interpreter. Each IR op's rule from ir.h is implemented here once, in the
// plainest C++ that says it, one row at a time. Speed is not a goal; being obviously right is.
#include "tally/compiler/interpreter.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "tally/compiler/string_functions.h"
#include "tally/support/civil_date.h"

namespace tally::interp {
namespace {

using ir::Op;
using ir::Type;

struct Value {
  int64_t i = 0;     // bool, int, string code
  double f = 0.0;    // float
  bool valid = true;
  uint32_t error = ir::kNoError;
};

Value Null(uint32_t error = ir::kNoError) {
  Value v;
  v.valid = false;
  v.error = error;
  return v;
}

// Where kAggregate / kGroupKey read from (post-aggregation code only).
struct GroupInputs {
  const TallyColumnView* aggregates = nullptr;
  const TallyColumnView* group_keys = nullptr;
  const std::vector<ir::Aggregate>* aggregate_specs = nullptr;
  const std::vector<ir::Column>* key_columns = nullptr;
};

Value ReadColumn(const TallyColumnView& column, Type type, int64_t row) {
  Value v;
  v.valid = column.valid == nullptr || column.valid[row] != 0;
  switch (type) {
    case Type::kBool: v.i = static_cast<const uint8_t*>(column.values)[row] != 0; break;
    case Type::kInt:
    case Type::kDate: v.i = static_cast<const int64_t*>(column.values)[row]; break;
    case Type::kFloat: v.f = static_cast<const double*>(column.values)[row]; break;
    case Type::kString: v.i = static_cast<const int32_t*>(column.values)[row]; break;
  }
  return v;
}

void WriteColumn(const TallyColumnView& column, Type type, int64_t row, const Value& v) {
  if (column.valid != nullptr) column.valid[row] = v.valid ? 1 : 0;
  switch (type) {
    case Type::kBool: static_cast<uint8_t*>(column.values)[row] = v.valid && v.i ? 1 : 0; break;
    case Type::kInt:
    case Type::kDate: static_cast<int64_t*>(column.values)[row] = v.valid ? v.i : 0; break;
    // +0.0 turns -0.0 into +0.0 and changes nothing else: outputs never show "-0".
    case Type::kFloat: static_cast<double*>(column.values)[row] = v.valid ? v.f + 0.0 : 0.0; break;
    case Type::kString: static_cast<int32_t*>(column.values)[row] = v.valid ? static_cast<int32_t>(v.i) : 0; break;
  }
}

uint32_t MinError(uint32_t a, uint32_t b) { return std::min(a, b); }

double RoundHalfAway(double x, int64_t digits) {
  static const double kPowers[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  if (std::fabs(x) >= 4503599627370496.0) return x;  // 2^52: already an integer
  double scale = kPowers[digits];
  return std::round(x * scale) / scale;
}

class RowEvaluator {
 public:
  RowEvaluator(const ir::Program& program, const std::vector<ir::Instruction>& code)
      : program_(program), code_(code), values_(code.size()) {}

  // Evaluates every instruction for one row (or one group).
  void Run(const TallyColumnView* inputs, int64_t row, uint16_t variant, const GroupInputs& group) {
    for (size_t k = 0; k < code_.size(); ++k) values_[k] = Eval(code_[k], inputs, row, variant, group);
  }
  const Value& operator[](ir::ValueId id) const { return values_[id]; }

 private:
  Value Eval(const ir::Instruction& inst, const TallyColumnView* inputs, int64_t row, uint16_t variant,
             const GroupInputs& group) {
    switch (inst.op) {
      case Op::kConstant: {
        if (inst.is_null_constant) return Null();
        Value v;
        v.i = inst.type == Type::kString ? static_cast<int64_t>(inst.index) : inst.imm_int;
        v.f = inst.imm_float;
        return v;
      }
      case Op::kInput: {
        // A non-nullable input is valid by contract (kernel_abi.h): its `valid` is not read.
        Value v = ReadColumn(inputs[inst.index], inst.type, row);
        if (!inst.nullable) v.valid = true;
        return v;
      }
      case Op::kWindow: {
        // Window values follow the inputs in the input views (kernel_abi.h).
        Value v = ReadColumn(inputs[program_.inputs.size() + inst.index], inst.type, row);
        if (!inst.nullable) v.valid = true;
        return v;
      }
      case Op::kParam: {
        const ir::Param& p = program_.params[inst.index];
        Value v;
        if (p.type == Type::kFloat) v.f = p.float_values[variant];
        else v.i = p.int_values[variant];
        return v;
      }
      case Op::kAggregate: return ReadColumn(group.aggregates[inst.index], inst.type, row);
      case Op::kGroupKey: return ReadColumn(group.group_keys[inst.index], inst.type, row);
      default: break;
    }
    const Value& a = values_[inst.args[0]];
    switch (inst.op) {
      case Op::kSelect: {
        const Value& chosen = (a.valid && a.i != 0) ? values_[inst.args[1]] : values_[inst.args[2]];
        Value v = chosen;
        v.error = MinError(a.error, chosen.error);
        return v;
      }
      case Op::kCoalesce: {
        uint32_t error = ir::kNoError;
        for (ir::ValueId id : inst.args) {
          const Value& candidate = values_[id];
          error = MinError(error, candidate.error);
          if (candidate.valid) {
            Value v = candidate;
            v.error = error;
            return v;
          }
        }
        return Null(error);
      }
      case Op::kIsNull: {
        Value v;
        v.i = a.valid ? 0 : 1;
        v.error = a.error;
        return v;
      }
      case Op::kAnd:
      case Op::kOr: {
        const Value& b = values_[inst.args[1]];
        uint32_t error = MinError(a.error, b.error);
        // Kleene logic: a known dominant operand decides even when the other is null.
        int64_t dominant = inst.op == Op::kAnd ? 0 : 1;
        if ((a.valid && a.i == dominant) || (b.valid && b.i == dominant)) {
          Value v;
          v.i = dominant;
          v.error = error;
          return v;
        }
        if (a.valid && b.valid) {
          Value v;
          v.i = 1 - dominant;
          v.error = error;
          return v;
        }
        return Null(error);
      }
      default: break;
    }
    // Every remaining op is strict: null in, null out; errors always propagate.
    uint32_t error = ir::kNoError;
    bool all_valid = true;
    for (ir::ValueId id : inst.args) {
      error = MinError(error, values_[id].error);
      all_valid = all_valid && values_[id].valid;
    }
    if (!all_valid) return Null(error);
    Value v;
    v.error = error;
    auto trap = [&]() {
      v.error = MinError(v.error, inst.trap);
      v.i = 0;
      v.f = 0.0;
      return v;
    };
    auto null = [&]() { return Null(error); };
    const Value& b = inst.args.size() > 1 ? values_[inst.args[1]] : a;
    if (ir::IsStringCall(inst.op)) return StringCall(inst, v);
    // Operand type: for comparisons it is the operands', not the result's (bool).
    Type operand_type = code_[inst.args[0]].type;
    switch (inst.op) {
      case Op::kAdd:
      case Op::kSub:
      case Op::kMul:
        if (inst.type == Type::kInt) {
          bool overflow = inst.op == Op::kAdd   ? __builtin_add_overflow(a.i, b.i, &v.i)
                          : inst.op == Op::kSub ? __builtin_sub_overflow(a.i, b.i, &v.i)
                                                : __builtin_mul_overflow(a.i, b.i, &v.i);
          if (overflow) return trap();
        } else {
          v.f = inst.op == Op::kAdd ? a.f + b.f : inst.op == Op::kSub ? a.f - b.f : a.f * b.f;
          if (!std::isfinite(v.f)) return trap();
        }
        return v;
      case Op::kDiv:
        if (b.f == 0.0) return null();
        v.f = a.f / b.f;
        if (!std::isfinite(v.f)) return trap();
        return v;
      case Op::kMod:
        if (inst.type == Type::kInt) {
          if (b.i == 0) return null();
          v.i = (b.i == -1) ? 0 : a.i % b.i;  // INT64_MIN % -1 is 0 (and undefined in C++)
        } else {
          if (b.f == 0.0) return null();
          v.f = std::fmod(a.f, b.f);
        }
        return v;
      case Op::kNeg:
        if (inst.type == Type::kInt) {
          if (a.i == std::numeric_limits<int64_t>::min()) return trap();
          v.i = -a.i;
        } else {
          v.f = -a.f;
        }
        return v;
      case Op::kIntToFloat: v.f = static_cast<double>(a.i); return v;
      case Op::kEq:
      case Op::kNe:
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe: {
        bool result;
        if (operand_type == Type::kFloat) {
          result = inst.op == Op::kEq ? a.f == b.f : inst.op == Op::kNe ? a.f != b.f
                 : inst.op == Op::kLt ? a.f < b.f : inst.op == Op::kLe ? a.f <= b.f
                 : inst.op == Op::kGt ? a.f > b.f : a.f >= b.f;
        } else {
          result = inst.op == Op::kEq ? a.i == b.i : inst.op == Op::kNe ? a.i != b.i
                 : inst.op == Op::kLt ? a.i < b.i : inst.op == Op::kLe ? a.i <= b.i
                 : inst.op == Op::kGt ? a.i > b.i : a.i >= b.i;
        }
        v.i = result ? 1 : 0;
        return v;
      }
      case Op::kNot: v.i = a.i ? 0 : 1; return v;
      case Op::kMin:
        if (inst.type == Type::kFloat) v.f = b.f < a.f ? b.f : a.f;
        else v.i = b.i < a.i ? b.i : a.i;
        return v;
      case Op::kMax:
        if (inst.type == Type::kFloat) v.f = a.f < b.f ? b.f : a.f;
        else v.i = a.i < b.i ? b.i : a.i;
        return v;
      case Op::kAbs:
        if (inst.type == Type::kInt) {
          if (a.i == std::numeric_limits<int64_t>::min()) return trap();
          v.i = a.i < 0 ? -a.i : a.i;
        } else {
          v.f = std::fabs(a.f);
        }
        return v;
      case Op::kRound:
        if (inst.type == Type::kInt) v.i = a.i;
        else v.f = RoundHalfAway(a.f, inst.imm_int);
        return v;
      case Op::kFloor:
        if (inst.type == Type::kInt) v.i = a.i;
        else v.f = std::floor(a.f);
        return v;
      case Op::kCeil:
        if (inst.type == Type::kInt) v.i = a.i;
        else v.f = std::ceil(a.f);
        return v;
      case Op::kSqrt:
        if (a.f < 0) return null();
        v.f = std::sqrt(a.f);
        return v;
      case Op::kLn:
        if (a.f <= 0) return null();
        v.f = std::log(a.f);
        return v;
      case Op::kExp:
        v.f = std::exp(a.f);
        if (!std::isfinite(v.f)) return null();
        return v;
      case Op::kPow:
        v.f = std::pow(a.f, b.f);
        if (!std::isfinite(v.f)) return null();
        return v;
      case Op::kSigmoid:
        v.f = 1.0 / (1.0 + std::exp(-a.f));
        return v;
      case Op::kSign:
        // Comparisons, not copysign: sign(-0.0) is +0.0 like sign(0.0).
        if (inst.type == Type::kInt) v.i = (a.i > 0) - (a.i < 0);
        else v.f = a.f > 0 ? 1.0 : a.f < 0 ? -1.0 : 0.0;
        return v;
      case Op::kLookup: {
        // A plain map from key (an int, or a string's dictionary code) to row.
        const ir::Table& t = program_.tables[inst.index];
        const ir::TableColumn& c = t.columns[static_cast<size_t>(inst.imm_int)];
        auto it = std::lower_bound(t.keys.begin(), t.keys.end(), a.i);
        if (it == t.keys.end() || *it != a.i) return null();
        size_t r = static_cast<size_t>(it - t.keys.begin());
        if (!c.valid[r]) return null();
        if (c.type == Type::kFloat) v.f = c.float_values[r];
        else v.i = c.int_values[r];
        return v;
      }
      case Op::kDaysBetween: v.i = b.i - a.i; return v;
      case Op::kAddDays:
        if (__builtin_add_overflow(a.i, b.i, &v.i) || !dates::InRange(v.i)) return trap();
        return v;
      case Op::kYear: v.i = dates::CivilFromDays(a.i).year; return v;
      case Op::kQuarter: v.i = (dates::CivilFromDays(a.i).month + 2) / 3; return v;
      case Op::kMonth: v.i = dates::CivilFromDays(a.i).month; return v;
      case Op::kDay: v.i = dates::CivilFromDays(a.i).day; return v;
      case Op::kDayOfWeek: v.i = dates::DayOfWeek(a.i); return v;
      case Op::kTruncMonth:
      case Op::kTruncQuarter:
      case Op::kTruncYear: {
        dates::Civil c = dates::CivilFromDays(a.i);
        int64_t month = inst.op == Op::kTruncMonth ? c.month : inst.op == Op::kTruncYear ? 1 : 3 * ((c.month - 1) / 3) + 1;
        v.i = dates::DaysFromCivil(c.year, month, 1);
        return v;
      }
      case Op::kFloatToInt:
        // [-2^63, 2^63): both bounds are exact doubles; static_cast truncates toward zero.
        if (!(a.f >= -9223372036854775808.0 && a.f < 9223372036854775808.0)) return trap();
        v.i = static_cast<int64_t>(a.f);
        return v;
      default:
        return null();
    }
  }

  // ir.h's string ops, on valid operands: the payloads go to the run's string helper
  // (kernel_abi.h), exactly as the compiled kernel passes them. Without a helper (constant
  // folding skips these ops) the payload is 0.
  Value StringCall(const ir::Instruction& inst, Value v) const {
    int64_t operand[3] = {0, 0, 0};
    for (size_t i = 0; i < inst.args.size() && i < 3; ++i) operand[i] = values_[inst.args[i]].i;
    v.i = strings_ == nullptr ? 0
                              : strings_->call(strings_->self, static_cast<uint32_t>(inst.op), operand[0], operand[1],
                                               operand[2]);
    return v;
  }

 public:
  void set_strings(const TallyStringCalls* strings) { strings_ = strings; }

 private:
  const ir::Program& program_;
  const std::vector<ir::Instruction>& code_;
  std::vector<Value> values_;
  const TallyStringCalls* strings_ = nullptr;
};

// The string helper a kernel reads one past its `count` columns, when `code` needs one.
const TallyStringCalls* StringCallsOf(const std::vector<ir::Instruction>& code, const TallyColumnView* columns,
                                      size_t count) {
  if (columns == nullptr || !ir::UsesStringCalls(code)) return nullptr;
  return static_cast<const TallyStringCalls*>(columns[count].values);
}

// The status of a row from its requirement conditions, then `errors` (in the given order).
uint32_t RowStatus(const ir::Program& program, const RowEvaluator& row, const std::vector<ir::ValueId>& checked) {
  for (const auto& r : program.requirements) {
    const Value& c = row[r.condition];
    if (c.error != ir::kNoError) return c.error + 1;
    if (c.valid && c.i == 0) return r.reason + 1;
  }
  uint32_t error = ir::kNoError;
  for (ir::ValueId id : checked) error = std::min(error, row[id].error);
  return error == ir::kNoError ? 0 : error + 1;
}

}  // namespace

void RunScore(const ir::Program& program, int64_t rows, const TallyColumnView* inputs,
              const uint16_t* variants, TallyColumnView* outputs, uint32_t* status) {
  RowEvaluator eval(program, program.row_code);
  // The string helper's view follows the inputs and the window values (kernel_abi.h).
  eval.set_strings(StringCallsOf(program.row_code, inputs, program.inputs.size() + program.window_values.size()));
  std::vector<ir::ValueId> checked;
  for (const auto& o : program.outputs) checked.push_back(o.value);
  for (int64_t r = 0; r < rows; ++r) {
    eval.Run(inputs, r, variants ? variants[r] : 0, {});
    status[r] = RowStatus(program, eval, checked);
    for (size_t o = 0; o < program.outputs.size(); ++o) {
      WriteColumn(outputs[o], program.outputs[o].type, r, eval[program.outputs[o].value]);
    }
  }
}

void RunMetricRows(const ir::Program& program, int64_t rows, const TallyColumnView* inputs,
                   const uint16_t* variants, TallyColumnView* aggregate_args, uint32_t* status) {
  RowEvaluator eval(program, program.row_code);
  eval.set_strings(StringCallsOf(program.row_code, inputs, program.inputs.size()));
  std::vector<ir::ValueId> checked;
  for (const auto& a : program.aggregates) {
    if (a.kind != ir::Aggregate::Kind::kCount) checked.push_back(a.arg);
    if (ir::HasSecondArgument(a.kind)) checked.push_back(a.weight);
  }
  for (int64_t r = 0; r < rows; ++r) {
    eval.Run(inputs, r, variants ? variants[r] : 0, {});
    status[r] = RowStatus(program, eval, checked);
    for (size_t i = 0; i < program.aggregates.size(); ++i) {
      const auto& a = program.aggregates[i];
      if (a.kind != ir::Aggregate::Kind::kCount) {
        WriteColumn(aggregate_args[2 * i], program.row_code[a.arg].type, r, eval[a.arg]);
      }
      if (ir::HasSecondArgument(a.kind)) {
        WriteColumn(aggregate_args[2 * i + 1], program.row_code[a.weight].type, r, eval[a.weight]);
      }
    }
  }
}

void RunMetricFinalize(const ir::Program& program, int64_t groups, const TallyColumnView* aggregates,
                       const TallyColumnView* group_keys, TallyColumnView* outputs, uint32_t* status) {
  RowEvaluator eval(program, program.post_code);
  eval.set_strings(StringCallsOf(program.post_code, group_keys, program.group_keys.size()));
  GroupInputs group{aggregates, group_keys, &program.aggregates, &program.inputs};
  std::vector<ir::ValueId> checked;
  for (const auto& o : program.outputs) checked.push_back(o.value);
  for (int64_t g = 0; g < groups; ++g) {
    eval.Run(nullptr, g, 0, group);
    uint32_t error = ir::kNoError;
    for (ir::ValueId id : checked) error = std::min(error, eval[id].error);
    status[g] = error == ir::kNoError ? 0 : error + 1;
    for (size_t o = 0; o < program.outputs.size(); ++o) {
      WriteColumn(outputs[o], program.outputs[o].type, g, eval[program.outputs[o].value]);
    }
  }
}

std::optional<ir::Instruction> EvaluateOnConstants(const ir::Instruction& op,
                                                   const std::vector<ir::Instruction>& operands) {
  std::vector<ir::Instruction> code = operands;
  ir::Instruction applied = op;
  for (size_t i = 0; i < applied.args.size(); ++i) applied.args[i] = static_cast<ir::ValueId>(i);
  code.push_back(std::move(applied));
  ir::Program empty;
  RowEvaluator eval(empty, code);
  eval.Run(nullptr, 0, 0, {});
  const Value& v = eval[static_cast<ir::ValueId>(operands.size())];
  if (v.error != ir::kNoError) return std::nullopt;
  ir::Instruction c;
  c.op = Op::kConstant;
  c.type = op.type;
  if (!v.valid) {
    c.nullable = true;
    c.is_null_constant = true;
    return c;
  }
  switch (op.type) {
    case Type::kFloat: c.imm_float = v.f; break;
    case Type::kString: c.index = static_cast<uint32_t>(v.i); c.imm_int = v.i; break;
    default: c.imm_int = v.i; break;
  }
  return c;
}

}  // namespace tally::interp
