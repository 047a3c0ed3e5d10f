// The reference interpreter: runs an ir::Program with the kernel calling convention
// (kernel_abi.h), one row at a time, written to be obviously right rather than fast.
// It is the oracle the LLVM kernels are compared with, bit for bit.
#pragma once

#include "tally/compiler/ir.h"
#include "tally/compiler/kernel_abi.h"

namespace tally::interp {

// Same contract as TallyScoreKernelFn, for `program` (a score).
void RunScore(const ir::Program& program, int64_t rows, const TallyColumnView* inputs,
              const uint16_t* variants, TallyColumnView* outputs, uint32_t* status);

// Same contract as TallyMetricRowKernelFn, for `program` (a metric).
void RunMetricRows(const ir::Program& program, int64_t rows, const TallyColumnView* inputs,
                   const uint16_t* variants, TallyColumnView* aggregate_args, uint32_t* status);

// Same contract as TallyMetricFinalizeKernelFn, for `program` (a metric).
void RunMetricFinalize(const ir::Program& program, int64_t groups,
                       const TallyColumnView* aggregates, const TallyColumnView* group_keys,
                       TallyColumnView* outputs, uint32_t* status);

}  // namespace tally::interp
