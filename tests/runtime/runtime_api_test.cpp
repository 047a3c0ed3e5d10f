#include "tally/runtime/runtime.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tally/runtime/score_source.h"
#include "test_util.h"

namespace tally {
namespace {

const std::string kMetrics = std::string(TALLY_SOURCE_DIR) + "/metrics";

TEST(RuntimeApi, KernelByNameAndMajor) {
  auto rt = Runtime::Load(kMetrics);
  ASSERT_TRUE(rt.ok()) << rt.error().message;
  auto names = rt->Names();
  EXPECT_NE(std::find(names.begin(), names.end(), "customer.health"), names.end());
  EXPECT_TRUE(rt->Kernel("customer.health").ok());
  EXPECT_TRUE(rt->Kernel("customer.health@1").ok());
  auto wrong = rt->Kernel("customer.health@2");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, "customer.health@2: the loaded definition is version 1.0.0");
  EXPECT_FALSE(rt->Kernel("customer.health@x").ok());
  auto missing = rt->Kernel("no.such");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "no definition named no.such");
}

TEST(RuntimeApi, LoadReportsDiagnostics) {
  runtime::testing::TempDir dir;
  runtime::testing::WriteAll(dir.File("bad.tally"), "score x.y {\n  version 1.0.0\n  owner cx\n  output a : int = nope\n}\n");
  auto rt = Runtime::Load(dir.path().string());
  ASSERT_FALSE(rt.ok());
  EXPECT_NE(rt.error().message.find("bad.tally:4:"), std::string::npos) << rt.error().message;
}

// One batch in memory; expected values by hand as in interpreter_pipeline_test.cpp.
TEST(RuntimeApi, ScoreBatch) {
  auto rt = Runtime::Load(kMetrics);
  ASSERT_TRUE(rt.ok());
  auto k = rt->Kernel("customer.health@1");
  ASSERT_TRUE(k.ok());
  auto dict = k->NewDictionary();
  const ir::Program& p = k->program();
  ASSERT_EQ(p.inputs.size(), 7u);
  int32_t ids[2] = {dict->Intern("a6"), dict->Intern("a5")};
  int64_t logins[2] = {0, 0}, prev[2] = {20, 20}, tickets[2] = {0, 0};
  double nps[2] = {-40, -40}, arr[2] = {60000, 60000};
  int32_t regions[2] = {dict->Intern("emea"), dict->Intern("na")};
  uint16_t variants[2] = {k->VariantOf("emea"), k->VariantOf("na")};
  EXPECT_NE(variants[0], 0);
  EXPECT_EQ(variants[1], 0);
  TallyColumnView in[7] = {{ids, nullptr}, {logins, nullptr}, {prev, nullptr}, {tickets, nullptr},
                           {nps, nullptr}, {arr, nullptr}, {regions, nullptr}};
  double score[2];
  int32_t tier[2];
  uint8_t risk[2];
  uint8_t valid[3][2];
  TallyColumnView out[3] = {{score, valid[0]}, {tier, valid[1]}, {risk, valid[2]}};
  uint32_t status[2];
  ASSERT_TRUE(k->ScoreBatch(2, in, variants, out, status).ok());
  EXPECT_EQ(status[0], 0u);
  EXPECT_EQ(score[0], 36.0);
  EXPECT_EQ(score[1], 36.0);
  EXPECT_EQ(dict->Get(tier[0]), "red");
  EXPECT_EQ(risk[0], 0);  // emea: 36 is not below 35
  EXPECT_EQ(risk[1], 1);  // global: 36 is below 40, arr above 50000
  EXPECT_EQ(k->ReasonText(1).rfind("require open_tickets >= 0", 0), 0u);

  auto nps_metric = rt->Kernel("cx.nps@1");
  ASSERT_TRUE(nps_metric.ok());
  EXPECT_FALSE(nps_metric->ScoreBatch(0, nullptr, nullptr, nullptr, nullptr).ok());
}

