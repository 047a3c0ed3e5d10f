// Very large kernels (issue 9): a 10,000-let chain, which the default pipeline took more than
// 25 minutes to compile, goes through the large-kernel pipeline (no IR passes, LLVM's fast
// code generator) and computes what the interpreter computes, bit for bit, compiled and from
// the cache; a program over the hard limit is refused with its name, never handed to LLVM.
#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <vector>

#include "kernel_check.h"
#include "let_chain.h"

namespace tally::codegen::testing {
namespace {

// 40 rows (the fast loop takes 32, the precise loop the last 8): small values, the largest
// `a` for which a + (lets - 1) fits, and values that overflow.
std::vector<std::optional<int64_t>> ChainInputs(int lets) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  std::vector<std::optional<int64_t>> a;
  for (int r = 0; r < 40; ++r) a.push_back(r % 10 == 9 ? max - r : r % 10 == 8 ? max - (lets - 1) : int64_t{r});
  return a;
}

void ExpectChainResults(const Kernel& kernel, const ir::Program& p, int lets, const std::string& what) {
  std::vector<Column> in = {Ints(ChainInputs(lets))};
  RunResult k = RunColumns(kernel.score(), p, in, 40, nullptr, false);
  RunResult i = RunColumns(
      [&](int64_t n, const TallyColumnView* cols, const uint16_t* v, TallyColumnView* out, uint32_t* st) {
        interp::RunScore(p, n, cols, v, out, st);
      },
      p, in, 40, nullptr, false);
  ExpectSameBytes(k, i, what);
  const int64_t max = std::numeric_limits<int64_t>::max();
  for (int r = 0; r < 40; ++r) {
    if (r % 10 == 9) {
      EXPECT_NE(k.status[r], 0u) << what << ": row " << r << " overflows";
    } else {
      ASSERT_EQ(k.status[r], 0u) << what << ": row " << r;
      EXPECT_EQ(k.outputs[0].At<int64_t>(r), r % 10 == 8 ? max : r + (lets - 1)) << what << ": row " << r;
    }
  }
}

TEST(CodegenLargeKernels, ATenThousandLetChainCompilesWithTheLargeKernelPipeline) {
  constexpr int kLets = 10000;
  std::optional<ir::Program> p = LetChainProgram(kLets);
  ASSERT_TRUE(p.has_value());
  ASSERT_GT(p->row_code.size(), kLargeKernelInstructions);
  auto kernel = CompileKernel(*p, NoCache());
  ASSERT_TRUE(kernel.ok()) << kernel.error().message;
  EXPECT_EQ((*kernel)->info().opt_level, 0);
  ExpectChainResults(**kernel, *p, kLets, "compiled");
  // Its object (fast code generator) is linked by the built-in loader from the cache too.
  std::shared_ptr<const Kernel> reloaded = CompileAndReload(*p);
  ASSERT_TRUE(reloaded);
  ExpectChainResults(*reloaded, *p, kLets, "from the cache");
}

TEST(CodegenLargeKernels, TheThresholdDecidesThePipelineWhateverLevelIsAsked) {
  std::optional<ir::Program> small = LetChainProgram(static_cast<int>(kLargeKernelInstructions) - 1);
  std::optional<ir::Program> large = LetChainProgram(static_cast<int>(kLargeKernelInstructions));
  ASSERT_TRUE(small && large);
  ASSERT_EQ(small->row_code.size(), kLargeKernelInstructions);
  ASSERT_EQ(large->row_code.size(), kLargeKernelInstructions + 1);
  KernelOptions o1, o3;
  o3.opt_level = 3;
  EXPECT_NE(CacheKey(*small, o1), CacheKey(*small, o3)) << "the level asked for is used";
  EXPECT_EQ(CacheKey(*large, o1), CacheKey(*large, o3)) << "level 0 is used for both";
  auto ir = KernelIR(*large, /*optimized=*/true, o3);
  ASSERT_TRUE(ir.ok()) << ir.error().message;
  EXPECT_EQ(ir->find("vector.body"), std::string::npos) << "no IR passes ran (no vectorized loop)";
}

TEST(CodegenLargeKernels, AProgramOverTheHardLimitIsRefusedByName) {
  // Built by hand (the front end would take seconds): a chain of kMaxKernelInstructions adds.
  ProgramBuilder b(ir::Program::Kind::kScore, "demo.huge");
  ValueId v = b.Input("a", Type::kInt, false);
  ValueId one = b.Int(1);
  while (b.program().row_code.size() < kMaxKernelInstructions + 1) v = b.Apply(Op::kAdd, Type::kInt, {v, one});
  b.Output("o", v);
  const std::string why = "demo.huge: " + std::to_string(kMaxKernelInstructions + 1) +
                          " IR instructions, more than the JIT compiles (" + std::to_string(kMaxKernelInstructions) +
                          "); score it with --engine interpreter";
  auto kernel = CompileKernel(b.program(), NoCache());
  ASSERT_FALSE(kernel.ok());
  EXPECT_EQ(kernel.error().message, why);
  auto ir = KernelIR(b.program(), false);
  ASSERT_FALSE(ir.ok());
  EXPECT_EQ(ir.error().message, why);
}

}  // namespace
}  // namespace tally::codegen::testing
