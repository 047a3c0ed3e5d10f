// JIT kernels for the runtime, and the facts about them a lineage record states.
#pragma once

#include <string>

#include "tally/runtime/lineage.h"
#include "tally/runtime/runtime.h"

namespace tally::cli {

// Kernels compiled by LLVM (or loaded from the kernel cache in `cache_dir`; empty = default).
KernelFactory JitKernelFactory(const std::string& cache_dir = "");

// LLVM version, target triple, CPU and features of the kernels this machine builds.
void AddJitTargetFacts(runtime::LineageFacts& facts);

}  // namespace tally::cli
