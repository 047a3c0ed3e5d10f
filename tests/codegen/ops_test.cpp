// Every IR op and every null / trap / Kleene / select / coalesce rule of ir.h, on hand-built
// programs, with the expected values written out in the test.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kernel_check.h"

namespace tally::codegen::testing {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr double kHuge = 1e308;
const std::nullopt_t null = std::nullopt;

ir::Program Binary(Op op, Type in, Type out) {
  ProgramBuilder b;
  ValueId x = b.Input("a", in);
  ValueId y = b.Input("b", in);
  b.Output("r", b.Apply(op, out, {x, y}));
  return b.program();
}

ir::Program Unary(Op op, Type in, Type out, int64_t imm = 0) {
  ProgramBuilder b;
  ValueId x = b.Input("a", in);
  b.Output("r", b.Apply(op, out, {x}, imm));
  return b.program();
}

TEST(CodegenOps, IntAddSubMulTrapOnOverflowAndPropagateNull) {
  CheckScore(Binary(Op::kAdd, Type::kInt, Type::kInt), {Ints({1, kMax, kMin, null, 5, -7}), Ints({2, 1, -1, 3, null, 7})},
             {I(3), Status(1), Status(1), Null(), Null(), I(0)});
  CheckScore(Binary(Op::kSub, Type::kInt, Type::kInt), {Ints({1, kMin, kMax, 0, null}), Ints({2, 1, -1, kMin, 1})},
             {I(-1), Status(1), Status(1), Status(1), Null()});
  CheckScore(Binary(Op::kMul, Type::kInt, Type::kInt),
             {Ints({6, kMax, kMin, 1LL << 32, -1, null}), Ints({-7, 2, -1, 1LL << 31, kMin, 0})},
             {I(-42), Status(1), Status(1), Status(1), Status(1), Null()});
}

TEST(CodegenOps, FloatArithmeticTrapsOnNonFiniteResults) {
  CheckScore(Binary(Op::kAdd, Type::kFloat, Type::kFloat), {Floats({0.1, kHuge, -kHuge, null}), Floats({0.2, kHuge, -kHuge, 1.0})},
             {F(0.1 + 0.2), Status(1), Status(1), Null()});
  CheckScore(Binary(Op::kSub, Type::kFloat, Type::kFloat), {Floats({0.3, -kHuge, 1.0}), Floats({0.1, kHuge, 1.0})},
             {F(0.3 - 0.1), Status(1), F(0.0)});
  CheckScore(Binary(Op::kMul, Type::kFloat, Type::kFloat), {Floats({1.1, kHuge, 1e-300, -0.0}), Floats({3.0, 10.0, 1e-300, 5.0})},
             {F(1.1 * 3.0), Status(1), F(0.0), F(0.0)});  // -0.0 is written as +0.0
}

TEST(CodegenOps, DivisionByZeroIsNullEvenZeroByZero) {
  CheckScore(Binary(Op::kDiv, Type::kFloat, Type::kFloat),
             {Floats({1.0, 0.0, 5.0, -5.0, kHuge, 1.0, null}), Floats({3.0, 0.0, 0.0, -0.0, 1e-10, null, 2.0})},
             {F(1.0 / 3.0), Null(), Null(), Null(), Status(1), Null(), Null()});
}

TEST(CodegenOps, ModuloRules) {
  CheckScore(Binary(Op::kMod, Type::kInt, Type::kInt), {Ints({7, -7, 7, kMin, 5, null}), Ints({3, 3, 0, -1, -3, 2})},
             {I(1), I(-1), Null(), I(0), I(2), Null()});
  CheckScore(Binary(Op::kMod, Type::kFloat, Type::kFloat), {Floats({7.5, -7.5, 1.0}), Floats({2.0, 2.0, 0.0})},
             {F(1.5), F(-1.5), Null()});
}

TEST(CodegenOps, NegationAndConversion) {
  CheckScore(Unary(Op::kNeg, Type::kInt, Type::kInt), {Ints({5, kMin, kMax, null})}, {I(-5), Status(1), I(-kMax), Null()});
  CheckScore(Unary(Op::kNeg, Type::kFloat, Type::kFloat), {Floats({2.5, 0.0, null})}, {F(-2.5), F(0.0), Null()});
  // 2^53 + 1 is not a double: rounds to nearest even, 2^53.
  CheckScore(Unary(Op::kIntToFloat, Type::kInt, Type::kFloat), {Ints({3, (1LL << 53) + 1, kMin, null})},
             {F(3.0), F(9007199254740992.0), F(-9223372036854775808.0), Null()});
}

TEST(CodegenOps, ComparisonsAreStrict) {
  struct Case { Op op; std::vector<Want> ints; std::vector<Want> floats; };
  // rows: (1,2) (2,2) (3,2) (null,2)
  std::vector<Case> cases = {
      {Op::kEq, {B(false), B(true), B(false), Null()}, {B(false), B(true), B(false), Null()}},
      {Op::kNe, {B(true), B(false), B(true), Null()}, {B(true), B(false), B(true), Null()}},
      {Op::kLt, {B(true), B(false), B(false), Null()}, {B(true), B(false), B(false), Null()}},
      {Op::kLe, {B(true), B(true), B(false), Null()}, {B(true), B(true), B(false), Null()}},
      {Op::kGt, {B(false), B(false), B(true), Null()}, {B(false), B(false), B(true), Null()}},
      {Op::kGe, {B(false), B(true), B(true), Null()}, {B(false), B(true), B(true), Null()}},
  };
  for (const Case& c : cases) {
    CheckScore(Binary(c.op, Type::kInt, Type::kBool), {Ints({1, 2, 3, null}), Ints({2, 2, 2, 2})}, c.ints);
    CheckScore(Binary(c.op, Type::kFloat, Type::kBool), {Floats({1, 2, 3, null}), Floats({2, 2, 2, 2})}, c.floats);
  }
  CheckScore(Binary(Op::kEq, Type::kString, Type::kBool), {Codes({0, 1, null}), Codes({0, 0, 0})}, {B(true), B(false), Null()});
}

TEST(CodegenOps, NegativeZeroEqualsZero) {
  CheckScore(Binary(Op::kEq, Type::kFloat, Type::kBool), {Floats({-0.0}), Floats({0.0})}, {B(true)});
}

TEST(CodegenOps, KleeneLogic) {
  // All nine combinations of {false, true, null}.
  std::vector<std::optional<bool>> a = {false, false, false, true, true, true, null, null, null};
  std::vector<std::optional<bool>> b = {false, true, null, false, true, null, false, true, null};
  CheckScore(Binary(Op::kAnd, Type::kBool, Type::kBool), {Bools(a), Bools(b)},
             {B(false), B(false), B(false), B(false), B(true), Null(), B(false), Null(), Null()});
  CheckScore(Binary(Op::kOr, Type::kBool, Type::kBool), {Bools(a), Bools(b)},
             {B(false), B(true), Null(), B(true), B(true), B(true), Null(), B(true), Null()});
  CheckScore(Unary(Op::kNot, Type::kBool, Type::kBool), {Bools({false, true, null})}, {B(true), B(false), Null()});
}

TEST(CodegenOps, KleeneLogicKeepsErrorsOfBothSides) {
  // false and (a + 1 > 0): false decides the value, but an overflow in a + 1 still rejects.
  ProgramBuilder b;
  ValueId flag = b.Input("flag", Type::kBool);
  ValueId a = b.Input("a", Type::kInt);
  ValueId sum = b.Apply(Op::kAdd, Type::kInt, {a, b.Int(1)});
  ValueId cmp = b.Apply(Op::kGt, Type::kBool, {sum, b.Int(0)});
  b.Output("r", b.Apply(Op::kAnd, Type::kBool, {flag, cmp}));
  CheckScore(b.program(), {Bools({false, false, true}), Ints({kMax, 1, 1})}, {Status(1), B(false), B(true)});
}

TEST(CodegenOps, SelectTakesElseOnNullAndIgnoresTheUnchosenBranchError) {
  ProgramBuilder b;
  ValueId c = b.Input("c", Type::kBool);
  ValueId a = b.Input("a", Type::kInt);
  ValueId then_value = b.Apply(Op::kAdd, Type::kInt, {a, b.Int(1)});  // traps when a = max (trap 0)
  ValueId else_value = b.Int(-1);
  b.Output("r", b.Apply(Op::kSelect, Type::kInt, {c, then_value, else_value}));
  CheckScore(b.program(), {Bools({true, false, null, true}), Ints({1, kMax, kMax, kMax})}, {I(2), I(-1), I(-1), Status(1)});
}

TEST(CodegenOps, SelectConditionErrorCountsAndATrappedValueIsZero) {
  // if (a + b) > 0 then x else (y + 1). Trap ids: 0 = y + 1, 1 = a + b.
  // When a + b overflows its payload is 0, so the condition is false and the else branch is
  // chosen: error = min(1, error of y + 1).
  ProgramBuilder b;
  ValueId a = b.Input("a", Type::kInt);
  ValueId bb = b.Input("b", Type::kInt);
  ValueId x = b.Input("x", Type::kInt);
  ValueId y = b.Input("y", Type::kInt);
  ValueId else_value = b.Apply(Op::kAdd, Type::kInt, {y, b.Int(1)});
  ValueId sum = b.Apply(Op::kAdd, Type::kInt, {a, bb});
  ValueId cond = b.Apply(Op::kGt, Type::kBool, {sum, b.Int(0)});
  b.Output("r", b.Apply(Op::kSelect, Type::kInt, {cond, x, else_value}));
  CheckScore(b.program(), {Ints({kMax, kMax, 1, -1}), Ints({1, 1, 1, 0}), Ints({7, 7, 7, 7}), Ints({kMax, 0, kMax, 4})},
             {Status(1), Status(2), I(7), I(5)});
}

TEST(CodegenOps, CoalesceTakesTheFirstNonNullWithErrorsUpToIt) {
  // coalesce(n + (a + 1), k, 9): trap 0 = a + 1.
  ProgramBuilder b;
  ValueId n = b.Input("n", Type::kInt);
  ValueId a = b.Input("a", Type::kInt);
  ValueId k = b.Input("k", Type::kInt);
  ValueId first = b.Apply(Op::kAdd, Type::kInt, {n, b.Apply(Op::kAdd, Type::kInt, {a, b.Int(1)})});  // trap 1 outer
  b.Output("r", b.Apply(Op::kCoalesce, Type::kInt, {first, k, b.Int(9)}));
  CheckScore(b.program(),
             {Ints({1, null, null, null, 1}), Ints({1, 1, kMax, 1, kMax}), Ints({5, 5, 5, null, 5})},
             {I(3), I(5), Status(1), I(9), Status(1)});

  ProgramBuilder all_null;
  ValueId p = all_null.Input("p", Type::kFloat);
  ValueId q = all_null.Input("q", Type::kFloat);
  all_null.Output("r", all_null.Apply(Op::kCoalesce, Type::kFloat, {p, q}));
  CheckScore(all_null.program(), {Floats({null, 1.5, null}), Floats({null, 2.5, 2.5})}, {Null(), F(1.5), F(2.5)});
}

TEST(CodegenOps, IsNullIsNeverNullAndKeepsErrors) {
  ProgramBuilder b;
  ValueId a = b.Input("a", Type::kInt);
  b.Output("r", b.Apply(Op::kIsNull, Type::kBool, {b.Apply(Op::kAdd, Type::kInt, {a, b.Int(1)})}));
  CheckScore(b.program(), {Ints({null, 1, kMax})}, {B(true), B(false), Status(1)});
}

TEST(CodegenOps, MinMaxAbs) {
  CheckScore(Binary(Op::kMin, Type::kInt, Type::kInt), {Ints({1, 5, kMin, null}), Ints({2, -5, kMax, 1})}, {I(1), I(-5), I(kMin), Null()});
  CheckScore(Binary(Op::kMax, Type::kInt, Type::kInt), {Ints({1, 5, kMin}), Ints({2, -5, kMax})}, {I(2), I(5), I(kMax)});
  // std::min(a, b) = b < a ? b : a, std::max(a, b) = a < b ? b : a: ties keep a.
  CheckScore(Binary(Op::kMin, Type::kFloat, Type::kFloat), {Floats({1.5, 0.0, 2.0}), Floats({-1.5, -0.0, 2.0})},
             {F(-1.5), F(0.0), F(2.0)});
  CheckScore(Binary(Op::kMax, Type::kFloat, Type::kFloat), {Floats({1.5, -3.0}), Floats({-1.5, 7.25})}, {F(1.5), F(7.25)});
  CheckScore(Unary(Op::kAbs, Type::kInt, Type::kInt), {Ints({-3, 3, kMin, kMax, null})}, {I(3), I(3), Status(1), I(kMax), Null()});
  CheckScore(Unary(Op::kAbs, Type::kFloat, Type::kFloat), {Floats({-3.5, 3.5, -0.0})}, {F(3.5), F(3.5), F(0.0)});
}

TEST(CodegenOps, RoundHalfAwayFromZero) {
  std::vector<std::optional<double>> x = {2.5, -2.5, 0.5, 1.5, 0.49999999999999994, -0.4, 4503599627370497.0, null};
  CheckScore(Unary(Op::kRound, Type::kFloat, Type::kFloat, 0), {Floats(x)},
             {F(3.0), F(-3.0), F(1.0), F(2.0), F(0.0), F(0.0), F(4503599627370497.0), Null()});
  // digits: round(x * 10^d) / 10^d with 10^d exact. The product is rounded first:
  // 1.005 * 100 = 100.49999999999999 -> 100, but 2.675 * 100 = 267.5 exactly -> 268.
  CheckScore(Unary(Op::kRound, Type::kFloat, Type::kFloat, 2), {Floats({1.005, 2.675, -1.125, 123.456})},
             {F(1.0), F(2.68), F(-1.13), F(123.46)});
  CheckScore(Unary(Op::kRound, Type::kFloat, Type::kFloat, 1), {Floats({69.95, 0.05})},
             {F(std::round(69.95 * 10.0) / 10.0), F(0.1)});
  CheckScore(Unary(Op::kRound, Type::kInt, Type::kInt, 2), {Ints({kMin, 7})}, {I(kMin), I(7)});
}

TEST(CodegenOps, FloorCeil) {
  CheckScore(Unary(Op::kFloor, Type::kFloat, Type::kFloat), {Floats({2.7, -2.2, -0.5})}, {F(2.0), F(-3.0), F(-1.0)});
  CheckScore(Unary(Op::kCeil, Type::kFloat, Type::kFloat), {Floats({2.2, -2.7, -0.5})}, {F(3.0), F(-2.0), F(0.0)});
  CheckScore(Unary(Op::kFloor, Type::kInt, Type::kInt), {Ints({-5})}, {I(-5)});
  CheckScore(Unary(Op::kCeil, Type::kInt, Type::kInt), {Ints({kMax})}, {I(kMax)});
}

TEST(CodegenOps, SqrtLnExpPowAreNullOutsideTheirDomain) {
  CheckScore(Unary(Op::kSqrt, Type::kFloat, Type::kFloat), {Floats({4.0, 2.0, -1.0, -0.0, null})},
             {F(2.0), F(std::sqrt(2.0)), Null(), F(0.0), Null()});
  CheckScore(Unary(Op::kLn, Type::kFloat, Type::kFloat), {Floats({1.0, 10.0, 0.0, -1.0, 1e-320})},
             {F(0.0), F(std::log(10.0)), Null(), Null(), F(std::log(1e-320))});
  CheckScore(Unary(Op::kExp, Type::kFloat, Type::kFloat), {Floats({0.0, 1.0, 709.0, 710.0, -1000.0})},
             {F(1.0), F(std::exp(1.0)), F(std::exp(709.0)), Null(), F(0.0)});
  CheckScore(Binary(Op::kPow, Type::kFloat, Type::kFloat),
             {Floats({2.0, -8.0, 0.0, 10.0, 2.0, 1.1}), Floats({10.0, 1.0 / 3.0, -1.0, 400.0, 0.5, 2.0})},
             {F(1024.0), Null(), Null(), Null(), F(std::pow(2.0, 0.5)), F(std::pow(1.1, 2.0))});
  CheckScore(Unary(Op::kSigmoid, Type::kFloat, Type::kFloat), {Floats({0.0, 2.0, -800.0, 800.0})},
             {F(0.5), F(1.0 / (1.0 + std::exp(-2.0))), F(0.0), F(1.0)});
}

TEST(CodegenOps, SignIsMinusOneZeroOrOneAndPositiveZeroForBothZeros) {
  CheckScore(Unary(Op::kSign, Type::kInt, Type::kInt), {Ints({5, -3, 0, kMin, kMax, null})},
             {I(1), I(-1), I(0), I(-1), I(1), Null()});
  CheckScore(Unary(Op::kSign, Type::kFloat, Type::kFloat), {Floats({2.5, -0.5, 0.0, -0.0, 5e-324, -kHuge, null})},
             {F(1.0), F(-1.0), F(0.0), F(0.0), F(1.0), F(-1.0), Null()});
  // Both engines compute sign(-0.0) as +0.0; outputs cannot show the sign of a zero, so
  // tests/compiler/passes_test.cpp checks it on the folded constant.
}

TEST(CodegenOps, ConstantsNullConstantAndStrings) {
  ProgramBuilder b;
  ValueId x = b.Input("x", Type::kInt);
  ValueId green = b.String("green");
  ValueId red = b.String("red");
  ValueId big = b.Apply(Op::kGt, Type::kBool, {x, b.Int(10)});
  b.Output("tier", b.Apply(Op::kSelect, Type::kString, {big, green, red}));
  b.Output("nothing", b.Apply(Op::kAdd, Type::kFloat, {b.Null(Type::kFloat), b.Float(1.0)}));
  CheckScore(b.program(), {Ints({11, 10, null})}, {I(0), I(1), I(1)});
  CheckScore(b.program(), {Ints({11, 10, null})}, {Null(), Null(), Null()}, nullptr, 1);
}

TEST(CodegenOps, RequiresInOrderNullPassesErrorsFirst) {
  // require a >= 0 (reason 0); require b + 1 > 0 (trap 1, reason 2); output a * 2 (trap 3).
  ProgramBuilder b;
  ValueId a = b.Input("a", Type::kInt);
  ValueId bb = b.Input("b", Type::kInt);
  b.Require(b.Apply(Op::kGe, Type::kBool, {a, b.Int(0)}), "require a >= 0");
  ValueId b1 = b.Apply(Op::kAdd, Type::kInt, {bb, b.Int(1)});
  b.Require(b.Apply(Op::kGt, Type::kBool, {b1, b.Int(0)}), "require b + 1 > 0");
  b.Output("r", b.Apply(Op::kMul, Type::kInt, {a, b.Int(2)}));
  ASSERT_EQ(b.program().reasons.size(), 4u);
  CheckScore(b.program(),
             {Ints({1, -1, null, -1, 1, kMax, 1}), Ints({1, 1, null, kMax, kMax, 1, -5})},
             // ok, a<0, all null passes, a<0 before b's error, b's error, output overflow, b fails
             {I(2), Status(1), Null(), Status(1), Status(2), Status(4), Status(3)});
}

TEST(CodegenOps, RegionalParamsFollowTheRowVariant) {
  ProgramBuilder b;
  b.Variants({"", "emea", "apac"});
  ValueId x = b.Input("x", Type::kFloat);
  ValueId threshold = b.Param("at_risk_below", Type::kFloat, {}, {40.0, 35.0, 45.0});
  ValueId weight = b.Param("weight", Type::kFloat, {}, {0.5, 0.5, 0.5});
  b.Output("r", b.Apply(Op::kAdd, Type::kFloat, {b.Apply(Op::kMul, Type::kFloat, {x, weight}), threshold}));
  std::vector<uint16_t> variants = {0, 1, 2, 1};
  CheckScore(b.program(), {Floats({2, 2, 2, 4})}, {F(41.0), F(36.0), F(46.0), F(37.0)}, &variants);
  CheckScore(b.program(), {Floats({2, 2})}, {F(41.0), F(41.0)}, nullptr);  // no variants: global
}

TEST(CodegenOps, ValidityArraysMayBeAbsentAndManyRowsCrossChunks) {
  // 5000 rows (several 1024-row chunks, with a remainder), no validity arrays at all.
  ProgramBuilder b;
  ValueId x = b.Input("x", Type::kInt, false);
  ValueId y = b.Input("y", Type::kFloat, true);
  b.Output("r", b.Apply(Op::kAdd, Type::kFloat, {b.Apply(Op::kIntToFloat, Type::kFloat, {x}), y}));
  const int64_t rows = 5000;
  std::vector<std::optional<int64_t>> xs;
  std::vector<std::optional<double>> ys;
  std::vector<Want> want;
  for (int64_t r = 0; r < rows; ++r) {
    xs.push_back(r);
    ys.push_back(0.25 * static_cast<double>(r));
    want.push_back(F(static_cast<double>(r) + 0.25 * static_cast<double>(r)));
  }
  std::vector<Column> inputs = {Ints(xs), Floats(ys)};
  inputs[0].has_valid = false;
  inputs[1].has_valid = false;
  CheckScore(b.program(), inputs, want);
}

TEST(CodegenOps, MalformedProgramsAreErrorsNotCrashes) {
  ProgramBuilder b;
  ValueId x = b.Input("x", Type::kInt);
  b.Output("r", b.Apply(Op::kAdd, Type::kInt, {x, x}));
  ir::Program p = b.program();
  p.row_code[1].args = {0, 5};  // forward reference
  auto k = CompileKernel(p, NoCache());
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.error().message.find("malformed IR"), std::string::npos) << k.error().message;
  ir::Program q = b.program();
  q.row_code[1].type = Type::kFloat;  // float add of int operands
  EXPECT_FALSE(CompileKernel(q, NoCache()).ok());
}

}  // namespace
}  // namespace tally::codegen::testing

