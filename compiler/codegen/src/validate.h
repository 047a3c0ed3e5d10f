// Checks that an ir::Program is well formed before code is generated for it, so a bad
// program is an error value and never an LLVM assertion or a kernel reading out of bounds.
#pragma once

#include "tally/compiler/ir.h"
#include "tally/support/result.h"

namespace tally::codegen {

Status ValidateProgram(const ir::Program& program);

}  // namespace tally::codegen
