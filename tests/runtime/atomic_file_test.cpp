// The one atomic writer (tally/support/atomic_file.h): nothing visible before Publish, no
// temporary left behind, errors that name the user's path, and PublishAll all-or-nothing.
#include "tally/support/atomic_file.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "test_util.h"

namespace tally {
namespace {

namespace fs = std::filesystem;
using runtime::testing::ReadAll;
using runtime::testing::TempDir;
using runtime::testing::WriteAll;

size_t FileCount(const TempDir& dir) {
  size_t n = 0;
  for (auto& e : fs::directory_iterator(dir.path())) (void)e, ++n;
  return n;
}

TEST(AtomicFile, NothingAppearsUntilPublished) {
  TempDir dir;
  std::string path = dir.File("out.csv");
  WriteAll(path, "old\n");
  {
    auto f = AtomicFile::Create(path);
    ASSERT_TRUE(f.ok()) << f.error().message;
    ASSERT_TRUE(f->Write("new\n").ok());
    ASSERT_TRUE(f->Prepare().ok());
    EXPECT_EQ(ReadAll(path), "old\n");
  }
  EXPECT_EQ(ReadAll(path), "old\n");
  EXPECT_EQ(FileCount(dir), 1u);  // the temporary went with the file

  auto f = AtomicFile::Create(path);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->Write("a,").ok());
  ASSERT_TRUE(f->Write("b\n").ok());
  EXPECT_EQ(f->bytes_written(), 4);
  ASSERT_TRUE(f->Publish().ok());
  EXPECT_EQ(ReadAll(path), "a,b\n");
  EXPECT_EQ(FileCount(dir), 1u);
  EXPECT_FALSE(f->Write("more").ok());  // closed once published
}

TEST(AtomicFile, ErrorsNameTheTargetNotTheTemporary) {
  TempDir dir;
  std::string missing = dir.File("no-such-folder/out.csv");
  auto f = AtomicFile::Create(missing);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().message, missing + ": No such file or directory");
  EXPECT_EQ(f.code(), ErrorCode::kNotFound);

  std::string folder = dir.File("a-folder");
  fs::create_directory(folder);
  auto d = AtomicFile::Create(folder);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, folder + ": is a directory");
  EXPECT_EQ(d.code(), ErrorCode::kIo);

  Status w = WriteFileAtomically(missing, "x");
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.message(), missing + ": No such file or directory");
}

TEST(AtomicFile, PrepareFindsATargetThatBecameADirectory) {
  TempDir dir;
  std::string path = dir.File("out.csv");
  auto f = AtomicFile::Create(path);
  ASSERT_TRUE(f.ok());
  fs::create_directory(path);
  Status st = f->Prepare();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), path + ": is a directory");
}

TEST(AtomicFile, PublishAllRemovesWhatItPublishedWhenARenameFails) {
  TempDir dir;
  std::string a_path = dir.File("a.csv");
  std::string b_path = dir.File("b.csv");
  auto a = AtomicFile::Create(a_path);
  auto b = AtomicFile::Create(b_path);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(a->Write("a\n").ok());
  ASSERT_TRUE(b->Write("b\n").ok());
  ASSERT_TRUE(a->Prepare().ok());
  ASSERT_TRUE(b->Prepare().ok());
  // After every check has passed, b's target turns into a folder holding a file: its
  // rename fails, and a, already renamed, is taken back.
  fs::create_directory(b_path);
  WriteAll(b_path + "/inside", "x");
  Status st = PublishAll({&*a, nullptr, &*b});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message().rfind(b_path + ": ", 0), 0u) << st.message();
  EXPECT_NE(st.message().find("removed " + a_path + " again"), std::string::npos) << st.message();
  EXPECT_FALSE(fs::exists(a_path));
  EXPECT_TRUE(fs::is_directory(b_path));
}

TEST(AtomicFile, PublishAllPublishesEveryFile) {
  TempDir dir;
  auto a = AtomicFile::Create(dir.File("a"));
  auto b = AtomicFile::Create(dir.File("b"));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(a->Write("1").ok());
  ASSERT_TRUE(b->Write("2").ok());
  ASSERT_TRUE(PublishAll({&*a, &*b}).ok());
  EXPECT_EQ(ReadAll(dir.File("a")), "1");
  EXPECT_EQ(ReadAll(dir.File("b")), "2");
  EXPECT_EQ(FileCount(dir), 2u);
}

