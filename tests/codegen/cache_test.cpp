// The on-disk kernel cache: a second compile loads the object (no optimizer), a damaged
// entry is detected and rebuilt, concurrent writers never leave a broken entry, and the key
// changes with everything that changes machine code.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "cache_fixtures.h"

namespace tally::codegen::testing {
namespace {

namespace fs = std::filesystem;

TEST(CodegenCache, SecondCompileIsAHitAndRunsTheSameCode) {
  TempDir dir;
  auto cold = CompileKernel(Health(0.5), CacheIn(dir));
  ASSERT_TRUE(cold.ok()) << cold.error().message;
  EXPECT_FALSE((*cold)->info().from_cache);
  EXPECT_TRUE((*cold)->info().cache_warning.empty()) << (*cold)->info().cache_warning;
  EXPECT_TRUE(fs::exists((*cold)->info().cache_path));
  EXPECT_EQ((*cold)->info().cache_key.size(), 64u);

  auto warm = CompileKernel(Health(0.5), CacheIn(dir));
  ASSERT_TRUE(warm.ok()) << warm.error().message;
  EXPECT_TRUE((*warm)->info().from_cache);
  EXPECT_EQ((*cold)->info().linked_by, "llvm");
  EXPECT_EQ((*warm)->info().linked_by, "tally");
  EXPECT_EQ((*warm)->info().cache_key, (*cold)->info().cache_key);
  ExpectWorks(**cold);
  ExpectWorks(**warm);
  std::printf("cold compile %.2f ms, cache hit %.2f ms\n", (*cold)->info().compile_ms, (*warm)->info().compile_ms);
}

TEST(CodegenCache, ACorruptedEntryIsDetectedRebuiltAndNeverRun) {
  TempDir dir;
  auto first = CompileKernel(Health(0.5), CacheIn(dir));
  ASSERT_TRUE(first.ok()) << first.error().message;
  const std::string path = (*first)->info().cache_path;
  const std::string good = Slurp(path);

  // Each way an entry can go bad: flipped bit in the object, truncation, damaged header,
  // an entry that belongs to another key, an empty file.
  std::string flipped = good;
  flipped[flipped.size() - 100] ^= 0x10;
  auto other = CompileKernel(Health(0.25), CacheIn(dir));
  ASSERT_TRUE(other.ok());
  std::string foreign = Slurp((*other)->info().cache_path);
  std::string bad_header = good;
  bad_header[3] = 'X';
  for (const std::string& damaged : {flipped, good.substr(0, good.size() / 2), bad_header, foreign, std::string()}) {
    Spit(path, damaged);
    auto k = CompileKernel(Health(0.5), CacheIn(dir));
    ASSERT_TRUE(k.ok()) << k.error().message;
    EXPECT_FALSE((*k)->info().from_cache);
    EXPECT_NE((*k)->info().cache_warning.find("corrupt"), std::string::npos) << (*k)->info().cache_warning;
    ExpectWorks(**k);
    EXPECT_EQ(Slurp(path), good) << "the rebuilt entry is the same object";
    auto again = CompileKernel(Health(0.5), CacheIn(dir));
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE((*again)->info().from_cache);
  }
}

TEST(CodegenCache, ConcurrentProcessesNeverSeeOrLeaveABrokenEntry) {
  TempDir dir;
  const std::string key = CacheKey(Health(0.5), CacheIn(dir));
  const std::string path = dir.str() + "/" + key + ".tko";
  constexpr int kWriters = 4;
  constexpr int kRounds = 15;
  std::vector<pid_t> children;
  for (int w = 0; w < kWriters; ++w) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Child: compile again and again, deleting the entry now and then so writes race with
      // reads and other writes. Any corrupt read or wrong result is a failure.
      int failures = 0;
      for (int round = 0; round < kRounds; ++round) {
        if ((round + w) % 3 == 0) ::unlink(path.c_str());
        auto k = CompileKernel(Health(0.5), CacheIn(dir));
        if (!k.ok() || (*k)->info().cache_warning.find("corrupt") != std::string::npos) {
          ++failures;
          continue;
        }
        std::vector<Column> in = {Ints({30}), Ints({30})};
        RunResult r = RunColumns((*k)->score(), Health(0.5), in, 1, nullptr, false);
        if (r.status[0] != 0 || r.outputs[0].At<double>(0) != 55.0) ++failures;
      }
      ::_exit(failures == 0 ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "writer " << pid << " saw a broken entry";
  }
  auto k = CompileKernel(Health(0.5), CacheIn(dir));
  ASSERT_TRUE(k.ok());
  EXPECT_TRUE((*k)->info().from_cache);
  EXPECT_TRUE((*k)->info().cache_warning.empty()) << (*k)->info().cache_warning;
  for (const auto& entry : fs::directory_iterator(dir.str())) {
    EXPECT_EQ(entry.path().extension(), ".tko") << "left behind: " << entry.path();
  }
}

TEST(CodegenCache, KeyChangesWithWhatChangesMachineCode) {
  KernelOptions o;
  const std::string base = CacheKey(Health(0.5), o);
  EXPECT_EQ(base, CacheKey(Health(0.5), o));
  EXPECT_NE(base, CacheKey(Health(0.25), o)) << "param value";
  // -0.0 and 0.0 compare equal but are different programs.
  EXPECT_NE(CacheKey(Health(0.0), o), CacheKey(Health(-0.0), o));
  KernelOptions o3 = o;
  o3.opt_level = 3;
  EXPECT_NE(base, CacheKey(Health(0.5), o3)) << "optimization level";
  KernelOptions v2 = o;
  v2.cpu = "x86-64-v2";
  if (DefaultTarget().cpu != "x86-64-v2") EXPECT_NE(base, CacheKey(Health(0.5), v2)) << "target cpu";
  ir::Program renamed_output = Health(0.5);
  renamed_output.row_code.back().imm_int = 2;
  EXPECT_NE(base, CacheKey(renamed_output, o)) << "round digits";
}

TEST(CodegenCache, CacheOffWritesNothing) {
  TempDir dir;
  KernelOptions o = CacheIn(dir);
  o.use_cache = false;
  auto k = CompileKernel(Health(0.5), o);
  ASSERT_TRUE(k.ok());
  EXPECT_TRUE((*k)->info().cache_path.empty());
  EXPECT_TRUE(fs::is_empty(dir.str()));
}

TEST(CodegenCache, TargetIsAFixedBaselineNotTheHost) {
  const TargetInfo& t = DefaultTarget();
  EXPECT_FALSE(t.triple.empty());
  EXPECT_TRUE(t.cpu == "x86-64-v3" || t.cpu == "x86-64-v2" || t.cpu == "x86-64" || t.cpu == "generic") << t.cpu;
  if (t.cpu == "x86-64-v3") {
    EXPECT_NE(t.features.find("+avx2"), std::string::npos);
    EXPECT_NE(t.features.find("+fma"), std::string::npos);  // available, and never used to fuse
    EXPECT_EQ(t.features.find("+avx512f"), std::string::npos);
  }
  EXPECT_EQ(t.llvm_version.substr(0, 3), "19.");
}

}  // namespace
}  // namespace tally::codegen::testing
