// The typed IR: what the reference interpreter runs and what LLVM code generation consumes.
//
// A Program is one checked definition (a score or a metric) with every name resolved,
// every implicit conversion explicit, every param value known per region variant, and every
// null / division-by-zero / overflow rule of docs/language.md made an explicit property of
// an instruction. Both back ends read only this file's types, so the semantics below are the
// contract they are held to, bit for bit.
//
// Code is SSA in a flat vector: an instruction's operands are indices of earlier
// instructions. A value is a triple:
//   value   the payload (bool as 0/1, int64, double, a string's dictionary code, or a date's
//           days since 1970-01-01);
//   valid   false when the value is null (only possible when `nullable`);
//   error   the smallest trap id raised in its dependency cone that the value depends on
//           (kNoError when none; only possible when `may_error`).
// Payloads of null values are unspecified but must never trap or be read.
//
// ir_ops.h tabulates each op's shape (arity, operand and result types, trap and null rules);
// ir_verify.h checks a Program against it; passes.h simplifies a Program without changing
// what it computes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tally/support/source_file.h"

namespace tally::ir {

// kDate: int64 days since 1970-01-01, proleptic Gregorian, always in 0001-01-01 ..
// 9999-12-31 (tally/support/civil_date.h): literals are checked, the runtime rejects input
// outside it, and add_days traps rather than leave it. Ops on dates may assume the range.
enum class Type : uint8_t { kBool, kInt, kFloat, kString, kDate };
const char* TypeName(Type t);

using ValueId = uint32_t;
constexpr uint32_t kNoError = UINT32_MAX;

enum class Op : uint8_t {
  // Leaves.
  kConstant,   // imm: bool/int/float payload, or string constant index (== its dictionary code);
               // a `null` literal is a constant with nullable=true and is_null_constant=true.
  kInput,      // index: input column.
  kParam,      // index: param; value = params[index].values[variant of the row].
  kAggregate,  // post-aggregation code only. index: aggregate.
  kGroupKey,   // post-aggregation code only. index: position in group_keys.

  // Arithmetic. Operands have the instruction's type (int or float); no implicit conversion.
  // Strict: null if any operand is null.
  kAdd, kSub, kMul,  // int: overflow traps. float: a non-finite result traps.
  kDiv,              // float only. Divisor 0 -> null (even 0/0). Non-finite result traps.
  kMod,              // int: divisor 0 -> null; INT64_MIN % -1 -> 0; sign of the dividend.
                     // float: fmod; divisor 0 -> null.
  kNeg,              // int: -INT64_MIN traps.
  kIntToFloat,       // exact conversion rule of C++ static_cast<double>(int64_t) (round to nearest even).

  // Comparisons (operands of one type; strings only kEq/kNe, comparing dictionary codes).
  // Strict: null if any operand is null. Floats compare as IEEE (no NaN ever exists).
  kEq, kNe, kLt, kLe, kGt, kGe,

  // Kleene logic: false and null = false, true or null = true, otherwise null propagates.
  kAnd, kOr,
  kNot,  // strict

  // if/then/else: args = {cond, then, else}. A null condition selects `else`.
  // error = min(cond.error, chosen.error); the unchosen branch's error is ignored.
  kSelect,
  // coalesce(a, b, ...): the first non-null operand; null if all are. error = min of the
  // errors of the operands up to and including the chosen one.
  kCoalesce,
  kIsNull,  // never null; error = operand's error.

  // Functions (strict). min/max/abs/floor/ceil/round keep the operand type.
  kMin, kMax,  // binary. Exactly: min(a, b) = b < a ? b : a; max(a, b) = a < b ? b : a
               // (so for -0.0 and +0.0 the first operand wins; never llvm.minnum).
  kAbs,        // int: abs(INT64_MIN) traps.
  kRound,      // imm_int = digits in [0, 15]. int: identity. float: if |x| >= 2^52 then x, else
               // round_half_away_from_zero(x * 10^d) / 10^d, where 10^d is the exact double.
  kFloor, kCeil,  // int: identity.
  kSqrt,       // float; x < 0 -> null.
  kLn,         // float; x <= 0 -> null.
  kExp,        // float; non-finite result -> null. Calls the C library's exp().
  kPow,        // float; non-finite or NaN result -> null. Calls the C library's pow().
  kSigmoid,    // float; 1.0 / (1.0 + exp(-x)), exp() from the C library. Strict, and
               // never null for a valid x.
  kSign,       // int: -1, 0 or 1. float: -1.0 if x < 0, 1.0 if x > 0, else +0.0 (so sign(-0.0)
               // is +0.0). Strict.

