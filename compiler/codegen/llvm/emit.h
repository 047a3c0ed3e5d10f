// ir::Program -> LLVM module with the kernel_abi.h entry points (names below).
// Only LLVM IR is produced here; optimization and machine code are jit.cpp's job.
#pragma once

#include <memory>

#include "backend.h"  // the entry point names
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "tally/compiler/ir.h"
#include "tally/support/result.h"

namespace tally::codegen {

// The C library functions kernels call, under names LLVM does not know, so the optimizer can
// neither constant-fold them differently nor swap them for intrinsics or other functions
// (pow(2, x) -> exp2(x)). The JIT and object_loader.h bind them to the process's
// exp/log/pow, the very functions the interpreter calls.
inline constexpr const char* kExpSymbol = "tally_rt_exp";
inline constexpr const char* kLogSymbol = "tally_rt_log";
inline constexpr const char* kPowSymbol = "tally_rt_pow";

// Builds the module for `program`, with `key` (its cache key) as the constant
// kKernelKeySymbol (backend.h). The module has no target set; the caller sets the data
// layout and triple. Fails on a malformed program (bad operand index, arity, leaf index).
Result<std::unique_ptr<llvm::Module>> EmitKernelModule(const ir::Program& program, const std::string& key,
                                                       llvm::LLVMContext& context);

}  // namespace tally::codegen
