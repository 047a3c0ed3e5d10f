// Version rules: the interface part from the text, the behavioural part from backtests of
// old vs new over reference data and generated rows, and the gate applying both.
#include "tally/governance/versioning.h"

#include <gtest/gtest.h>

#include <algorithm>


#include "governed_repo.h"
#include "tally/governance/evidence.h"
#include "tally/governance/review.h"

namespace tally::governance {
namespace {

// The one definition of `text`, as governance reads it (the compiler's outline).
DefinitionOutline Def(const std::string& text) {
  return IndexDefinitions({{"metrics/f.tally", text}}).definitions.at("customer.health");
}

const char* kBase = R"(score customer.health {
  version 1.0.0
  owner cx
  key account_id
  input account_id : string
  input logins : int
  output score : float = 0.5 * logins
}
)";

std::string With(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

// The gate's own oracle over two one-file trees: the IR diff, then the backtest.
BehaviourOracle Real(const std::string& before, const std::string& after) {
  return MakeEvidenceOracle({{"metrics/f.tally", before}}, {{"metrics/f.tally", after}});
}

VersionVerdict Verdict(const std::string& before, const std::string& after) {
  return RequiredBump(Def(before), Def(after), Real(before, after));
}

// An oracle that reports what it is told, to test how RequiredBump weighs the sources.
BehaviourOracle Says(bool compared, std::vector<std::string> structural, std::vector<std::string> sampled) {
  return [=](const DefinitionOutline&, const DefinitionOutline&) {
    BehaviourEvidence e;
    e.compared = compared;
    e.why_not_compared = "stub";
    e.structural = structural;
    e.sampled = true;
    e.sample_rows = 10;
    e.sample_differences = sampled;
    return e;
  };
}

TEST(VersioningTest, InterfaceChanges) {
  auto bump = [](const std::string& after) { return Verdict(kBase, after).required; };
  EXPECT_EQ(bump(kBase), Bump::kNone);
  EXPECT_EQ(bump(With(kBase, "owner cx", "owner cx // the CX council")), Bump::kPatch);
  EXPECT_EQ(bump(With(kBase, "  output score", "  output extra : int = logins\n  output score")), Bump::kMinor);
  EXPECT_EQ(bump(With(kBase, "  input logins : int", "  input logins : int\n  input nps : float?")), Bump::kMinor);
  EXPECT_EQ(bump(With(kBase, "  input logins : int", "  input logins : int\n  input nps : float")), Bump::kMajor);
  EXPECT_EQ(bump(With(kBase, "score : float", "score : int")), Bump::kMajor);
  EXPECT_EQ(bump(With(kBase, "output score", "output points")), Bump::kMajor);
  EXPECT_EQ(bump(With(kBase, "key account_id", "key logins")), Bump::kMajor);
  // A rewritten formula: a patch when the normalised IR proves it the same.
  EXPECT_EQ(bump(With(kBase, "0.5 * logins", "logins * 0.5")), Bump::kPatch);
  EXPECT_EQ(bump(With(kBase, "0.5 * logins", "0.6 * logins")), Bump::kMajor);
}

// Inputs as they come: how the file is read decides every value (major); a carried column is
// part of the output's shape (new: minor; removed or reordered: major).
TEST(VersioningTest, InputLayoutAndCarriedColumns) {
  const std::string carried = With(kBase, "  key account_id\n", "  key account_id\n  carry email\n");
  const VersionVerdict added = Verdict(kBase, carried);
  EXPECT_EQ(added.required, Bump::kMinor);
  EXPECT_NE(std::find(added.reasons.begin(), added.reasons.end(), "new carried column email (minor)"), added.reasons.end());
  EXPECT_EQ(Verdict(carried, kBase).required, Bump::kMajor);
  const std::string two = With(carried, "carry email", "carry email, plan");
  EXPECT_EQ(Verdict(two, With(carried, "carry email", "carry plan, email")).required, Bump::kMajor);
  const std::string semicolons = With(kBase, "  key account_id\n", "  key account_id\n  delimiter \";\"\n");
  const VersionVerdict read = Verdict(kBase, semicolons);
  EXPECT_EQ(read.required, Bump::kMajor);
  EXPECT_NE(std::find(read.reasons.begin(), read.reasons.end(),
                      "how the input file is read changes (`delimiter`) (major)"),
            read.reasons.end());
}

TEST(VersioningTest, EvidenceRaisesTheClassAndNeverLowersIt) {
  std::string rewritten = With(kBase, "0.5 * logins", "logins * 0.5");
  auto bump = [&](const BehaviourOracle& oracle) { return RequiredBump(Def(kBase), Def(rewritten), oracle); };
  // Proven the same, and no sampled row differs: a patch.
  EXPECT_EQ(bump(Says(true, {}, {})).required, Bump::kPatch);
  // Proven the same by structure, but a sampled row differs: the sample raises it.
  VersionVerdict raised = bump(Says(true, {}, {"output score changes on 1 of 10 evidence rows"}));
  EXPECT_EQ(raised.required, Bump::kMajor);
  EXPECT_NE(::testing::PrintToString(raised.reasons).find("output score changes on 1 of 10 evidence rows (major)"), std::string::npos);
  // Not proven: no amount of agreeing samples makes it a patch.
  VersionVerdict unproven = bump(Says(true, {"output score: its normalised computation differs"}, {}));
  EXPECT_EQ(unproven.required, Bump::kMajor);
  EXPECT_NE(::testing::PrintToString(unproven.reasons).find("note: no difference on 10 evidence rows"), std::string::npos);
  // Not comparable (a side does not compile): major.
  EXPECT_EQ(bump(Says(false, {}, {})).required, Bump::kMajor);
  EXPECT_EQ(bump(nullptr).required, Bump::kMajor);
}

// The richer aggregates and computed group keys as `tally review` weighs them: median is
// quantile(x, 0.5) (a patch), another p or a computed key's new formula is major.
TEST(VersioningTest, RicherAggregatesAndComputedKeys) {
  const char* metric = R"(metric cx.tiers {
  version 1.0.0
  owner cx
  input arr : float
  input seats : int
  let tier = if arr > 1000 then "gold" else "basic"
  group by tier
  output med : float? = median(seats)
}
)";
  auto bump = [&](const std::string& after) {
    auto def = [](const std::string& text) {
      return IndexDefinitions({{"metrics/f.tally", text}}).definitions.at("cx.tiers");
    };
    return RequiredBump(def(metric), def(after), Real(metric, after)).required;
  };
  EXPECT_EQ(bump(With(metric, "median(seats)", "quantile(seats, 0.5)")), Bump::kPatch);
  EXPECT_EQ(bump(With(metric, "median(seats)", "quantile(seats, 0.9)")), Bump::kMajor);
  EXPECT_EQ(bump(With(metric, "median(seats)", "avg(seats)")), Bump::kMajor);
  EXPECT_EQ(bump(With(metric, "arr > 1000", "arr > 2000")), Bump::kMajor);
}