  // Reference tables (Program::tables). args = {key}; index = table t; imm_int = column c of
  // t; the instruction's type is that column's type and it is always nullable. Exactly:
  // null when the key is null; else, when some row r has tables[t].keys[r] == key (ints by
  // value; strings by dictionary code, and a table's string keys are string constants, so
  // a string no constant equals matches no row), the value of column c in row r, which is
  // null when columns[c].valid[r] == 0; else (an absent key) null. Never traps;
  // error = the key's error.
  kLookup,
  // Dates (strict; operands are days in the valid range, see Type::kDate). Civil fields are
  // Hinnant's civil_from_days in int64 arithmetic (tally/support/civil_date.h).
  kDaysBetween,   // {date a, date b} -> int: b - a (cannot overflow in the range).
  kAddDays,       // {date d, int n} -> date: d + n; traps when that overflows int64 or leaves
                  // 0001-01-01 .. 9999-12-31.
  kYear,          // date -> int: the civil year, 1..9999.
  kQuarter,       // date -> int: (month + 2) / 3, 1..4.
  kMonth,         // date -> int: 1..12.
  kDay,           // date -> int: day of the month, 1..31.
  kDayOfWeek,     // date -> int: ISO weekday, Monday = 1 ... Sunday = 7: (d - (-719162)) % 7 + 1
                  // (0001-01-01, day -719162, was a Monday).
  kTruncMonth,    // date -> date: the first day of its month.
  kTruncQuarter,  // date -> date: the first day of its quarter (month 3 * ((month - 1) / 3) + 1).
  kTruncYear,     // date -> date: January 1 of its year.
  // float -> int: truncation toward zero (C++ static_cast<int64_t>); traps unless
  // -2^63 <= x < 2^63. Strict.
  kFloatToInt,
  // Scores only, row code. index: window value w (Program::window_values): the result of
  // aggregate window_values[w].aggregate of metric program windows[window_values[w].window]
  // over the population of the row's partition, computed by the runtime in a first pass over
  // the input (docs/runtime.md, "Window aggregates"). Read like an input, from input view
  // inputs.size() + w (kernel_abi.h); as declared (type, nullable). Never traps.
  kWindow,

