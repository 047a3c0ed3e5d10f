// The checker, part 4c: window aggregates in scores (`quantile(x, 0.8) over all`,
// `avg(arr) over segment`): an aggregate over the input's rows, or over the rows that share
// the row's partition keys, read per row (docs/language.md, "Window aggregates").
#include <set>

#include "checker_internal.h"

namespace tally::checking {

CheckedType DefinitionChecker::CheckWindow(const ast::Expr& e, Where where) {
  const AggregateSpec* spec = FindAggregate(e.name);
  auto fail = [&](const char* code, std::string message, std::string hint) {
    diagnostics_.Error(code, e.window_range, std::move(message), std::move(hint));
    return Record(e, ErrorType());
  };
  if (is_metric_) {
    return fail("E-window-in-metric", "`over` is for scores: a metric's aggregates are over its groups already",
                "drop `over ...`; `group by` says which rows each aggregate sees");
  }
  if (function_ != nullptr) {
    return fail("E-aggregate-in-function", "a function computes one value from its arguments; `over` aggregates rows",
                "compute the window aggregate in the score and pass it to the function");
  }
  if (spec == nullptr) {
    return fail("E-window-not-aggregate", "`over` follows an aggregate, and `" + e.name + "` is not one",
                "e.g. avg(x) over all, quantile(x, 0.8) over segment");
  }
  if (where == Where::kAggregateArg) {
    return fail("E-window-nested", "a window aggregate cannot be inside another window aggregate's argument",
                "a score reads its input twice, once to aggregate and once to score: compute the inner "
                "aggregate in a metric, or aggregate the row values directly");
  }
  // The partition keys: inputs or lets computed before here, of a type rows can be grouped by.
  std::set<std::string> seen;
  bool bad = false;
  for (const auto& key : e.window_keys) {
    if (!seen.insert(key.value).second) {
      diagnostics_.Error("E-duplicate-name", key.range, "`" + key.value + "` is named twice after `over`");
      bad = true;
      continue;
    }
    auto it = def_.symbols.find(key.value);
    if (it != def_.symbols.end()) it->second.used = true;
    const bool row_value = it != def_.symbols.end() &&
                           (it->second.kind == Symbol::Kind::kInput || it->second.kind == Symbol::Kind::kLet);
    if (!row_value) {
      std::vector<std::string> names;
      for (const auto& [n, s] : def_.symbols) {
        if (s.kind == Symbol::Kind::kInput || s.kind == Symbol::Kind::kLet) names.push_back(n);
      }
      diagnostics_.Error("E-window-key", key.range,
                         "`over` names the inputs or lets whose rows are aggregated together; `" + key.value +
                             "` is " + (it == def_.symbols.end() ? "not declared" : "not an input or a let"),
                         Suggest(key.value, names));
      bad = true;
      continue;
    }
    Symbol& s = it->second;
    s.used = true;
    if (s.kind == Symbol::Kind::kLet && s.defined_at > current_offset_) {
      diagnostics_.Error("E-use-before-define", key.range, "`" + key.value + "` is used before it is defined",
                         "move this line below the definition of `" + key.value + "`");
      bad = true;
    } else if (s.uses_window) {
      diagnostics_.Error("E-window-nested", key.range,
                         "`" + key.value + "` uses a window aggregate, so it cannot be a partition key",
                         "partition by values each row has on its own");
      bad = true;
    } else if (s.type.kind == K::kFloat) {
      diagnostics_.Error("E-window-key-type", key.range,
                         "`" + key.value + "` is a float, which cannot be a partition key",
                         "partition by a string, int, bool or date, e.g. a tier computed with if");
      bad = true;
    } else if (s.type.kind == K::kError) {
      bad = true;
    }
  }
  const bool outer = saw_window_;
  saw_window_ = false;
  CheckedType t = CheckAggregate(e, *spec, Where::kGroup);
  const bool nested = saw_window_;
  saw_window_ = true;
  (void)outer;
  if (nested && t.kind != K::kError) {
    return fail("E-window-nested", "the argument of a window aggregate uses another window aggregate",
                "a score reads its input twice, once to aggregate and once to score: aggregate the row values directly");
  }
  if (t.kind == K::kString) {
    return fail("E-window-string", "a window aggregate gives a number, a bool or a date, not a string",
                "compare inside the aggregate instead, e.g. count(segment == \"gold\") over all");
  }
  if (bad) return Record(e, ErrorType());
  // A partition holds at least the row itself (a row a window rejects is not scored), so an
  // aggregate that is null only over no value is never null when its arguments never are.
  using AK = ir::Aggregate::Kind;
  const AK kind = module_.info[&e].aggregate;
  const bool null_only_when_empty = kind == AK::kQuantile || kind == AK::kMin || kind == AK::kMax ||
                                    kind == AK::kSum || kind == AK::kAvg || kind == AK::kMinBy ||
                                    kind == AK::kMaxBy || kind == AK::kVariancePop || kind == AK::kStddevPop;
  bool args_never_null = true;
  for (const auto& a : e.args) args_never_null = args_never_null && !module_.info[a.get()].type.nullable;
  if (t.nullable && null_only_when_empty && args_never_null) {
    t.nullable = false;
    return Record(e, t, module_.info[&e].nonzero);
  }
  return t;
}

}  // namespace tally::checking
