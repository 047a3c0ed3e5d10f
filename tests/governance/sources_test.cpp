// The one rule for finding the repository (sources.h), stated by folders made here.
#include "tally/governance/sources.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace tally::governance {
namespace {

namespace fs = std::filesystem;

TEST(FindRepositoryTest, TheFlagWinsThenTheNearestFolderWithGitOrMetrics) {
  govtest::TempDir dir;
  fs::create_directories(dir / "outer/.git");
  fs::create_directories(dir / "outer/lib/metrics/customer");
  fs::create_directories(dir / "outer/src/deep");
  std::string outer = fs::canonical(dir / "outer").string();
  std::string lib = fs::canonical(dir / "outer/lib").string();

  EXPECT_EQ(FindRepository("elsewhere", (dir / "outer/src").string()), "elsewhere");
  EXPECT_EQ(FindRepository("", outer + "/src/deep"), outer);             // .git two levels up
  EXPECT_EQ(FindRepository("", lib + "/metrics/customer"), lib);         // metrics/ is nearer than .git
  EXPECT_EQ(FindRepository("", lib), lib);                               // the folder itself counts
}

TEST(FindRepositoryTest, NothingFoundIsTheWorkingDirectory) {
  govtest::TempDir dir;
  fs::create_directories(dir / "plain/sub");
  // Only when no ancestor of the temporary folder holds .git or metrics/ (true on a normal /tmp).
  std::string cwd = fs::canonical(dir / "plain/sub").string();
  std::string found = FindRepository("", cwd);
  if (found != cwd) GTEST_SKIP() << "an ancestor of " << cwd << " holds .git or metrics/: " << found;
  EXPECT_EQ(found, cwd);
}

TEST(PolicyPathForTest, BesideOrAboveTheCheckedFolder) {
  govtest::TempDir dir;
  fs::create_directories(dir / "lib/governance");
  fs::create_directories(dir / "repo/governance");
  fs::create_directories(dir / "repo/metrics");
  govtest::WriteAll(dir / "lib/governance/policy.yaml", "version: 1\n");
  govtest::WriteAll(dir / "repo/governance/policy.yaml", "version: 1\n");
  EXPECT_EQ(PolicyPathFor((dir / "lib").string()), (dir / "lib/governance/policy.yaml").string());
  EXPECT_EQ(PolicyPathFor((dir / "repo/metrics").string()), (dir / "repo/governance/policy.yaml").string());
  EXPECT_EQ(PolicyPathFor((dir / "repo/metrics/none.tally").string()), "");
}

}  // namespace
}  // namespace tally::governance