  // String functions (docs/language.md, "String functions"). Strict: null if any operand is
  // null, never null otherwise, never trap; error = the least of the operands' errors. The
  // payload is computed by the run's string helper (kernel_abi.h, TallyStringCalls), which
  // both engines call with (op, operand payloads) only for a row whose operands are all
  // valid; tally/compiler/string_functions.h states each text rule and implements it once.
  // A string result is the dictionary code of the result text (interned, so equal texts
  // have equal codes and compare equal to constants); strings are valid UTF-8 and
  // "character" below is a code point.
  kLower,       // string -> string: ASCII A-Z to a-z; every other byte unchanged.
  kUpper,       // string -> string: ASCII a-z to A-Z; every other byte unchanged.
  kTrim,        // string -> string: without the ASCII whitespace (space, \t \n \v \f \r)
                // at both ends.
  kLength,      // string -> int: the number of characters (code points).
  kStartsWith,  // {string s, string p} -> bool: p is a prefix of s (bytes; "" is a prefix of all).
  kEndsWith,    // {string s, string p} -> bool: p is a suffix of s.
  kContains,    // {string s, string p} -> bool: p occurs in s ("" occurs in every s).
  kSubstr,      // {string s, int start, int len} -> string: the characters at 1-based
                // positions k with start <= k < start + len (exact, no overflow) and
                // 1 <= k <= length(s); "" when there are none (len <= 0, start past the end).
  kConcat,      // {string a, string b} -> string: a's bytes then b's.
};
// The last op: the table of ops (ir_ops.cpp) must have a row for every op up to it.
constexpr Op kLastOp = Op::kConcat;
// Whether `op` is one of the string functions above (computed by the string helper).
inline bool IsStringCall(Op op) { return op >= Op::kLower && op <= Op::kConcat; }
// The printed name of `op`; ir_ops.h has the rest of its row in the table of ops.
const char* OpName(Op op);

struct Instruction {
  Op op = Op::kConstant;
  Type type = Type::kFloat;
  bool nullable = false;   // may be null at run time (a static property, from the checker)
  bool may_error = false;  // may carry an error (some operand may, or this op can trap)
  bool is_null_constant = false;
  uint32_t trap = kNoError;  // for ops that can trap: the trap id they raise
  uint32_t index = 0;        // kInput, kParam, kAggregate, kGroupKey; string constant index
  int64_t imm_int = 0;       // int/bool constants; kRound digits
  double imm_float = 0.0;    // float constants
  std::vector<ValueId> args;
};

struct Column {
  std::string name;
  Type type = Type::kFloat;
  bool nullable = false;
  // Dates only: how the CSV text is written (0 = YYYY-MM-DD; dates::Format). Kernels never
  // see it; the runtime parses with it, and it is part of the program text (cache keys, review).
  uint8_t date_format = 0;
};

struct Param {
  std::string name;
  Type type = Type::kFloat;
  bool regional = false;
  // values[v] is the value for variant v (0 = global). A param's value is never null.
  // Bool params use int_values; strings use int_values as the string constant index.
  std::vector<int64_t> int_values;
  std::vector<double> float_values;
};

// Outputs of a row whose status is not 0 are unspecified: compare them only for status 0.
// Why a row was not scored. Row status 0 means scored; status k>0 means reasons[k-1].
struct Reason {
  enum class Kind : uint8_t { kRequire, kTrap } kind = Kind::kRequire;
  std::string message;   // e.g. "require open_tickets >= 0" or "integer overflow in a * b"
  SourceLocation location;  // metrics/customer/health.tally:20:3 (ToString() prints it so)
};

struct Require {
  ValueId condition;  // in row_code. The row is rejected only when it is false (null passes).
  uint32_t reason;    // index into reasons
};

struct Output {
  std::string name;
  Type type = Type::kFloat;
  bool nullable = false;
  ValueId value;  // in row_code (scores) or post_code (metrics)
  // A float output that is -0.0 is written as +0.0 (both back ends add +0.0 at the end).
};

struct Aggregate {
  enum class Kind : uint8_t {
    kCount,       // count(): rows accepted into the group. int, never null.
    kCountIf,     // count(cond): rows where cond is true. int, never null.
    kSum,         // skips nulls; null when every value was null. int overflow / non-finite float
                  // is a run error naming the metric and group.
    kAvg,         // float: sum / non-null count; null when no non-null value.
    kMin, kMax,   // skip nulls; null when no non-null value.
    kWeightedAvg, // float: sum(x*w) / sum(w) over rows where both are non-null; null if sum(w)==0.
    // Richer aggregates (docs/language.md, "Richer aggregates and computed group keys").
    // Each is independent of the order of the rows; float values are held with -0.0 made +0.0.
    kCountDistinct,  // int, never null: distinct non-null values; strings by their text,
                     // floats by value (-0.0 == +0.0).
    kQuantile,       // float (arg as float), null when no non-null value. Hyndman-Fan type 7 over
                     // the sorted non-null values v[0..n-1]: h = double(n-1) * p, i = floor(h);
                     // i == n-1: v[i]; else v[i] + (h - i) * (v[i+1] - v[i]). median: p = 0.5.
    kVariance,       // float (arg as float), sample: null when n < 2. Over the sorted values:
                     // m = (v[0] + ... + v[n-1]) / n, left to right; s = sum of (v[k] - m)^2 in
                     // the same order; s / (n-1). Non-finite: a run error.
    kVariancePop,    // as kVariance, s / n; null when n = 0.
    kStddev,         // sqrt of kVariance (IEEE sqrt).
    kStddevPop,      // sqrt of kVariancePop.
    kMinBy, kMaxBy,  // the arg (any type) at the row whose `weight` (the ordering key: int or
                     // float, compared by value) is smallest / largest, over rows where both are
                     // non-null; ties: the smallest arg (strings by text, -0.0 == +0.0); null
                     // when there is no such row. Result: the arg's type, nullable.
    kKey,            // a computed group key (`group by` a `let`): the group-by groups rows by the
                     // arg's value as it groups by key inputs; the result per group is that value
                     // (arg's type and nullability). Named in Program::computed_keys.
  } kind = Kind::kCount;
  Type type = Type::kInt;     // result type
  bool nullable = false;
  ValueId arg = 0;            // in row_code (unused for kCount)
  ValueId weight = 0;         // kWeightedAvg: the weight; kMinBy/kMaxBy: the ordering key
  double p = 0.5;             // kQuantile only: the literal p in [0, 1]
  std::string text;           // source text, for messages
};
const char* AggregateName(Aggregate::Kind kind);
// Whether the row kernel writes aggregate slot 2i (the argument) and 2i+1 (weight / key).
inline bool HasArgument(Aggregate::Kind k) { return k != Aggregate::Kind::kCount; }
inline bool HasSecondArgument(Aggregate::Kind k) {
  return k == Aggregate::Kind::kWeightedAvg || k == Aggregate::Kind::kMinBy || k == Aggregate::Kind::kMaxBy;
}

// A `group by` key that is a `let`, computed per row: aggregate `aggregate` (of kind kKey)
// carries its value; `position` is its place in the `group by` list, counting input keys
// (Program::group_keys, in order) and computed keys together.
struct ComputedKey {
  std::string name;
  uint32_t aggregate = 0;
  uint32_t position = 0;
};

// A reference table as a program reads it: only the columns the program reads, baked in.
struct TableColumn {
  std::string name;
  Type type = Type::kFloat;
  // Row r's value: float_values[r] for floats, else int_values[r] (bools 0/1, strings the
  // string constant index); valid[r] == 0 when it is null.
  std::vector<int64_t> int_values;
  std::vector<double> float_values;
  std::vector<uint8_t> valid;
};
struct Table {
  std::string name;     // "cx.segment_weights"
  std::string version;  // "1.0.0"
  std::string sha256;   // of the CSV file's bytes
  Type key_type = Type::kString;  // kInt or kString
  // Ascending and distinct: ints by value, strings by string constant index (== dictionary code).
  std::vector<int64_t> keys;
  std::vector<TableColumn> columns;  // columns[c].*[r] belongs to keys[r]
};

struct Program;

// A score's window aggregate as its row code reads it (kWindow): aggregate `aggregate` of
// the metric program Program::windows[window].
struct WindowValue {
  uint32_t window = 0;
  uint32_t aggregate = 0;
  Type type = Type::kFloat;
  bool nullable = false;
  std::string text;  // "quantile(monetary, 0.8) over all", for messages and review
};

// Sums, averages and min/max are computed per group in input row order, so a metric's result
// does not depend on batch size or thread count.
struct Program {
  enum class Kind : uint8_t { kScore, kMetric } kind = Kind::kScore;
  std::string name;     // "customer.health"
  std::string version;  // "1.2.0"
  std::vector<Column> inputs;
  std::vector<uint32_t> key_inputs;      // scores: input indices copied to each output row
  std::vector<Param> params;
  std::vector<std::string> variants;     // variants[0] == "" (global); then region names
  int32_t region_input = -1;             // input index of `region` when variants.size() > 1
  std::vector<std::string> string_constants;  // constant i has dictionary code i in a run
  std::vector<Instruction> row_code;
  std::vector<Require> requirements;
  std::vector<Reason> reasons;
  std::vector<Output> outputs;
  // Metrics only.
  std::vector<uint32_t> group_keys;      // input indices; written before the outputs
  std::vector<ComputedKey> computed_keys;  // `let` keys, by position among all keys
  std::vector<Aggregate> aggregates;
  std::vector<Instruction> post_code;
  std::vector<Table> tables;             // read by kLookup; in order of first use

