// Where kernels come from, abstracted: the reference interpreter or JIT-compiled code, behind
// the same three signatures (kernel_abi.h), so one pipeline runs either.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tally/compiler/ir.h"
#include "tally/compiler/kernel_abi.h"

namespace tally::runtime {

struct KernelSet {
  using ScoreFn = std::function<void(int64_t rows, const TallyColumnView* inputs,
                                     const uint16_t* variants, TallyColumnView* outputs,
                                     uint32_t* status)>;
  using MetricRowFn = std::function<void(int64_t rows, const TallyColumnView* inputs,
                                         const uint16_t* variants,
                                         TallyColumnView* aggregate_args, uint32_t* status)>;
  using MetricFinalizeFn =
      std::function<void(int64_t groups, const TallyColumnView* aggregates,
                         const TallyColumnView* group_keys, TallyColumnView* outputs,
                         uint32_t* status)>;

  std::string engine;  // "interpreter" or "jit": recorded in the lineage record
  std::string object_sha256;  // compiled code: sha256 of its object file, recorded in the lineage record
  ScoreFn score;                     // scores
  MetricRowFn metric_rows;           // metrics
  MetricFinalizeFn metric_finalize;  // metrics
  // A score with window aggregates: the kernels of each of its window programs
  // (ir::Program::windows, same order), of which the runtime runs metric_rows.
  std::vector<KernelSet> windows;
};

// The reference interpreter for `program` (and its window programs), which must outlive the
// returned functions.
KernelSet InterpreterKernels(const ir::Program& program);

// Compiled entry points; `keep_alive` holds whatever owns their code (the JIT's resource
// tracker) for as long as the KernelSet lives.
KernelSet CompiledKernels(TallyScoreKernelFn score, TallyMetricRowKernelFn metric_rows,
                          TallyMetricFinalizeKernelFn metric_finalize,
                          std::shared_ptr<const void> keep_alive, std::string engine = "jit");

}  // namespace tally::runtime
