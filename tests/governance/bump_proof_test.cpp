// Evidence may raise the compatibility class, never lower it (issue 9): the structure of the
// normalised IR is the floor, so a change that alters one output on a single input value is
// never a patch however many sampled rows agree, while a pure refactor stays a patch.
#include <gtest/gtest.h>

#include "governed_repo.h"
#include "tally/governance/review.h"

namespace tally::governance {
namespace {

class BumpProofTest : public govtest::GovernedRepo {
 protected:
  // customer.health at `version` with the score computed as `score`.
  std::string WithScore(const std::string& version, const std::string& score) {
    std::string text = Health(version);
    text.replace(text.find("output score : float = weight * logins"), 38, score);
    return text;
  }

  ReviewResult MustReview(const std::string& cr) {
    ReviewOptions o;
    o.repo = repo_;
    o.now = now_;
    o.cr = cr;
    auto r = Review(o);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : ReviewResult{};
  }
};

TEST_F(BumpProofTest, AChangeForOneInputValueIsNotAPatch) {
  // Only logins = 4242 scores differently (0 instead of 2121): the 500 generated rows and the
  // reference data never contain it, so the backtest sees no difference.
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally",
                                          WithScore("1.0.1", "output score : float = if logins == 4242 then 0.0 else weight * logins")}});
  ReviewResult review = MustReview(cr);
  std::string text = RenderText(review);
  EXPECT_NE(text.find("declared bump: patch   required: major"), std::string::npos) << text;
  // Review says why: the finding that sets the class, and that sampling saw nothing.
  EXPECT_NE(text.find("- output score: its normalised computation differs; no proof that it gives the same values (major)"),
            std::string::npos) << text;
  EXPECT_NE(text.find("- note: no difference on "), std::string::npos) << text;

  MustApprove("alice", cr);
  MustApprove("bob", cr);
  auto r = MergeCr(cr);
  EXPECT_FALSE(r.ok) << RenderText(r);
  EXPECT_TRUE(Mentions(r.reasons, "declared a patch bump (1.0.0 -> 1.0.1) but the change needs major")) << RenderText(r);
  EXPECT_EQ(Git("rev-parse main"), root_);
}

TEST_F(BumpProofTest, ARefactorStaysAPatch) {
  // Lets renamed and reordered, operands of a product swapped, `<` written as `>`.
  std::string text = WithScore("1.0.1", "let n = logins\n  let per_login = weight\n  output score : float = n * per_login");
  text.replace(text.find("score < at_risk_below"), 21, "at_risk_below > score");
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", text}});
  ReviewResult review = MustReview(cr);
  std::string shown = RenderText(review);
  EXPECT_NE(shown.find("declared bump: patch   required: patch"), std::string::npos) << shown;
  EXPECT_NE(shown.find("- the text of the computation changes, but the normalised IR"), std::string::npos) << shown;
  EXPECT_NE(shown.find("every require: proven, not sampled (patch)"), std::string::npos) << shown;
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  auto r = MergeCr(cr);
  ASSERT_TRUE(r.ok) << RenderText(r);
  EXPECT_NE(Git("show -s --format=%B main").find("Tally-Change: customer.health 1.0.0 -> 1.0.1 class=patch required=patch"),
            std::string::npos);
}

TEST_F(BumpProofTest, ANewOutputThatMayRejectRowsIsNotAMinor) {
  // logins * logins overflows for logins = 2^32, a row 1.0.0 scores: 1.1.0 would reject it,
  // so the existing outputs of that row disappear.
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally",
                                          Health("1.1.0", "0.5", "  output squared : int = logins * logins\n")}});
  std::string text = RenderText(MustReview(cr));
  EXPECT_NE(text.find("declared bump: minor   required: major"), std::string::npos) << text;
  EXPECT_NE(text.find("- new output squared can raise an error"), std::string::npos) << text;
}

}  // namespace
}  // namespace tally::governance