  // Inputs as they come (docs/language.md, "Inputs as they come"): how the definition says
  // its raw file is read, each field empty when the definition leaves it to the command line
  // (runtime/input_layout.h merges the two). Plain text: the compiler knows no reader.
  struct InputLayout {
    std::string format;                // "", "csv" or "whitespace"
    std::string delimiter;             // "" or the one byte between csv fields
    std::string header;                // "", "names", "none" or "skip"
    std::vector<std::string> columns;  // the file's columns by position; empty: the header's
    bool operator==(const InputLayout&) const = default;
  };
  InputLayout layout;
  // Scores: inputs that are columns carried through to the output unchanged (`carry`):
  // appended after the declared inputs, string?, read by no instruction, and written after
  // the keys and before the outputs.
  std::vector<uint32_t> carried_inputs;

  // Scores with window aggregates (docs/language.md, "Window aggregates"): one metric program
  // per distinct `over` clause, with the score's inputs, params, variants and string constants
  // (the same codes), its partition keys as group keys (inputs) or computed keys (lets), the
  // window aggregates as its aggregates, and as its requirements the score's requires that
  // use no window aggregate. It has no outputs: the runtime reads its groups' aggregates. A
  // row is in a window's population when it is read without a reject and its window program
  // accepts it (status 0); a row that a window program rejects is rejected with that reason.
  std::vector<Program> windows;
  std::vector<WindowValue> window_values;  // read by kWindow
  std::string window_over;  // windows only: "all" or the keys, "segment, tier" (as written)

  // Canonical text of the whole program (used by --dump-ir and as part of cache keys).
  std::string ToString() const;
};

}  // namespace tally::ir
