#include "tally/compiler/lower.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <memory>

#include "aggregate_args.h"
#include "functions.h"
#include "tally/compiler/ir_ops.h"
#include "tally/support/civil_date.h"

namespace tally {
namespace {

using K = CheckedType::Kind;

SourceLocation Location(const SourceRange& r) {
  if (r.file == nullptr) return {};
  return r.file->LocationOf(r.begin);
}

std::string Text(const SourceRange& r) {
  if (r.file == nullptr) return "";
  return r.file->text().substr(r.begin, r.end - r.begin);
}

class Lowering {
 public:
  Lowering(const CheckedModule& module, const CheckedDefinition& def)
      : module_(module), def_(def), ast_(*def.ast) {}

  // Inputs as they come: the layout as written (the checker allows each member once), and
  // each carried column as a string? input after the declared ones that no instruction reads.
  void LowerInputLayout() {
    if (!ast_.formats.empty()) p_.layout.format = ast_.formats[0].value;
    if (!ast_.delimiters.empty()) p_.layout.delimiter = ast_.delimiters[0].value;
    if (!ast_.headers.empty()) p_.layout.header = ast_.headers[0].value;
    if (!ast_.column_lists.empty()) {
      for (const auto& c : ast_.column_lists[0].value) p_.layout.columns.push_back(c.value);
      if (p_.layout.header.empty()) p_.layout.header = "none";  // `columns` alone: no header line
    }
    for (const auto& c : ast_.carried) {
      p_.carried_inputs.push_back(static_cast<uint32_t>(p_.inputs.size()));
      p_.inputs.push_back({c.value, ir::Type::kString, true});
    }
  }

  // The source range of each reason, by reason id.
  std::vector<SourceRange> reason_ranges_;

  ir::Program Run() {
    is_metric_ = ast_.kind == ast::Definition::Kind::kMetric;
    p_.kind = is_metric_ ? ir::Program::Kind::kMetric : ir::Program::Kind::kScore;
    p_.name = ast_.name;
    p_.version = ast_.versions.empty() ? "" : ast_.versions[0].value;
    for (const auto& in : ast_.inputs) {
      const Symbol& s = def_.symbols.at(in.name);
      ir::Column column{in.name, s.type.ToIr(), s.type.nullable, 0};
      if (auto format = dates::FormatFromName(in.format)) column.date_format = static_cast<uint8_t>(*format);
      p_.inputs.push_back(std::move(column));
      if (in.name == "region" && s.type.kind == K::kString) p_.region_input = static_cast<int32_t>(p_.inputs.size() - 1);
    }
    for (const auto& k : ast_.keys) p_.key_inputs.push_back(InputIndex(k.value));
    for (const auto& g : ast_.group_by) {
      if (def_.symbols.at(g.value).kind == Symbol::Kind::kInput) p_.group_keys.push_back(InputIndex(g.value));
    }
    LowerInputLayout();
    LowerParams();

    // Requirements come first among reasons, in source order.
    for (const auto& r : ast_.requirements) {
      p_.reasons.push_back({ir::Reason::Kind::kRequire, "require " + r.text, Location(r.range)});
      reason_ranges_.push_back(r.range);
    }
    code_ = &p_.row_code;
    for (size_t i = 0; i < ast_.requirements.size(); ++i) {
      p_.requirements.push_back({Lower(*ast_.requirements[i].condition).id, static_cast<uint32_t>(i)});
    }
    if (is_metric_) LowerComputedKeys();
    if (is_metric_) code_ = &p_.post_code;
    for (size_t i = 0; i < ast_.outputs.size(); ++i) {
      const auto& o = ast_.outputs[i];
      const Symbol& s = def_.symbols.at(o.name);
      Value v = Coerce(Lower(*o.value), s.type.ToIr());
      output_values_[i] = v;
      p_.outputs.push_back({o.name, s.type.ToIr(), s.type.nullable, v.id});
    }
    FinishWindows();
    return std::move(p_);
  }

 private:
  struct Value {
    ir::ValueId id = 0;
    ir::Type type = ir::Type::kFloat;
    bool nullable = false;
    bool may_error = false;
    bool null_constant = false;
  };

  uint32_t InputIndex(const std::string& name) const {
    for (uint32_t i = 0; i < ast_.inputs.size(); ++i) {
      if (ast_.inputs[i].name == name) return i;
    }
    assert(false && "checked names resolve");
    return 0;
  }

  uint32_t StringConstant(const std::string& s) {
    if (strings_ != nullptr) return strings_->StringConstant(s);
    auto [it, inserted] = string_ids_.emplace(s, static_cast<uint32_t>(p_.string_constants.size()));
    if (inserted) p_.string_constants.push_back(s);
    return it->second;
  }

