// The test runner over several engines: fake kernel factories that return a wrong value, a
// different reject or no kernels at all must make the test block fail, naming both results.
// Expected lines are written out by hand; locations come from searching the source text.
#include <gtest/gtest.h>

#include <stdexcept>

#include "tally/compiler/compiler.h"
#include "tally/runtime/kernels.h"
#include "tally/runtime/test_runner.h"

namespace tally::runtime::testing {
namespace {

const char* const kScore = R"(score t.half {
  version 1.0.0
  owner cx
  input a : int
  require a >= 0
  output half : float = a * 0.5
  output size : string = if a >= 10 then "big" else "small"

  test "ten" {
    given a = 10
    expect half = 5.0, size = "big"
  }
  test "wrong" {
    given a = 4
    expect half = 3.0
  }
  test "negative" {
    given a = -1
    expect rejected "a >= 0"
  }
}
)";

const char* const kMetric = R"(metric t.sums {
  version 1.0.0
  owner cx
  input segment : string
  input x : int
  group by segment
  output rows : int = count()
  output total : int = sum(x)

  test "two groups" {
    given segment = "a", x = 1
    given segment = "a", x = 2
    given segment = "b", x = 5
    expect segment = "a", rows = 2, total = 3
    expect segment = "b", rows = 1, total = 5
  }
}
)";

Library CompileOrDie(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<SourceFilePtr> sources;
  for (const auto& [path, text] : files) sources.push_back(std::make_shared<const SourceFile>(path, text));
  CompileResult r = Compile(sources);
  if (!r.library) {
    ADD_FAILURE() << Render(r.diagnostics);
    std::abort();
  }
  return *r.library;
}

// "t.tally:L:C" of the first line holding `needle`, at its first non-blank character.
std::string At(const std::string& path, const std::string& text, const std::string& needle) {
  size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
  size_t start = text.rfind('\n', at);
  start = start == std::string::npos ? 0 : start + 1;
  size_t column = text.find_first_not_of(' ', start) - start + 1;
  return path + ":" + std::to_string(line) + ":" + std::to_string(column);
}

const TestOutcome& Find(const std::vector<TestOutcome>& outcomes, const std::string& test_name) {
  for (const auto& o : outcomes) {
    if (o.test_name == test_name) return o;
  }
  ADD_FAILURE() << "no outcome for " << test_name;
  std::abort();
}

// The interpreter with its results changed after it ran: what a buggy engine would do.
TestEngine Fake(std::string name, std::function<void(const ir::Program&, KernelSet&)> tamper) {
  return {std::move(name), [tamper](const ir::Program& p) -> Result<KernelSet> {
            KernelSet k = InterpreterKernels(p);
            tamper(p, k);
            k.engine = "fake";
            return k;
          }};
}

// Adds 1.0 to the first output (a float) of every scored row.
void AddOneToFirstFloatOutput(const ir::Program&, KernelSet& k) {
  k.score = [inner = k.score](int64_t rows, const TallyColumnView* in, const uint16_t* v, TallyColumnView* out,
                              uint32_t* status) {
    inner(rows, in, v, out, status);
    for (int64_t r = 0; r < rows; ++r) static_cast<double*>(out[0].values)[r] += 1.0;
  };
}

// Rejects every row for the program's first reason.
void RejectEverything(const ir::Program&, KernelSet& k) {
  k.score = [inner = k.score](int64_t rows, const TallyColumnView* in, const uint16_t* v, TallyColumnView* out,
                              uint32_t* status) {
    inner(rows, in, v, out, status);
    for (int64_t r = 0; r < rows; ++r) status[r] = 1;
  };
}

TEST(TestRunner, OneEngineReportsExpectedAgainstActual) {
  Library lib = CompileOrDie({{"t.tally", kScore}});
  auto outcomes = RunTests(lib, {InterpreterEngine()});
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 3u);
  const TestOutcome& ten = Find(*outcomes, "ten");
  EXPECT_TRUE(ten.passed);
  EXPECT_EQ(ten.definition, "t.half");
  EXPECT_EQ(ten.location, (SourceLocation{"t.tally", 9, 3}));
  EXPECT_TRUE(Find(*outcomes, "negative").passed);
  const TestOutcome& wrong = Find(*outcomes, "wrong");
  EXPECT_FALSE(wrong.passed);
  EXPECT_EQ(wrong.failures,
            std::vector<std::string>{At("t.tally", kScore, "expect half = 3.0") + ": half: expected 3.0, got 2.0"});
}