TEST(VersioningTest, DeclaredBumps) {
  SemVer a = *ParseSemVer("1.2.3");
  EXPECT_EQ(DeclaredBump(a, *ParseSemVer("1.2.4")), Bump::kPatch);
  EXPECT_EQ(DeclaredBump(a, *ParseSemVer("1.3.0")), Bump::kMinor);
  EXPECT_EQ(DeclaredBump(a, *ParseSemVer("2.0.0")), Bump::kMajor);
  EXPECT_EQ(DeclaredBump(a, a), Bump::kNone);
  EXPECT_FALSE(DeclaredBump(a, *ParseSemVer("1.2.2")));
  EXPECT_FALSE(ParseSemVer("1.2"));
  EXPECT_FALSE(ParseSemVer("1.2.3-rc1"));
  EXPECT_FALSE(ParseSemVer("01.2"));
}

// 4 rows; with weight 0.5 -> 0.6 the score of every row with logins > 0 changes (3 rows),
// and at_risk (score < 40) flips for logins = 70 (35 -> 42).
const char* kReference = "account_id,logins,region\na,0,na\nb,10,na\nc,70,emea\nd,100,na\n";

TEST(VersioningTest, BacktestCountsChangedRowsAndTransitions) {
  FileMap before = {{"metrics/h.tally", govtest::kHealth}};
  std::string changed = govtest::kHealth;
  changed.replace(changed.find("weight = 0.5"), 12, "weight = 0.6");
  FileMap after = {{"metrics/h.tally", changed}};
  auto a = CompileTree(before), b = CompileTree(after);
  ASSERT_TRUE(a.library.has_value()) << (a.errors.empty() ? "" : a.errors[0]);
  ASSERT_TRUE(b.library.has_value());
  Backtest bt = RunBacktest(*a.library, *b.library, "customer.health", {{"metrics/reference/r.csv", kReference}}, 0);
  ASSERT_TRUE(bt.ran) << bt.why_not;
  EXPECT_EQ(bt.rows, 4);
  EXPECT_EQ(bt.rows_changed, 3);
  ASSERT_EQ(bt.outputs.size(), 2u);
  EXPECT_EQ(bt.outputs[0].output, "score");
  EXPECT_EQ(bt.outputs[0].rows_changed, 3);
  ASSERT_TRUE(bt.outputs[0].mean_before.has_value());
  EXPECT_DOUBLE_EQ(*bt.outputs[0].mean_before, (0 + 5 + 35 + 50) / 4.0);
  EXPECT_DOUBLE_EQ(*bt.outputs[0].mean_after, (0 + 6 + 42 + 60) / 4.0);
  // emea's threshold is 35 by override, but the override is not in this tree: 40 for all.
  EXPECT_EQ(bt.outputs[1].output, "at_risk");
  EXPECT_EQ(bt.outputs[1].transitions, (std::map<std::string, int64_t>{{"true -> false", 1}}));

  // Generated rows are the same on every run.
  Backtest g1 = RunBacktest(*a.library, *b.library, "customer.health", {}, 200);
  Backtest g2 = RunBacktest(*a.library, *b.library, "customer.health", {}, 200);
  EXPECT_EQ(g1.rows, 200);
  EXPECT_GT(g1.rows_changed, 0);
  EXPECT_EQ(g1.rows_changed, g2.rows_changed);
}

