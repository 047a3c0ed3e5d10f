// Invalid UTF-8 reaching governance through its API (not only the command line, which
// refuses such arguments up front): every command answers with a value that renders as
// text and JSON without throwing.
#include <gtest/gtest.h>

#include "governed_repo.h"
#include "tally/support/json.h"

namespace tally::governance {
namespace {

class HostileInputTest : public govtest::GovernedRepo {};

// What a JSON reader would see: valid JSON whose "ok" is false.
void ExpectRefusedJson(const std::string& json) {
  nlohmann::json parsed;
  std::string error;
  ASSERT_TRUE(ParseJson(json, parsed, error)) << error << "\n" << json;
  EXPECT_EQ(parsed.value("ok", true), false) << json;
}

TEST_F(HostileInputTest, ChangeRequestIdsThatAreNotUtf8AreRefused) {
  ReviewOptions review;
  review.repo = repo_;
  review.cr = "CR-\xff";
  auto r = Review(review);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->ok);
  EXPECT_NE(RenderText(*r).find("is not a change request id"), std::string::npos) << RenderText(*r);
  ExpectRefusedJson(RenderJson(*r));

  ApproveOptions approve;
  approve.repo = repo_;
  approve.cr = "CR-\xff";
  approve.key = keys_["alice"];
  auto a = Approve(approve);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_FALSE(a->ok);
  ExpectRefusedJson(RenderJson(*a));

  MergeOptions merge;
  merge.repo = repo_;
  merge.cr = "\xff";
  merge.key = keys_["gate"];
  auto m = Merge(merge);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_FALSE(m->ok);
  ExpectRefusedJson(RenderJson(*m));
}

TEST_F(HostileInputTest, MessagesThatAreNotUtf8AreRefused) {
  Edit({{"metrics/customer/health.tally", Health("1.0.1")}});
  auto p = ProposeAs("carol", "Fix \xff");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_FALSE(p->ok);
  EXPECT_EQ(p->refusal, "the message is not valid UTF-8");
  ExpectRefusedJson(RenderJson(*p));

  FreezeOptions freeze;
  freeze.repo = repo_;
  freeze.name = "Q4";
  freeze.key = keys_["alice"];
  freeze.message = "close \xff";
  auto f = Freeze(freeze);
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_FALSE(f->ok);
  ExpectRefusedJson(RenderJson(*f));
}

TEST_F(HostileInputTest, WorkingTreeFileNamesThatAreNotUtf8AreRefused) {
  Edit({{"metrics/customer/b\xff" "d.tally", Health("1.0.1")}});
  auto p = ProposeAs("carol", "A file with a bad name");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_FALSE(p->ok);
  EXPECT_NE(p->refusal.find("not valid UTF-8"), std::string::npos) << p->refusal;
  ExpectRefusedJson(RenderJson(*p));
}

TEST_F(HostileInputTest, ANameThatIsNotUtf8HasNoLineage) {
  LineageOptions o;
  o.repo = repo_;
  o.name = "customer.\xff";
  auto l = Lineage(o);
  ASSERT_TRUE(l.ok()) << l.error().message;
  EXPECT_FALSE(l->ok);
  ExpectRefusedJson(RenderJson(*l));
}

TEST(HostileInputErrors, NotFoundIsToldApartFromCorrupt) {
  auto missing = ResolveAsOf("/nonexistent/tally-repo", "main");
  ASSERT_FALSE(missing.ok());
  std::string json = RenderErrorJson(missing.error());
  nlohmann::json parsed;
  std::string error;
  ASSERT_TRUE(ParseJson(json, parsed, error)) << error;
  EXPECT_EQ(parsed.value("code", ""), ErrorCodeName(missing.error().code));
}

}  // namespace
}  // namespace tally::governance
