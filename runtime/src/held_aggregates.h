// The richer aggregates (ir.h: count_distinct, quantile, variance(_pop), stddev(_pop),
// min_by, max_by): their per-group state and result. Each result is independent of the order
// of the rows: quantiles and variances are computed over the sorted values, count_distinct
// over a set, min_by/max_by break ties by the smallest argument. Shared by both engines (the
// kernels only compute the arguments), like the rest of group_by.cpp.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "tally/compiler/ir.h"
#include "tally/compiler/kernel_abi.h"
#include "tally/runtime/group_by.h"

namespace tally::runtime {

// Whether `kind` is one of the aggregates below.
bool IsHeldKind(ir::Aggregate::Kind kind);

// One group's state for one of them. What is held, per group and aggregate:
//   quantile, variance, stddev: every non-null value (8 bytes each);
//   count_distinct: each distinct non-null value once (a hash set of 64-bit values);
//   min_by, max_by: the best key and argument so far; for a string argument, the distinct
//   codes tied at the best key (compared by text only at the end).
struct HeldState {
  std::vector<double> values;
  std::unordered_set<int64_t> distinct;
  bool has_best = false;
  int64_t best_key_int = 0;
  double best_key_float = 0.0;
  int64_t best_x_bits = 0;    // bool / int, or a float's bits (after -0.0 -> +0.0)
  std::set<int32_t> tied_codes;  // string arguments
};

// Adds row `r`: `arg` is the aggregate's slot 2i, `key` its slot 2i+1 (min_by/max_by).
void AddHeld(HeldState& state, const ir::Aggregate& agg, ir::Type arg_type, ir::Type key_type,
             const TallyColumnView& arg, const TallyColumnView& key, int64_t r);

// Writes the group's result into `column` at `g`; an error text (non-finite value) or "".
std::string FinishHeld(HeldState& state, const ir::Aggregate& agg, ir::Type arg_type,
                       const std::vector<std::string>& strings, OwnedColumn& column, size_t g);

// Hyndman-Fan type 7 over sorted `v` (n >= 1), exactly as ir.h writes it.
double Type7Quantile(const std::vector<double>& v, double p);

// Sample (n - 1) or population (n) variance of sorted `v`, two-pass as ir.h writes it.
double SortedVariance(const std::vector<double>& v, bool sample);

}  // namespace tally::runtime
