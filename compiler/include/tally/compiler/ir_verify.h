// The IR verifier: is an ir::Program well formed? It runs after lowering, after every pass
// (passes.h) and before either engine (the interpreter's callers and CompileKernel), so a bad
// program is an error value and never an LLVM assertion, a kernel reading out of bounds or
// two engines disagreeing about a program neither should have been given.
//
// What it holds a program to: every operand is an earlier instruction of the same code; each
// instruction has the arity, operand types and result type of its row in ir_ops.h; it
// carries a trap id exactly when its op can trap at its type, and that id names a trap
// reason; `may_error` is exactly "traps or has an operand that may error"; a strict, Kleene,
// select or coalesce op is nullable whenever its rule lets a nullable operand make it null;
// leaves reference existing inputs / params / aggregates / group keys of their type; and
// requires, outputs and aggregates name values of the right type.
#pragma once

#include "tally/compiler/ir.h"
#include "tally/support/result.h"

namespace tally::ir {

// Ok, or an error whose message starts "malformed IR for NAME: " and says where and why.
Status Verify(const Program& program);

}  // namespace tally::ir
