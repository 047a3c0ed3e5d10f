// The table of IR ops: one row per ir::Op saying what every reader of the IR needs to know
// about it without a switch of its own: its printed name, how many operands it takes and of
// which type, its result type, whether it can trap, its null rule, and which immediate field
// it uses. The printer (ir.cpp), the verifier (ir_verify.cpp), the passes and the trap
// analysis read it. What an op *computes* is not here: ir.h states the rule, and the two
// engines (interpreter.cpp, codegen/llvm/emit.cpp) each implement it, as each other's oracle.
#pragma once

#include <cstdint>

#include "tally/compiler/ir.h"

namespace tally::ir {

struct OpInfo {
  Op op;
  const char* name;  // as printed by Program::ToString
  enum class Arity : uint8_t {
    kLeaf,        // no operands
    kOne, kTwo, kThree,
    kAtLeastOne,  // coalesce
  } arity;
  enum class Operands : uint8_t {
    kNone,        // a leaf
    kResult,      // every operand has the instruction's type
    kInt,         // int_to_float
    kSameType,    // comparisons: two operands of one (any) type
    kBool,        // and, or, not
    kSelect,      // {bool, result type, result type}
    kAny,         // is_null: one operand of any type
    kTableKey,    // lookup: one operand of the table's key type
    kDate,        // every operand is a date
    kDateInt,     // add_days: {date, int}
    kFloat,       // float_to_int
    kString,      // lower, upper, trim, length, starts_with, ...: every operand is a string
    kStringIntInt,  // substr: {string, int, int}
  } operands;
  enum class Result : uint8_t {
    kAny,      // leaves, select, coalesce
    kNumeric,  // int or float
    kFloat,
    kBool,
    kInt,
    kDate,
    kString,
  } result;
  enum class Traps : uint8_t {
    kNever,
    kOnInt,    // neg, abs: INT64_MIN
    kAlways,   // add, sub, mul (int overflow, non-finite float), div (non-finite)
  } traps;
  enum class Nulls : uint8_t {
    kLeaf,            // constants, inputs, params, aggregates, group keys: as declared
    kStrict,          // null if any operand is null, and only then
    kStrictOrDomain,  // strict, and also null outside the op's domain (div by 0, sqrt(-1), ...)
    kKleene,          // and, or
    kSelect,          // the chosen branch's validity
    kCoalesce,        // null only if every operand is
    kNever,           // is_null
    kAlways,          // lookup: nullable whatever its operand (an absent key)
  } nulls;
  enum class Immediate : uint8_t {
    kNone,
    kConstant,  // imm_int / imm_float / index (string) / is_null_constant
    kIndex,     // index: input, param, aggregate or group key
    kDigits,    // imm_int: round's digits, 0..15
    kTable,     // index: table; imm_int: column of that table
  } immediate;
};

// The row of `op`. Every ir::Op has one.
const OpInfo& InfoOf(Op op);

// Whether an instruction `op` of result type `type` can trap, i.e. must carry a trap id.
bool OpTraps(Op op, Type type);

// The message of a trap of `op` at type `type`, before " in `SOURCE`".
const char* TrapMessage(Op op, Type type);

}  // namespace tally::ir
