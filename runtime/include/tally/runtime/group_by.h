// Group-by for metrics: the generic, order-preserving step between a metric's row kernel
// and its finalize kernel (kernel_abi.h). Shared by the interpreter and compiled kernels, and
// by scoring runs and test blocks, so grouping and accumulation order are written once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tally/compiler/ir.h"
#include "tally/compiler/kernel_abi.h"
#include "tally/support/result.h"

namespace tally::runtime {

// One owned column in the physical types of kernel_abi.h: `valid` and the vector matching
// `type` hold `capacity` entries. Shared by the group-by, the runtime's batches and the test
// runner.
struct OwnedColumn {
  ir::Type type = ir::Type::kFloat;
  std::vector<uint8_t> valid;
  std::vector<uint8_t> bools;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::vector<int32_t> codes;

  OwnedColumn() = default;
  OwnedColumn(ir::Type t, size_t capacity) { Reset(t, capacity); }
  // Every entry valid and zero. Keeps existing capacity, so a recycled column does not allocate.
  void Reset(ir::Type t, size_t capacity);
  TallyColumnView View();
};

// Sizes `args` for `rows` rows of `program`'s row kernel: two columns per aggregate
// (kernel_abi.h), typed by the IR values they hold. Unused slots get a column too, so no
// kernel ever sees a null pointer for a slot it might touch.
void ResetAggregateArgs(const ir::Program& program, size_t rows, std::vector<OwnedColumn>& args);

// A metric's group key columns in `group by` order, as written before its outputs: an input
// key (`computed` false; `index` its place in program.group_keys and in Groups::keys) or a
// `let` key (`computed`; `index` its kKey aggregate, whose Groups::aggregates column holds it).
struct GroupKeyColumn {
  std::string name;
  ir::Type type = ir::Type::kInt;
  bool nullable = false;
  bool computed = false;
  uint32_t index = 0;
};
std::vector<GroupKeyColumn> GroupKeyColumns(const ir::Program& program);

class GroupAggregator {
 public:
  // Groups rows of `program` (a metric), which must outlive the aggregator.
  explicit GroupAggregator(const ir::Program& program);
  ~GroupAggregator();

  // Adds one batch, rows in input order. group_keys: one view per program.group_keys entry,
  // aggregate_args: 2 per aggregate (kernel_abi.h); a computed key is read from its kKey
  // aggregate's argument slot. Rows with status != 0 are skipped.
  // Fails (a run error) when a sum overflows, naming the metric and the aggregate.
  Status AddBatch(int64_t rows, const TallyColumnView* group_keys,
                  const TallyColumnView* aggregate_args, const uint32_t* status);

  // The groups, sorted by key (strings by `strings[code]`, null first), as columns ready for
  // the finalize kernel: group key columns and one column per aggregate.
  struct Groups {
    int64_t count = 0;
    std::vector<OwnedColumn> keys;
    std::vector<OwnedColumn> aggregates;
    // The values of `key` per group (in keys or aggregates).
    const OwnedColumn& Column(const GroupKeyColumn& key) const;
  };
  Result<Groups> Finish(const std::vector<std::string>& strings);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tally::runtime
