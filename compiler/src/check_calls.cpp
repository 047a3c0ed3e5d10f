// The checker, part 4: calls of built-in functions and aggregates, as the registry
// (functions.h) describes them.
#include "checker_internal.h"

#include <algorithm>

namespace tally::checking {

CheckedType DefinitionChecker::CheckCall(const ast::Expr& e, Where where) {
  if (e.window) return CheckWindow(e, where);
  const FunctionSpec* f = FindFunction(e.name);
  const AggregateSpec* aggregate = FindAggregate(e.name);
  // min and max are both: the aggregate takes fewer arguments than the function.
  bool aggregate_form = is_metric_ && aggregate != nullptr && (f == nullptr || e.args.size() < f->min_args);
  if (aggregate_form) return CheckAggregate(e, *aggregate, where);
  if (function_ != nullptr && aggregate != nullptr && f == nullptr) {
    diagnostics_.Error("E-aggregate-in-function", e.range,
                       "`" + e.name + "` aggregates many rows; a function computes one value from its arguments",
                       "aggregate in the metric and pass the result to the function");
    for (const auto& a : e.args) CheckExpr(*a, where);
    return Record(e, ErrorType());
  }
  if (e.name == "lookup" && f == nullptr) {
    // A well-formed lookup is parsed as its own node (ast::Expr::Kind::kLookup).
    diagnostics_.Error("E-lookup-form", e.range, "a lookup names a table and reads one column of its row",
                       "write lookup(TABLE, key).COLUMN, as in lookup(cx.segment_weights, segment).weight");
    return Record(e, ErrorType());
  }
  if (!is_metric_ && aggregate != nullptr && f == nullptr) {
    diagnostics_.Error("E-aggregate-in-score", e.range,
                       "`" + e.name + "` aggregates many rows; a score computes one row at a time",
                       "declare a `metric` with `group by` to aggregate, or aggregate the input's rows "
                       "for each row with `over`: " + e.name + "(...) over all");
    return Record(e, ErrorType());
  }
  if (f == nullptr && aggregate == nullptr) {
    if (const CheckedFunction* udf = module_.FindFunction(e.name)) return CheckFunctionCall(e, *udf, where);
  }
  if (f == nullptr) {
    std::vector<std::string> names;
    for (const auto& fn : AllFunctions()) names.push_back(fn.name);
    for (const auto& fn : module_.functions) names.push_back(fn.ast->name);
    for (const auto& a : AllAggregates()) {
      if (FindFunction(a.name) == nullptr) names.push_back(a.name);
    }
    diagnostics_.Error("E-unknown-function", e.name_range, "unknown function `" + e.name + "`", Suggest(e.name, names));
    for (const auto& a : e.args) CheckExpr(*a, where);
    return Record(e, ErrorType());
  }
  for (size_t i = 0; i < e.arg_names.size(); ++i) {
    if (!e.arg_names[i].empty())
      diagnostics_.Error("E-named-argument", e.arg_name_ranges[i],
                         "`" + e.name + "` takes no named argument `" + e.arg_names[i] + "`");
  }
  std::vector<CheckedType> args;
  bool bad = false;
  for (const auto& a : e.args) {
    args.push_back(CheckExpr(*a, where));
    bad = bad || args.back().kind == K::kError;
  }
  if (e.args.size() < f->min_args || e.args.size() > f->max_args) {
    diagnostics_.Error("E-arity", e.range,
                       "`" + e.name + "` takes " + ArityText(*f) + ", not " + std::to_string(e.args.size()),
                       std::string("usage: ") + f->signature);
    return Record(e, ErrorType());
  }
  if (bad) return Record(e, ErrorType());
  bool any_nullable = std::any_of(args.begin(), args.end(), [](auto t) { return t.nullable; });
  using R = FunctionSpec::Result;
  switch (f->result) {
    case R::kSameNumeric:
    case R::kWidestNumeric:
    case R::kFloat: {
      bool any_float = false;
      for (size_t i = 0; i < args.size(); ++i) {
        auto t = args[i];
        if (t.kind == K::kNull) continue;
        if (!t.IsNumeric()) {
          diagnostics_.Error("E-type-mismatch", e.args[i]->range,
                             "`" + e.name + "` needs a number, not " + t.ToString());
          return Record(e, ErrorType());
        }
        any_float = any_float || t.kind == K::kFloat;
      }
      if (f->lowering == FunctionSpec::Lowering::kDigits) return CheckRound(e, args);
      K kind = f->result == R::kFloat ? K::kFloat
               : f->result == R::kSameNumeric ? (args[0].kind == K::kFloat ? K::kFloat : K::kInt)
               : (any_float ? K::kFloat : K::kInt);
      if (args[0].kind == K::kNull && f->result == R::kSameNumeric) kind = K::kInt;
      bool nullable = any_nullable || f->nulls == FunctionSpec::Nulls::kStrictOrDomain;
      CheckDomain(e, *f);
      return Record(e, Make(kind, nullable), ProvesNonzero(e, *f));
    }
    case R::kBool:
      if (!args[0].nullable && args[0].kind != K::kNull) {
        diagnostics_.Warning("W-never-null", e.args[0]->range,
                             "`" + Excerpt(e.args[0]->range) + "` is never null, so is_null() is always false");
      }
      return Record(e, Make(K::kBool));
    case R::kUnified: {
      CheckedType u = args[0];
      for (size_t i = 1; i < args.size(); ++i) {
        auto next = Unify(u, args[i]);
        if (!next) {
          diagnostics_.Error("E-type-mismatch", e.args[i]->range,
                             "coalesce argument is " + args[i].ToString() + " but the first is " + args[0].ToString());
          return Record(e, ErrorType());
        }
        u = *next;
      }
      for (size_t i = 0; i + 1 < args.size(); ++i) {
        if (!args[i].nullable && args[i].kind != K::kNull) {
          diagnostics_.Warning("W-never-null", e.args[i]->range,
                               "`" + Excerpt(e.args[i]->range) + "` is never null, so the arguments after it are never used");
          break;
        }
      }
      u.nullable = std::all_of(args.begin(), args.end(), [](auto t) { return t.nullable; });
      if (u.kind == K::kNull) u.kind = K::kInt;
      return Record(e, u, ProvesNonzero(e, *f));
    }
    case R::kDatesToInt:
    case R::kDatesToDate:
    case R::kAddDays:
    case R::kToInt:
    case R::kToFloat:
      return Record(e, CheckDateCall(e, *f, args));
    case R::kStringFunction:
      return Record(e, CheckStringCall(e, *f, args));
  }
  return Record(e, ErrorType());
}

std::string DefinitionChecker::ArityText(const FunctionSpec& f) {
  if (f.max_args == SIZE_MAX) return "at least " + std::to_string(f.min_args) + " arguments";
  if (f.min_args == f.max_args) return std::to_string(f.min_args) + (f.min_args == 1 ? " argument" : " arguments");
  return std::to_string(f.min_args) + " or " + std::to_string(f.max_args) + " arguments";
}

CheckedType DefinitionChecker::CheckRound(const ast::Expr& e, const std::vector<CheckedType>& args) {
  if (args.size() == 2) {
    const auto& d = *e.args[1];
    bool literal = d.kind == ast::Expr::Kind::kLiteral && d.literal.kind == ast::Literal::Kind::kInt;
    if (!literal || d.literal.int_value < 0 || d.literal.int_value > 15) {
      diagnostics_.Error("E-round-digits", d.range, "round() digits must be an integer literal from 0 to 15");
      return Record(e, ErrorType());
    }
  }
  K kind = args[0].kind == K::kFloat ? K::kFloat : K::kInt;
  return Record(e, Make(kind, args[0].nullable));
}

void DefinitionChecker::CheckDomain(const ast::Expr& e, const FunctionSpec& f) {
  using D = FunctionSpec::Domain;
  if (f.domain == D::kOrderedBounds && e.args.size() == 3 && e.args[1]->kind == ast::Expr::Kind::kLiteral &&
      e.args[2]->kind == ast::Expr::Kind::kLiteral) {
    auto value = [](const ast::Literal& l) {
      return l.kind == ast::Literal::Kind::kInt ? static_cast<double>(l.int_value) : l.float_value;
    };
    if (value(e.args[1]->literal) > value(e.args[2]->literal)) {
      diagnostics_.Error("E-clamp-bounds", e.range, std::string(f.name) + "() lower bound is above its upper bound");
    }
  }
  if (e.args.empty() || e.args[0]->kind != ast::Expr::Kind::kLiteral) return;
  const auto& lit = e.args[0]->literal;
  double v = lit.kind == ast::Literal::Kind::kInt ? static_cast<double>(lit.int_value)
             : lit.kind == ast::Literal::Kind::kFloat ? lit.float_value : 1.0;
  if (f.domain == D::kNonNegative && v < 0) {
    diagnostics_.Error("E-domain", e.args[0]->range, std::string(f.name) + " of a negative number is undefined");
  } else if (f.domain == D::kPositive && v <= 0) {
    diagnostics_.Error("E-domain", e.args[0]->range,
                       std::string(f.name) + " of zero or a negative number is undefined");
  }
}

bool DefinitionChecker::ProvesNonzero(const ast::Expr& e, const FunctionSpec& f) {
  auto positive = [](const auto& a) { return IsPositiveLiteral(*a); };
  switch (f.nonzero) {
    case FunctionSpec::NonZero::kNever: return false;
    case FunctionSpec::NonZero::kAnyPositiveLiteral: return std::any_of(e.args.begin(), e.args.end(), positive);
    case FunctionSpec::NonZero::kPositiveLowerBound: return e.args.size() > 1 && positive(e.args[1]);
    case FunctionSpec::NonZero::kEveryArgument:
      return std::all_of(e.args.begin(), e.args.end(), [&](const auto& a) { return module_.info[a.get()].nonzero; });
  }
  return false;
}

CheckedType DefinitionChecker::CheckAggregate(const ast::Expr& e, const AggregateSpec& spec, Where where) {
  if (where != Where::kGroup) {
    diagnostics_.Error(where == Where::kAggregateArg ? "E-nested-aggregate" : "E-aggregate-per-row", e.range,
                       where == Where::kAggregateArg
                           ? "an aggregate cannot be nested inside another aggregate"
                           : "aggregates may only appear in a metric's outputs");
    return Record(e, ErrorType());
  }
  auto& info = module_.info[&e];
  info.is_aggregate = true;
  if (spec.shape != AggregateSpec::Shape::kClassic) return CheckRicherAggregate(e, spec);
  size_t positional = 0;
  const ast::Expr* weight = nullptr;
  for (size_t i = 0; i < e.args.size(); ++i) {
    if (e.arg_names[i].empty()) {
      ++positional;
    } else if (spec.weighted && e.arg_names[i] == "weight" && weight == nullptr) {
      weight = e.args[i].get();
    } else {
      diagnostics_.Error("E-named-argument", e.arg_name_ranges[i],
                         "`" + e.name + "` takes no named argument `" + e.arg_names[i] + "`",
                         spec.weighted ? "the weighted average is avg(x, weight = w)" : "");
      return Record(e, ErrorType());
    }
  }
  std::vector<CheckedType> args;
  for (const auto& a : e.args) args.push_back(CheckExpr(*a, Where::kAggregateArg));
  if (std::any_of(args.begin(), args.end(), [](auto t) { return t.kind == K::kError; })) return Record(e, ErrorType());
  if (spec.no_argument) {
    if (positional > 1) {
      diagnostics_.Error("E-arity", e.range,
                         "`" + e.name + "` takes 0 or 1 arguments, not " + std::to_string(positional),
                         spec.signature);
      return Record(e, ErrorType());
    }
    if (positional == 1 && spec.argument == AggregateSpec::Argument::kBool && args[0].kind != K::kBool) {
      diagnostics_.Error("E-type-mismatch", e.args[0]->range,
                         e.name + "(condition) needs a bool, not " + args[0].ToString());
      return Record(e, ErrorType());
    }
    info.aggregate = positional == 0 ? *spec.no_argument : spec.kind;
    return Record(e, Make(K::kInt), positional == 0 && spec.no_argument_nonzero);
  }
  if (positional != 1) {
    diagnostics_.Error("E-arity", e.range, "`" + e.name + "` aggregates exactly one expression");
    return Record(e, ErrorType());
  }
  size_t value_index = e.arg_names[0].empty() ? 0 : 1;
  CheckedType v = args[value_index];
  // min and max also order dates (the latest purchase of a customer); the rest add them up.
  bool orders_dates = v.kind == K::kDate && weight == nullptr &&
                      (spec.kind == ir::Aggregate::Kind::kMin || spec.kind == ir::Aggregate::Kind::kMax);
  if (!v.IsNumeric() && !orders_dates) {
    diagnostics_.Error("E-type-mismatch", e.args[value_index]->range,
                       "`" + e.name + "` needs a number, not " + v.ToString());
    return Record(e, ErrorType());
  }
  if (weight != nullptr) {
    CheckedType w = module_.info[weight].type;
    if (!w.IsNumeric()) {
      diagnostics_.Error("E-type-mismatch", weight->range, "the weight must be a number, not " + w.ToString());
      return Record(e, ErrorType());
    }
    info.aggregate = *spec.weighted;
    return Record(e, Make(K::kFloat, true));
  }
  info.aggregate = spec.kind;
  K kind = spec.result == AggregateSpec::Result::kFloat ? K::kFloat : v.kind;
  return Record(e, Make(kind, v.nullable));
}

}  // namespace tally::checking