class GateVersionTest : public govtest::GovernedRepo {};

TEST_F(GateVersionTest, EquivalentRewriteIsAPatchAndAReweightIsMajor) {
  // Same values on all evidence: a patch is enough.
  std::string text = Health("1.0.1");
  text.replace(text.find("weight * logins"), 15, "logins * weight");
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", text}});
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  auto r = MergeCr(cr);
  ASSERT_TRUE(r.ok) << RenderText(r);
  EXPECT_NE(Git("show -s --format=%B main").find("class=patch required=patch"), std::string::npos);

  // Different values: the declared minor is refused, naming the evidence.
  cr = MustPropose("carol", {{"metrics/customer/health.tally", Health("1.1.0", "0.6")}});
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  r = MergeCr(cr);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "but the change needs major")) << RenderText(r);
  EXPECT_TRUE(Mentions(r.reasons, "output score changes on")) << RenderText(r);
}

TEST_F(GateVersionTest, DefinitionsThatDoNotCompileAreRefused) {
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", Health("2.0.0") + "  output bad : float = nope\n"}});
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  auto r = MergeCr(cr);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "[compile] metrics/customer/health.tally:")) << RenderText(r);
}

}  // namespace
}  // namespace tally::governance

namespace tally::governance {
namespace {

class ReviewTest : public govtest::GovernedRepo {};

TEST_F(ReviewTest, ShowsTheDiffTheBumpTheBacktestAndTheGate) {
  // Reference data first (a policy-council change: alice and erin), then the reweight.
  std::string ref = MustPropose("carol", {{"metrics/reference/health.csv", kReference}});
  MustApprove("alice", ref);
  MustApprove("erin", ref);
  ASSERT_TRUE(MergeCr(ref).ok);
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", Health("1.1.0", "0.6")}});
  ReviewOptions o;
  o.repo = repo_;
  o.now = now_;
  o.cr = cr;
  auto r = Review(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_TRUE(r->ok) << RenderText(*r);
  const std::string t = RenderText(*r);
  EXPECT_NE(t.find("customer.health  1.0.0 -> 1.1.0"), std::string::npos) << t;
  EXPECT_NE(t.find("declared bump: minor   required: major"), std::string::npos) << t;
  EXPECT_NE(t.find("~ param weight:\n        - param weight = 0.5\n        + param weight = 0.6"), std::string::npos) << t;
  // The reference file as computed by hand above: 3 of 4 rows change, one at_risk flips.
  EXPECT_NE(t.find("metrics/reference/health.csv: 3 of 4 rows change"), std::string::npos) << t;
  // (Row c is emea, whose override threshold is 35: 35 -> 42 leaves at_risk false.)
  EXPECT_NE(t.find("score: "), std::string::npos) << t;
  EXPECT_NE(t.find("gate: would refuse"), std::string::npos) << t;
  EXPECT_NE(t.find("[quorum] missing quorum of council cx"), std::string::npos) << t;
  EXPECT_NE(RenderJson(*r).find("\"required\": \"major\""), std::string::npos);
  EXPECT_TRUE(Mentions(r->gate_reasons, "but the change needs major"));
}

TEST(DiffDeclarationsTest, KeysDeclarationsByKindAndName) {
  auto d = DiffDeclarations(Def(kBase), Def(With(With(kBase, "0.5 * logins", "0.6 * logins"), "  input logins : int",
                                                                                    "  input logins : int\n  input nps : float?")));
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].what, "input nps");
  EXPECT_EQ(d[0].change, "added");
  EXPECT_EQ(d[1].what, "output score");
  EXPECT_EQ(d[1].before, "output score : float = 0.5 * logins");
  EXPECT_EQ(d[1].after, "output score : float = 0.6 * logins");
}

}  // namespace
}  // namespace tally::governance