  void LowerParams() {
    // Variant 0 is global; then one per overriding region, sorted by name for a canonical IR.
    p_.variants.push_back("");
    std::vector<const ast::Override*> overrides(def_.overrides.begin(), def_.overrides.end());
    std::sort(overrides.begin(), overrides.end(), [](auto* a, auto* b) { return a->region < b->region; });
    for (auto* o : overrides) p_.variants.push_back(o->region);
    if (p_.variants.size() == 1) p_.region_input = -1;
    for (size_t i = 0; i < ast_.params.size(); ++i) {
      const auto& param = ast_.params[i];
      ir::Param out;
      out.name = param.name;
      out.type = def_.param_types[i].ToIr();
      out.regional = param.regional;
      auto push = [&](const ast::Literal& lit) {
        switch (out.type) {
          case ir::Type::kFloat:
            out.float_values.push_back(lit.kind == ast::Literal::Kind::kInt ? static_cast<double>(lit.int_value) : lit.float_value);
            break;
          case ir::Type::kInt:
          case ir::Type::kDate: out.int_values.push_back(lit.int_value); break;
          case ir::Type::kBool: out.int_values.push_back(lit.bool_value ? 1 : 0); break;
          case ir::Type::kString: out.int_values.push_back(StringConstant(lit.string_value)); break;
        }
      };
      push(param.value);
      for (auto* o : overrides) {
        const ast::Literal* value = &param.value;
        for (const auto& item : o->items) {
          if (item.name == param.name) value = &item.value;
        }
        push(*value);
      }
      p_.params.push_back(std::move(out));
    }
  }

  Value Emit(ir::Instruction inst, bool can_trap, const SourceRange& range, const char* what) {
    bool operand_error = false;
    for (auto a : inst.args) operand_error = operand_error || (*code_)[a].may_error;
    if (can_trap) {
      inst.trap = static_cast<uint32_t>(p_.reasons.size());
      std::string message = std::string(what) + " in `" + Text(range) + "`";
      // A trap inside an inlined function is located in the function; the message names the
      // function and where the definition calls it.
      if (!frames_.empty() && frames_.front().call.file != nullptr)
        message += " in function `" + frames_.back().function->ast->name + "` called at " +
                   Location(frames_.front().call).ToString();
      p_.reasons.push_back({ir::Reason::Kind::kTrap, message, Location(range)});
      reason_ranges_.push_back(range);
    }
    inst.may_error = operand_error || can_trap;
    code_->push_back(std::move(inst));
    const auto& back = code_->back();
    return {static_cast<ir::ValueId>(code_->size() - 1), back.type, back.nullable, back.may_error, back.is_null_constant};
  }

  Value Op(ir::Op op, ir::Type type, bool nullable, std::vector<ir::ValueId> args, bool can_trap = false,
           const SourceRange& range = {}, const char* what = "") {
    ir::Instruction inst;
    inst.op = op;
    inst.type = type;
    inst.nullable = nullable;
    inst.args = std::move(args);
    return Emit(std::move(inst), can_trap, range, what);
  }

  Value NullConstant(ir::Type type) {
    ir::Instruction inst;
    inst.op = ir::Op::kConstant;
    inst.type = type;
    inst.nullable = true;
    inst.is_null_constant = true;
    return Emit(std::move(inst), false, {}, "");
  }

  Value Coerce(Value v, ir::Type to) {
    if (v.type == to) return v;
    if (v.null_constant) return NullConstant(to);
    if (v.type == ir::Type::kInt && to == ir::Type::kFloat) return Op(ir::Op::kIntToFloat, to, v.nullable, {v.id});
    return v;  // the checker rules out every other mismatch
  }

  ir::Type TypeOf(const ast::Expr& e) const {
    const auto& t = module_.info.at(&e).type;
    return t.kind == K::kNull ? ir::Type::kInt : t.ToIr();
  }

  Value Lower(const ast::Expr& e) {
    using EK = ast::Expr::Kind;
    switch (e.kind) {
      case EK::kLiteral: return LowerLiteral(e.literal);
      case EK::kName: return LowerName(e);
      case EK::kUnary: {
        Value v = Lower(*e.args[0]);
        if (e.unary_op == ast::UnaryOp::kNot) {
          v = Coerce(v, ir::Type::kBool);  // `not null`: the null literal is an int until told
          return Op(ir::Op::kNot, ir::Type::kBool, v.nullable, {v.id});
        }
        if (v.null_constant) return v;
        return Call(ir::Op::kNeg, v.type, v.nullable, {v}, e.range);
      }
      case EK::kBinary: return LowerBinary(e);
      case EK::kIn: return LowerIn(e);
      case EK::kIf: {
        Value c = Lower(*e.args[0]);
        ir::Type t = TypeOf(e);
        Value a = Coerce(Lower(*e.args[1]), t);
        Value b = Coerce(Lower(*e.args[2]), t);
        if (c.null_constant) return b;
        return Op(ir::Op::kSelect, t, a.nullable || b.nullable, {c.id, a.id, b.id});
      }
      case EK::kCall: return LowerCall(e);
      case EK::kLookup: return LowerLookup(e);
      case EK::kField: break;  // the checker rejects a field of anything but a lookup
    }
    return NullConstant(ir::Type::kInt);
  }

