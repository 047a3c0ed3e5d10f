// The checker, part 3: expressions: names, operators (with the divisor rule), `in` and `if`.
// Calls are in check_calls.cpp.
#include "checker_internal.h"

#include <algorithm>
#include <set>

namespace tally::checking {

CheckedType DefinitionChecker::Record(const ast::Expr& e, CheckedType t, bool nonzero) {
  auto& info = module_.info[&e];
  info.type = t;
  info.nonzero = nonzero;
  return t;
}

CheckedType DefinitionChecker::CheckExpr(const ast::Expr& e, Where where) {
  using EK = ast::Expr::Kind;
  switch (e.kind) {
    case EK::kLiteral: return Record(e, LiteralType(e.literal), IsNonzeroLiteral(e));
    case EK::kName: return CheckName(e, where);
    case EK::kUnary: return CheckUnary(e, where);
    case EK::kBinary: return CheckBinary(e, where);
    case EK::kIn: return CheckIn(e, where);
    case EK::kIf: return CheckIf(e, where);
    case EK::kCall: return CheckCall(e, where);
    case EK::kLookup: return CheckLookup(e, where);
    case EK::kField: return CheckField(e);
  }
  return ErrorType();
}

CheckedType DefinitionChecker::CheckName(const ast::Expr& e, Where where) {
  auto it = def_.symbols.find(e.name);
  if (it == def_.symbols.end()) {
    std::vector<std::string> names;
    for (const auto& [n, s] : def_.symbols) names.push_back(n);
    std::string hint = Suggest(e.name, names);
    if (hint.empty() && (FindFunction(e.name) || FindAggregate(e.name)))
      hint = "`" + e.name + "` is a function: call it with ()";
    diagnostics_.Error("E-unknown-name", e.range, "unknown name `" + e.name + "`", hint);
    return Record(e, ErrorType());
  }
  Symbol& s = it->second;
  s.used = true;
  if (s.uses_window) saw_window_ = true;
  module_.info[&e].symbol = &s;
  if (e.name == current_) {
    diagnostics_.Error("E-cycle", e.range, "`" + e.name + "` refers to itself");
    return Record(e, ErrorType());
  }
  if (s.defined_at > current_offset_ && (s.kind == Symbol::Kind::kLet || s.kind == Symbol::Kind::kOutput)) {
    if (!current_.empty() && component_[e.name] == component_[current_]) {
      // Names that refer to each other are reported once, at the first forward reference
      // among them in the text, with one cycle through it: searching again for each of
      // 30,000 forward references in one ring of lets was quadratic.
      if (reported_components_.insert(component_[current_]).second) {
        std::set<std::string> seen;
        std::vector<std::string> path;
        Reaches(e.name, current_, seen, path);  // true: they share a component
        std::string chain = current_;
        for (const auto& p : path) chain += " -> " + p;
        chain += " -> " + current_;
        diagnostics_.Error("E-cycle", e.range, "definitions form a cycle: " + chain);
      }
    } else {
      auto& d = diagnostics_.Error("E-use-before-define", e.range,
                                   "`" + e.name + "` is used before it is defined",
                                   "move this line below the definition of `" + e.name + "`");
      d.notes.push_back({declared_ranges_[e.name], "`" + e.name + "` is defined here"});
    }
    return Record(e, ErrorType());
  }
  bool nonzero = false;
  if (s.kind == Symbol::Kind::kParam) nonzero = ParamNonzero(s.index);
  if (s.kind == Symbol::Kind::kLet) nonzero = s.nonzero;
  if (is_metric_) {
    if (where == Where::kGroup) {
      bool key = (s.kind == Symbol::Kind::kInput || s.kind == Symbol::Kind::kLet) &&
                 std::any_of(ast_.group_by.begin(), ast_.group_by.end(),
                             [&](const auto& g) { return g.value == e.name; });
      if (key) module_.info[&e].group_key = true;
      if ((s.kind == Symbol::Kind::kInput || s.kind == Symbol::Kind::kLet) && !key) {
        diagnostics_.Error("E-not-grouped", e.range,
                           "`" + e.name + "` has a value per row, not per group",
                           "use it inside an aggregate, e.g. sum(" + e.name + "), or add it to `group by`");
        return Record(e, ErrorType());
      }
    } else if (s.kind == Symbol::Kind::kOutput) {
      diagnostics_.Error("E-output-per-row", e.range,
                         "`" + e.name + "` is a per-group output and cannot be used per row");
      return Record(e, ErrorType());
    }
  }
  return Record(e, s.type, nonzero);
}

bool DefinitionChecker::ParamNonzero(uint32_t index) const {
  const auto& v = ast_.params[index].value;
  if (v.kind == ast::Literal::Kind::kInt) return v.int_value != 0 && !ast_.params[index].regional;
  if (v.kind == ast::Literal::Kind::kFloat) return v.float_value != 0 && !ast_.params[index].regional;
  return false;
}

CheckedType DefinitionChecker::CheckUnary(const ast::Expr& e, Where where) {
  CheckedType t = CheckExpr(*e.args[0], where);
  if (t.kind == K::kError) return Record(e, t);
  if (e.unary_op == ast::UnaryOp::kNeg) {
    if (!t.IsNumeric() && t.kind != K::kNull) {
      diagnostics_.Error("E-type-mismatch", e.range, "cannot negate a " + t.ToString());
      return Record(e, ErrorType());
    }
    return Record(e, t.kind == K::kNull ? Make(K::kInt, true) : t, module_.info[e.args[0].get()].nonzero);
  }
  if (t.kind != K::kBool && t.kind != K::kNull) {
    diagnostics_.Error("E-type-mismatch", e.range, "`not` needs a bool, not " + t.ToString());
    return Record(e, ErrorType());
  }
  return Record(e, Make(K::kBool, t.nullable));
}

CheckedType DefinitionChecker::CheckBinary(const ast::Expr& e, Where where) {
  CheckedType a = CheckExpr(*e.args[0], where);
  CheckedType b = CheckExpr(*e.args[1], where);
  if (a.kind == K::kError || b.kind == K::kError) return Record(e, ErrorType());
  bool nullable = a.nullable || b.nullable;
  const char* op = ast::BinaryOpSpelling(e.binary_op);
  auto mismatch = [&](const std::string& why) {
    diagnostics_.Error("E-type-mismatch", e.range,
                       "cannot apply `" + std::string(op) + "` to " + a.ToString() + " and " + b.ToString(), why);
    return Record(e, ErrorType());
  };
  // `null` takes the other side's type.
  if (a.kind == K::kNull) a.kind = b.kind == K::kNull ? K::kInt : b.kind;
  if (b.kind == K::kNull) b.kind = a.kind;
  switch (e.binary_op) {
    case ast::BinaryOp::kAdd:
    case ast::BinaryOp::kSub:
    case ast::BinaryOp::kMul:
      if (!a.IsNumeric() || !b.IsNumeric()) {
        if (a.kind == K::kDate || b.kind == K::kDate)
          return mismatch("dates do no arithmetic: add_days(d, n) moves a date, days_between(a, b) measures days");
        return mismatch(a.kind == K::kString ? "strings cannot be combined arithmetically" : "");
      }
      return Record(e, Make(a.kind == K::kInt && b.kind == K::kInt ? K::kInt : K::kFloat, nullable));
    case ast::BinaryOp::kDiv:
    case ast::BinaryOp::kMod: {
      if (!a.IsNumeric() || !b.IsNumeric()) return mismatch("");
      const auto& divisor = module_.info[e.args[1].get()];
      if (IsZeroLiteral(*e.args[1])) {
        diagnostics_.Error("E-division-by-zero", e.args[1]->range, "division by zero");
        return Record(e, ErrorType());
      }
      bool divisor_nonzero = divisor.nonzero;
      K result = e.binary_op == ast::BinaryOp::kDiv ? K::kFloat
                 : (a.kind == K::kInt && b.kind == K::kInt ? K::kInt : K::kFloat);
      return Record(e, Make(result, nullable || !divisor_nonzero));
    }
    case ast::BinaryOp::kEq:
    case ast::BinaryOp::kNe:
      if (!(a.IsNumeric() && b.IsNumeric()) && a.kind != b.kind) return mismatch("");
      return Record(e, Make(K::kBool, nullable));
    case ast::BinaryOp::kLt:
    case ast::BinaryOp::kLe:
    case ast::BinaryOp::kGt:
    case ast::BinaryOp::kGe:
      if (a.kind == K::kDate && b.kind == K::kDate) return Record(e, Make(K::kBool, nullable));  // earlier is less
      if (!a.IsNumeric() || !b.IsNumeric())
        return mismatch(a.kind == K::kString || b.kind == K::kString ? "strings compare only with == and !=" : "");
      return Record(e, Make(K::kBool, nullable));
    case ast::BinaryOp::kAnd:
    case ast::BinaryOp::kOr:
      if (a.kind != K::kBool || b.kind != K::kBool) return mismatch("`and` and `or` take bools");
      return Record(e, Make(K::kBool, nullable));
  }
  return Record(e, ErrorType());
}

bool DefinitionChecker::IsZeroLiteral(const ast::Expr& e) {
  return e.kind == ast::Expr::Kind::kLiteral &&
         ((e.literal.kind == ast::Literal::Kind::kInt && e.literal.int_value == 0) ||
          (e.literal.kind == ast::Literal::Kind::kFloat && e.literal.float_value == 0));
}

CheckedType DefinitionChecker::CheckIn(const ast::Expr& e, Where where) {
  CheckedType needle = CheckExpr(*e.args[0], where);
  bool nullable = needle.nullable;
  bool bad = needle.kind == K::kError;
  if (e.args.size() == 1) {
    diagnostics_.Warning("W-empty-in", e.range, "`in []` is always false");
  }
  for (size_t i = 1; i < e.args.size(); ++i) {
    CheckedType t = CheckExpr(*e.args[i], where);
    if (t.kind == K::kError || needle.kind == K::kError) { bad = true; continue; }
    nullable = nullable || t.nullable;
    if (!(t.IsNumeric() && needle.IsNumeric()) && t.kind != needle.kind && t.kind != K::kNull) {
      diagnostics_.Error("E-type-mismatch", e.args[i]->range,
                         "list element is " + t.ToString() + " but the value tested is " + needle.ToString());
      bad = true;
    }
  }
  return Record(e, bad ? ErrorType() : Make(K::kBool, nullable));
}

CheckedType DefinitionChecker::CheckIf(const ast::Expr& e, Where where) {
  CheckedType c = CheckExpr(*e.args[0], where);
  CheckedType a = CheckExpr(*e.args[1], where);
  CheckedType b = CheckExpr(*e.args[2], where);
  if (c.kind != K::kBool && c.kind != K::kError) {
    diagnostics_.Error("E-type-mismatch", e.args[0]->range, "`if` needs a bool condition, not " + c.ToString());
  }
  auto u = Unify(a, b);
  if (!u) {
    diagnostics_.Error("E-type-mismatch", e.range,
                       "`then` gives " + a.ToString() + " but `else` gives " + b.ToString(),
                       "both branches must have the same type");
    return Record(e, ErrorType());
  }
  bool nonzero = module_.info[e.args[1].get()].nonzero && module_.info[e.args[2].get()].nonzero;
  return Record(e, *u, nonzero);
}

}  // namespace tally::checking