// Governance reads definitions through the compiler's outline. Each case below fooled one of
// the text scanners it replaced (governance/src/definitions.cpp, review.cpp, versioning.cpp
// at bbf2d77).
namespace tally::governance {
namespace {

TEST(OutlineReadingTest, CommentMarkerInsideAStringIsText) {
  // review.cpp cut every line at "//": both descriptions read `description "see a`.
  std::string before = With(kBase, "  owner cx", "  owner cx\n  description \"see a // b\"");
  std::string after = With(kBase, "  owner cx", "  owner cx\n  description \"see a // c\"");
  auto d = DiffDeclarations(Def(before), Def(after));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].what, "description");
  EXPECT_EQ(d[0].before, "description \"see a // b\"");
  EXPECT_EQ(d[0].after, "description \"see a // c\"");
}

TEST(OutlineReadingTest, EscapedQuoteDoesNotEndTheString) {
  // versioning.cpp toggled "in a string" on every quote, so after `\"` it took `// y` for a
  // comment and called a changed string literal "only comments change" (a patch).
  std::string before = With(kBase, "  output score", "  output label : string = \"x\\\" // y\"\n  output score");
  std::string after = With(kBase, "  output score", "  output label : string = \"x\\\" // z\"\n  output score");
  VersionVerdict v = Verdict(before, after);
  EXPECT_EQ(v.required, Bump::kMajor);
  EXPECT_EQ(ReadInterface(Def(after)).outputs.size(), 2u);
}

TEST(OutlineReadingTest, ACommentInsideAMemberChangesNothing) {
  // Comments are the lexer's to find: one inside a multi-line output is not part of it.
  std::string before = With(kBase, "0.5 * logins", "0.5 * // half a point\n      logins");
  std::string after = With(kBase, "0.5 * logins", "0.5 * // half a point per login\n      logins");
  VersionVerdict v = RequiredBump(Def(before), Def(after), Says(false, {}, {"never asked"}));
  EXPECT_EQ(v.required, Bump::kPatch);
  EXPECT_TRUE(DiffDeclarations(Def(before), Def(after)).empty());
  EXPECT_TRUE(DiffDeclarations(Def(kBase), Def(after)).empty());
}

TEST(OutlineReadingTest, SpaceInADottedNameIsTheSameName) {
  // definitions.cpp read the name `customer` and then skipped the definition at the `.`.
  std::string text = With(kBase, "score customer.health {", "score customer .health {");
  DefinitionIndex index = IndexDefinitions({{"metrics/f.tally", text}});
  ASSERT_EQ(index.definitions.count("customer.health"), 1u);
  EXPECT_EQ(index.definitions.at("customer.health").owner, "cx");
  EXPECT_EQ(index.definitions.at("customer.health").version, "1.0.0");
}

TEST(OutlineReadingTest, PreReleaseVersionIsReadWhole) {
  // definitions.cpp stopped the version at `-` and saw a plain 2.0.0.
  std::string text = With(kBase, "version 1.0.0", "version 2.0.0-rc.1");
  DefinitionIndex index = IndexDefinitions({{"metrics/f.tally", text}});
  ASSERT_EQ(index.definitions.count("customer.health"), 1u);
  EXPECT_EQ(index.definitions.at("customer.health").version, "2.0.0-rc.1");
}

TEST_F(GateVersionTest, PreReleaseVersionIsRefusedByTheGate) {
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", Health("2.0.0-rc.1", "0.6")}});
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  auto r = MergeCr(cr);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "[version] customer.health: version '2.0.0-rc.1' is not MAJOR.MINOR.PATCH"))
      << ::testing::PrintToString(r.reasons);
}

TEST_F(GateVersionTest, CommentMarkerInARegionalParamStringKeepsItRegional) {
  // gate.cpp cut the param line at "//", lost the trailing `regional`, and refused the
  // region's override of it.
  std::string text = Health("1.1.0");
  text.replace(text.find("  output score"), 0, "  param label : string = \"a // b\" regional\n");
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", text}});
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  auto merged = MergeCr(cr);
  ASSERT_TRUE(merged.ok) << ::testing::PrintToString(merged.reasons);
  cr = MustPropose("dora", {{"metrics/regions/emea/health.tally",
                             "override customer.health for region \"emea\" {\n  at_risk_below = 35\n  label = \"emea\"\n}\n"}});
  auto r = MergeCr(cr);
  EXPECT_FALSE(Mentions(r.reasons, "[regional]")) << ::testing::PrintToString(r.reasons);
}

}  // namespace
}  // namespace tally::governance