TEST(TestRunner, EnginesThatAgreeReportEachFailureOnceWithoutNames) {
  Library lib = CompileOrDie({{"t.tally", kScore}});
  TestEngine copy = InterpreterEngine();
  copy.name = "copy";
  auto outcomes = RunTests(lib, {InterpreterEngine(), copy});
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  EXPECT_TRUE(Find(*outcomes, "ten").passed);
  EXPECT_TRUE(Find(*outcomes, "negative").passed);
  EXPECT_EQ(Find(*outcomes, "wrong").failures,
            std::vector<std::string>{At("t.tally", kScore, "expect half = 3.0") + ": half: expected 3.0, got 2.0"});
}

TEST(TestRunner, AWrongValueFromOneEngineIsADisagreement) {
  Library lib = CompileOrDie({{"t.tally", kScore}});
  auto outcomes = RunTests(lib, {InterpreterEngine(), Fake("fake", AddOneToFirstFloatOutput)});
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  const std::string ten_at = At("t.tally", kScore, "expect half = 5.0");
  const TestOutcome& ten = Find(*outcomes, "ten");
  EXPECT_FALSE(ten.passed);
  EXPECT_EQ(ten.failures, (std::vector<std::string>{
                              ten_at + ": fake: half: expected 5.0, got 6.0",
                              ten_at + ": the engines disagree on half: interpreter 5.0, fake 6.0",
                          }));
  // Only the interpreter misses the expected value here (the test itself is wrong).
  const std::string wrong_at = At("t.tally", kScore, "expect half = 3.0");
  EXPECT_EQ(Find(*outcomes, "wrong").failures, (std::vector<std::string>{
                                                   wrong_at + ": interpreter: half: expected 3.0, got 2.0",
                                                   wrong_at + ": the engines disagree on half: interpreter 2.0, fake 3.0",
                                               }));
  // A rejected row has no outputs to compare.
  EXPECT_TRUE(Find(*outcomes, "negative").passed);
}

TEST(TestRunner, ADifferentRejectIsADisagreement) {
  Library lib = CompileOrDie({{"t.tally", kScore}});
  auto outcomes = RunTests(lib, {InterpreterEngine(), Fake("fake", RejectEverything)});
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  const std::string at = At("t.tally", kScore, "expect half = 5.0");
  const std::string require_at = At("t.tally", kScore, "require a >= 0");
  EXPECT_EQ(Find(*outcomes, "ten").failures,
            (std::vector<std::string>{
                at + ": fake: row was rejected: require a >= 0 (" + require_at + ")",
                at + ": the engines disagree on the row: interpreter scored it, fake rejected it (require a >= 0)",
            }));
  EXPECT_TRUE(Find(*outcomes, "negative").passed);
}

TEST(TestRunner, AMetricWhoseFinalizeDiffersIsADisagreementPerGroup) {
  Library lib = CompileOrDie({{"m.tally", kMetric}});
  auto outcomes = RunTests(lib, {InterpreterEngine(), Fake("fake", [](const ir::Program& p, KernelSet& k) {
                                   k.metric_finalize = [inner = k.metric_finalize, &p](
                                                           int64_t groups, const TallyColumnView* a,
                                                           const TallyColumnView* keys, TallyColumnView* out,
                                                           uint32_t* status) {
                                     inner(groups, a, keys, out, status);
                                     ASSERT_EQ(p.outputs[0].name, "rows");
                                     for (int64_t g = 0; g < groups; ++g) static_cast<int64_t*>(out[0].values)[g] += 1;
                                   };
                                 })});
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 1u);
  const std::string test_at = At("m.tally", kMetric, "test \"two groups\"");
  EXPECT_EQ(outcomes->front().failures,
            (std::vector<std::string>{
                At("m.tally", kMetric, "expect segment = \"a\"") + ": fake: rows: expected 2, got 3 (group segment = \"a\")",
                At("m.tally", kMetric, "expect segment = \"b\"") + ": fake: rows: expected 1, got 2 (group segment = \"b\")",
                test_at + ": the engines disagree on rows (group segment = \"a\"): interpreter 2, fake 3",
                test_at + ": the engines disagree on rows (group segment = \"b\"): interpreter 1, fake 2",
            }));
}

