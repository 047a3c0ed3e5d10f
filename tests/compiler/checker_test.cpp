// Semantic rules: each case is a small definition and the diagnostic it must (or must not) get.
#include <gtest/gtest.h>

#include "harness.h"

namespace tally::testing {
namespace {

std::string Score(const std::string& body) {
  return "score t.s {\n  version 1.0.0\n  owner cx\n  input a : int\n  input n : float?\n" + body + "\n}\n";
}

TEST(Checker, NullableOutputNeedsCoalesceAndSaysSo) {
  Compiled c = CompileText(Score("  output o : float = n * 2"));
  ASSERT_TRUE(c.HasCode("E-nullable-output")) << c.Rendered();
  EXPECT_NE(c.Rendered().find("hint: use coalesce(n * 2, 0)"), std::string::npos) << c.Rendered();
  EXPECT_NE(c.Rendered().find("test.tally:6:22: error:"), std::string::npos) << c.Rendered();
}

TEST(Checker, DivisorRule) {
  EXPECT_FALSE(CompileText(Score("  output o : float = a / 2")).diagnostics.HasErrors());
  EXPECT_FALSE(CompileText(Score("  output o : float = a / max(a, 1)")).diagnostics.HasErrors());
  EXPECT_FALSE(CompileText(Score("  output o : float = a / clamp(a, 0.5, 3)")).diagnostics.HasErrors());
  EXPECT_TRUE(CompileText(Score("  output o : float = a / a")).HasCode("E-nullable-output"));
  EXPECT_TRUE(CompileText(Score("  output o : float = a / max(a, 0)")).HasCode("E-nullable-output"));
  EXPECT_TRUE(CompileText(Score("  output o : float? = a / 0")).HasCode("E-division-by-zero"));
}

TEST(Checker, CountIsANonZeroDivisorInMetrics) {
  Compiled c = CompileText(
      "metric t.m {\n version 1.0.0\n owner cx\n input g : string\n input r : int\n group by g\n"
      " output share : float = 100 * count(r >= 9) / count()\n}\n");
  EXPECT_FALSE(c.diagnostics.HasErrors()) << c.Rendered();
}

TEST(Checker, UseBeforeDefineAndCycles) {
  EXPECT_TRUE(CompileText(Score("  let x = y + 1\n  let y = 2\n  output o : int = x")).HasCode("E-use-before-define"));
  Compiled cycle = CompileText(Score("  let x = y + 1\n  let y = x + 1\n  output o : int = y"));
  EXPECT_TRUE(cycle.HasCode("E-cycle")) << cycle.Rendered();
  EXPECT_NE(cycle.Rendered().find("x -> y -> x"), std::string::npos) << cycle.Rendered();
  EXPECT_TRUE(CompileText(Score("  let x = x + 1\n  output o : int = x")).HasCode("E-cycle"));
}

TEST(Checker, ReportsEveryErrorInAFile) {
  Compiled c = CompileText(Score("  output o : int = missing\n  output p : string = 1 + \"a\"\n  output q : bool = a"));
  EXPECT_EQ(c.diagnostics.ErrorCount(), 3u) << c.Rendered();
}

TEST(Checker, UnknownNameSuggestsTheClosest) {
  Compiled c = CompileText(Score("  let engagement = 1\n  output o : int = engagment"));
  EXPECT_NE(c.Rendered().find("did you mean `engagement`?"), std::string::npos) << c.Rendered();
}

TEST(Checker, OverrideOfANonRegionalParamIsAnError) {
  Compiled c = CompileText(
      "score t.h {\n version 1.0.0\n owner cx\n input region : string\n param w = 0.5\n output o : float = w\n}\n"
      "override t.h for region \"emea\" {\n w = 0.4\n}\n");
  EXPECT_TRUE(c.HasCode("E-override-not-regional")) << c.Rendered();
}

TEST(Checker, MetadataIsValidated) {
  EXPECT_TRUE(CompileText("score t.s {\n owner cx\n input a : int\n output o : int = a\n}\n").HasCode("E-missing-version"));
  EXPECT_TRUE(CompileText("score t.s {\n version 1.0\n owner cx\n input a : int\n output o : int = a\n}\n").HasCode("E-bad-version"));
  EXPECT_TRUE(CompileText("score t.s {\n version 1.0.0\n input a : int\n output o : int = a\n}\n").HasCode("E-missing-owner"));
  EXPECT_TRUE(CompileText(Score("  expires_after 0d\n  output o : int = a")).HasCode("E-bad-duration"));
}

TEST(Checker, TestBlocksAreTypeChecked) {
  EXPECT_TRUE(CompileText(Score("  output o : int = a\n  test \"t\" {\n    given a = \"x\"\n    expect o = 1\n  }")).HasCode("E-test-type"));
  EXPECT_TRUE(CompileText(Score("  output o : int = a\n  test \"t\" {\n    given n = 1.5\n    expect o = 1\n  }")).HasCode("E-test-missing-input"));
  EXPECT_TRUE(CompileText(Score("  output o : int = a\n  test \"t\" {\n    given a = 1\n    expect oo = 1\n  }")).HasCode("E-test-unknown-output"));
}

TEST(Checker, AggregatesOnlyInMetricOutputs) {
  EXPECT_TRUE(CompileText(Score("  output o : int = count()")).HasCode("E-aggregate-in-score"));
  Compiled c = CompileText(
      "metric t.m {\n version 1.0.0\n owner cx\n input g : string\n input r : int\n group by g\n"
      " output bad : int = r\n output nested : int = sum(count())\n}\n");
  EXPECT_TRUE(c.HasCode("E-not-grouped")) << c.Rendered();
  EXPECT_TRUE(c.HasCode("E-nested-aggregate")) << c.Rendered();
}

// Operations on constants that always fail (issue 9) are reported where they are written:
// an error where every row reaches them, a warning under a branch that may not be taken.
TEST(Checker, ConstantTrapsAreReported) {
  auto located = [](const std::string& output, const std::string& at) {
    Compiled c = CompileText("score t.s {\n version 1.0.0\n owner cx\n input a : int\n output o : " + output + "\n}\n");
    EXPECT_TRUE(c.HasCode("E-constant-trap")) << output << "\n" << c.Rendered();
    EXPECT_NE(c.Rendered().find(at), std::string::npos) << c.Rendered();
    EXPECT_FALSE(c.library);
  };
  located("int = a + (9223372036854775807 + 1)", "test.tally:5:24: error: integer overflow in `9223372036854775807 + 1`");
  located("int = -(-9223372036854775807 - 1) + a", "test.tally:5:19: error: integer overflow in `-(-9223372036854775807 - 1)`");
  located("int = abs(-9223372036854775807 - 1)", "test.tally:5:19: error: integer overflow in `abs(-9223372036854775807 - 1)`");
  located("float = 1e308 * 10", "test.tally:5:21: error: float overflow in `1e308 * 10`");
  Compiled branch = CompileText(
      "score t.s {\n version 1.0.0\n owner cx\n input a : int\n output o : int = if a > 0 then a else 9223372036854775807 * 2\n}\n");
  EXPECT_TRUE(branch.HasCode("W-constant-trap")) << branch.Rendered();
  EXPECT_TRUE(branch.library) << branch.Rendered();
  // Not constant: an overflow that depends on the row is not reported.
  EXPECT_FALSE(CompileText("score t.s {\n version 1.0.0\n owner cx\n input a : int\n output o : int = a + 9223372036854775807\n}\n")
                   .HasCode("E-constant-trap"));
}

TEST(Checker, WarningsDoNotFailTheCheck) {
  Compiled c = CompileText(Score("  let unused = 1\n  output o : int = coalesce(a, 0)"));
  EXPECT_FALSE(c.diagnostics.HasErrors()) << c.Rendered();
  EXPECT_TRUE(c.HasCode("W-unused"));
  EXPECT_TRUE(c.HasCode("W-never-null"));
}

}  // namespace
}  // namespace tally::testing
