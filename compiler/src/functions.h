// The one registry of built-in functions: name, arity, how the result type follows from the
// arguments, and the null policy. The checker reads it to type calls; lowering reads it to
// pick the IR op. (The IR op's own semantics are in ir.h; the interpreter and code generator
// implement those.)
#pragma once

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
    kSameNumeric,     // int -> int, float -> float (abs, floor, ceil, round)
    kWidestNumeric,   // min, max, clamp: float if any argument is float
    kFloat,           // sqrt, ln, exp, pow, sigmoid
    kBool,            // is_null
    kUnified,         // coalesce: the arguments' common type
  } result;
  // Null policy: the result is null when any argument is null ("strict"), except where noted.
  enum class Nulls : uint8_t {
    kStrict,          // null in, null out
    kStrictOrDomain,  // strict, and also null for a domain error (sqrt(-1), ln(0), overflow)
    kCoalesce,        // null only if every argument is null
    kNever,           // never null (is_null)
  } nulls;
  const char* signature;  // for messages and docs
};

const FunctionSpec* FindFunction(const std::string& name);
const std::vector<FunctionSpec>& AllFunctions();

// Aggregates (metrics only): count(), count(cond), sum(x), avg(x), avg(x, weight = w), min(x), max(x).
bool IsAggregateName(const std::string& name);

}  // namespace tally
