// LLVM's side of the target: setting up the native target, and what LLVM says a CPU implies.
#pragma once

#include <string>

#include "tally/support/result.h"

namespace tally::codegen {

// Initializes LLVM's native target, assembly printer and parser, once per process.
void InitializeLlvmOnce();

// Every feature `cpu` implies, as "+a,+b,..." sorted: what the lineage record shows.
Result<std::string> LlvmImpliedFeatures(const std::string& triple, const std::string& cpu);

}  // namespace tally::codegen