  Value LowerLiteral(const ast::Literal& lit) {
    ir::Instruction inst;
    inst.op = ir::Op::kConstant;
    switch (lit.kind) {
      case ast::Literal::Kind::kInt: inst.type = ir::Type::kInt; inst.imm_int = lit.int_value; break;
      case ast::Literal::Kind::kFloat: inst.type = ir::Type::kFloat; inst.imm_float = lit.float_value; break;
      case ast::Literal::Kind::kBool: inst.type = ir::Type::kBool; inst.imm_int = lit.bool_value ? 1 : 0; break;
      case ast::Literal::Kind::kString:
        inst.type = ir::Type::kString;
        inst.index = StringConstant(lit.string_value);
        inst.imm_int = inst.index;
        break;
      case ast::Literal::Kind::kNull: return NullConstant(ir::Type::kInt);
      case ast::Literal::Kind::kDate: inst.type = ir::Type::kDate; inst.imm_int = lit.int_value; break;
    }
    return Emit(std::move(inst), false, {}, "");
  }

  Value LowerName(const ast::Expr& e) {
    const ExprInfo& info = module_.info.at(&e);
    const Symbol& s = *info.symbol;
    switch (s.kind) {
      case Symbol::Kind::kInput: {
        if (is_metric_ && code_ == &p_.post_code) {
          uint32_t key = 0;
          for (uint32_t j = 0; j < p_.group_keys.size(); ++j) {
            if (p_.group_keys[j] == s.index) key = j;
          }
          ir::Instruction inst;
          inst.op = ir::Op::kGroupKey;
          inst.type = s.type.ToIr();
          inst.nullable = s.type.nullable;
          inst.index = key;
          return Emit(std::move(inst), false, {}, "");
        }
        ir::Instruction inst;
        inst.op = ir::Op::kInput;
        inst.type = s.type.ToIr();
        inst.nullable = s.type.nullable;
        inst.index = s.index;
        return Emit(std::move(inst), false, {}, "");
      }
      case Symbol::Kind::kParam: {
        ir::Instruction inst;
        inst.op = ir::Op::kParam;
        inst.type = def_.param_types[s.index].ToIr();
        inst.index = s.index;
        return Emit(std::move(inst), false, {}, "");
      }
      case Symbol::Kind::kLet:
        if (is_metric_ && code_ == &p_.post_code) return ComputedKeyValue(s.index);
        if (!let_values_.count(s.index)) LowerLet(s.index);
        return let_values_.at(s.index);
      case Symbol::Kind::kOutput:
        // A window program lowers the score output its argument names on its own.
        if (!output_values_.count(s.index)) {
          output_values_[s.index] = Coerce(Lower(*ast_.outputs[s.index].value), def_.symbols.at(ast_.outputs[s.index].name).type.ToIr());
        }
        return output_values_.at(s.index);
      case Symbol::Kind::kFunctionParam: return frames_.back().args.at(s.index);
    }
    return NullConstant(ir::Type::kInt);
  }

  // Lowers let `root` after the lets it needs, deepest first, with an explicit stack: a
  // chain of 100,000 lets, each using the previous, must not recurse 100,000 times. When a
  // let's expression is lowered every let it names is already lowered, so Lower never
  // recurses through a let.
  void LowerLet(uint32_t root) {
    struct Pending {
      uint32_t let;
      bool dependencies_lowered;
    };
    std::vector<Pending> stack{{root, false}};
    while (!stack.empty()) {
      Pending top = stack.back();
      stack.pop_back();
      if (let_values_.count(top.let)) continue;
      if (top.dependencies_lowered) {
        let_values_[top.let] = Lower(*ast_.lets[top.let].value);
        continue;
      }
      stack.push_back({top.let, true});
      std::vector<uint32_t> needed = LetsNamedIn(*ast_.lets[top.let].value);
      // Reversed, so that the first let named is lowered first, as a reader expects.
      for (auto it = needed.rbegin(); it != needed.rend(); ++it) {
        if (!let_values_.count(*it)) stack.push_back({*it, false});
      }
    }
  }

