// The pipeline with real definitions from metrics/, compiled by the front end and run by the
// reference interpreter: a score with a regional override, and a metric on a real dataset.
#include <gtest/gtest.h>

#include <filesystem>

#include "tally/compiler/compiler.h"
#include "tally/runtime/score_file.h"
#include "test_util.h"

namespace tally::runtime {
namespace {

using testing::ReadAll;
using testing::TempDir;
using testing::WriteAll;

const Library& MetricsLibrary() {
  static const Library* library = [] {
    auto files = CollectSources({std::string(TALLY_SOURCE_DIR) + "/metrics"});
    EXPECT_TRUE(files.ok());
    CompileResult compiled = Compile(*files);
    EXPECT_TRUE(compiled.library.has_value()) << Render(compiled.diagnostics);
    return new Library(*compiled.library);
  }();
  return *library;
}

// Expected values by hand from health.tally's formula:
//   a1: engagement 30/30 -> 0.5, support 1, sentiment (50+100)/200 = 0.75:
//       100 * (0.5*0.5 + 0.3*1 + 0.2*0.75) = 70 -> green, arr small -> not at risk
//   a2: nps null -> sentiment 0.5: 100 * (0.25 + 0.3 + 0.1) = 65 -> amber
//   a5: no logins, no tickets, nps -40 -> 0.3: 100 * (0 + 0.3 + 0.06) = 36 -> red;
//       arr 60000 and 36 < 40 (global) -> at risk
//   a6: as a5 in emea, whose override moves the threshold to 35 -> not at risk
//   a7: open_tickets -1 breaks `require open_tickets >= 0`
TEST(InterpreterPipeline, HealthScoreWithRegionalOverride) {
  const ir::Program* health = MetricsLibrary().Find("customer.health");
  ASSERT_NE(health, nullptr);
  TempDir dir;
  ScoreOptions o;
  o.program = health;
  o.kernels = InterpreterKernels(*health);
  o.input_path = dir.File("in.csv");
  o.output_path = dir.File("out.csv");
  o.rejects_path = dir.File("rejects.csv");
  o.progress = ProgressMode::kNever;
  WriteAll(o.input_path,
           "account_id,logins_30d,logins_prev_30d,open_tickets,nps,arr,region\n"
           "a1,30,30,0,50,1000,emea\n"
           "a2,30,30,0,,60000,na\n"
           "a5,0,20,0,-40,60000,na\n"
           "a6,0,20,0,-40,60000,emea\n"
           "a7,1,1,-1,0,1,na\n");
  auto s = ScoreFile(o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(ReadAll(o.output_path),
            "account_id,score,tier,at_risk\n"
            "a1,70,green,false\n"
            "a2,65,amber,false\n"
            "a5,36,red,true\n"
            "a6,36,red,false\n");
  std::string rejects = ReadAll(o.rejects_path);
  EXPECT_EQ(rejects.substr(0, rejects.find_last_of(',') + 1),
            "row,line,column,reason,rule,location\n"
            "5,6,,require failed,require open_tickets >= 0,");
  EXPECT_NE(rejects.find("health.tally:"), std::string::npos);
  EXPECT_EQ(s->engine, "interpreter");
}

// cx.nps per gender on the bank survey, `loy3` as the rating. SOURCE.md: female n=148,
// 41 promoters, 45 detractors; male n=102, 24 and 41. nps = 100 * (p - d) / n, as doubles:
// -400/148 and -1700/102 (python3: -2.7027027027027026, -16.666666666666668).
TEST(InterpreterPipeline, NpsPerGenderOnTheBankSurvey) {
  const ir::Program* nps = MetricsLibrary().Find("cx.nps");
  ASSERT_NE(nps, nullptr);
  TempDir dir;
  ScoreOptions o;
  o.program = nps;
  o.kernels = InterpreterKernels(*nps);
  o.input_path = testing::SharedData("bank-satisfaction-survey/satisfaction.csv");
  o.output_path = dir.File("nps.csv");
  o.mappings = {ColumnMapping{"segment", "gender"}, ColumnMapping{"rating", "loy3"}};
  o.progress = ProgressMode::kNever;
  const std::string expected =
      "segment,responses,promoters,detractors,nps\n"
      "female,148,41,45,-2.7027027027027026\n"
      "male,102,24,41,-16.666666666666668\n";
  for (int threads : {1, 2}) {
    for (int64_t batch : {1, 7, 65536}) {
      o.threads = threads;
      o.batch_rows = batch;
      auto s = ScoreFile(o);
      ASSERT_TRUE(s.ok()) << s.error().message;
      EXPECT_EQ(ReadAll(o.output_path), expected) << threads << " " << batch;
      EXPECT_EQ(s->rows_read, 250);
      EXPECT_EQ(s->rows_scored, 250);
      EXPECT_EQ(s->rows_rejected, 0);
      EXPECT_EQ(s->output_rows, 2);
    }
  }
}

// Publish last on the metric strategies (one thread; reader thread + scorer): the groups are
// computed and written, then the lineage record fails (its path is a directory), and
// nothing is published.
TEST(InterpreterPipeline, MetricFailingAtTheLineageRecordPublishesNothing) {
  const ir::Program* nps = MetricsLibrary().Find("cx.nps");
  ASSERT_NE(nps, nullptr);
  for (int threads : {1, 2}) {
    TempDir dir;
    ScoreOptions o;
    o.program = nps;
    o.kernels = InterpreterKernels(*nps);
    o.input_path = testing::SharedData("bank-satisfaction-survey/satisfaction.csv");
    o.output_path = dir.File("nps.csv");
    o.rejects_path = dir.File("rejects.csv");
    o.mappings = {ColumnMapping{"segment", "gender"}, ColumnMapping{"rating", "loy3"}};
    o.progress = ProgressMode::kNever;
    o.threads = threads;
    o.lineage = LineageFacts{};
    std::filesystem::create_directory(LineagePath(o.output_path));
    auto s = ScoreFile(o);
    ASSERT_FALSE(s.ok()) << threads;
    EXPECT_EQ(s.error().message, LineagePath(o.output_path) + ": is a directory");
    size_t files = 0;
    for (auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
    EXPECT_EQ(files, 1u) << threads;  // only the record's directory: no output, rejects or temporary
  }
}

}  // namespace
}  // namespace tally::runtime
