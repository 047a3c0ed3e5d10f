#include "tally/runtime/runtime.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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

}  // namespace
}  // namespace tally
