// Test helpers: build ir::Programs by hand (with the nullable / may_error flags a checker
// would set) and run them through a compiled kernel or the reference interpreter on owned
// columns.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "tally/compiler/ir.h"
#include "tally/compiler/ir_ops.h"
#include "tally/compiler/kernel_abi.h"

namespace tally::codegen::testing {

using ir::Op;
using ir::Type;
using ir::ValueId;

// The op table says which ops trap; a program built here carries a trap id exactly there.
inline bool CanTrap(Op op, Type t) { return ir::OpTraps(op, t); }

class ProgramBuilder {
 public:
  explicit ProgramBuilder(ir::Program::Kind kind = ir::Program::Kind::kScore, std::string name = "test.program") {
    p_.kind = kind;
    p_.name = std::move(name);
    p_.version = "1.0.0";
    p_.variants = {""};
  }

  ValueId Input(const std::string& name, Type type, bool nullable = true) {
    p_.inputs.push_back({name, type, nullable});
    ir::Instruction ins;
    ins.op = Op::kInput;
    ins.type = type;
    ins.nullable = nullable;
    ins.index = static_cast<uint32_t>(p_.inputs.size() - 1);
    return Add(ins);
  }
  ValueId Int(int64_t v) { return Const(Type::kInt, v, 0); }
  ValueId Date(int64_t days) { return Const(Type::kDate, days, 0); }
  ValueId Float(double v) { return Const(Type::kFloat, 0, v); }
  ValueId Bool(bool v) { return Const(Type::kBool, v, 0); }
  ValueId Null(Type t) {
    ir::Instruction ins;
    ins.op = Op::kConstant;
    ins.type = t;
    ins.nullable = true;
    ins.is_null_constant = true;
    return Add(ins);
  }
  ValueId String(const std::string& text) {
    p_.string_constants.push_back(text);
    ir::Instruction ins;
    ins.op = Op::kConstant;
    ins.type = Type::kString;
    ins.index = static_cast<uint32_t>(p_.string_constants.size() - 1);
    return Add(ins);
  }
  // A param with one value per variant (see Variants()).
  ValueId Param(const std::string& name, Type type, std::vector<int64_t> ints, std::vector<double> floats) {
    ir::Param prm;
    prm.name = name;
    prm.type = type;
    prm.regional = ints.size() > 1 || floats.size() > 1;
    prm.int_values = std::move(ints);
    prm.float_values = std::move(floats);
    p_.params.push_back(prm);
    ir::Instruction ins;
    ins.op = Op::kParam;
    ins.type = type;
    ins.index = static_cast<uint32_t>(p_.params.size() - 1);
    return Add(ins);
  }
  void Variants(std::vector<std::string> v) { p_.variants = std::move(v); }

  // A reference table (keys ascending, as ir.h requires) and a lookup of one of its columns.
  uint32_t Table(ir::Table table) {
    p_.tables.push_back(std::move(table));
    return static_cast<uint32_t>(p_.tables.size() - 1);
  }
  ValueId Lookup(uint32_t table, uint32_t column, ValueId key) {
    ir::Instruction ins;
    ins.op = Op::kLookup;
    ins.type = p_.tables[table].columns[column].type;
    ins.nullable = true;
    ins.may_error = Code()[key].may_error;
    ins.index = table;
    ins.imm_int = column;
    ins.args = {key};
    return Add(ins);
  }

  // A score's window value (ir.h kWindow) `value` of Program::window_values.
  ValueId Window(uint32_t value) {
    const ir::WindowValue& w = p_.window_values.at(value);
    ir::Instruction ins;
    ins.op = Op::kWindow;
    ins.type = w.type;
    ins.nullable = w.nullable;
    ins.index = value;
    return Add(ins);
  }