  // The lets `e` names, in reading order. Expressions nest boundedly (the parser's limits).
  std::vector<uint32_t> LetsNamedIn(const ast::Expr& e) const {
    std::vector<uint32_t> lets;
    std::vector<const ast::Expr*> todo{&e};
    while (!todo.empty()) {
      const ast::Expr* x = todo.back();
      todo.pop_back();
      if (x->kind == ast::Expr::Kind::kName) {
        const Symbol* s = module_.info.at(x).symbol;
        if (s->kind == Symbol::Kind::kLet) lets.push_back(s->index);
      }
      for (auto it = x->args.rbegin(); it != x->args.rend(); ++it) todo.push_back(it->get());
    }
    return lets;
  }

  Value LowerBinary(const ast::Expr& e) {
    using B = ast::BinaryOp;
    Value a = Lower(*e.args[0]);
    Value b = Lower(*e.args[1]);
    bool nullable = a.nullable || b.nullable;
    B op = e.binary_op;
    if (op == B::kAnd || op == B::kOr) {
      a = Coerce(a, ir::Type::kBool);
      b = Coerce(b, ir::Type::kBool);
      return Op(op == B::kAnd ? ir::Op::kAnd : ir::Op::kOr, ir::Type::kBool, nullable, {a.id, b.id});
    }
    ir::Type operand = OperandType(a, b);
    if (op == B::kDiv) operand = ir::Type::kFloat;
    a = Coerce(a, operand);
    b = Coerce(b, operand);
    switch (op) {
      case B::kAdd: return Call(ir::Op::kAdd, operand, nullable, {a, b}, e.range);
      case B::kSub: return Call(ir::Op::kSub, operand, nullable, {a, b}, e.range);
      case B::kMul: return Call(ir::Op::kMul, operand, nullable, {a, b}, e.range);
      // Division and modulo are null for a zero divisor unless the checker proved it non-zero.
      case B::kDiv: return Call(ir::Op::kDiv, ir::Type::kFloat, module_.info.at(&e).type.nullable, {a, b}, e.range);
      case B::kMod: return Call(ir::Op::kMod, operand, module_.info.at(&e).type.nullable, {a, b}, e.range);
      default: break;
    }
    ir::Op o = op == B::kEq ? ir::Op::kEq : op == B::kNe ? ir::Op::kNe : op == B::kLt ? ir::Op::kLt
             : op == B::kLe ? ir::Op::kLe : op == B::kGt ? ir::Op::kGt : ir::Op::kGe;
    return Op(o, ir::Type::kBool, nullable, {a.id, b.id});
  }

  static ir::Type OperandType(const Value& a, const Value& b) {
    if (a.null_constant && b.null_constant) return ir::Type::kInt;
    if (a.null_constant) return b.type;
    if (b.null_constant) return a.type;
    if (a.type == ir::Type::kFloat || b.type == ir::Type::kFloat) {
      if ((a.type == ir::Type::kInt || a.type == ir::Type::kFloat) && (b.type == ir::Type::kInt || b.type == ir::Type::kFloat))
        return ir::Type::kFloat;
    }
    return a.type;
  }

  Value LowerIn(const ast::Expr& e) {
    Value needle = Lower(*e.args[0]);
    std::optional<Value> any;
    for (size_t i = 1; i < e.args.size(); ++i) {
      Value element = Lower(*e.args[i]);
      ir::Type t = OperandType(needle, element);
      Value n = Coerce(needle, t);
      Value el = Coerce(element, t);
      Value eq = Op(ir::Op::kEq, ir::Type::kBool, n.nullable || el.nullable, {n.id, el.id});
      any = any ? Op(ir::Op::kOr, ir::Type::kBool, any->nullable || eq.nullable, {any->id, eq.id}) : eq;
    }
    if (!any) any = BoolConstant(false);
    if (e.negated) return Op(ir::Op::kNot, ir::Type::kBool, any->nullable, {any->id});
    return *any;
  }