// A definition that computes strings: the caller's dictionary receives the new texts.
TEST(RuntimeApi, ScoreBatchWithComputedStrings) {
  runtime::testing::TempDir dir;
  runtime::testing::WriteAll(dir.File("s.tally"),
                             "score t.s {\n  version 1.0.0\n  owner cx\n  input plan : string\n"
                             "  output segment : string = lower(trim(plan))\n"
                             "  output gold : bool = lower(trim(plan)) == \"gold\"\n}\n");
  auto rt = Runtime::Load(dir.path().string());
  ASSERT_TRUE(rt.ok()) << rt.error().message;
  auto k = rt->Kernel("t.s");
  ASSERT_TRUE(k.ok());
  auto dict = k->NewDictionary();
  int32_t plan[3] = {dict->Intern(" GOLD"), dict->Intern("Silver "), dict->Intern("gold")};
  TallyColumnView in[1] = {{plan, nullptr}};
  int32_t segment[3];
  uint8_t gold[3], valid[2][3];
  TallyColumnView out[2] = {{segment, valid[0]}, {gold, valid[1]}};
  uint32_t status[3];
  EXPECT_FALSE(k->ScoreBatch(3, in, nullptr, out, status).ok());  // no dictionary: refused, never a crash
  ASSERT_TRUE(k->ScoreBatch(3, in, nullptr, out, status, dict.get()).ok());
  EXPECT_EQ(dict->Get(segment[0]), "gold");
  EXPECT_EQ(dict->Get(segment[1]), "silver");
  EXPECT_EQ(segment[0], plan[2]);  // the same text, the same code
  EXPECT_EQ(gold[0], 1);
  EXPECT_EQ(gold[1], 0);
  EXPECT_EQ(gold[2], 1);
}