  // An operation with the result type `type`; flags follow the checker's rules.
  ValueId Apply(Op op, Type type, std::vector<ValueId> args, int64_t imm = 0) {
    ir::Instruction ins;
    ins.op = op;
    ins.type = type;
    ins.args = args;
    ins.imm_int = imm;
    bool any_nullable = false, all_nullable = true, any_error = false;
    for (ValueId a : args) {
      any_nullable |= Code()[a].nullable;
      all_nullable &= Code()[a].nullable;
      any_error |= Code()[a].may_error;
    }
    switch (op) {
      case Op::kCoalesce: ins.nullable = all_nullable; break;
      case Op::kIsNull: ins.nullable = false; break;
      case Op::kSelect: ins.nullable = Code()[args[1]].nullable || Code()[args[2]].nullable; break;
      case Op::kDiv: case Op::kMod: case Op::kSqrt: case Op::kLn: case Op::kExp: case Op::kPow:
        ins.nullable = true;
        break;
      default: ins.nullable = any_nullable;
    }
    ins.may_error = any_error;
    if (CanTrap(op, type)) {
      ins.may_error = true;
      ins.trap = static_cast<uint32_t>(p_.reasons.size());
      p_.reasons.push_back({ir::Reason::Kind::kTrap, std::string("trap in ") + ir_op_name(op), SourceLocation{"test", 1, 1}});
    }
    return Add(ins);
  }
  ValueId Require(ValueId condition, const std::string& message) {
    p_.requirements.push_back({condition, static_cast<uint32_t>(p_.reasons.size())});
    p_.reasons.push_back({ir::Reason::Kind::kRequire, message, SourceLocation{"test", 1, 1}});
    return condition;
  }
  void Output(const std::string& name, ValueId v) {
    const ir::Instruction& ins = Code()[v];
    p_.outputs.push_back({name, ins.type, ins.nullable, v});
  }
  // Metrics: an aggregate over row-code values, readable in post code via AggregateRef.
  uint32_t Aggregate(ir::Aggregate::Kind kind, Type type, bool nullable, ValueId arg = 0, ValueId weight = 0) {
    ir::Aggregate a;
    a.kind = kind;
    a.type = type;
    a.nullable = nullable;
    a.arg = arg;
    a.weight = weight;
    p_.aggregates.push_back(a);
    return static_cast<uint32_t>(p_.aggregates.size() - 1);
  }
  void GroupBy(uint32_t input) { p_.group_keys.push_back(input); }
  // A computed group key: a kKey aggregate of `value`, at `position` among all keys.
  uint32_t GroupByValue(const std::string& name, ValueId value, uint32_t position) {
    const ir::Instruction& v = p_.row_code[value];
    uint32_t index = Aggregate(ir::Aggregate::Kind::kKey, v.type, v.nullable, value);
    p_.computed_keys.push_back({name, index, position});
    return index;
  }
  // Switches Add/Apply to post-aggregation code.
  void Post() { post_ = true; }
  ValueId AggregateRef(uint32_t index) {
    ir::Instruction ins;
    ins.op = Op::kAggregate;
    ins.type = p_.aggregates[index].type;
    ins.nullable = p_.aggregates[index].nullable;
    ins.index = index;
    return Add(ins);
  }
  ValueId GroupKeyRef(uint32_t index) {
    ir::Instruction ins;
    ins.op = Op::kGroupKey;
    ins.type = p_.inputs[p_.group_keys[index]].type;
    ins.nullable = p_.inputs[p_.group_keys[index]].nullable;
    ins.index = index;
    return Add(ins);
  }

  const ir::Program& program() const { return p_; }
  ir::Program& mutable_program() { return p_; }

 private:
  static const char* ir_op_name(Op op) { return op == Op::kDiv ? "division" : "arithmetic"; }
  std::vector<ir::Instruction>& Code() { return post_ ? p_.post_code : p_.row_code; }
  ValueId Const(Type t, int64_t i, double f) {
    ir::Instruction ins;
    ins.op = Op::kConstant;
    ins.type = t;
    ins.imm_int = i;
    ins.imm_float = f;
    return Add(ins);
  }
  ValueId Add(const ir::Instruction& ins) {
    Code().push_back(ins);
    return static_cast<ValueId>(Code().size() - 1);
  }

  ir::Program p_;
  bool post_ = false;
};

// A column of one physical type with its validity bytes (or none: `valid` NULL).
struct Column {
  Type type = Type::kFloat;
  std::vector<uint8_t> bytes;  // the values, packed as the ABI says
  std::vector<uint8_t> valid;
  bool has_valid = true;