  // A call, as its registry entry (functions.h) says.
  Value LowerCall(const ast::Expr& e) {
    const ExprInfo& info = module_.info.at(&e);
    if (e.window) return LowerWindow(e, info);
    if (info.is_aggregate) return LowerAggregate(e, info);
    if (info.function != nullptr) return LowerFunctionCall(e, *info.function);
    const FunctionSpec& f = *FindFunction(e.name);  // the checker rejects unknown functions
    ir::Type t = TypeOf(e);
    bool nullable = info.type.nullable;
    std::vector<Value> args;
    for (const auto& a : e.args) args.push_back(Lower(*a));
    // Arguments are converted to the result type first, in order (round's digits are an
    // immediate, is_null takes its argument as it is).
    auto converted = [&](size_t count) {
      std::vector<Value> out;
      for (size_t i = 0; i < count; ++i) out.push_back(Coerce(args[i], t));
      return out;
    };
    using L = FunctionSpec::Lowering;
    switch (f.lowering) {
      case L::kOp: return Call(f.op, t, nullable, converted(args.size()), e.range);
      case L::kFold: {
        std::vector<Value> v = converted(args.size());
        Value acc = v[0];
        for (size_t i = 1; i < v.size(); ++i) acc = Call(f.op, t, acc.nullable || v[i].nullable, {acc, v[i]}, e.range);
        return acc;
      }
      case L::kClamp: {
        std::vector<Value> v = converted(3);
        Value lo = Call(ir::Op::kMax, t, v[0].nullable || v[1].nullable, {v[0], v[1]}, e.range);
        return Call(ir::Op::kMin, t, nullable, {lo, v[2]}, e.range);
      }
      case L::kDigits: {
        Value v = Call(f.op, t, nullable, converted(1), e.range);
        (*code_)[v.id].imm_int = e.args.size() == 2 ? e.args[1]->literal.int_value : 0;
        return v;
      }
      case L::kIsNull:
        if (args[0].null_constant) return BoolConstant(true);
        return Op(f.op, ir::Type::kBool, false, {args[0].id});
      case L::kTyped: {
        // The op table says what each operand is: dates, or add_days' int count of days.
        const ir::OpInfo& op = ir::InfoOf(f.op);
        std::vector<Value> v;
        for (size_t i = 0; i < args.size(); ++i) {
          bool wants_int = op.operands == ir::OpInfo::Operands::kDateInt && i == 1;
          ir::Type want = wants_int ? ir::Type::kInt : ir::Type::kDate;
          v.push_back(args[i].null_constant ? NullConstant(want) : args[i]);
        }
        return Call(f.op, t, nullable, v, e.range);
      }
      case L::kToInt:
        if (args[0].null_constant) return NullConstant(ir::Type::kInt);
        if (args[0].type == ir::Type::kFloat) return Call(f.op, t, nullable, {args[0]}, e.range);
        if (args[0].type == ir::Type::kDate) {  // days since 1970-01-01
          ir::Instruction epoch;
          epoch.op = ir::Op::kConstant;
          epoch.type = ir::Type::kDate;
          Value zero = Emit(std::move(epoch), false, {}, "");
          return Call(ir::Op::kDaysBetween, t, nullable, {zero, args[0]}, e.range);
        }
        return args[0];
      case L::kToFloat:
        if (args[0].null_constant) return NullConstant(ir::Type::kFloat);
        return Coerce(args[0], ir::Type::kFloat);
      case L::kStrings: return LowerStringCall(f, t, args, e.range);
    }
    return NullConstant(t);
  }

  // A user-defined function, inlined: the arguments are lowered here, converted to the
  // declared parameter types, and the body is lowered with its parameters bound to them.
  // The checker ruled out recursion, so this terminates.
  Value LowerFunctionCall(const ast::Expr& e, const CheckedFunction& fn) {
    Frame frame{&fn, {}, e.range};
    for (size_t i = 0; i < e.args.size(); ++i) frame.args.push_back(Coerce(Lower(*e.args[i]), fn.param_types[i].ToIr()));
    frames_.push_back(std::move(frame));
    Value v = Coerce(Lower(*fn.ast->body), fn.result.ToIr());
    frames_.pop_back();
    return v;
  }

 public:
  // The program of function `fn` alone: a score whose inputs are its parameters and whose
  // one output `result` is its body. Governance compares two versions of a function by
  // comparing these (ir_compare.h); every function is verified through it, called or not.
  ir::Program RunFunction(const CheckedFunction& fn) {
    p_.kind = ir::Program::Kind::kScore;
    p_.name = fn.ast->name;
    p_.version = ast_.versions.empty() ? "" : ast_.versions[0].value;
    p_.variants.push_back("");
    code_ = &p_.row_code;
    Frame frame{&fn, {}, {}};
    for (size_t i = 0; i < fn.ast->params.size(); ++i) {
      const CheckedType& t = fn.param_types[i];
      p_.inputs.push_back({fn.ast->params[i].name, t.ToIr(), t.nullable});
      ir::Instruction inst;
      inst.op = ir::Op::kInput;
      inst.type = t.ToIr();
      inst.nullable = t.nullable;
      inst.index = static_cast<uint32_t>(i);
      frame.args.push_back(Emit(std::move(inst), false, {}, ""));
    }
    frames_.push_back(std::move(frame));
    Value v = Coerce(Lower(*fn.ast->body), fn.result.ToIr());
    frames_.pop_back();
    p_.outputs.push_back({"result", fn.result.ToIr(), fn.result.nullable, v.id});
    return std::move(p_);
  }

