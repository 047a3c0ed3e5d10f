// The trap analysis (trap_analysis.h) on hand-built code: which trap checks the fast loop
// of a kernel keeps. Each expectation follows from the rule, worked out by hand.
#include <gtest/gtest.h>

#include "program_builder.h"
#include "tally/compiler/trap_analysis.h"

namespace tally::ir {
namespace {

using codegen::testing::ProgramBuilder;

std::vector<bool> Checks(const ProgramBuilder& b) { return FastLoopTrapChecks(b.program().row_code); }

TEST(TrapAnalysis, OnlyTrappingOpsAreChecked) {
  ProgramBuilder b;
  ValueId x = b.Input("x", Type::kFloat, false);
  ValueId s = b.Apply(Op::kSqrt, Type::kFloat, {x});       // %1: cannot trap
  ValueId m = b.Apply(Op::kAdd, Type::kFloat, {s, x});     // %2: the last trap: checked
  b.Output("r", m);
  EXPECT_EQ(Checks(b), (std::vector<bool>{false, false, true}));
}

TEST(TrapAnalysis, AFloatTrapFeedingACheckedArithmeticOpIsCovered) {
  // (x * y) + z - w: inf or NaN from the product survives the sum and the difference, so only
  // the last op needs a check when every other operand is never null.
  ProgramBuilder b;
  ValueId x = b.Input("x", Type::kFloat, false);
  ValueId y = b.Input("y", Type::kFloat, false);
  ValueId z = b.Input("z", Type::kFloat, false);
  ValueId w = b.Input("w", Type::kFloat, false);
  ValueId p = b.Apply(Op::kMul, Type::kFloat, {x, y});  // %4
  ValueId s = b.Apply(Op::kAdd, Type::kFloat, {p, z});  // %5
  ValueId d = b.Apply(Op::kSub, Type::kFloat, {s, w});  // %6
  b.Output("r", d);
  EXPECT_EQ(Checks(b), (std::vector<bool>{false, false, false, false, false, false, true}));
}

TEST(TrapAnalysis, ANullableOtherOperandBreaksTheCover) {
  // A null z would make the sum null, hiding the product's inf: the product keeps its check.
  ProgramBuilder b;
  ValueId x = b.Input("x", Type::kFloat, false);
  ValueId z = b.Input("z", Type::kFloat, true);
  ValueId p = b.Apply(Op::kMul, Type::kFloat, {x, x});  // %2
  ValueId s = b.Apply(Op::kAdd, Type::kFloat, {p, z});  // %3
  b.Output("r", s);
  EXPECT_EQ(Checks(b), (std::vector<bool>{false, false, true, true}));
}

TEST(TrapAnalysis, DivisionCoversOnlyByANonZeroConstant) {
  ProgramBuilder b;
  ValueId x = b.Input("x", Type::kFloat, false);
  ValueId y = b.Input("y", Type::kFloat, false);
  ValueId p = b.Apply(Op::kMul, Type::kFloat, {x, x});   // %2: covered by %4
  ValueId two = b.Float(2.0);                             // %3
  ValueId q = b.Apply(Op::kDiv, Type::kFloat, {p, two}); // %4
  ValueId r = b.Apply(Op::kMul, Type::kFloat, {y, y});   // %5: x / inf = 0, so not covered by %6
  ValueId t = b.Apply(Op::kDiv, Type::kFloat, {x, r});   // %6
  b.Output("q", q);
  b.Output("t", t);
  EXPECT_EQ(Checks(b), (std::vector<bool>{false, false, false, false, true, true, true}));
}

TEST(TrapAnalysis, IntTrapsAreAlwaysChecked) {
  // An int overflow leaves an ordinary int; nothing later can notice it.
  ProgramBuilder b;
  ValueId x = b.Input("x", Type::kInt, false);
  ValueId p = b.Apply(Op::kMul, Type::kInt, {x, x});  // %1
  ValueId s = b.Apply(Op::kAdd, Type::kInt, {p, x});  // %2
  b.Output("r", s);
  EXPECT_EQ(Checks(b), (std::vector<bool>{false, true, true}));
}

TEST(TrapAnalysis, AnUncheckedConsumerDoesNotCover) {
  // The product feeds only a comparison, which has no check of its own.
  ProgramBuilder b;
  ValueId x = b.Input("x", Type::kFloat, false);
  ValueId p = b.Apply(Op::kMul, Type::kFloat, {x, x});                  // %1
  ValueId c = b.Apply(Op::kGt, Type::kBool, {p, x});                    // %2
  b.Output("r", c);
  EXPECT_EQ(Checks(b), (std::vector<bool>{false, true, false}));
}

}  // namespace
}  // namespace tally::ir
