// The richer aggregates and computed group keys (docs/language.md, "Richer aggregates and
// computed group keys"): the exact formulas on hand-computed values, and a metric through the
// whole pipeline on both engines, every batch size and thread count, byte for byte.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "../../runtime/src/held_aggregates.h"
#include "tally/codegen/kernel.h"
#include "tally/runtime/runtime.h"
#include "test_util.h"

namespace tally {
namespace {

using runtime::testing::ReadAll;
using runtime::testing::TempDir;

TEST(RichAggregates, Type7QuantileByHand) {
  using runtime::Type7Quantile;
  // Odd n = 5: 1 2 3 4 10. h = 4p.
  const std::vector<double> odd = {1, 2, 3, 4, 10};
  EXPECT_EQ(Type7Quantile(odd, 0.0), 1.0);
  EXPECT_EQ(Type7Quantile(odd, 1.0), 10.0);
  EXPECT_EQ(Type7Quantile(odd, 0.5), 3.0);   // h = 2
  EXPECT_EQ(Type7Quantile(odd, 0.25), 2.0);  // h = 1
  // h = 3.6, h - 3 = 0.6000000000000001: 4 + 0.6000000000000001 * 6
  EXPECT_EQ(Type7Quantile(odd, 0.9), 7.6000000000000005);
  // Even n = 4: -3 -1 0.5 8. h = 3p.
  const std::vector<double> even = {-3, -1, 0.5, 8};
  EXPECT_EQ(Type7Quantile(even, 0.0), -3.0);
  EXPECT_EQ(Type7Quantile(even, 1.0), 8.0);
  EXPECT_EQ(Type7Quantile(even, 0.5), -0.25);  // h = 1.5: -1 + 0.5 * 1.5
  EXPECT_EQ(Type7Quantile(even, 0.25), -1.5);  // h = 0.75: -3 + 0.75 * 2
  // One value: every p gives it.
  EXPECT_EQ(Type7Quantile({42.5}, 0.0), 42.5);
  EXPECT_EQ(Type7Quantile({42.5}, 0.3), 42.5);
  EXPECT_EQ(Type7Quantile({42.5}, 1.0), 42.5);
  // The formula, not (a + b) / 2: 0.1 + 0.5 * (0.7 - 0.1) is 0.4, (0.1 + 0.7) / 2 is
  // 0.39999999999999997; and 1e308, 1.5e308 overflow only the second way.
  EXPECT_EQ(Type7Quantile({0.1, 0.7}, 0.5), 0.4);
  EXPECT_EQ(Type7Quantile({1e308, 1.5e308}, 0.5), 1e308 + 0.5 * 0.5e308);
  EXPECT_TRUE(std::isfinite(Type7Quantile({1e308, 1.5e308}, 0.5)));
}

TEST(RichAggregates, VarianceByHand) {
  using runtime::SortedVariance;
  // 2 4 4 4 5 5 7 9: mean 5, squares 9+1+1+1+0+0+4+16 = 32.
  const std::vector<double> v = {2, 4, 4, 4, 5, 5, 7, 9};
  EXPECT_EQ(SortedVariance(v, false), 4.0);
  EXPECT_EQ(SortedVariance(v, true), 32.0 / 7.0);
  EXPECT_EQ(std::sqrt(SortedVariance(v, false)), 2.0);
  // Negative numbers: -3 -1 : mean -2, squares 2, sample 2, population 1.
  EXPECT_EQ(SortedVariance({-3, -1}, true), 2.0);
  EXPECT_EQ(SortedVariance({-3, -1}, false), 1.0);
  EXPECT_EQ(SortedVariance({7}, false), 0.0);
}

// A metric using every new aggregate and a computed key, written to a temporary library.
constexpr const char* kMetric = R"(metric demo.rich {
  version 1.0.0
  owner cx
  input region : string
  input arr : float?
  input seats : int
  input plan : string
  let tier = if arr > 1000 then "gold" else if arr > 0 then "basic" else null
  group by region, tier
  output n : int = count()
  output plans : int = count_distinct(plan)
  output arrs : int = count_distinct(arr)
  output med : float? = median(arr)
  output q90 : float? = quantile(seats, 0.9)
  output var : float? = variance(arr)
  output sd_pop : float? = stddev_pop(seats)
  output first_plan : string? = min_by(plan, seats)
  output last_arr : float? = max_by(arr, seats)
}
)";