 private:
  // `op` over `args` (already of the operand type), trapping where the op table says it can.
  Value Call(ir::Op op, ir::Type type, bool nullable, const std::vector<Value>& args, const SourceRange& range) {
    std::vector<ir::ValueId> ids;
    for (const Value& v : args) ids.push_back(v.id);
    bool traps = ir::OpTraps(op, type);
    return Op(op, type, nullable, std::move(ids), traps, range, traps ? ir::TrapMessage(op, type) : "");
  }

  // A string function (functions.h, kStrings): null literals become null constants of the
  // type the op wants; concat of more than two is a left fold; substr(s, start) reads to the
  // end (a length of INT64_MAX, which the op's exact window arithmetic allows).
  Value LowerStringCall(const FunctionSpec& f, ir::Type t, std::vector<Value> args, const SourceRange& range) {
    const bool substr = ir::InfoOf(f.op).operands == ir::OpInfo::Operands::kStringIntInt;
    for (size_t i = 0; i < args.size(); ++i) {
      ir::Type want = substr && i > 0 ? ir::Type::kInt : ir::Type::kString;
      if (args[i].null_constant) args[i] = NullConstant(want);
    }
    if (substr && args.size() == 2) {
      ir::Instruction inst;
      inst.op = ir::Op::kConstant;
      inst.type = ir::Type::kInt;
      inst.imm_int = INT64_MAX;
      args.push_back(Emit(std::move(inst), false, {}, ""));
    }
    if (f.op != ir::Op::kConcat) return Call(f.op, t, std::any_of(args.begin(), args.end(), [](const Value& v) { return v.nullable; }), args, range);
    Value acc = args[0];
    for (size_t i = 1; i < args.size(); ++i) acc = Call(f.op, t, acc.nullable || args[i].nullable, {acc, args[i]}, range);
    return acc;
  }

  Value BoolConstant(bool value) {
    ir::Instruction inst;
    inst.op = ir::Op::kConstant;
    inst.type = ir::Type::kBool;
    inst.imm_int = value ? 1 : 0;
    return Emit(std::move(inst), false, {}, "");
  }

  // `group by` keys that are lets: each a kKey aggregate of the let's row value, at its
  // position among all keys. Row code; the checker allowed only lets here.
  void LowerComputedKeys() {
    for (uint32_t position = 0; position < ast_.group_by.size(); ++position) {
      const Symbol& s = def_.symbols.at(ast_.group_by[position].value);
      if (s.kind == Symbol::Kind::kLet) AddComputedKey(ast_.group_by[position].value, s.index, position);
    }
  }

  void AddComputedKey(const std::string& name, uint32_t let, uint32_t position) {
    if (!let_values_.count(let)) LowerLet(let);
    const Value v = let_values_.at(let);
    ir::Aggregate agg;
    agg.kind = ir::Aggregate::Kind::kKey;
    agg.type = v.type;
    agg.nullable = v.nullable;
    agg.arg = v.id;
    agg.text = name;
    p_.aggregates.push_back(agg);
    const uint32_t index = static_cast<uint32_t>(p_.aggregates.size() - 1);
    p_.computed_keys.push_back({name, index, position});
    computed_key_aggregates_[let] = index;
  }

  // A computed key read per group: its key aggregate's result.
  Value ComputedKeyValue(uint32_t let) {
    const ir::Aggregate& agg = p_.aggregates.at(computed_key_aggregates_.at(let));
    ir::Instruction inst;
    inst.op = ir::Op::kAggregate;
    inst.type = agg.type;
    inst.nullable = agg.nullable;
    inst.index = computed_key_aggregates_.at(let);
    return Emit(std::move(inst), false, {}, "");
  }

  // An aggregate's argument (and weight) are row code; a float aggregate (avg) reads them
  // as floats. The group code reads the result. min_by/max_by's second argument (the
  // ordering key) goes where avg's weight does; quantile's p is a literal, not row code.
  Value LowerAggregate(const ast::Expr& e, const ExprInfo& info) {
    const uint32_t index = AddAggregate(e, info);
    const ir::Aggregate& agg = p_.aggregates[index];
    ir::Instruction inst;
    inst.op = ir::Op::kAggregate;
    inst.type = agg.type;
    inst.nullable = agg.nullable;
    inst.index = index;
    return Emit(std::move(inst), false, {}, "");
  }

