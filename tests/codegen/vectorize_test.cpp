// The shape of the generated code: the LANGUAGE.md health score's row loop is vectorized,
// nothing is fused into an FMA or marked fast-math, and libm calls stay calls to the C
// library (never LLVM intrinsics it could fold or replace differently).
#include <gtest/gtest.h>

#include "health_program.h"
#include "kernel_check.h"

namespace tally::codegen::testing {
namespace {

TEST(CodegenShape, HealthScoreLoopIsVectorized) {
  auto ir = KernelIR(HealthScoreProgram(), /*optimized=*/true);
  ASSERT_TRUE(ir.ok()) << ir.error().message;
  EXPECT_NE(ir->find("vector.body"), std::string::npos) << *ir;
  EXPECT_NE(ir->find("x double>"), std::string::npos) << "no double vectors";
}

TEST(CodegenShape, NoFusedMultiplyAddNoFastMath) {
  for (bool optimized : {false, true}) {
    auto ir = KernelIR(HealthScoreProgram(), optimized);
    ASSERT_TRUE(ir.ok()) << ir.error().message;
    EXPECT_EQ(ir->find("fmuladd"), std::string::npos);
    EXPECT_EQ(ir->find("llvm.fma"), std::string::npos);
    for (const char* flag : {" contract ", " fast ", " reassoc ", " nnan ", " ninf ", " nsz ", " arcp ", " afn "}) {
      EXPECT_EQ(ir->find(flag), std::string::npos) << flag;
    }
  }
}

TEST(CodegenShape, LibmStaysTheCLibrary) {
  ProgramBuilder b;
  ValueId x = b.Input("x", Type::kFloat);
  // pow(2, x) is what LLVM would turn into exp2(x) if it knew the name.
  b.Output("p", b.Apply(Op::kPow, Type::kFloat, {b.Float(2.0), x}));
  b.Output("e", b.Apply(Op::kExp, Type::kFloat, {b.Float(1.0)}));  // would constant-fold
  b.Output("l", b.Apply(Op::kLn, Type::kFloat, {x}));
  auto ir = KernelIR(b.program(), true);
  ASSERT_TRUE(ir.ok()) << ir.error().message;
  EXPECT_NE(ir->find("@tally_rt_pow"), std::string::npos);
  EXPECT_NE(ir->find("@tally_rt_exp"), std::string::npos);
  EXPECT_NE(ir->find("@tally_rt_log"), std::string::npos);
  for (const char* intrinsic : {"@llvm.pow.", "@llvm.exp.", "@llvm.log.", "@exp2", "@ldexp", "@pow(", "@exp(", "@log("}) {
    EXPECT_EQ(ir->find(intrinsic), std::string::npos) << intrinsic;
  }
}

}  // namespace
}  // namespace tally::codegen::testing
