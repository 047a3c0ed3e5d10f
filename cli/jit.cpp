#include "jit.h"

#include <cstdio>

#include "tally/codegen/kernel.h"

namespace tally::cli {

namespace {

// `p`'s kernels and, for a score with window aggregates, each window program's.
Result<runtime::KernelSet> CompileKernels(const ir::Program& p, const std::string& cache_dir) {
    codegen::KernelOptions options;
    options.cache_dir = cache_dir;
    auto k = codegen::CompileKernel(p, options);
    if (!k.ok()) return k.error();
    std::shared_ptr<const codegen::Kernel> kernel = *k;
    if (!kernel->info().cache_warning.empty())
      std::fprintf(stderr, "tally: warning: %s\n", kernel->info().cache_warning.c_str());
    runtime::KernelSet set =
        runtime::CompiledKernels(kernel->score(), kernel->metric_row(), kernel->metric_finalize(), kernel, "jit");
    set.object_sha256 = kernel->info().object_sha256;
    for (const ir::Program& window : p.windows) {
      auto w = CompileKernels(window, cache_dir);
      if (!w.ok()) return w.error();
      set.windows.push_back(std::move(*w));
    }
    return set;
}

}  // namespace

KernelFactory JitKernelFactory(const std::string& cache_dir) {
  return [cache_dir](const ir::Program& p) -> Result<runtime::KernelSet> { return CompileKernels(p, cache_dir); };
}

void AddJitTargetFacts(runtime::LineageFacts& facts) {
  const auto& target = codegen::DefaultTarget();
  facts.llvm_version = target.llvm_version;
  facts.target_triple = target.triple;
  facts.target_cpu = target.cpu;
  facts.target_features = target.features;
}

}  // namespace tally::cli