namespace tally::codegen::testing {
namespace {

TEST(CodegenOps, OneTrapDeepInsideAChainIsFoundInABigBatch) {
  // ((x * 1e300) / 2 + 1) * 3: only row 1500 (x = 1e10) overflows, in the innermost multiply
  // (trap 0). The fast loop checks only the outermost op; the precise loop must take over
  // for that chunk and report trap 0 (status 1), and every other row must be right.
  ProgramBuilder b;
  ValueId x = b.Input("x", Type::kFloat, false);
  ValueId m = b.Apply(Op::kMul, Type::kFloat, {x, b.Float(1e300)});
  ValueId d = b.Apply(Op::kDiv, Type::kFloat, {m, b.Float(2)});
  ValueId a = b.Apply(Op::kAdd, Type::kFloat, {d, b.Float(1)});
  b.Output("r", b.Apply(Op::kMul, Type::kFloat, {a, b.Float(3)}));
  std::vector<std::optional<double>> xs;
  std::vector<Want> want;
  for (int r = 0; r < 2000; ++r) {
    double v = r == 1500 ? 1e10 : 1e-300 * r;
    xs.push_back(v);
    want.push_back(r == 1500 ? Status(1) : F((v * 1e300 / 2 + 1) * 3));
  }
  CheckScore(b.program(), {Floats(xs)}, want);
}

}  // namespace
}  // namespace tally::codegen::testing

