// CompareComputations (ir_compare.h): a proof that two versions compute the same outputs
// over the same rows, or findings. Each case states by hand whether the two texts can differ
// on some row; the changes that can differ do so on a row named in the comment.
#include "tally/compiler/ir_compare.h"

#include <gtest/gtest.h>

#include "harness.h"

namespace tally::ir {
namespace {

std::string Score(const std::string& body, const std::string& weight = "0.5") {
  return "score t.s {\n  version 1.0.0\n  owner cx\n  key id\n  input id : string\n  input logins : int\n"
         "  input tickets : int\n  input nps : float\n  input plan : string\n  param weight = " +
         weight + "\n" + body + "\n}\n";
}

std::vector<std::string> Compare(const std::string& before, const std::string& after, const std::string& name = "t.s") {
  auto a = testing::CompileText(before), b = testing::CompileText(after);
  EXPECT_TRUE(a.library) << a.Rendered();
  EXPECT_TRUE(b.library) << b.Rendered();
  if (!a.library || !b.library) return {"did not compile"};
  return CompareComputations(*a.library->Find(name), *b.library->Find(name));
}

bool Mentions(const std::vector<std::string>& findings, const std::string& text) {
  for (const auto& f : findings)
    if (f.find(text) != std::string::npos) return true;
  return false;
}

const char* kLets = R"(  let engagement = weight * logins
  let load = 2 * tickets
  output score : float = engagement - load)";

TEST(CompareComputations, RefactorsAreProvenEqual) {
  EXPECT_TRUE(Compare(Score(kLets), Score(kLets)).empty());
  // A renamed let, reordered lets, an operand order of a commutative op.
  EXPECT_TRUE(Compare(Score(kLets), Score(R"(  let support_load = tickets * 2
  let eng = logins * weight
  output score : float = eng - support_load)")).empty());
  // `a > b` is `b < a`; `x == "a" or x == "b"` in either order (string constants by text).
  EXPECT_TRUE(Compare(Score("  output hot : bool = logins > tickets or plan == \"gold\" or plan == \"silver\""),
                      Score("  output hot : bool = plan == \"silver\" or (plan == \"gold\" or tickets < logins)"))
                  .empty());
  // Requires in another order reject the same rows.
  EXPECT_TRUE(Compare(Score("  require logins >= 0\n  require tickets >= 0\n  output score : float = weight * logins"),
                      Score("  require tickets >= 0\n  require 0 <= logins\n  output score : float = logins * weight"))
                  .empty());
}

TEST(CompareComputations, ASampleCannotHideAChange) {
  // Only logins = 4242 scores differently: no sample of generated rows is likely to hit it.
  auto findings = Compare(Score("  output score : float = weight * logins"),
                          Score("  output score : float = if logins == 4242 then 0.0 else weight * logins"));
  ASSERT_EQ(findings.size(), 1u) << ::testing::PrintToString(findings);
  EXPECT_NE(findings[0].find("output score: its normalised computation differs"), std::string::npos);
}

TEST(CompareComputations, WhatIsNotProvenIsReported) {
  // Not associative: (logins + tickets) + 1 overflows where logins + (tickets + 1) does not
  // (logins = INT64_MAX, tickets = -1), so the two are not claimed equal.
  EXPECT_TRUE(Mentions(Compare(Score("  output n : int = (logins + tickets) + 1"),
                               Score("  output n : int = logins + (tickets + 1)")),
                       "output n"));
  // A param's value (every row with logins != 0 changes).
  EXPECT_TRUE(Mentions(Compare(Score("  output score : float = weight * logins"),
                               Score("  output score : float = weight * logins", "0.6")),
                       "output score"));
  // A new require rejects logins = -1, which was scored; a dropped one scores it again.
  auto added = Compare(Score("  output score : float = weight * logins"),
                       Score("  require logins >= 0\n  output score : float = weight * logins"));
  EXPECT_TRUE(Mentions(added, "require logins >= 0 is new or changed")) << ::testing::PrintToString(added);
  auto dropped = Compare(Score("  require logins >= 0\n  output score : float = weight * logins"),
                         Score("  output score : float = weight * logins"));
  EXPECT_TRUE(Mentions(dropped, "require logins >= 0 of the old version is gone")) << ::testing::PrintToString(dropped);
}

TEST(CompareComputations, NewOutputsMustNotRejectRowsTheOldVersionScored) {
  const std::string base = Score("  output score : float = 2.5 * nps");
  // Bounded by the types: an int input is below 2^63 in magnitude, so 2 * (0.5 * logins)
  // is finite, and comparisons never trap.
  EXPECT_TRUE(Compare(base, Score("  output score : float = 2.5 * nps\n  output doubled : float = 2 * (weight * logins)"))
                  .empty());
  // Its only trap is the old output's own (2.5 * nps), which the old version checks on
  // every row: the rows it rejects, the old version rejected too.
  EXPECT_TRUE(Compare(base, Score("  output score : float = 2.5 * nps\n  output tier : string = if score > 50 then \"a\" else \"b\""))
                  .empty());
  // nps * nps is infinite for nps = 1e200, a row the old version scored: it would be rejected.
  auto squared = Compare(base, Score("  output score : float = 2.5 * nps\n  output sq : float = nps * nps"));
  EXPECT_TRUE(Mentions(squared, "new output sq can raise an error")) << ::testing::PrintToString(squared);
  // logins + 1 overflows for logins = INT64_MAX.
  EXPECT_TRUE(Mentions(Compare(base, Score("  output score : float = 2.5 * nps\n  output next : int = logins + 1")),
                       "new output next"));
}

TEST(CompareComputations, StringFunctions) {
  // A string function is a computation: another function, another argument or another
  // constant can give another text (plan = "Gold": lower gives "gold", upper "GOLD";
  // substr(plan, 1, 2) "Go", substr(plan, 2, 2) "ol"; starts_with(plan, "G") true,
  // starts_with(plan, "g") false).
  EXPECT_TRUE(Mentions(Compare(Score("  output p : string = lower(plan)"), Score("  output p : string = upper(plan)")),
                       "output p"));
  EXPECT_TRUE(Mentions(Compare(Score("  output p : string = substr(plan, 1, 2)"),
                               Score("  output p : string = substr(plan, 2, 2)")),
                       "output p"));
  EXPECT_TRUE(Mentions(Compare(Score("  output p : bool = starts_with(plan, \"G\")"),
                               Score("  output p : bool = starts_with(plan, \"g\")")),
                       "output p"));
  // The same calls through renamed lets are the same computation.
  EXPECT_TRUE(Compare(Score("  let key = lower(trim(plan))\n  output p : bool = key == \"gold\""),
                      Score("  let segment = lower(trim(plan))\n  output p : bool = \"gold\" == segment"))
                  .empty());
}

TEST(CompareComputations, Metrics) {
  auto metric = [](const std::string& outputs) {
    return "metric t.m {\n  version 1.0.0\n  owner cx\n  input segment : string\n  input rating : int\n"
           "  require rating >= 0\n  group by segment\n" + outputs + "\n}\n";
  };
  EXPECT_TRUE(Compare(metric("  output n : int = count()\n  output p : int = count(rating >= 9)"),
                      metric("  output p : int = count(9 <= rating)\n  output n : int = count()"), "t.m")
                  .empty());
  EXPECT_TRUE(Mentions(Compare(metric("  output p : int = count(rating >= 9)"), metric("  output p : int = count(rating >= 8)"),
                               "t.m"),
                       "output p"));
  // A new sum can overflow on groups the old version reported.
  EXPECT_TRUE(Mentions(Compare(metric("  output n : int = count()"), metric("  output n : int = count()\n  output s : int = sum(rating)"),
                               "t.m"),
                       "new aggregate"));
}

// The richer aggregates: the kind and quantile's p are part of the computation; so are the
// group keys, computed ones by their formula (docs/language.md, "Richer aggregates and
// computed group keys").
TEST(CompareComputations, RicherAggregatesAndComputedKeys) {
  auto metric = [](const std::string& keys, const std::string& outputs) {
    return "metric t.m {\n  version 1.0.0\n  owner cx\n  input segment : string\n  input rating : int\n"
           "  input arr : float\n  let tier = if arr > 1000 then \"gold\" else \"basic\"\n"
           "  let tier2 = if arr > 2000 then \"gold\" else \"basic\"\n  group by " + keys + "\n" + outputs + "\n}\n";
  };
  const std::string q = "  output q : float? = quantile(rating, 0.5)";
  // median(x) is quantile(x, 0.5): the same computation.
  EXPECT_TRUE(Compare(metric("segment", q), metric("segment", "  output q : float? = median(rating)"), "t.m").empty());
  // A different p (0.5 vs 0.9 differ on ratings 1, 2) or kind (median vs avg on 1, 2, 9).
  EXPECT_TRUE(Mentions(Compare(metric("segment", q), metric("segment", "  output q : float? = quantile(rating, 0.9)"), "t.m"),
                       "output q"));
  EXPECT_TRUE(Mentions(Compare(metric("segment", q), metric("segment", "  output q : float? = avg(rating)"), "t.m"),
                       "output q"));
  EXPECT_TRUE(Mentions(Compare(metric("segment", "  output v : float? = variance(rating)"),
                               metric("segment", "  output v : float? = variance_pop(rating)"), "t.m"),
                       "output v"));
  EXPECT_TRUE(Mentions(Compare(metric("segment", "  output m : int? = min_by(rating, arr)"),
                               metric("segment", "  output m : int? = max_by(rating, arr)"), "t.m"),
                       "output m"));
  // Group keys: the same keys are equal; another key, another order, or a computed key whose
  // formula changes (arr 1500: gold, then basic) move rows between groups.
  const std::string n = "  output n : int = count()";
  EXPECT_TRUE(Compare(metric("segment, tier", n), metric("segment, tier", n), "t.m").empty());
  EXPECT_TRUE(Mentions(Compare(metric("segment", n), metric("segment, tier", n), "t.m"), "group keys"));
  EXPECT_TRUE(Mentions(Compare(metric("segment, tier", n), metric("tier, segment", n), "t.m"), "group keys"));
  EXPECT_TRUE(Mentions(Compare(metric("segment, tier", n), metric("segment, tier2", n), "t.m"), "group keys"));
}

TEST(CompareComputations, WindowAggregates) {
  const std::string base = "  output z : float = nps - avg(nps) over plan";
  // The same window written again, or after moving lines (reasons elsewhere), is no change.
  EXPECT_TRUE(Compare(Score(base), Score(base)).empty());
  EXPECT_TRUE(Compare(Score("  require logins >= 0\n" + base), Score("\n\n  require logins >= 0\n" + base)).empty());
  // Another partition (plan vs all: two plans of means 1 and 3), another aggregate (avg vs
  // median on 1, 2, 9), another argument, or a require that changes the population (a row
  // with logins -1 counts in one mean and not in the other) are changes.
  EXPECT_TRUE(Mentions(Compare(Score(base), Score("  output z : float = nps - avg(nps) over all")), "output z"));
  EXPECT_TRUE(Mentions(Compare(Score(base), Score("  output z : float = nps - median(nps) over plan")), "output z"));
  EXPECT_TRUE(Mentions(Compare(Score(base), Score("  output z : float = nps - avg(nps * 2) over plan")), "output z"));
  EXPECT_FALSE(Compare(Score(base), Score("  require logins >= 0\n" + base)).empty());
}

}  // namespace
}  // namespace tally::ir