constexpr const char* kInput =
    "region,arr,seats,plan\n"
    "emea,2000,1,a\n"
    "emea,1500,2,b\n"
    "na,,3,c\n"
    "emea,-0.0,4,c\n"
    "emea,500,5,b\n"
    "emea,0.0,4,a\n"
    "na,3000,3,z\n"
    "emea,3000,4,a\n"
    "na,-5,9,y\n"
    "emea,500,5,a\n";

// By hand (python3 as a calculator, docs/language.md's formulas):
//  (emea, null): arr -0.0 and 0.0 (not > 0): one distinct arr; seats 4, 4; min_by(plan, seats):
//    tie at 4 between c and a -> a; max_by(arr, seats): tie at 4 -> smallest arr, 0 (+0.0).
//    median 0, variance of 0, 0 = 0; q90 of 4, 4 = 4; stddev_pop 0.
//  (emea, basic): arr 500, 500; seats 5, 5; plans b, a -> 2; arrs 1; median 500;
//    variance 0; q90 5; sd_pop 0; first_plan: tie -> a; last_arr 500.
//  (emea, gold): arr 2000, 1500, 3000; seats 1, 2, 4; plans a, b, a -> 2; arrs 3; median 2000;
//    variance: mean 6500/3 = 2166.6666666666665, squares -> 583333.3333333334;
//    q90: h = 1.8: 2 + 0.8 * 2 = 3.6; sd_pop of 1 2 4 = 1.247219128924647; first_plan a (seats 1);
//    last_arr 3000 (seats 4).
//  (na, null): arr null (not > 0 is null -> else -> the inner if: null -> else null) and -5:
//    both in the null tier. plans c, y; arrs 1 (-5); median -5; variance null (one value);
//    seats 3, 9: q90 h = 0.9: 3 + 0.9 * 6 = 8.4; sd_pop 3; first_plan c; last_arr -5 (the
//    null-arr row is skipped by max_by).
//  (na, gold): 3000, seats 3, z.
constexpr const char* kExpected =
    "region,tier,n,plans,arrs,med,q90,var,sd_pop,first_plan,last_arr\n"
    "emea,,2,2,1,0,4,0,0,a,0\n"
    "emea,basic,2,2,1,500,5,0,0,a,500\n"
    "emea,gold,3,2,3,2000,3.6,583333.3333333334,1.247219128924647,a,3000\n"
    "na,,2,2,1,-5,8.4,,3,c,-5\n"
    "na,gold,1,1,1,3000,3,,0,z,3000\n";

Result<runtime::KernelSet> JitKernels(const ir::Program& program) {
  codegen::KernelOptions options;
  options.use_cache = false;
  auto k = codegen::CompileKernel(program, options);
  if (!k.ok()) return k.error();
  std::shared_ptr<const codegen::Kernel> kernel = *k;
  return runtime::CompiledKernels(kernel->score(), kernel->metric_row(), kernel->metric_finalize(), kernel, "jit");
}

TEST(RichAggregates, SameBytesOnBothEnginesEveryBatchSizeAndThreadCount) {
  TempDir dir;
  {
    std::ofstream(dir.File("rich.tally")) << kMetric;
    std::ofstream(dir.File("input.csv")) << kInput;
  }
  auto interpreted = Runtime::Load(dir.File("rich.tally"));
  ASSERT_TRUE(interpreted.ok()) << interpreted.error().message;
  auto jitted = Runtime::Load(dir.File("rich.tally"));
  ASSERT_TRUE(jitted.ok());
  jitted->SetKernelFactory(&JitKernels);
  auto a = interpreted->Kernel("demo.rich@1");
  auto b = jitted->Kernel("demo.rich@1");
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  int run = 0;
  for (int engine = 0; engine < 2; ++engine) {
    for (int64_t batch : {1, 2, 3, 7, 65536}) {
      for (int threads : {1, 2}) {
        runtime::ScoreOptions o;
        o.input_path = dir.File("input.csv");
        o.output_path = dir.File("out" + std::to_string(run) + ".csv");
        o.rejects_path = dir.File("rej" + std::to_string(run) + ".csv");
        o.batch_rows = batch;
        o.threads = threads;
        o.progress = runtime::ProgressMode::kNever;
        ++run;
        auto s = (engine == 0 ? *a : *b).ScoreFile(o);
        ASSERT_TRUE(s.ok()) << s.error().message;
        EXPECT_EQ(ReadAll(o.output_path), kExpected)
            << (engine == 0 ? "interpreter" : "jit") << " batch " << batch << " threads " << threads;
      }
    }
  }
}

}  // namespace
}  // namespace tally
