#include "optimize.h"

#include "llvm/Analysis/CGSCCPassManager.h"
#include "llvm/Analysis/LoopAnalysisManager.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"

namespace tally::codegen {
namespace {

// Level 1, the kernel pipeline: only what a kernel module needs — inline the row bodies,
// clean up, rotate and vectorize the row loop, clean up again. About a third less compile
// time than LLVM's O2 for the same vectorized loop (docs/performance.md).
constexpr const char* kKernelPipeline =
    "function(instcombine<no-verify-fixpoint>,simplifycfg),"
    "always-inline,"
    "function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg,"
    "loop-mssa(licm),loop(loop-rotate,indvars),loop-vectorize,"
    "instcombine<no-verify-fixpoint>,simplifycfg,early-cse)";

}  // namespace

void OptimizeModule(llvm::Module& module, llvm::TargetMachine& target, int opt_level) {
  // Level 0, a very large kernel: no IR passes. The loop vectorizer's time grows about as the
  // cube of the loop's size (51 s for a 10,000-let chain), instcombine's faster than linearly;
  // the code is correct unoptimized, only slower per row.
  if (opt_level <= 0) return;
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  llvm::PassBuilder builder(&target, tuning);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager passes;
  if (opt_level <= 1) {
    // The text is a constant checked by the tests; should it ever fail to parse, O2 is used.
    if (llvm::Error err = builder.parsePassPipeline(passes, kKernelPipeline)) {
      llvm::consumeError(std::move(err));
      opt_level = 2;
      passes = llvm::ModulePassManager();
    }
  }
  if (opt_level >= 2) {
    passes = builder.buildPerModuleDefaultPipeline(opt_level >= 3 ? llvm::OptimizationLevel::O3
                                                                  : llvm::OptimizationLevel::O2);
  }
  passes.run(module, mam);
}

}  // namespace tally::codegen
