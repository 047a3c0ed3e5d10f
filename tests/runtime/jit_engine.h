// The JIT as a test engine, as `tally test` installs it (cli/jit.cpp), without the kernel cache.
#pragma once

#include "tally/codegen/kernel.h"
#include "tally/runtime/test_runner.h"

namespace tally::runtime::testing {

inline TestEngine JitEngine() {
  return {"jit", [](const ir::Program& program) -> Result<KernelSet> {
            codegen::KernelOptions options;
            options.use_cache = false;
            auto k = codegen::CompileKernel(program, options);
            if (!k.ok()) return k.error();
            std::shared_ptr<const codegen::Kernel> kernel = *k;
            return CompiledKernels(kernel->score(), kernel->metric_row(), kernel->metric_finalize(), kernel, "jit");
          }};
}

}  // namespace tally::runtime::testing
