// ReadFile (tally/support/atomic_file.h) reads regular files only, within a limit: a FIFO,
// a directory or a device in a file's place is a clear error naming the path, never a hang
// or an unbounded read. FileSha256Hex streams the same way.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "tally/support/atomic_file.h"
#include "test_util.h"

namespace tally {
namespace {

using runtime::testing::TempDir;
using runtime::testing::WriteAll;

TEST(ReadFile, ReadsARegularFileWhole) {
  TempDir dir;
  std::string path = dir.File("a.txt");
  std::string content(100000, 'x');
  content += "end";
  WriteAll(path, content);
  auto read = ReadFile(path);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(*read, content);
}

TEST(ReadFile, RefusesAFileOverTheLimit) {
  TempDir dir;
  std::string path = dir.File("big");
  WriteAll(path, std::string(1025, 'k'));
  auto read = ReadFile(path, 1024);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().message, path + ": larger than the 1024-byte limit for this file");
  EXPECT_TRUE(ReadFile(path, 1025).ok());
}

TEST(ReadFile, RefusesADirectory) {
  TempDir dir;
  auto read = ReadFile(dir.path().string());
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().message, dir.path().string() + ": is a directory, not a regular file");
}

TEST(ReadFile, RefusesAFifoWithoutWaitingForAWriter) {
  TempDir dir;
  std::string path = dir.File("fifo");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  // Without O_NONBLOCK this open would block forever: no process ever opens the FIFO to write.
  auto read = ReadFile(path);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().message, path + ": is a FIFO, not a regular file");
  auto sha = FileSha256Hex(path);
  ASSERT_FALSE(sha.ok());
  EXPECT_EQ(sha.error().message, path + ": is a FIFO, not a regular file");
}

TEST(ReadFile, RefusesACharacterDevice) {
  // /dev/zero never ends: reading it whole would exhaust memory.
  auto read = ReadFile("/dev/zero");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().message, "/dev/zero: is a character device, not a regular file");
}

TEST(ReadFile, AMissingFileIsNotFound) {
  TempDir dir;
  auto read = ReadFile(dir.File("missing"));
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.code(), ErrorCode::kNotFound);
}

TEST(FileSha256Hex, MatchesTheKnownDigest) {
  TempDir dir;
  std::string path = dir.File("abc");
  WriteAll(path, "abc");
  auto sha = FileSha256Hex(path);
  ASSERT_TRUE(sha.ok()) << sha.error().message;
  // FIPS 180-2, appendix B.1: SHA-256("abc").
  EXPECT_EQ(*sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace tally