// A pid that no process has: a child that has exited and been reaped.
pid_t DeadPid() {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

// A writer killed by kill -9 leaves "<target>.tmp.<pid>.<random>"; the next writer of the
// same target removes it, and only it: a live writer's temporary (its pid alive, or its
// lock held), another target's and a name of another shape stay.
TEST(AtomicFile, NextWriterRemovesOrphanedTemporaries) {
  TempDir dir;
  const std::string path = dir.File("out.csv");
  const std::string dead = std::to_string(DeadPid());
  const std::string orphan = path + ".tmp." + dead + ".12345";
  const std::string live = path + ".tmp." + std::to_string(::getppid()) + ".1";
  const std::string locked = path + ".tmp." + dead + ".777";
  const std::string other_target = dir.File("other.csv.tmp." + dead + ".1");
  const std::string other_shape = path + ".tmp.x" + dead + ".1";
  for (const auto& f : {orphan, live, locked, other_target, other_shape}) WriteAll(f, "partial");
  int lock = ::open(locked.c_str(), O_RDONLY);
  ASSERT_GE(lock, 0);
  ASSERT_EQ(::flock(lock, LOCK_EX), 0);

  auto f = AtomicFile::Create(path);
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_TRUE(f->Write("new\n").ok());
  ASSERT_TRUE(f->Publish().ok());
  ::close(lock);
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(locked));
  EXPECT_TRUE(fs::exists(other_target));
  EXPECT_TRUE(fs::exists(other_shape));
  EXPECT_EQ(FileCount(dir), 5u);  // out.csv and the four that are not orphans of it
  // With the lock released and the pid dead, it is an orphan too.
  EXPECT_EQ(RemoveOrphanedTemporaries(path), 1);
  EXPECT_FALSE(fs::exists(locked));
}

// A writer's own temporary carries its pid and stays locked until published, so a
// concurrent writer of the same target never removes it.
TEST(AtomicFile, LiveWritersTemporaryIsNamedAndLocked) {
  TempDir dir;
  const std::string path = dir.File("out.csv");
  auto f = AtomicFile::Create(path);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->Write("x").ok());
  ASSERT_TRUE(f->Prepare().ok());
  std::string temp;
  for (auto& e : fs::directory_iterator(dir.path())) temp = e.path().string();
  const std::string prefix = path + ".tmp." + std::to_string(::getpid()) + ".";
  ASSERT_EQ(temp.rfind(prefix, 0), 0u) << temp;
  int fd = ::open(temp.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  EXPECT_NE(::flock(fd, LOCK_EX | LOCK_NB), 0);  // held by the writer, even after Prepare
  ::close(fd);
  EXPECT_EQ(RemoveOrphanedTemporaries(path), 0);
  ASSERT_TRUE(f->Publish().ok());
  EXPECT_EQ(ReadAll(path), "x");
}

// Stage: the complete file under another name, the target untouched until Publish; a
// staged file never published goes with its writer.
TEST(AtomicFile, StageThenPublish) {
  TempDir dir;
  const std::string path = dir.File("rec.json");
  const std::string staged = dir.File("rec.abc.json");
  WriteAll(path, "old");
  {
    auto f = AtomicFile::Create(path);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE(f->Write("new").ok());
    ASSERT_TRUE(f->Stage(staged).ok());
    EXPECT_EQ(ReadAll(staged), "new");
    EXPECT_EQ(ReadAll(path), "old");
    EXPECT_EQ(FileCount(dir), 2u);
  }
  EXPECT_FALSE(fs::exists(staged));
  EXPECT_EQ(ReadAll(path), "old");
  auto f = AtomicFile::Create(path);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->Write("new").ok());
  ASSERT_TRUE(f->Stage(staged).ok());
  ASSERT_TRUE(f->Publish().ok());
  EXPECT_EQ(ReadAll(path), "new");
  EXPECT_FALSE(fs::exists(staged));
  EXPECT_EQ(FileCount(dir), 1u);
}

}  // namespace
}  // namespace tally