TEST(TestRunner, AMetricWhoseRowKernelDiffersIsADisagreementOnTheArgument) {
  Library lib = CompileOrDie({{"m.tally", kMetric}});
  auto outcomes = RunTests(lib, {InterpreterEngine(), Fake("fake", [](const ir::Program& p, KernelSet& k) {
                                   size_t sum = 0;
                                   while (p.aggregates[sum].kind != ir::Aggregate::Kind::kSum) ++sum;
                                   k.metric_rows = [inner = k.metric_rows, sum](
                                                       int64_t rows, const TallyColumnView* in, const uint16_t* v,
                                                       TallyColumnView* args, uint32_t* status) {
                                     inner(rows, in, v, args, status);
                                     static_cast<int64_t*>(args[2 * sum].values)[0] += 10;  // the first row's x
                                   };
                                 })});
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  EXPECT_EQ(outcomes->front().failures,
            (std::vector<std::string>{
                At("m.tally", kMetric, "expect segment = \"a\"") +
                    ": fake: total: expected 3, got 13 (group segment = \"a\")",
                At("m.tally", kMetric, "given segment = \"a\", x = 1") +
                    ": the engines disagree on the argument of `sum(x)`: interpreter 1, fake 11",
            }));
}

TEST(TestRunner, AnEngineThatCannotBuildKernelsFailsTheTests) {
  Library lib = CompileOrDie({{"t.tally", kScore}});
  TestEngine broken{"broken", [](const ir::Program&) -> Result<KernelSet> { return Error{"no LLVM here"}; }};
  TestEngine empty{"empty", [](const ir::Program&) -> Result<KernelSet> { return KernelSet{}; }};
  auto outcomes = RunTests(lib, {InterpreterEngine(), broken, empty});
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  const TestOutcome& ten = Find(*outcomes, "ten");
  EXPECT_FALSE(ten.passed);
  EXPECT_EQ(ten.failures, (std::vector<std::string>{
                              "t.tally:9:3: broken: could not build kernels: no LLVM here",
                              "t.tally:9:3: empty: could not build kernels: the engine built no kernel for t.half",
                          }));
}

TEST(TestRunner, OnlyWantedFilesRunAndOnlyTheirKernelsAreBuilt) {
  Library lib = CompileOrDie({{"t.tally", kScore}, {"m.tally", kMetric}});
  auto built = std::make_shared<std::vector<std::string>>();
  TestEngine counting{"counting", [built](const ir::Program& p) -> Result<KernelSet> {
                        built->push_back(p.name);
                        return InterpreterKernels(p);
                      }};
  auto outcomes = RunTests(lib, {counting}, [](const std::string& file) { return file == "m.tally"; });
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  ASSERT_EQ(outcomes->size(), 1u);
  EXPECT_EQ(outcomes->front().definition, "t.sums");
  EXPECT_TRUE(outcomes->front().passed);
  EXPECT_EQ(*built, std::vector<std::string>{"t.sums"});
}

TEST(TestRunner, NoEngineOrAThrowingFactoryIsAnErrorValue) {
  Library lib = CompileOrDie({{"t.tally", kScore}});
  auto none = RunTests(lib, {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.code(), ErrorCode::kBadInput);
  TestEngine throwing{"throwing", [](const ir::Program&) -> Result<KernelSet> { throw std::runtime_error("boom"); }};
  auto thrown = RunTests(lib, {throwing});
  ASSERT_FALSE(thrown.ok());
  EXPECT_EQ(thrown.code(), ErrorCode::kInternal);
  EXPECT_NE(thrown.error().message.find("boom"), std::string::npos);
}

TEST(TestRunner, RendersFailuresAndTheCountLine) {
  std::vector<TestOutcome> outcomes(2);
  outcomes[0] = {"a.b", "fine", {"x.tally", 3, 3}, true, {}};
  outcomes[1] = {"a.b", "bad", {"x.tally", 7, 3}, false, {"x.tally:8:5: y: expected 1, got 2"}};
  EXPECT_EQ(RenderTestOutcomes(outcomes, false),
            "FAIL x.tally:7:3: a.b \"bad\"\n"
            "  x.tally:8:5: y: expected 1, got 2\n"
            "1 passed, 1 failed\n");
  EXPECT_EQ(RenderTestOutcomes(outcomes, true),
            "PASS x.tally:3:3: a.b \"fine\"\n"
            "FAIL x.tally:7:3: a.b \"bad\"\n"
            "  x.tally:8:5: y: expected 1, got 2\n"
            "1 passed, 1 failed\n");
  EXPECT_EQ(RenderTestOutcomes({}, false), "0 passed, 0 failed\n");
}

}  // namespace
}  // namespace tally::runtime::testing