  // The aggregate `e` as one of the program's aggregates, its arguments lowered in row code.
  uint32_t AddAggregate(const ast::Expr& e, const ExprInfo& info) {
    const AggregateSpec& spec = *FindAggregate(e.name);
    const bool as_float = spec.result == AggregateSpec::Result::kFloat;
    ir::Aggregate agg;
    agg.kind = info.aggregate;
    agg.type = info.type.ToIr();
    agg.nullable = info.type.nullable;
    agg.text = Text(e.range);
    if (agg.kind == ir::Aggregate::Kind::kQuantile) agg.p = QuantileP(e, spec).value_or(0.5);
    std::vector<ir::Instruction>* saved = code_;
    code_ = &p_.row_code;
    for (size_t i = 0; i < e.args.size(); ++i) {
      if (spec.shape == AggregateSpec::Shape::kQuantile && i == 1) continue;
      Value v = Lower(*e.args[i]);
      bool is_weight = !e.arg_names[i].empty() || (spec.shape == AggregateSpec::Shape::kBy && i == 1);
      if (as_float) v = Coerce(v, ir::Type::kFloat);
      if (is_weight) agg.weight = v.id;
      else agg.arg = v.id;
    }
    code_ = saved;
    p_.aggregates.push_back(agg);
    return static_cast<uint32_t>(p_.aggregates.size() - 1);
  }

  // ---- window aggregates (docs/language.md, "Window aggregates") ------------------------
  // A score's `AGG(...) over KEYS` becomes an aggregate of the metric program of its `over`
  // clause (one per distinct clause, lowered by a Lowering of its own that shares this one's
  // string constants), read per row by kWindow.
  Value LowerWindow(const ast::Expr& e, const ExprInfo& info) {
    std::string over;
    for (const auto& k : e.window_keys) over += (over.empty() ? "" : ", ") + k.value;
    if (over.empty()) over = "all";
    auto [it, inserted] = window_ids_.emplace(over, static_cast<uint32_t>(windows_.size()));
    if (inserted) {
      windows_.push_back(std::make_unique<Lowering>(module_, def_));
      windows_.back()->StartWindow(*this, e, over);
    }
    const uint32_t w = it->second;
    const std::string text = Text(e.range);
    auto [value, fresh] = window_value_ids_.emplace(text, static_cast<uint32_t>(p_.window_values.size()));
    if (fresh) {
      const uint32_t aggregate = windows_[w]->AddAggregate(e, info);
      p_.window_values.push_back({w, aggregate, info.type.ToIr(), info.type.nullable, text});
    }
    const ir::WindowValue& wv = p_.window_values[value->second];
    ir::Instruction inst;
    inst.op = ir::Op::kWindow;
    inst.type = wv.type;
    inst.nullable = wv.nullable;
    inst.index = value->second;
    return Emit(std::move(inst), false, {}, "");
  }

  // This Lowering as the window program of `parent`'s `over` clause of `call`: the score's
  // inputs, params and layout; the partition keys as group keys; the score's requires that use
  // no window aggregate, so that a row they reject is in no population.
  void StartWindow(Lowering& parent, const ast::Expr& call, const std::string& over) {
    is_metric_ = true;
    strings_ = parent.strings_ != nullptr ? parent.strings_ : &parent;
    p_.kind = ir::Program::Kind::kMetric;
    p_.name = parent.p_.name + " over " + over;
    p_.version = parent.p_.version;
    p_.window_over = over;
    p_.inputs = parent.p_.inputs;
    p_.layout = parent.p_.layout;
    LowerParams();
    code_ = &p_.row_code;
    for (const auto& r : ast_.requirements) {
      if (UsesWindow(*r.condition)) continue;
      p_.reasons.push_back({ir::Reason::Kind::kRequire, "require " + r.text, Location(r.range)});
      reason_ranges_.push_back(r.range);
      const uint32_t reason = static_cast<uint32_t>(p_.reasons.size() - 1);
      p_.requirements.push_back({0, reason});
      p_.requirements.back().condition = Lower(*r.condition).id;
    }
    for (uint32_t position = 0; position < call.window_keys.size(); ++position) {
      const std::string& name = call.window_keys[position].value;
      const Symbol& s = def_.symbols.at(name);
      if (s.kind == Symbol::Kind::kInput) p_.group_keys.push_back(s.index);
      else AddComputedKey(name, s.index, position);
    }
  }

  // Whether `e` reads a window aggregate, directly or through a let or output that does.
  bool UsesWindow(const ast::Expr& e) const {
    std::vector<const ast::Expr*> todo{&e};
    while (!todo.empty()) {
      const ast::Expr* x = todo.back();
      todo.pop_back();
      if (x->kind == ast::Expr::Kind::kCall && x->window) return true;
      if (x->kind == ast::Expr::Kind::kName) {
        const Symbol* s = module_.info.at(x).symbol;
        if (s != nullptr && s->uses_window) return true;
      }
      for (const auto& a : x->args) todo.push_back(a.get());
    }
    return false;
  }

  // After the score's code: each window's program, with the score's final string constants.
  void FinishWindows() {
    for (auto& w : windows_) {
      w->p_.string_constants = p_.string_constants;
      p_.windows.push_back(std::move(w->p_));
    }
  }

