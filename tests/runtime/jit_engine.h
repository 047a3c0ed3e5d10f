// The JIT as a test engine, as `tally test` installs it (cli/jit.cpp), without the kernel cache.
#pragma once

#include "tally/codegen/kernel.h"
#include "tally/runtime/test_runner.h"

namespace tally::runtime::testing {

// `program`'s compiled kernels and its window programs', uncached.
inline Result<KernelSet> JitKernels(const ir::Program& program) {
  codegen::KernelOptions options;
  options.use_cache = false;
  auto k = codegen::CompileKernel(program, options);
  if (!k.ok()) return k.error();
  std::shared_ptr<const codegen::Kernel> kernel = *k;
  KernelSet set = CompiledKernels(kernel->score(), kernel->metric_row(), kernel->metric_finalize(), kernel, "jit");
  for (const ir::Program& window : program.windows) {
    auto w = JitKernels(window);
    if (!w.ok()) return w.error();
    set.windows.push_back(std::move(*w));
  }
  return set;
}

inline TestEngine JitEngine() { return {"jit", &JitKernels}; }

}  // namespace tally::runtime::testing
