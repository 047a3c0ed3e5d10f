// The fixed target kernels are compiled for: a named baseline CPU, never "native", so the
// machine code (and the cache entry) is the same on every host of that baseline.
//
// Known without LLVM, so that a process whose kernels all come from the cache never loads
// LLVM: the host's baseline comes from the CPU's own feature bits, and each baseline's
// feature list (what lineage records show) is a table that tests/codegen checks against
// LLVM's own description of the CPU.
#pragma once

#include <string>
#include <vector>

#include "tally/codegen/kernel.h"
#include "tally/support/result.h"

namespace tally::codegen {

// TargetInfo for `cpu` ("" = the default baseline for this host). Fails when `cpu` is not
// a baseline Tally builds for, or this host cannot run code for it.
Result<TargetInfo> ResolveTarget(const std::string& cpu);

// The baselines Tally knows on this architecture, most capable first.
std::vector<std::string> KnownBaselines();

}  // namespace tally::codegen
