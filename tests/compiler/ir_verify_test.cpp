// The IR verifier: every rule of ir_verify.h rejects a program that breaks it, and accepts
// what lowering and the passes produce.
#include <gtest/gtest.h>

#include "harness.h"
#include "program_builder.h"
#include "tally/compiler/ir_verify.h"

namespace tally::ir {
namespace {

using codegen::testing::ProgramBuilder;

// x + 1 as a nullable int input plus a constant; the mutations below each break one rule.
Program Sum() {
  ProgramBuilder b;
  ValueId x = b.Input("x", Type::kInt);
  b.Output("r", b.Apply(Op::kAdd, Type::kInt, {x, b.Int(1)}));
  return b.program();
}

std::string Why(const Program& p) {
  Status s = Verify(p);
  return s.ok() ? "ok" : s.message();
}

TEST(IrVerify, AcceptsAWellFormedProgram) { EXPECT_EQ(Why(Sum()), "ok"); }

TEST(IrVerify, EachRuleRejectsWhatBreaksIt) {
  struct Case { const char* what; void (*mutate)(Program&); const char* expect; };
  const Case cases[] = {
      {"forward operand", [](Program& p) { p.row_code[2].args = {0, 2}; }, "is not an earlier instruction"},
      {"arity", [](Program& p) { p.row_code[2].args = {0}; }, "takes 2 operands"},
      {"operand type", [](Program& p) { p.row_code[1].type = Type::kFloat; }, "operand types do not fit"},
      {"result type", [](Program& p) {
         for (auto& i : p.row_code) i.type = Type::kBool;
         p.inputs[0].type = Type::kBool;
         p.outputs[0].type = Type::kBool;
       }, "result type bool does not fit"},
      {"missing trap id", [](Program& p) { p.row_code[2].trap = kNoError; }, "a trapping op without a trap id"},
      {"stray trap id", [](Program& p) { p.row_code[1].trap = 0; }, "a trap id on an op that cannot trap"},
      {"trap id out of range", [](Program& p) { p.row_code[2].trap = 7; }, "names no trap reason"},
      {"may_error", [](Program& p) { p.row_code[2].may_error = false; }, "may_error does not follow"},
      {"nullability", [](Program& p) { p.row_code[2].nullable = false; }, "not nullable though a nullable operand"},
      {"input nullability", [](Program& p) { p.row_code[0].nullable = false; }, "bad input reference"},
      {"output type", [](Program& p) { p.outputs[0].type = Type::kFloat; }, "bad output r"},
      {"require", [](Program& p) { p.requirements.push_back({2, 0}); }, "bad require"},
  };
  for (const Case& c : cases) {
    Program p = Sum();
    c.mutate(p);
    std::string why = Why(p);
    EXPECT_NE(why.find("malformed IR for test.program: "), std::string::npos) << c.what << ": " << why;
    EXPECT_NE(why.find(c.expect), std::string::npos) << c.what << ": " << why;
  }
}

TEST(IrVerify, RoundDigitsMustBeInRange) {
  ProgramBuilder b;
  ValueId x = b.Input("x", Type::kFloat);
  b.Output("r", b.Apply(Op::kRound, Type::kFloat, {x}, 16));
  EXPECT_NE(Why(b.program()).find("digits outside 0..15"), std::string::npos);
}

TEST(IrVerify, EveryBundledDefinitionVerifiesAfterLoweringAndPasses) {
  // Compile runs lowering and the pipeline, verifying after each step; an error would be an
  // E-internal diagnostic. This is the whole language tour of docs/language.md in one score.
  auto compiled = testing::CompileText(R"(score t.tour {
  version 1.0.0
  owner cx
  key id
  input id : string
  input a : int?
  input x : float?
  input s : string?
  param k = 3
  require coalesce(a, 0) >= 0
  let d = x / max(a, 1)
  output o1 : float? = round(clamp(d, 0, 10) * k, 2) + sqrt(abs(x)) + sign(x)
  output o2 : bool? = s in ["a", "b"] and not is_null(a) or a % 2 == 1
  output o3 : int? = if x > 1.5 then floor(a) else ceil(a) + 1
})");
  ASSERT_TRUE(compiled.library) << compiled.Rendered();
  EXPECT_EQ(Why(*compiled.library->Find("t.tour")), "ok");
}

}  // namespace
}  // namespace tally::ir
