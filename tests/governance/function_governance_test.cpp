// User-defined functions under governance: a function is owned and versioned like a
// definition, and its change is an impact on every definition that calls it (inlined, their
// computation changes too): the caller's owner approves and the caller's version is bumped.
#include <gtest/gtest.h>

#include "governed_repo.h"
#include "tally/governance/review.h"

namespace tally::governance {
namespace {

// Owned by the emea council (dora), called by a score the cx council owns.
std::string Boost(const std::string& version, const std::string& factor) {
  return "function lib.boost(x : float) : float {\n  version " + version +
         "\n  owner emea\n  description \"scales a number\"\n  = x * " + factor + "\n}\n";
}

std::string Boosted(const std::string& version) {
  return "score customer.boosted {\n  version " + version +
         "\n  owner cx\n  input logins : int\n  output score : float = lib.boost(logins)\n}\n";
}

class FunctionGovernanceTest : public govtest::GovernedRepo {
 protected:
  void SetUp() override {
    GovernedRepo::SetUp();
    // A new function (emea) and a new score calling it (cx): both councils approve.
    std::string cr = MustPropose("carol", {{"metrics/lib/boost.tally", Boost("1.0.0", "2")},
                                           {"metrics/customer/boosted.tally", Boosted("1.0.0")}});
    MustApprove("alice", cr);
    MustApprove("bob", cr);
    auto refused = MergeCr(cr);
    ASSERT_FALSE(refused.ok);
    EXPECT_TRUE(Mentions(refused.reasons, "[quorum] missing quorum of council emea for lib.boost")) << RenderText(refused);
    MustApprove("dora", cr);
    auto merged = MergeCr(cr);
    ASSERT_TRUE(merged.ok) << RenderText(merged);
  }

  ReviewResult ReviewCr(const std::string& cr) {
    ReviewOptions o;
    o.repo = repo_;
    o.now = now_;
    o.cr = cr;
    auto r = Review(o);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : ReviewResult{};
  }
};

TEST_F(FunctionGovernanceTest, AChangeNeedsTheFunctionOwnerAndShowsItsCallers) {
  std::string cr = MustPropose("carol", {{"metrics/lib/boost.tally", Boost("2.0.0", "3")},
                                         {"metrics/customer/boosted.tally", Boosted("2.0.0")}});
  ReviewResult r = ReviewCr(cr);
  const std::string t = RenderText(r);
  EXPECT_NE(t.find("lib.boost  1.0.0 -> 2.0.0"), std::string::npos) << t;
  EXPECT_NE(t.find("definitions that call it:\n    customer.boosted 1.0.0 -> 2.0.0: needs major"), std::string::npos) << t;
  EXPECT_NE(t.find("output score: its normalised computation differs"), std::string::npos) << t;
  EXPECT_NE(RenderJson(r).find("\"callers\""), std::string::npos);

  MustApprove("alice", cr);
  MustApprove("bob", cr);
  auto refused = MergeCr(cr);
  EXPECT_FALSE(refused.ok);
  EXPECT_TRUE(Mentions(refused.reasons, "[quorum] missing quorum of council emea for lib.boost")) << RenderText(refused);
  MustApprove("dora", cr);
  auto merged = MergeCr(cr);
  EXPECT_TRUE(merged.ok) << RenderText(merged);
}

TEST_F(FunctionGovernanceTest, ACallerThatIsNotBumpedIsRefused) {
  // The function alone changes: customer.boosted 1.0.0 would compute something else.
  std::string cr = MustPropose("dora", {{"metrics/lib/boost.tally", Boost("2.0.0", "3")}});
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  auto refused = MergeCr(cr);
  EXPECT_FALSE(refused.ok);
  EXPECT_TRUE(Mentions(refused.reasons, "[released] customer.boosted 1.0.0 calls lib.boost")) << RenderText(refused);
}

TEST_F(FunctionGovernanceTest, AFunctionBodyChangeNeedsAMajorBumpOfTheFunction) {
  std::string cr = MustPropose("carol", {{"metrics/lib/boost.tally", Boost("1.1.0", "3")},
                                         {"metrics/customer/boosted.tally", Boosted("2.0.0")}});
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  MustApprove("dora", cr);
  auto refused = MergeCr(cr);
  EXPECT_FALSE(refused.ok);
  EXPECT_TRUE(Mentions(refused.reasons, "[version] lib.boost: declared a minor bump")) << RenderText(refused);
  EXPECT_TRUE(Mentions(refused.reasons, "the function's output result")) << RenderText(refused);
}

TEST_F(FunctionGovernanceTest, AnEquivalentRewriteIsAPatchForEveryone) {
  // 2 * x is x * 2 (multiplication commutes exactly): the function is proven the same and
  // so is its caller, which needs no new version.
  std::string text = Boost("1.0.1", "2");
  text.replace(text.find("x * 2"), 5, "2 * x");
  std::string cr = MustPropose("carol", {{"metrics/lib/boost.tally", text}});
  MustApprove("dora", cr);
  ReviewResult r = ReviewCr(cr);
  const std::string t = RenderText(r);
  EXPECT_NE(t.find("customer.boosted 1.0.0 -> 1.0.0: needs none"), std::string::npos) << t;
  EXPECT_NE(t.find("gate: would merge"), std::string::npos) << t;
  EXPECT_TRUE(MergeCr(cr).ok);
}

}  // namespace
}  // namespace tally::governance
