// What the checker and lowering both read from a richer aggregate's call: quantile's p.
#pragma once

#include <optional>

#include "functions.h"
#include "tally/compiler/ast.h"

namespace tally {

// The p of a quantile-kind call: median's fixed 0.5, or quantile(x, p)'s literal p when it is
// a number literal in [0, 1]; nullopt otherwise (the checker's E-quantile-p).
std::optional<double> QuantileP(const ast::Expr& call, const AggregateSpec& spec);

}  // namespace tally