  static size_t Width(Type t) {
    switch (t) {
      case Type::kBool: return 1;
      case Type::kInt: return 8;
      case Type::kDate: return 8;
      case Type::kFloat: return 8;
      case Type::kString: return 4;
    }
    return 8;
  }
  static Column Empty(Type t, int64_t rows) {
    Column c;
    c.type = t;
    c.bytes.assign(static_cast<size_t>(rows) * Width(t), 0xA5);  // garbage: kernels must write every row
    c.valid.assign(static_cast<size_t>(rows), 0xA5);
    return c;
  }
  int64_t rows() const { return static_cast<int64_t>(bytes.size() / Width(type)); }
  template <typename T>
  T At(int64_t r) const {
    T v;
    std::memcpy(&v, bytes.data() + r * sizeof(T), sizeof(T));
    return v;
  }
  template <typename T>
  void Push(T v, bool is_valid) {
    size_t at = bytes.size();
    bytes.resize(at + sizeof(T));
    std::memcpy(bytes.data() + at, &v, sizeof(T));
    valid.push_back(is_valid ? 1 : 0);
  }
  TallyColumnView View() {
    return {bytes.data(), has_valid ? valid.data() : nullptr};
  }
};

inline Column Ints(const std::vector<std::optional<int64_t>>& v) {
  Column c;
  c.type = Type::kInt;
  for (const auto& x : v) c.Push<int64_t>(x.value_or(0), x.has_value());
  return c;
}
inline Column Dates(const std::vector<std::optional<int64_t>>& v) {
  Column c;
  c.type = Type::kDate;
  for (const auto& x : v) c.Push<int64_t>(x.value_or(0), x.has_value());
  return c;
}
inline Column Floats(const std::vector<std::optional<double>>& v) {
  Column c;
  c.type = Type::kFloat;
  for (const auto& x : v) c.Push<double>(x.value_or(0.0), x.has_value());
  return c;
}
inline Column Bools(const std::vector<std::optional<bool>>& v) {
  Column c;
  c.type = Type::kBool;
  for (const auto& x : v) c.Push<uint8_t>(x.value_or(false) ? 1 : 0, x.has_value());
  return c;
}
inline Column Codes(const std::vector<std::optional<int32_t>>& v) {
  Column c;
  c.type = Type::kString;
  for (const auto& x : v) c.Push<int32_t>(x.value_or(0), x.has_value());
  return c;
}

struct RunResult {
  std::vector<Column> outputs;
  std::vector<uint32_t> status;
};

// Output columns for a score (one per output) or a metric row kernel (two per aggregate).
inline std::vector<Column> OutputColumns(const ir::Program& p, int64_t rows, bool aggregate_args) {
  std::vector<Column> out;
  if (!aggregate_args) {
    for (const ir::Output& o : p.outputs) out.push_back(Column::Empty(o.type, rows));
    return out;
  }
  for (const ir::Aggregate& a : p.aggregates) {
    bool has_arg = ir::HasArgument(a.kind);
    out.push_back(Column::Empty(has_arg ? p.row_code[a.arg].type : Type::kInt, has_arg ? rows : 0));
    bool has_weight = ir::HasSecondArgument(a.kind);
    out.push_back(Column::Empty(has_weight ? p.row_code[a.weight].type : Type::kInt, has_weight ? rows : 0));
  }
  return out;
}

// Calls `fn(rows, inputs, variants, outputs, status)` (a score or metric row kernel).
template <typename Fn>
RunResult RunColumns(Fn fn, const ir::Program& p, std::vector<Column>& inputs, int64_t rows,
              const std::vector<uint16_t>* variants, bool aggregate_args) {
  RunResult r;
  r.outputs = OutputColumns(p, rows, aggregate_args);
  r.status.assign(static_cast<size_t>(rows), 0xDEADBEEF);
  std::vector<TallyColumnView> in_views, out_views;
  for (Column& c : inputs) in_views.push_back(c.View());
  for (Column& c : r.outputs) out_views.push_back(c.View());
  fn(rows, in_views.data(), variants ? variants->data() : nullptr, out_views.data(), r.status.data());
  return r;
}

// Like RunColumns, but one call per row (each row its own batch): a row's result must not
// depend on the other rows of its batch (the kernel's fast loop and its precise loop for
// batches where a trap fires must agree).
template <typename Fn>
RunResult RunRowByRow(Fn fn, const ir::Program& p, std::vector<Column>& inputs, int64_t rows,
                      const std::vector<uint16_t>* variants, bool aggregate_args) {
  RunResult r;
  r.outputs = OutputColumns(p, rows, aggregate_args);
  r.status.assign(static_cast<size_t>(rows), 0xDEADBEEF);
  for (int64_t row = 0; row < rows; ++row) {
    std::vector<TallyColumnView> in_views, out_views;
    auto at = [row](Column& c) {
      size_t w = Column::Width(c.type);
      bool empty = c.bytes.empty();
      return TallyColumnView{empty ? nullptr : c.bytes.data() + row * w,
                             c.has_valid && !empty ? c.valid.data() + row : nullptr};
    };
    for (Column& c : inputs) in_views.push_back(at(c));
    for (Column& c : r.outputs) out_views.push_back(at(c));
    fn(1, in_views.data(), variants ? variants->data() + row : nullptr, out_views.data(), r.status.data() + row);
  }
  return r;
}

}  // namespace tally::codegen::testing
