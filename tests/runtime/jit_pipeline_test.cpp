// The same files scored by JIT kernels (tally_codegen) and by the reference interpreter
// through the whole pipeline: outputs and rejects must be byte-identical. Every definition
// of metrics/ that has an input file here takes part.
#include <gtest/gtest.h>

#include "tally/codegen/kernel.h"
#include "tally/runtime/runtime.h"
#include "test_util.h"

namespace tally {
namespace {

using runtime::testing::ReadAll;
using runtime::testing::TempDir;

Result<runtime::KernelSet> JitKernels(const ir::Program& program) {
  codegen::KernelOptions options;
  options.use_cache = false;
  auto k = codegen::CompileKernel(program, options);
  if (!k.ok()) return k.error();
  std::shared_ptr<const codegen::Kernel> kernel = *k;
  return runtime::CompiledKernels(kernel->score(), kernel->metric_row(), kernel->metric_finalize(),
                                  kernel, "jit");
}

struct Case {
  const char* definition;
  std::string input;
  std::vector<runtime::ColumnMapping> mappings;
};

TEST(JitPipeline, ByteIdenticalToTheInterpreter) {
  const std::string metrics = std::string(TALLY_SOURCE_DIR) + "/metrics";
  auto interpreted = Runtime::Load(metrics);
  ASSERT_TRUE(interpreted.ok()) << interpreted.error().message;
  auto jitted = Runtime::Load(metrics);
  ASSERT_TRUE(jitted.ok());
  jitted->SetKernelFactory(&JitKernels);
  const std::vector<Case> cases = {
      {"customer.health@1", metrics + "/reference/health_sample.csv", {}},
      {"cx.nps@1", runtime::testing::SharedData("bank-satisfaction-survey/satisfaction.csv"),
       {{"segment", "gender"}, {"rating", "loy3"}}},
  };
  TempDir dir;
  for (const Case& c : cases) {
    auto a = interpreted->Kernel(c.definition);
    auto b = jitted->Kernel(c.definition);
    ASSERT_TRUE(a.ok()) << a.error().message;
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(b->kernels().engine, "jit");
    std::string outputs[2], rejects[2];
    int64_t scored[2] = {0, 0};
    for (int engine = 0; engine < 2; ++engine) {
      runtime::ScoreOptions o;
      o.input_path = c.input;
      o.output_path = dir.File("out" + std::to_string(engine) + ".csv");
      o.rejects_path = dir.File("rej" + std::to_string(engine) + ".csv");
      o.mappings = c.mappings;
      o.progress = runtime::ProgressMode::kNever;
      auto s = (engine == 0 ? *a : *b).ScoreFile(o);
      ASSERT_TRUE(s.ok()) << c.definition << ": " << s.error().message;
      outputs[engine] = ReadAll(o.output_path);
      rejects[engine] = ReadAll(o.rejects_path);
      scored[engine] = s->rows_scored;
    }
    EXPECT_GT(scored[0], 0) << c.definition;
    EXPECT_EQ(scored[0], scored[1]) << c.definition;
    EXPECT_EQ(outputs[0], outputs[1]) << c.definition;
    EXPECT_EQ(rejects[0], rejects[1]) << c.definition;
  }
}

}  // namespace
}  // namespace tally
