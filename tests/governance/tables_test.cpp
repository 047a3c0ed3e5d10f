// Reference tables under governance: the table's owner owns its CSV file, a change to the data
// alone needs that council's quorum and a new table version, and review names the
// definitions whose IR the change moves.
#include <gtest/gtest.h>

#include "governed_repo.h"
#include "tally/governance/review.h"

namespace tally::governance {
namespace {

using govtest::GovernedRepo;

// Owned by `governance` (alice, dora, erin; quorum 2), read by a cx score.
const char* kTable = R"(table ref.weights {
  version VERSION
  owner governance
  source "weights.csv"
  key segment : string
  column weight : float
}
)";

const char* kScore = R"(score customer.weighted {
  version 1.0.0
  owner cx
  input segment : string
  input logins : int
  output score : float? = lookup(ref.weights, segment).weight * logins
}
)";

std::string Table(const std::string& version) {
  std::string t = kTable;
  return t.replace(t.find("VERSION"), 7, version);
}

class TablesTest : public GovernedRepo {
 protected:
  void SetUp() override {
    GovernedRepo::SetUp();
    std::string cr = MustPropose("carol", {{"metrics/ref/weights.tally", Table("1.0.0")},
                                           {"metrics/ref/weights.csv", "segment,weight\nsmb,0.5\nenterprise,2\n"},
                                           {"metrics/customer/weighted.tally", kScore}});
    for (const char* who : {"alice", "bob", "erin"}) MustApprove(who, cr);
    auto merged = MergeCr(cr);
    ASSERT_TRUE(merged.ok) << RenderText(merged);
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

TEST_F(TablesTest, ChangingOnlyTheCsvNeedsTheTableOwnersQuorumAndANewVersion) {
  std::string cr = MustPropose("carol", {{"metrics/ref/weights.csv", "segment,weight\nsmb,0.75\nenterprise,2\n"}});
  // cx (bob) approves; the table's council has not.
  MustApprove("bob", cr);
  auto refused = MergeCr(cr);
  EXPECT_FALSE(refused.ok);
  EXPECT_TRUE(Mentions(refused.reasons, "[quorum] missing quorum of council governance for table ref.weights")) << RenderText(refused);
  EXPECT_TRUE(Mentions(refused.reasons, "[released] table ref.weights 1.0.0 is a released version")) << RenderText(refused);

  // Review: the table change and the definition it moves (same text, other weights).
  ReviewResult review = MustReview(cr);
  bool table = false, moved = false;
  for (const auto& c : review.changes) {
    table = table || (c.name == "table ref.weights" && c.required == "minor");
    moved = moved || (c.name == "customer.weighted" && Mentions(c.why, "moved by table ref.weights"));
  }
  EXPECT_TRUE(table) << RenderText(review);
  EXPECT_TRUE(moved) << RenderText(review);

  // With the owner's quorum and a minor bump of the table, it merges.
  Edit({{"metrics/ref/weights.tally", Table("1.1.0")}});
  auto revised = ProposeAs("carol", "Weights for 2027\n\nsmb counts more.", cr);
  ASSERT_TRUE(revised.ok()) << revised.error().message;
  for (const char* who : {"alice", "erin"}) MustApprove(who, cr);
  auto merged = MergeCr(cr);
  EXPECT_TRUE(merged.ok) << RenderText(merged);
}

TEST_F(TablesTest, AnUnreferencedCsvIsReferenceDataOfThePolicyCouncil) {
  std::string cr = MustPropose("carol", {{"metrics/ref/other.csv", "a,b\n1,2\n"}});
  MustApprove("alice", cr);
  auto refused = MergeCr(cr);
  EXPECT_FALSE(refused.ok);
  EXPECT_TRUE(Mentions(refused.reasons, "[quorum] missing quorum of council governance for reference data metrics/ref/other.csv"))
      << RenderText(refused);
}

}  // namespace
}  // namespace tally::governance