TEST(RuntimeApi, ScoreFileFillsLineageFromTheDefinition) {
  auto rt = Runtime::Load(kMetrics);
  ASSERT_TRUE(rt.ok());
  auto k = rt->Kernel("customer.health@1");
  ASSERT_TRUE(k.ok());
  runtime::testing::TempDir dir;
  runtime::ScoreOptions o;
  o.input_path = std::string(TALLY_SOURCE_DIR) + "/metrics/reference/health_sample.csv";
  o.output_path = dir.File("out.csv");
  o.progress = runtime::ProgressMode::kNever;
  o.lineage = runtime::LineageFacts{};
  auto s = k->ScoreFile(o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->rows_read, 60);  // 61 lines including the header (wc -l)
  EXPECT_EQ(s->rows_read, s->rows_scored + s->rows_rejected);
  auto j = nlohmann::json::parse(runtime::testing::ReadAll(s->lineage_path));
  EXPECT_EQ(j["content_sha256"], k->info().content_sha256);
  EXPECT_EQ(j["content_sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(j["commit"], "ungoverned");
  EXPECT_EQ(j["owner"], "cx");
  EXPECT_EQ(j["expires_after_seconds"], 90 * 86400);
  EXPECT_EQ(j["params"]["at_risk_below"], 40);
  EXPECT_EQ(j["regional_overrides"]["emea"]["at_risk_below"], 35);
  EXPECT_EQ(j["tally_version"], "0.1.0");  // project(tally VERSION 0.1.0) in CMakeLists.txt
}

// The one path from source to scored file, as `tally score`, `demo` and `trace` use it.
TEST(RuntimeApi, ScoreSourceCompilesBuildsAndScores) {
  runtime::testing::TempDir dir;
  auto files = CollectSources({kMetrics});
  ASSERT_TRUE(files.ok());
  runtime::ScoreOptions o;
  o.input_path = std::string(TALLY_SOURCE_DIR) + "/metrics/reference/health_sample.csv";
  o.output_path = dir.File("out.csv");
  o.progress = runtime::ProgressMode::kNever;
  o.lineage = runtime::LineageFacts{};
  DiagnosticList diagnostics;
  auto s = ScoreSource(*files, "customer.health@1", KernelFactory{}, o, diagnostics);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_FALSE(diagnostics.HasErrors());
  EXPECT_EQ(s->engine, "interpreter");
  EXPECT_EQ(s->rows_read, 60);
  // The same bytes as through Runtime and ScoreKernel by hand.
  auto rt = Runtime::Load(kMetrics);
  ASSERT_TRUE(rt.ok());
  auto k = rt->Kernel("customer.health@1");
  ASSERT_TRUE(k.ok());
  runtime::ScoreOptions by_hand = o;
  by_hand.output_path = dir.File("by-hand.csv");
  ASSERT_TRUE(k->ScoreFile(by_hand).ok());
  EXPECT_EQ(runtime::testing::ReadAll(o.output_path), runtime::testing::ReadAll(by_hand.output_path));
  // The lineage facts of the definition are filled in on this path too.
  auto record = runtime::ReadLineageRecord(s->lineage_path);
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(record->content_sha256, k->info().content_sha256);
  EXPECT_EQ(record->owner, "cx");

  // A factory's kernels are the ones that run.
  bool used = false;
  KernelFactory factory = [&](const ir::Program& p) -> Result<runtime::KernelSet> {
    used = true;
    runtime::KernelSet set = runtime::InterpreterKernels(p);
    set.engine = "counted";
    return set;
  };
  o.output_path = dir.File("factory.csv");
  auto via = ScoreDefinition(rt->library(), "customer.health", factory, o);
  ASSERT_TRUE(via.ok()) << via.error().message;
  EXPECT_TRUE(used);
  EXPECT_EQ(via->engine, "counted");

  auto unknown = ScoreDefinition(rt->library(), "no.such", KernelFactory{}, o);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "no definition named no.such");
}

TEST(RuntimeApi, ScoreSourceLeavesDiagnosticsAndScoresNothing) {
  runtime::testing::TempDir dir;
  runtime::testing::WriteAll(dir.File("bad.tally"), "score x.y {\n  version 1.0.0\n  owner cx\n  output a : int = nope\n}\n");
  auto files = CollectSources({dir.path().string()});
  ASSERT_TRUE(files.ok());
  runtime::ScoreOptions o;
  o.input_path = dir.File("in.csv");
  o.output_path = dir.File("out.csv");
  runtime::testing::WriteAll(o.input_path, "a\n1\n");
  DiagnosticList diagnostics;
  auto s = ScoreSource(*files, "x.y", KernelFactory{}, o, diagnostics);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "the definitions have errors; nothing was scored");
  EXPECT_TRUE(diagnostics.HasErrors());
  EXPECT_NE(Render(diagnostics).find("bad.tally:4:"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(o.output_path));
}

// No exception leaves a public entry point: what a kernel or a factory throws comes back
// as an InternalError.
TEST(RuntimeApi, ExceptionsComeBackAsErrors) {
  auto rt = Runtime::Load(kMetrics);
  ASSERT_TRUE(rt.ok());
  Runtime throwing_factory(rt->library());
  throwing_factory.SetKernelFactory([](const ir::Program&) -> Result<runtime::KernelSet> {
    throw std::runtime_error("factory broke");
  });
  auto k = throwing_factory.Kernel("customer.health");
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.error().message, "internal error: factory broke");
  EXPECT_EQ(k.code(), ErrorCode::kInternal);

  Runtime throwing_kernel(rt->library());
  throwing_kernel.SetKernelFactory([](const ir::Program& p) -> Result<runtime::KernelSet> {
    runtime::KernelSet set = runtime::InterpreterKernels(p);
    set.score = [](int64_t, const TallyColumnView*, const uint16_t*, TallyColumnView*, uint32_t*) {
      throw std::runtime_error("kernel broke");
    };
    return set;
  });
  auto bad = throwing_kernel.Kernel("customer.health");
  ASSERT_TRUE(bad.ok()) << bad.error().message;
  std::vector<uint32_t> status(1);
  Status st = bad->ScoreBatch(1, nullptr, nullptr, nullptr, status.data());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "internal error: kernel broke");

  runtime::testing::TempDir dir;
  for (int threads : {1, 2}) {
    runtime::ScoreOptions o;
    o.input_path = std::string(TALLY_SOURCE_DIR) + "/metrics/reference/health_sample.csv";
    o.output_path = dir.File("out.csv");
    o.progress = runtime::ProgressMode::kNever;
    o.threads = threads;
    auto s = bad->ScoreFile(o);
    ASSERT_FALSE(s.ok()) << threads;
    EXPECT_NE(s.error().message.find("kernel broke"), std::string::npos) << s.error().message;
    EXPECT_FALSE(std::filesystem::exists(o.output_path));
  }

  // A hand-made program with a param that has no value: recorded as null, not thrown.
  ir::Program p = rt->library().Find("customer.health") ? *rt->library().Find("customer.health") : ir::Program{};
  ASSERT_FALSE(p.params.empty());
  p.params[0].int_values.clear();
  p.params[0].float_values.clear();
  runtime::LineageRecord record = runtime::MakeLineageRecord(p, runtime::LineageFacts{}, runtime::RunSummary{});
  EXPECT_EQ(record.params[0].second, runtime::LineageValue{});
}

}  // namespace
}  // namespace tally
