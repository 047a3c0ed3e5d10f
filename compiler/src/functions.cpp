#include "functions.h"

#include <cstdint>

namespace tally {

const std::vector<FunctionSpec>& AllFunctions() {
  using R = FunctionSpec::Result;
  using N = FunctionSpec::Nulls;
  using L = FunctionSpec::Lowering;
  using D = FunctionSpec::Domain;
  using Z = FunctionSpec::NonZero;
  using ir::Op;
  static const std::vector<FunctionSpec> kFunctions = {
      {"min", 2, SIZE_MAX, R::kWidestNumeric, N::kStrict, L::kFold, Op::kMin, D::kAny, Z::kNever, "min(a, b, ...)"},
      {"max", 2, SIZE_MAX, R::kWidestNumeric, N::kStrict, L::kFold, Op::kMax, D::kAny, Z::kAnyPositiveLiteral,
       "max(a, b, ...)"},
      {"clamp", 3, 3, R::kWidestNumeric, N::kStrict, L::kClamp, Op::kMin, D::kOrderedBounds, Z::kPositiveLowerBound,
       "clamp(x, lo, hi)"},
      {"abs", 1, 1, R::kSameNumeric, N::kStrict, L::kOp, Op::kAbs, D::kAny, Z::kNever, "abs(x)"},
      {"round", 1, 2, R::kSameNumeric, N::kStrict, L::kDigits, Op::kRound, D::kAny, Z::kNever, "round(x[, digits])"},
      {"floor", 1, 1, R::kSameNumeric, N::kStrict, L::kOp, Op::kFloor, D::kAny, Z::kNever, "floor(x)"},
      {"ceil", 1, 1, R::kSameNumeric, N::kStrict, L::kOp, Op::kCeil, D::kAny, Z::kNever, "ceil(x)"},
      {"sqrt", 1, 1, R::kFloat, N::kStrictOrDomain, L::kOp, Op::kSqrt, D::kNonNegative, Z::kNever, "sqrt(x)"},
      {"ln", 1, 1, R::kFloat, N::kStrictOrDomain, L::kOp, Op::kLn, D::kPositive, Z::kNever, "ln(x)"},
      {"exp", 1, 1, R::kFloat, N::kStrictOrDomain, L::kOp, Op::kExp, D::kAny, Z::kNever, "exp(x)"},
      {"pow", 2, 2, R::kFloat, N::kStrictOrDomain, L::kOp, Op::kPow, D::kAny, Z::kNever, "pow(x, y)"},
      {"sigmoid", 1, 1, R::kFloat, N::kStrict, L::kOp, Op::kSigmoid, D::kAny, Z::kNever, "sigmoid(x)"},
      {"coalesce", 2, SIZE_MAX, R::kUnified, N::kCoalesce, L::kOp, Op::kCoalesce, D::kAny, Z::kEveryArgument,
       "coalesce(a, b, ...)"},
      {"is_null", 1, 1, R::kBool, N::kNever, L::kIsNull, Op::kIsNull, D::kAny, Z::kNever, "is_null(x)"},
      {"sign", 1, 1, R::kSameNumeric, N::kStrict, L::kOp, Op::kSign, D::kAny, Z::kNever, "sign(x)"},
      // Dates (docs/language.md, "Dates") and conversions ("Conversions").
      {"days_between", 2, 2, R::kDatesToInt, N::kStrict, L::kTyped, Op::kDaysBetween, D::kAny, Z::kNever,
       "days_between(a, b)"},
      {"add_days", 2, 2, R::kAddDays, N::kStrict, L::kTyped, Op::kAddDays, D::kAny, Z::kNever, "add_days(d, n)"},
      {"year", 1, 1, R::kDatesToInt, N::kStrict, L::kTyped, Op::kYear, D::kAny, Z::kNever, "year(d)"},
      {"quarter", 1, 1, R::kDatesToInt, N::kStrict, L::kTyped, Op::kQuarter, D::kAny, Z::kNever, "quarter(d)"},
      {"month", 1, 1, R::kDatesToInt, N::kStrict, L::kTyped, Op::kMonth, D::kAny, Z::kNever, "month(d)"},
      {"day", 1, 1, R::kDatesToInt, N::kStrict, L::kTyped, Op::kDay, D::kAny, Z::kNever, "day(d)"},
      {"day_of_week", 1, 1, R::kDatesToInt, N::kStrict, L::kTyped, Op::kDayOfWeek, D::kAny, Z::kNever,
       "day_of_week(d)"},
      {"trunc_month", 1, 1, R::kDatesToDate, N::kStrict, L::kTyped, Op::kTruncMonth, D::kAny, Z::kNever,
       "trunc_month(d)"},
      {"trunc_quarter", 1, 1, R::kDatesToDate, N::kStrict, L::kTyped, Op::kTruncQuarter, D::kAny, Z::kNever,
       "trunc_quarter(d)"},
      {"trunc_year", 1, 1, R::kDatesToDate, N::kStrict, L::kTyped, Op::kTruncYear, D::kAny, Z::kNever,
       "trunc_year(d)"},
      {"int", 1, 1, R::kToInt, N::kStrict, L::kToInt, Op::kFloatToInt, D::kAny, Z::kNever, "int(x)"},
      {"float", 1, 1, R::kToFloat, N::kStrict, L::kToFloat, Op::kIntToFloat, D::kAny, Z::kNever, "float(x)"},
      // String functions (docs/language.md, "String functions").
      {"lower", 1, 1, R::kStringFunction, N::kStrict, L::kStrings, Op::kLower, D::kAny, Z::kNever, "lower(s)"},
      {"upper", 1, 1, R::kStringFunction, N::kStrict, L::kStrings, Op::kUpper, D::kAny, Z::kNever, "upper(s)"},
      {"trim", 1, 1, R::kStringFunction, N::kStrict, L::kStrings, Op::kTrim, D::kAny, Z::kNever, "trim(s)"},
      {"length", 1, 1, R::kStringFunction, N::kStrict, L::kStrings, Op::kLength, D::kAny, Z::kNever, "length(s)"},
      {"starts_with", 2, 2, R::kStringFunction, N::kStrict, L::kStrings, Op::kStartsWith, D::kAny, Z::kNever,
       "starts_with(s, prefix)"},
      {"ends_with", 2, 2, R::kStringFunction, N::kStrict, L::kStrings, Op::kEndsWith, D::kAny, Z::kNever,
       "ends_with(s, suffix)"},
      {"contains", 2, 2, R::kStringFunction, N::kStrict, L::kStrings, Op::kContains, D::kAny, Z::kNever,
       "contains(s, part)"},
      {"substr", 2, 3, R::kStringFunction, N::kStrict, L::kStrings, Op::kSubstr, D::kAny, Z::kNever,
       "substr(s, start[, length])"},
      {"concat", 2, SIZE_MAX, R::kStringFunction, N::kStrict, L::kStrings, Op::kConcat, D::kAny, Z::kNever,
       "concat(a, b, ...)"},
  };
  return kFunctions;
}

const FunctionSpec* FindFunction(const std::string& name) {
  for (const auto& f : AllFunctions()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

const std::vector<AggregateSpec>& AllAggregates() {
  using K = ir::Aggregate::Kind;
  using A = AggregateSpec::Argument;
  using R = AggregateSpec::Result;
  using S = AggregateSpec::Shape;
  static const std::vector<AggregateSpec> kAggregates = {
      {"count", K::kCountIf, K::kCount, std::nullopt, A::kBool, R::kInt, true, "count() or count(condition)"},
      {"sum", K::kSum, std::nullopt, std::nullopt, A::kNumeric, R::kArgument, false, "sum(x)"},
      {"avg", K::kAvg, std::nullopt, K::kWeightedAvg, A::kNumeric, R::kFloat, false, "avg(x[, weight = w])"},
      {"min", K::kMin, std::nullopt, std::nullopt, A::kNumeric, R::kArgument, false, "min(x)"},
      {"max", K::kMax, std::nullopt, std::nullopt, A::kNumeric, R::kArgument, false, "max(x)"},
      // Richer aggregates (docs/language.md, "Richer aggregates and computed group keys").
      {"count_distinct", K::kCountDistinct, std::nullopt, std::nullopt, A::kNumeric, R::kInt, false,
       "count_distinct(x)", S::kAnyValue},
      {"median", K::kQuantile, std::nullopt, std::nullopt, A::kNumeric, R::kFloat, false, "median(x)", S::kNumber, 0.5},
      {"quantile", K::kQuantile, std::nullopt, std::nullopt, A::kNumeric, R::kFloat, false,
       "quantile(x, p) with p a literal in [0, 1]", S::kQuantile},
      {"variance", K::kVariance, std::nullopt, std::nullopt, A::kNumeric, R::kFloat, false, "variance(x)", S::kNumber},
      {"variance_pop", K::kVariancePop, std::nullopt, std::nullopt, A::kNumeric, R::kFloat, false, "variance_pop(x)",
       S::kNumber},
      {"stddev", K::kStddev, std::nullopt, std::nullopt, A::kNumeric, R::kFloat, false, "stddev(x)", S::kNumber},
      {"stddev_pop", K::kStddevPop, std::nullopt, std::nullopt, A::kNumeric, R::kFloat, false, "stddev_pop(x)",
       S::kNumber},
      {"min_by", K::kMinBy, std::nullopt, std::nullopt, A::kNumeric, R::kArgument, false, "min_by(x, key)", S::kBy},
      {"max_by", K::kMaxBy, std::nullopt, std::nullopt, A::kNumeric, R::kArgument, false, "max_by(x, key)", S::kBy},
  };
  return kAggregates;
}

const AggregateSpec* FindAggregate(const std::string& name) {
  for (const auto& a : AllAggregates()) {
    if (name == a.name) return &a;
  }
  return nullptr;
}

}  // namespace tally
