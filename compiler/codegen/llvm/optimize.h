// The optimization pipeline kernels go through: LLVM's standard O2/O3 pipeline (new pass
// manager) for the fixed target, so the loop vectorizer sees the target's vector width.
#pragma once

#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

namespace tally::codegen {

void OptimizeModule(llvm::Module& module, llvm::TargetMachine& target, int opt_level);

}  // namespace tally::codegen
