// What a governed score reads: the policy and definitions of the governed branch (or a
// gate-made freeze), never the working tree and never a tag the gate did not sign and log.
#include <gtest/gtest.h>

#include <filesystem>

#include "governed_repo.h"
#include "tally/governance/sources.h"

namespace tally::governance {
namespace {

using govtest::GovernedRepo;
using govtest::kHealth;
using govtest::WriteAll;

class GovernedSourceTest : public GovernedRepo {
 protected:
  // The text of customer/health.tally among `files`, "" when absent.
  static std::string HealthText(const std::vector<SourceFilePtr>& files) {
    for (const auto& f : files)
      if (f->path() == "metrics/customer/health.tally") return std::string(f->text());
    return "";
  }
  std::string PolicyPath() const { return (std::filesystem::path(repo_) / "governance" / "policy.yaml").string(); }
  std::string Gitc(const std::string& args) { return Git("-c user.name=m -c user.email=m@example.com " + args); }
};

TEST_F(GovernedSourceTest, PolicyMissingFromTheCheckoutStillScoresTheGovernedBranch) {
  Edit({{"metrics/customer/health.tally", Health("9.0.0", "0.9")}});
  std::filesystem::remove(PolicyPath());
  auto source = LoadDefinitions(repo_, "customer.health", "");
  ASSERT_TRUE(source.ok()) << source.error().message;
  EXPECT_EQ(source->commit, root_);
  EXPECT_EQ(HealthText(source->files), kHealth);  // the approved text, not the edit
}

TEST_F(GovernedSourceTest, ABrokenUncommittedPolicyDoesNotStopScoring) {
  WriteAll(PolicyPath(), "version: [unclosed\n");
  auto source = LoadDefinitions(repo_, "customer.health", "");
  ASSERT_TRUE(source.ok()) << source.error().message;
  EXPECT_EQ(source->commit, root_);
}

TEST_F(GovernedSourceTest, AnUncommittedGovernedBranchEditDoesNotChooseTheCommit) {
  Edit({{"metrics/customer/health.tally", Health("9.0.0", "0.9")}});
  Gitc("checkout -q -b other");
  Gitc("commit -q -am unapproved");
  std::string other = Git("rev-parse other");
  Gitc("checkout -q main");
  std::string policy = PolicyText(1, 2, "");
  policy.replace(policy.find("governed_branch: main"), 21, "governed_branch: other");
  WriteAll(PolicyPath(), policy);
  auto source = LoadDefinitions(repo_, "customer.health", "");
  ASSERT_TRUE(source.ok()) << source.error().message;
  EXPECT_EQ(source->commit, root_);
  EXPECT_NE(source->commit, other);
}

TEST_F(GovernedSourceTest, APlainGitFolderWithAPolicyFileIsNotGoverned) {
  // No gate log: `tally init` never ran, so the folder is scored as a plain folder.
  std::string plain = (dir_ / "plain").string();
  WriteAll(std::filesystem::path(plain) / "governance" / "policy.yaml", "version: 1\n");
  WriteAll(std::filesystem::path(plain) / "metrics" / "customer" / "health.tally", kHealth);
  ASSERT_EQ(govtest::RunCommand("git init -q " + govtest::Shell(plain), nullptr), 0);
  EXPECT_FALSE(IsGoverned(plain));
  EXPECT_TRUE(IsGoverned(repo_));
  // ... but it looks governed, so its unapproved working tree is not scored either.
  auto source = LoadDefinitions(plain, "customer.health", "");
  ASSERT_FALSE(source.ok());
  EXPECT_NE(source.error().message.find("refs/tally/log"), std::string::npos) << source.error().message;
}

TEST_F(GovernedSourceTest, DeletingTheGateLogDoesNotScoreTheWorkingTree) {
  Edit({{"metrics/customer/health.tally", Health("9.0.0", "0.9")}});
  Git("update-ref -d refs/tally/log");
  auto source = LoadDefinitions(repo_, "customer.health", "");
  ASSERT_FALSE(source.ok()) << HealthText(source->files);
  EXPECT_NE(source.error().message.find("refs/tally/log"), std::string::npos) << source.error().message;
}

TEST_F(GovernedSourceTest, AFolderInsideTheCheckoutIsNotScoredAsAPlainFolder) {
  // metrics/customer/metrics/ would make FindRepository stop there: still the governed checkout.
  std::string inner = (std::filesystem::path(repo_) / "metrics" / "customer").string();
  WriteAll(std::filesystem::path(inner) / "metrics" / "health.tally", Health("9.0.0", "0.9"));
  auto source = LoadDefinitions(inner, "customer.health", "");
  ASSERT_FALSE(source.ok()) << HealthText(source->files);
  EXPECT_NE(source.error().message.find("inside the governed repository"), std::string::npos) << source.error().message;
}

TEST_F(GovernedSourceTest, AnUnsignedFreezeTagDoesNotResolve) {
  Gitc("tag -a freeze/fake -m fake main");
  auto resolved = ResolveAsOf(repo_, "fake");
  ASSERT_FALSE(resolved.ok()) << resolved->commit;
  EXPECT_NE(resolved.error().message.find("refs/tags/freeze/fake"), std::string::npos) << resolved.error().message;
  EXPECT_NE(resolved.error().message.find("not in the gate log"), std::string::npos) << resolved.error().message;
  auto source = LoadDefinitions(repo_, "customer.health", "fake");
  EXPECT_FALSE(source.ok());
}

TEST_F(GovernedSourceTest, AReplacedFreezeTagDoesNotResolveButTheGenuineOneDoes) {
  FreezeOptions f;
  f.repo = repo_;
  f.now = now_;
  f.name = "q4";
  f.key = keys_["alice"];
  auto frozen = Freeze(f);
  ASSERT_TRUE(frozen.ok()) << frozen.error().message;
  ASSERT_TRUE(frozen->ok);
  auto genuine = ResolveAsOf(repo_, "q4");
  ASSERT_TRUE(genuine.ok()) << genuine.error().message;
  EXPECT_EQ(genuine->commit, root_);
  EXPECT_EQ(genuine->freeze, "q4");

  Gitc("tag -f -a freeze/q4 -m replaced main");
  auto replaced = ResolveAsOf(repo_, "q4");
  ASSERT_FALSE(replaced.ok());
  EXPECT_NE(replaced.error().message.find("refs/tags/freeze/q4"), std::string::npos) << replaced.error().message;
  EXPECT_NE(replaced.error().message.find("moved"), std::string::npos) << replaced.error().message;
}

TEST_F(GovernedSourceTest, ADeletedDefinitionsReleasedMajorStaysRunnable) {
  // The override goes with its definition, so the removal commit carries an override entry too.
  std::filesystem::remove(std::filesystem::path(repo_) / "metrics/customer/health.tally");
  std::filesystem::remove(std::filesystem::path(repo_) / "metrics/regions/emea/health.tally");
  std::string cr = MustPropose("carol", {});
  ASSERT_FALSE(cr.empty());
  for (const char* who : {"alice", "bob", "dora"}) MustApprove(who, cr);
  auto merged = MergeCr(cr);
  ASSERT_TRUE(merged.ok) << RenderText(merged);

  auto major = ResolveMajor(repo_, "customer.health@1");
  ASSERT_TRUE(major.ok()) << major.error().message;
  EXPECT_EQ(major->commit, root_);
  EXPECT_EQ(major->version, "1.0.0");
  auto source = LoadDefinitions(repo_, "customer.health@1", "");
  ASSERT_TRUE(source.ok()) << source.error().message;
  EXPECT_EQ(HealthText(source->files), kHealth);
  auto latest = LoadDefinitions(repo_, "customer.health", "");
  ASSERT_TRUE(latest.ok()) << latest.error().message;
  EXPECT_EQ(HealthText(latest->files), "");  // gone from the tip
}

}  // namespace
}  // namespace tally::governance
