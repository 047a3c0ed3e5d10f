// The checker, part 4b: the richer aggregates (count_distinct, median, quantile, variance,
// stddev, min_by, max_by), whose arguments are not the classic "one number" of sum/avg.
#include "aggregate_args.h"

#include <algorithm>

#include "checker_internal.h"

namespace tally {

namespace {

// The literal value of quantile's p, when it is a plain int or float literal.
std::optional<double> LiteralP(const ast::Expr& e) {
  if (e.kind != ast::Expr::Kind::kLiteral) return std::nullopt;
  if (e.literal.kind == ast::Literal::Kind::kInt) return static_cast<double>(e.literal.int_value);
  if (e.literal.kind == ast::Literal::Kind::kFloat) return e.literal.float_value;
  return std::nullopt;
}

}  // namespace

std::optional<double> QuantileP(const ast::Expr& call, const AggregateSpec& spec) {
  if (spec.shape == AggregateSpec::Shape::kNumber) return spec.p;
  if (spec.shape != AggregateSpec::Shape::kQuantile || call.args.size() != 2) return std::nullopt;
  std::optional<double> p = LiteralP(*call.args[1]);
  if (!p || !(*p >= 0.0 && *p <= 1.0)) return std::nullopt;
  return p;
}

namespace checking {

CheckedType DefinitionChecker::CheckRicherAggregate(const ast::Expr& e, const AggregateSpec& spec) {
  using Shape = AggregateSpec::Shape;
  auto& info = module_.info[&e];
  for (size_t i = 0; i < e.arg_names.size(); ++i) {
    if (!e.arg_names[i].empty()) {
      diagnostics_.Error("E-named-argument", e.arg_name_ranges[i],
                         "`" + e.name + "` takes no named argument `" + e.arg_names[i] + "`",
                         std::string("usage: ") + spec.signature);
      return Record(e, ErrorType());
    }
  }
  const size_t want = spec.shape == Shape::kQuantile || spec.shape == Shape::kBy ? 2 : 1;
  if (e.args.size() != want) {
    for (const auto& a : e.args) CheckExpr(*a, Where::kAggregateArg);
    diagnostics_.Error("E-arity", e.range,
                       "`" + e.name + "` takes " + std::to_string(want) + (want == 1 ? " argument" : " arguments") +
                           ", not " + std::to_string(e.args.size()),
                       std::string("usage: ") + spec.signature);
    return Record(e, ErrorType());
  }
  // Every argument is checked (so each has its type recorded); quantile's p must then be a
  // literal, and lowering reads its value rather than computing it per row.
  std::vector<CheckedType> args;
  for (size_t i = 0; i < want; ++i) args.push_back(CheckExpr(*e.args[i], Where::kAggregateArg));
  if (std::any_of(args.begin(), args.end(), [](auto t) { return t.kind == K::kError; })) return Record(e, ErrorType());
  info.aggregate = spec.kind;
  auto needs_number = [&](size_t i, const std::string& what) {
    diagnostics_.Error("E-type-mismatch", e.args[i]->range,
                       "`" + e.name + "` needs " + what + ", not " + args[i].ToString(),
                       std::string("usage: ") + spec.signature);
    return Record(e, ErrorType());
  };
  switch (spec.shape) {
    case Shape::kAnyValue:
      if (args[0].kind == K::kNull) return needs_number(0, "a value");
      return Record(e, Make(K::kInt));
    case Shape::kNumber:
      if (!args[0].IsNumeric()) return needs_number(0, "a number");
      return Record(e, Make(K::kFloat, true));
    case Shape::kQuantile: {
      if (!args[0].IsNumeric()) return needs_number(0, "a number");
      if (!QuantileP(e, spec)) {
        diagnostics_.Error("E-quantile-p", e.args[1]->range,
                           "quantile's p must be a number literal from 0 to 1",
                           "e.g. quantile(x, 0.9); median(x) is quantile(x, 0.5)");
        return Record(e, ErrorType());
      }
      return Record(e, Make(K::kFloat, true));
    }
    case Shape::kBy:
      if (args[0].kind == K::kNull) return needs_number(0, "a value");
      if (!args[1].IsNumeric()) {
        diagnostics_.Error("E-type-mismatch", e.args[1]->range,
                           "the ordering key of `" + e.name + "` must be a number, not " + args[1].ToString(),
                           std::string("usage: ") + spec.signature);
        return Record(e, ErrorType());
      }
      return Record(e, Make(args[0].kind, true));
    case Shape::kClassic: break;
  }
  return Record(e, ErrorType());
}

}  // namespace checking
}  // namespace tally
