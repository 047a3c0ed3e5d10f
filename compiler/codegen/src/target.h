// The fixed target kernels are compiled for: a named baseline CPU, never "native", so the
// machine code (and the cache entry) is the same on every host of that baseline.
#pragma once

#include <string>

#include "tally/codegen/kernel.h"
#include "tally/support/result.h"

namespace tally::codegen {

// TargetInfo for `cpu` ("" = the default baseline for this host). Fails when this host
// cannot run code for `cpu`. Initializes LLVM's native target on first use.
Result<TargetInfo> ResolveTarget(const std::string& cpu);

}  // namespace tally::codegen