namespace tally::codegen::testing {
namespace {

TEST(CodegenOps, MetricRowAndFinalizeKernels) {
  using K = ir::Aggregate::Kind;
  ProgramBuilder b(ir::Program::Kind::kMetric, "test.metric");
  ValueId segment = b.Input("segment", Type::kString, false);
  ValueId rating = b.Input("rating", Type::kInt, true);
  ValueId weight = b.Input("weight", Type::kFloat, false);
  (void)segment;
  b.Require(b.Apply(Op::kGe, Type::kBool, {rating, b.Int(0)}), "require rating >= 0");  // reason 0
  ValueId promoter = b.Apply(Op::kGe, Type::kBool, {rating, b.Int(9)});
  ValueId as_float = b.Apply(Op::kIntToFloat, Type::kFloat, {rating});
  uint32_t count = b.Aggregate(K::kCount, Type::kInt, false);
  uint32_t promoters = b.Aggregate(K::kCountIf, Type::kInt, false, promoter);
  uint32_t sum = b.Aggregate(K::kSum, Type::kInt, true, rating);
  b.Aggregate(K::kWeightedAvg, Type::kFloat, true, as_float, weight);
  b.GroupBy(0);
  b.Post();
  ValueId share = b.Apply(Op::kDiv, Type::kFloat,
                          {b.Apply(Op::kIntToFloat, Type::kFloat, {b.AggregateRef(promoters)}),
                           b.Apply(Op::kIntToFloat, Type::kFloat, {b.AggregateRef(count)})});
  b.Output("share", b.Apply(Op::kMul, Type::kFloat, {b.Float(100), share}));
  ValueId plus_one = b.Apply(Op::kAdd, Type::kInt, {b.AggregateRef(sum), b.Int(1)});
  b.Output("sum_plus_one", plus_one);
  b.Output("segment", b.GroupKeyRef(0));
  const ir::Program& p = b.program();
  const uint32_t add_trap = p.post_code[plus_one].trap;

  auto kernel = CompileKernel(p, NoCache());
  ASSERT_TRUE(kernel.ok()) << kernel.error().message;

  // Row kernel: rows (segment, rating, weight).
  std::vector<Column> in = {Codes({0, 1, 0, 2}), Ints({9, null, -1, 4}), Floats({1.5, 2.0, 3.0, 0.5})};
  RunResult rows = RunColumns((*kernel)->metric_row(), p, in, 4, nullptr, true);
  EXPECT_EQ(rows.status, (std::vector<uint32_t>{0, 0, 1, 0}));
  // slot 2: count_if argument; 4: sum argument; 6/7: weighted avg argument and weight.
  EXPECT_EQ(rows.outputs[2].At<uint8_t>(0), 1);
  EXPECT_EQ(rows.outputs[2].valid[1], 0);
  EXPECT_EQ(rows.outputs[2].At<uint8_t>(3), 0);
  EXPECT_EQ(rows.outputs[4].At<int64_t>(3), 4);
  EXPECT_EQ(rows.outputs[6].At<double>(0), 9.0);
  EXPECT_EQ(rows.outputs[7].At<double>(3), 0.5);
  RunResult interp_rows = RunColumns(
      [&](int64_t n, const TallyColumnView* i, const uint16_t* v, TallyColumnView* o, uint32_t* st) {
        interp::RunMetricRows(p, n, i, v, o, st);
      },
      p, in, 4, nullptr, true);
  ExpectSameBytes(rows, interp_rows, "metric rows");

  // Finalize: three groups, aggregates given directly.
  std::vector<Column> aggs = {Ints({4, 2, 1}), Ints({1, 2, 0}), Ints({10, null, INT64_MAX}), Floats({1, 2, 3})};
  std::vector<Column> keys = {Codes({0, 1, 2})};
  auto finalize = [&](auto fn) {
    RunResult r;
    for (const ir::Output& o : p.outputs) r.outputs.push_back(Column::Empty(o.type, 3));
    r.status.assign(3, 0xDEADBEEF);
    std::vector<TallyColumnView> a, k, o;
    for (Column& c : aggs) a.push_back(c.View());
    for (Column& c : keys) k.push_back(c.View());
    for (Column& c : r.outputs) o.push_back(c.View());
    fn(3, a.data(), k.data(), o.data(), r.status.data());
    return r;
  };
  RunResult fin = finalize((*kernel)->metric_finalize());
  EXPECT_EQ(fin.status, (std::vector<uint32_t>{0, 0, add_trap + 1}));
  EXPECT_EQ(fin.outputs[0].At<double>(0), 25.0);
  EXPECT_EQ(fin.outputs[0].At<double>(1), 100.0);
  EXPECT_EQ(fin.outputs[1].At<int64_t>(0), 11);
  EXPECT_EQ(fin.outputs[1].valid[1], 0);
  EXPECT_EQ(fin.outputs[2].At<int32_t>(1), 1);
  RunResult interp_fin = finalize([&](int64_t g, const TallyColumnView* a, const TallyColumnView* k,
                                      TallyColumnView* o, uint32_t* st) { interp::RunMetricFinalize(p, g, a, k, o, st); });
  ExpectSameBytes(fin, interp_fin, "finalize");
}

}  // namespace
}  // namespace tally::codegen::testing
