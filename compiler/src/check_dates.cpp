// The checker, dates and conversions: input formats, the date functions (days_between,
// add_days, year, ..., trunc_year) and int()/float(), as their registry entries say.
#include <algorithm>

#include "checker_internal.h"
#include "tally/support/civil_date.h"

namespace tally::checking {

void DefinitionChecker::CheckInputFormat(const ast::Input& input, CheckedType type) {
  if (input.format_range.file == nullptr) return;
  if (type.kind != K::kDate && type.kind != K::kError) {
    diagnostics_.Error("E-input-format", input.format_range,
                       "`format` applies only to date inputs, not " + type.ToString());
    return;
  }
  if (!dates::FormatFromName(input.format)) {
    diagnostics_.Error("E-input-format", input.format_range, "unknown date format \"" + input.format + "\"",
                       "the formats are \"YYYY-MM-DD\" (the default), \"YYYYMMDD\", \"DD/MM/YYYY\" and \"MM/DD/YYYY\"");
  }
}

CheckedType DefinitionChecker::CheckDateCall(const ast::Expr& e, const FunctionSpec& f,
                                             const std::vector<CheckedType>& args) {
  using R = FunctionSpec::Result;
  bool nullable = std::any_of(args.begin(), args.end(), [](auto t) { return t.nullable; });
  // Argument i must be of `want` (a null literal fits anything).
  auto need = [&](size_t i, K want, const char* what) {
    if (args[i].kind == want || args[i].kind == K::kNull) return true;
    diagnostics_.Error("E-type-mismatch", e.args[i]->range,
                       "`" + e.name + "` needs " + what + ", not " + args[i].ToString(),
                       std::string("usage: ") + f.signature);
    return false;
  };
  switch (f.result) {
    case R::kDatesToInt:
    case R::kDatesToDate:
      for (size_t i = 0; i < args.size(); ++i) {
        if (!need(i, K::kDate, "a date")) return ErrorType();
      }
      return Make(f.result == R::kDatesToInt ? K::kInt : K::kDate, nullable);
    case R::kAddDays:
      if (!need(0, K::kDate, "a date") || !need(1, K::kInt, "an int number of days")) return ErrorType();
      return Make(K::kDate, nullable);
    case R::kToInt:
      if (args[0].kind == K::kString || args[0].kind == K::kBool) {
        diagnostics_.Error("E-type-mismatch", e.args[0]->range, "int() converts a float, int or date, not " + args[0].ToString());
        return ErrorType();
      }
      return Make(K::kInt, nullable);
    case R::kToFloat:
      if (!args[0].IsNumeric() && args[0].kind != K::kNull) {
        diagnostics_.Error("E-type-mismatch", e.args[0]->range, "float() converts an int or float, not " + args[0].ToString(),
                           args[0].kind == K::kDate ? "for days since 1970-01-01 write float(int(d))" : "");
        return ErrorType();
      }
      return Make(K::kFloat, nullable);
    default:
      return ErrorType();
  }
}

}  // namespace tally::checking
