// The reference interpreter: runs an ir::Program with the kernel calling convention
// (kernel_abi.h), one row at a time, written to be obviously right rather than fast.
// It is the oracle the LLVM kernels are compared with, bit for bit.
#pragma once

#include <optional>
#include <vector>

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

// `op` evaluated on `operands` (constants, one per op.args, in order) exactly as the
// functions above would evaluate it: the constant it yields (a null constant when null), or
// nullopt when it traps. Constant folding (passes.h) uses it, so folding cannot disagree
// with the engines.
std::optional<ir::Instruction> EvaluateOnConstants(const ir::Instruction& op,
                                                   const std::vector<ir::Instruction>& operands);

}  // namespace tally::interp