  // `lookup(T, key).column`: the table baked into the program at its first use, with only
  // the columns the program reads, rows sorted by key as ir.h requires.
  Value LowerLookup(const ast::Expr& e) {
    const ExprInfo& info = module_.info.at(&e);
    Value key = Lower(*e.args[0]);
    ir::Type t = TypeOf(e);
    if (key.null_constant) return NullConstant(t);
    ir::Instruction inst;
    inst.op = ir::Op::kLookup;
    inst.type = t;
    inst.nullable = true;
    inst.index = TableId(static_cast<uint32_t>(info.table));
    inst.imm_int = ColumnId(static_cast<uint32_t>(info.table), info.column);
    inst.args = {key.id};
    return Emit(std::move(inst), false, {}, "");
  }

  uint32_t TableId(uint32_t table) {
    auto [it, inserted] = table_ids_.emplace(table, static_cast<uint32_t>(p_.tables.size()));
    if (!inserted) return it->second;
    const CheckedTable& source = module_.tables[table];
    ir::Table out;
    out.name = source.name;
    out.version = source.version;
    out.sha256 = source.data_sha256;
    out.key_type = source.key_type.ToIr();
    std::vector<int64_t> keys;
    for (const auto& row : source.rows) {
      keys.push_back(out.key_type == ir::Type::kString ? StringConstant(row[0].string_value) : row[0].int_value);
    }
    std::vector<size_t>& order = table_order_[table];
    for (size_t r = 0; r < keys.size(); ++r) order.push_back(r);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
    for (size_t r : order) out.keys.push_back(keys[r]);
    p_.tables.push_back(std::move(out));
    return it->second;
  }

  uint32_t ColumnId(uint32_t table, uint32_t column) {
    uint32_t id = TableId(table);
    auto [it, inserted] = column_ids_.emplace(std::make_pair(table, column), static_cast<uint32_t>(p_.tables[id].columns.size()));
    if (!inserted) return it->second;
    const CheckedTable& source = module_.tables[table];
    ir::TableColumn c;
    c.name = source.column_names[column];
    c.type = source.column_types[column].ToIr();
    for (size_t r : table_order_.at(table)) {
      const TableCell& cell = source.rows[r][1 + column];
      c.valid.push_back(cell.valid ? 1 : 0);
      if (c.type == ir::Type::kFloat) c.float_values.push_back(cell.valid ? cell.float_value : 0.0);
      else if (c.type == ir::Type::kString) c.int_values.push_back(cell.valid ? StringConstant(cell.string_value) : 0);
      else c.int_values.push_back(cell.valid ? cell.int_value : 0);
    }
    p_.tables[id].columns.push_back(std::move(c));
    return it->second;
  }

  std::map<uint32_t, uint32_t> table_ids_;                         // module table -> program table
  std::map<uint32_t, std::vector<size_t>> table_order_;            // module table -> rows by key
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> column_ids_;   // (table, column) -> column

  const CheckedModule& module_;
  const CheckedDefinition& def_;
  const ast::Definition& ast_;
  ir::Program p_;
  bool is_metric_ = false;
  std::vector<ir::Instruction>* code_ = nullptr;
  std::map<std::string, uint32_t> string_ids_;
  std::map<uint32_t, Value> let_values_;
  std::map<uint32_t, uint32_t> computed_key_aggregates_;  // let index -> its kKey aggregate
  // Window aggregates: one Lowering per `over` clause ("all", "segment, tier"), and each
  // window value by its source text (the same aggregate written twice is one value).
  std::vector<std::unique_ptr<Lowering>> windows_;
  std::map<std::string, uint32_t> window_ids_;
  std::map<std::string, uint32_t> window_value_ids_;
  Lowering* strings_ = nullptr;  // a window's: the score whose string constants it shares
  std::map<size_t, Value> output_values_;
  // The inlined calls being lowered, outermost first.
  struct Frame {
    const CheckedFunction* function;
    std::vector<Value> args;
    SourceRange call;  // the call in the definition (empty in a function's own program)
  };
  std::vector<Frame> frames_;
};

}  // namespace

ir::Program LowerFunction(const CheckedModule& module, const CheckedFunction& function,
                          std::vector<SourceRange>* reason_ranges) {
  Lowering lowering(module, function.scope);
  ir::Program program = lowering.RunFunction(function);
  if (reason_ranges != nullptr) *reason_ranges = std::move(lowering.reason_ranges_);
  return program;
}

ir::Program Lower(const CheckedModule& module, const CheckedDefinition& definition,
                  std::vector<SourceRange>* reason_ranges) {
  Lowering lowering(module, definition);
  ir::Program program = lowering.Run();
  if (reason_ranges != nullptr) *reason_ranges = std::move(lowering.reason_ranges_);
  return program;
}

}  // namespace tally
