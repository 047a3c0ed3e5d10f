// The optimization pipeline kernels go through, for the fixed target (so the loop vectorizer
// sees the target's vector width): 0 none (very large kernels, kernel.h), 1 the kernel
// pipeline, 2/3 LLVM's standard O2/O3 (new pass manager).
#pragma once

#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

namespace tally::codegen {

void OptimizeModule(llvm::Module& module, llvm::TargetMachine& target, int opt_level);

}  // namespace tally::codegen
