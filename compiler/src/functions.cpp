#include "functions.h"

#include <cstdint>

namespace tally {

const std::vector<FunctionSpec>& AllFunctions() {
  using R = FunctionSpec::Result;
  using N = FunctionSpec::Nulls;
  static const std::vector<FunctionSpec> kFunctions = {
      {"min", 2, SIZE_MAX, R::kWidestNumeric, N::kStrict, "min(a, b, ...)"},
      {"max", 2, SIZE_MAX, R::kWidestNumeric, N::kStrict, "max(a, b, ...)"},
      {"clamp", 3, 3, R::kWidestNumeric, N::kStrict, "clamp(x, lo, hi)"},
      {"abs", 1, 1, R::kSameNumeric, N::kStrict, "abs(x)"},
      {"round", 1, 2, R::kSameNumeric, N::kStrict, "round(x[, digits])"},
      {"floor", 1, 1, R::kSameNumeric, N::kStrict, "floor(x)"},
      {"ceil", 1, 1, R::kSameNumeric, N::kStrict, "ceil(x)"},
      {"sqrt", 1, 1, R::kFloat, N::kStrictOrDomain, "sqrt(x)"},
      {"ln", 1, 1, R::kFloat, N::kStrictOrDomain, "ln(x)"},
      {"exp", 1, 1, R::kFloat, N::kStrictOrDomain, "exp(x)"},
      {"pow", 2, 2, R::kFloat, N::kStrictOrDomain, "pow(x, y)"},
      {"sigmoid", 1, 1, R::kFloat, N::kStrict, "sigmoid(x)"},
      {"coalesce", 2, SIZE_MAX, R::kUnified, N::kCoalesce, "coalesce(a, b, ...)"},
      {"is_null", 1, 1, R::kBool, N::kNever, "is_null(x)"},
  };
  return kFunctions;
}

const FunctionSpec* FindFunction(const std::string& name) {
  for (const auto& f : AllFunctions()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

bool IsAggregateName(const std::string& name) {
  return name == "count" || name == "sum" || name == "avg" || name == "min" || name == "max";
}

}  // namespace tally
