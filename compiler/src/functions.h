// The one registry of built-in functions and aggregates. Each is one entry, read by the
// checker (arity, argument and result types, nullability, literal domain errors, which calls
// prove a divisor non-zero), by lowering (the IR op it becomes and how), and, through the op
// it names, by the IR verifier and the trap analysis (ir_ops.h says whether that op can trap).
// What the op computes, bit for bit, is ir.h's rule, implemented once in each engine.
//
// Adding a pure built-in: one FunctionSpec here, one ir::Op (ir.h, ir_ops.cpp) and its body
// in interpreter.cpp and codegen/llvm/emit.cpp; docs/architecture.md walks through sign().
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tally/compiler/ir.h"

namespace tally {

struct FunctionSpec {
  const char* name;
  size_t min_args;
  size_t max_args;  // SIZE_MAX for variadic
  enum class Result : uint8_t {
    kSameNumeric,     // int -> int, float -> float (abs, floor, ceil, round, sign)
    kWidestNumeric,   // min, max, clamp: float if any argument is float
    kFloat,           // sqrt, ln, exp, pow, sigmoid
    kBool,            // is_null
    kUnified,         // coalesce: the arguments' common type
    // Dates and conversions (check_dates.cpp types them).
    kDatesToInt,      // days_between, year, month, ...: every argument a date; int
    kDatesToDate,     // trunc_month, trunc_quarter, trunc_year: a date; date
    kAddDays,         // add_days(date, int): date
    kToInt,           // int(x): float, int or date; int
    kToFloat,         // float(x): int or float; float
    kStringFunction,  // lower, substr, concat, ...: typed by the op's row (check_strings.cpp)
  } result;
  // Null policy: the result is null when any argument is null ("strict"), except where noted.
  enum class Nulls : uint8_t {
    kStrict,          // null in, null out
    kStrictOrDomain,  // strict, and also null for a domain error (sqrt(-1), ln(0), overflow)
    kCoalesce,        // null only if every argument is null
    kNever,           // never null (is_null)
  } nulls;
  // How a call becomes IR. The arguments are first converted to the call's result type
  // (int widens to float); the op's trap, if any, reports "integer/float overflow in `CALL`".
  enum class Lowering : uint8_t {
    kOp,       // one `op` over all the arguments
    kFold,     // a left fold of the binary `op`: min(a, b, c) = min(min(a, b), c)
    kClamp,    // clamp(x, lo, hi) = min(max(x, lo), hi)
    kDigits,   // `op` over the first argument; the second, an int literal, is its imm_int
    kIsNull,   // `op`, or the constant true for is_null(null)
    kTyped,    // `op` over the arguments as they are (the op table gives their types); a null
               // literal argument becomes a null constant of the operand type the op wants
    kToInt,    // int(x): float -> `op` (float_to_int), int -> x, date -> days_between(epoch, x)
    kToFloat,  // float(x): int -> `op` (int_to_float), float -> x
    kStrings,  // string functions: `op` over the arguments as they are, a left fold for more
               // than the op's two (concat), substr's missing length as INT64_MAX
  } lowering;
  ir::Op op;
  // A domain error the checker can see in a literal first argument is a compile error.
  enum class Domain : uint8_t {
    kAny,
    kNonNegative,    // sqrt
    kPositive,       // ln
    kOrderedBounds,  // clamp: literal bounds must satisfy lo <= hi
  } domain;
  // When a call proves its value non-zero, so that dividing by it cannot give null.
  enum class NonZero : uint8_t {
    kNever,
    kAnyPositiveLiteral,    // max(x, 1): some argument is a positive literal
    kPositiveLowerBound,    // clamp(x, 1, 5): the lower bound is a positive literal
    kEveryArgument,         // coalesce: every argument is non-zero
  } nonzero;
  const char* signature;  // for messages and docs
};

const FunctionSpec* FindFunction(const std::string& name);
const std::vector<FunctionSpec>& AllFunctions();

// Aggregates (metrics only): count(), count(cond), sum(x), avg(x), avg(x, weight = w),
// min(x), max(x), and the richer ones: count_distinct, median, quantile, variance(_pop),
// stddev(_pop), min_by, max_by. A name that is also a function (min, max) is the aggregate when called
// with fewer arguments than the function takes.
struct AggregateSpec {
  const char* name;
  ir::Aggregate::Kind kind;                        // with one positional argument
  std::optional<ir::Aggregate::Kind> no_argument;  // count(): the aggregate with none
  std::optional<ir::Aggregate::Kind> weighted;     // avg(x, weight = w)
  enum class Argument : uint8_t { kBool, kNumeric } argument;
  enum class Result : uint8_t {
    kInt,        // count: never null
    kFloat,      // avg: nullable like its argument (null when no value); weighted: always nullable
    kArgument,   // sum, min, max: the argument's type and nullability
  } result;
  bool no_argument_nonzero;  // count() counts accepted rows, so a group's count is >= 1
  const char* signature;
  // The richer aggregates take arguments of other shapes (check_aggregates.cpp); kClassic is
  // everything above.
  enum class Shape : uint8_t {
    kClassic,
    kAnyValue,  // count_distinct(x): x of any type; int, never null
    kNumber,    // median, variance, stddev...: one number, read as float; float?, null as ir.h says
    kQuantile,  // quantile(x, p): a number and a literal p in [0, 1]; float?
    kBy,        // min_by(x, key): x of any type, a numeric ordering key; x's type, nullable
  } shape = Shape::kClassic;
  double p = 0.5;  // kNumber with kind kQuantile (median): its fixed p
};

const AggregateSpec* FindAggregate(const std::string& name);
const std::vector<AggregateSpec>& AllAggregates();

}  // namespace tally
