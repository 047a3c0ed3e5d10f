#include "tally/compiler/ir_ops.h"

#include <array>

namespace tally::ir {
namespace {

using A = OpInfo::Arity;
using O = OpInfo::Operands;
using R = OpInfo::Result;
using T = OpInfo::Traps;
using N = OpInfo::Nulls;
using I = OpInfo::Immediate;

// In the order of ir::Op, which the static_assert below holds it to.
constexpr OpInfo kOps[] = {
    {Op::kConstant, "const", A::kLeaf, O::kNone, R::kAny, T::kNever, N::kLeaf, I::kConstant},
    {Op::kInput, "input", A::kLeaf, O::kNone, R::kAny, T::kNever, N::kLeaf, I::kIndex},
    {Op::kParam, "param", A::kLeaf, O::kNone, R::kAny, T::kNever, N::kLeaf, I::kIndex},
    {Op::kAggregate, "aggregate", A::kLeaf, O::kNone, R::kAny, T::kNever, N::kLeaf, I::kIndex},
    {Op::kGroupKey, "group_key", A::kLeaf, O::kNone, R::kAny, T::kNever, N::kLeaf, I::kIndex},
    {Op::kAdd, "add", A::kTwo, O::kResult, R::kNumeric, T::kAlways, N::kStrict, I::kNone},
    {Op::kSub, "sub", A::kTwo, O::kResult, R::kNumeric, T::kAlways, N::kStrict, I::kNone},
    {Op::kMul, "mul", A::kTwo, O::kResult, R::kNumeric, T::kAlways, N::kStrict, I::kNone},
    {Op::kDiv, "div", A::kTwo, O::kResult, R::kFloat, T::kAlways, N::kStrictOrDomain, I::kNone},
    {Op::kMod, "mod", A::kTwo, O::kResult, R::kNumeric, T::kNever, N::kStrictOrDomain, I::kNone},
    {Op::kNeg, "neg", A::kOne, O::kResult, R::kNumeric, T::kOnInt, N::kStrict, I::kNone},
    {Op::kIntToFloat, "int_to_float", A::kOne, O::kInt, R::kFloat, T::kNever, N::kStrict, I::kNone},
    {Op::kEq, "eq", A::kTwo, O::kSameType, R::kBool, T::kNever, N::kStrict, I::kNone},
    {Op::kNe, "ne", A::kTwo, O::kSameType, R::kBool, T::kNever, N::kStrict, I::kNone},
    {Op::kLt, "lt", A::kTwo, O::kSameType, R::kBool, T::kNever, N::kStrict, I::kNone},
    {Op::kLe, "le", A::kTwo, O::kSameType, R::kBool, T::kNever, N::kStrict, I::kNone},
    {Op::kGt, "gt", A::kTwo, O::kSameType, R::kBool, T::kNever, N::kStrict, I::kNone},
    {Op::kGe, "ge", A::kTwo, O::kSameType, R::kBool, T::kNever, N::kStrict, I::kNone},
    {Op::kAnd, "and", A::kTwo, O::kBool, R::kBool, T::kNever, N::kKleene, I::kNone},
    {Op::kOr, "or", A::kTwo, O::kBool, R::kBool, T::kNever, N::kKleene, I::kNone},
    {Op::kNot, "not", A::kOne, O::kBool, R::kBool, T::kNever, N::kStrict, I::kNone},
    {Op::kSelect, "select", A::kThree, O::kSelect, R::kAny, T::kNever, N::kSelect, I::kNone},
    {Op::kCoalesce, "coalesce", A::kAtLeastOne, O::kResult, R::kAny, T::kNever, N::kCoalesce, I::kNone},
    {Op::kIsNull, "is_null", A::kOne, O::kAny, R::kBool, T::kNever, N::kNever, I::kNone},
    {Op::kMin, "min", A::kTwo, O::kResult, R::kNumeric, T::kNever, N::kStrict, I::kNone},
    {Op::kMax, "max", A::kTwo, O::kResult, R::kNumeric, T::kNever, N::kStrict, I::kNone},
    {Op::kAbs, "abs", A::kOne, O::kResult, R::kNumeric, T::kOnInt, N::kStrict, I::kNone},
    {Op::kRound, "round", A::kOne, O::kResult, R::kNumeric, T::kNever, N::kStrict, I::kDigits},
    {Op::kFloor, "floor", A::kOne, O::kResult, R::kNumeric, T::kNever, N::kStrict, I::kNone},
    {Op::kCeil, "ceil", A::kOne, O::kResult, R::kNumeric, T::kNever, N::kStrict, I::kNone},
    {Op::kSqrt, "sqrt", A::kOne, O::kResult, R::kFloat, T::kNever, N::kStrictOrDomain, I::kNone},
    {Op::kLn, "ln", A::kOne, O::kResult, R::kFloat, T::kNever, N::kStrictOrDomain, I::kNone},
    {Op::kExp, "exp", A::kOne, O::kResult, R::kFloat, T::kNever, N::kStrictOrDomain, I::kNone},
    {Op::kPow, "pow", A::kTwo, O::kResult, R::kFloat, T::kNever, N::kStrictOrDomain, I::kNone},
    {Op::kSigmoid, "sigmoid", A::kOne, O::kResult, R::kFloat, T::kNever, N::kStrict, I::kNone},
    {Op::kSign, "sign", A::kOne, O::kResult, R::kNumeric, T::kNever, N::kStrict, I::kNone},
    {Op::kLookup, "lookup", A::kOne, O::kTableKey, R::kAny, T::kNever, N::kAlways, I::kTable},
    {Op::kDaysBetween, "days_between", A::kTwo, O::kDate, R::kInt, T::kNever, N::kStrict, I::kNone},
    {Op::kAddDays, "add_days", A::kTwo, O::kDateInt, R::kDate, T::kAlways, N::kStrict, I::kNone},
    {Op::kYear, "year", A::kOne, O::kDate, R::kInt, T::kNever, N::kStrict, I::kNone},
    {Op::kQuarter, "quarter", A::kOne, O::kDate, R::kInt, T::kNever, N::kStrict, I::kNone},
    {Op::kMonth, "month", A::kOne, O::kDate, R::kInt, T::kNever, N::kStrict, I::kNone},
    {Op::kDay, "day", A::kOne, O::kDate, R::kInt, T::kNever, N::kStrict, I::kNone},
    {Op::kDayOfWeek, "day_of_week", A::kOne, O::kDate, R::kInt, T::kNever, N::kStrict, I::kNone},
    {Op::kTruncMonth, "trunc_month", A::kOne, O::kDate, R::kDate, T::kNever, N::kStrict, I::kNone},
    {Op::kTruncQuarter, "trunc_quarter", A::kOne, O::kDate, R::kDate, T::kNever, N::kStrict, I::kNone},
    {Op::kTruncYear, "trunc_year", A::kOne, O::kDate, R::kDate, T::kNever, N::kStrict, I::kNone},
    {Op::kFloatToInt, "float_to_int", A::kOne, O::kFloat, R::kInt, T::kAlways, N::kStrict, I::kNone},
    {Op::kWindow, "window", A::kLeaf, O::kNone, R::kAny, T::kNever, N::kLeaf, I::kIndex},
    {Op::kLower, "lower", A::kOne, O::kString, R::kString, T::kNever, N::kStrict, I::kNone},
    {Op::kUpper, "upper", A::kOne, O::kString, R::kString, T::kNever, N::kStrict, I::kNone},
    {Op::kTrim, "trim", A::kOne, O::kString, R::kString, T::kNever, N::kStrict, I::kNone},
    {Op::kLength, "length", A::kOne, O::kString, R::kInt, T::kNever, N::kStrict, I::kNone},
    {Op::kStartsWith, "starts_with", A::kTwo, O::kString, R::kBool, T::kNever, N::kStrict, I::kNone},
    {Op::kEndsWith, "ends_with", A::kTwo, O::kString, R::kBool, T::kNever, N::kStrict, I::kNone},
    {Op::kContains, "contains", A::kTwo, O::kString, R::kBool, T::kNever, N::kStrict, I::kNone},
    {Op::kSubstr, "substr", A::kThree, O::kStringIntInt, R::kString, T::kNever, N::kStrict, I::kNone},
    {Op::kConcat, "concat", A::kTwo, O::kString, R::kString, T::kNever, N::kStrict, I::kNone},
};

constexpr bool InEnumOrder() {
  for (size_t i = 0; i < std::size(kOps); ++i) {
    if (static_cast<size_t>(kOps[i].op) != i) return false;
  }
  return true;
}
static_assert(InEnumOrder(), "kOps must list every ir::Op in declaration order");
static_assert(std::size(kOps) == static_cast<size_t>(kLastOp) + 1, "kOps must cover every ir::Op");

}  // namespace

const OpInfo& InfoOf(Op op) { return kOps[static_cast<size_t>(op)]; }

const char* OpName(Op op) {
  size_t i = static_cast<size_t>(op);
  return i < std::size(kOps) ? kOps[i].name : "?";
}

bool OpTraps(Op op, Type type) {
  switch (InfoOf(op).traps) {
    case OpInfo::Traps::kNever: return false;
    case OpInfo::Traps::kOnInt: return type == Type::kInt;
    case OpInfo::Traps::kAlways: return true;
  }
  return false;
}

const char* TrapMessage(Op op, Type type) {
  if (op == Op::kAddDays) return "date outside 0001-01-01 .. 9999-12-31";
  if (op == Op::kFloatToInt) return "float outside the int range";
  // Every other trap is an overflow: of the int range, or of the doubles into inf/NaN.
  return type == Type::kInt ? "integer overflow" : "float overflow";
}

}  // namespace tally::ir
