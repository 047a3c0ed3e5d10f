// What the kernel cache refuses to run (issue 9, "forged kernel-cache entries"): an entry
// holding another program's object under this program's key, with a header that checks out;
// a cache directory (or one above it) that someone else can write; an entry file someone else
// can write, or that is a symbolic link, a FIFO, a directory, or a link to /dev/zero. Each is
// refused with a reason and the kernel still computes the right scores.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "backend.h"
#include "cache_fixtures.h"
#include "cache_trust.h"
#include "object_loader.h"
#include "tally/support/sha256.h"

namespace tally::codegen::testing {
namespace {

namespace fs = std::filesystem;

// The object file inside a cache entry (after the header's blank line).
std::string ObjectOf(const std::string& entry) {
  size_t start = entry.find("\n\n");
  return start == std::string::npos ? std::string() : entry.substr(start + 2);
}

// An entry as an attacker writes one: `object` under `key`, with the size and sha256 of the
// object recomputed so that the header checks out.
std::string ForgedEntry(const std::string& key, const std::string& object) {
  return "TALLY-KERNEL-OBJECT 1\nkey " + key + "\nobject-sha256 " + Sha256Hex(object) + "\nobject-size " +
         std::to_string(object.size()) + "\n\n" + object;
}

size_t EntryCount(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().extension() == ".tko";
  return n;
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(CodegenCacheTrust, AnotherProgramsObjectUnderThisKeyIsRefusedAndTheScoresAreRight) {
  TempDir dir;
  auto mine = CompileKernel(Health(0.5), CacheIn(dir));
  auto theirs = CompileKernel(Health(0.25), CacheIn(dir));
  ASSERT_TRUE(mine.ok() && theirs.ok());
  const std::string path = (*mine)->info().cache_path;
  const std::string good = Slurp(path);
  // Copy the other definition's object, rewrite the key line, recompute size and sha256.
  Spit(path, ForgedEntry((*mine)->info().cache_key, ObjectOf(Slurp((*theirs)->info().cache_path))));

  auto k = CompileKernel(Health(0.5), CacheIn(dir));
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_FALSE((*k)->info().from_cache);
  EXPECT_TRUE(Contains((*k)->info().cache_warning, "the object was compiled from another program (its key is " +
                                                       (*theirs)->info().cache_key + ")"))
      << (*k)->info().cache_warning;
  // 55 and 30 are Health(0.5)'s scores; the forged object (w = 0.25) would give 42.5 and 30.
  ExpectWorks(**k);
  EXPECT_TRUE(Slurp(path) == good) << "the entry is rebuilt";
  EXPECT_EQ((*k)->info().object_sha256, Sha256Hex(ObjectOf(good)));
  auto again = CompileKernel(Health(0.5), CacheIn(dir));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->info().from_cache);
  EXPECT_EQ((*again)->info().object_sha256, Sha256Hex(ObjectOf(good)));
}

TEST(CodegenCacheTrust, BothLinkersReadTheKeyTheObjectCarries) {
  TempDir dir;
  auto mine = CompileKernel(Health(0.5), CacheIn(dir));
  auto theirs = CompileKernel(Health(0.25), CacheIn(dir));
  ASSERT_TRUE(mine.ok() && theirs.ok());
  const std::string key = (*mine)->info().cache_key;
  const std::string object = ObjectOf(Slurp((*mine)->info().cache_path));
  const std::string foreign = ObjectOf(Slurp((*theirs)->info().cache_path));
  // The key is in the object's bytes, as the code generator emitted it.
  EXPECT_TRUE(Contains(object, key));
  EXPECT_FALSE(Contains(foreign, key));
  // An object that does not say what it was compiled from (the symbol renamed).
  std::string unnamed = object;
  size_t at = unnamed.find(std::string(kKernelKeySymbol) + '\0');
  ASSERT_NE(at, std::string::npos);
  unnamed[at + 4] = 'X';

  Result<Backend*> backend = LoadBackend();
  ASSERT_TRUE(backend.ok()) << backend.error().message;
  const std::vector<std::string> symbols = {kScoreSymbol};
  EXPECT_TRUE(LoadedObject::Load(object, symbols, key).ok());
  EXPECT_TRUE((*backend)->Load(object, key, DefaultTarget(), symbols).ok());
  const std::string wrong = "the object was compiled from another program (its key is " + (*theirs)->info().cache_key + ")";
  const std::string none = "the object does not record what it was compiled from (no tally_kernel_key)";
  for (const auto& [bytes, why] : {std::pair{foreign, wrong}, std::pair{unnamed, none}}) {
    auto tally = LoadedObject::Load(bytes, symbols, key);
    ASSERT_FALSE(tally.ok());
    EXPECT_EQ(tally.error().message, why);
    auto llvm = (*backend)->Load(bytes, key, DefaultTarget(), symbols);
    ASSERT_FALSE(llvm.ok());
    EXPECT_EQ(llvm.error().message, why);
  }
}

TEST(CodegenCacheTrust, ACacheDirectoryOthersCanWriteIsNotUsedAndSaysSoOnce) {
  for (const auto& [mode, who] : {std::pair{0770, "its group (mode 0770)"}, std::pair{0757, "every user (mode 0757)"}}) {
    TempDir dir;
    fs::permissions(dir.str(), static_cast<fs::perms>(mode));
    auto k = CompileKernel(Health(0.5), CacheIn(dir));
    ASSERT_TRUE(k.ok()) << k.error().message;
    EXPECT_EQ((*k)->info().cache_warning, "not using the kernel cache in " + dir.str() + ": " + dir.str() +
                                              " is writable by " + who +
                                              ", so another user could put machine code there; compiling without the cache");
    EXPECT_FALSE((*k)->info().from_cache);
    EXPECT_TRUE((*k)->info().cache_path.empty());
    ExpectWorks(**k);
    // Never read either: a valid entry planted there is not used.
    TempDir trusted;
    auto elsewhere = CompileKernel(Health(0.5), CacheIn(trusted));
    ASSERT_TRUE(elsewhere.ok());
    Spit(dir.str() + "/" + (*k)->info().cache_key + ".tko", Slurp((*elsewhere)->info().cache_path));
    auto again = CompileKernel(Health(0.5), CacheIn(dir));
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE((*again)->info().from_cache);
    EXPECT_EQ((*again)->info().cache_warning, "") << "warned once per directory";
    fs::remove(dir.str() + "/" + (*k)->info().cache_key + ".tko");
    EXPECT_EQ(EntryCount(dir.str()), 0u) << "nothing written";
  }
}

TEST(CodegenCacheTrust, ADirectoryAboveTheCacheThatOthersCanWriteIsNotTrusted) {
  TempDir dir;
  const std::string cache = dir.str() + "/inner/cache";
  fs::create_directories(cache);
  fs::permissions(dir.str() + "/inner", static_cast<fs::perms>(0775));
  EXPECT_EQ(UntrustedCacheDirReason(cache, ::geteuid()), dir.str() + "/inner is writable by its group (mode 0775)");
  KernelOptions o;
  o.cache_dir = cache;
  auto k = CompileKernel(Health(0.5), o);
  ASSERT_TRUE(k.ok());
  EXPECT_TRUE(Contains((*k)->info().cache_warning, "not using the kernel cache in " + cache));
  EXPECT_EQ(EntryCount(cache), 0u);
  // The sticky bit (as on /tmp) stops others from replacing what is not theirs: trusted.
  fs::permissions(dir.str() + "/inner", static_cast<fs::perms>(01777));
  EXPECT_EQ(UntrustedCacheDirReason(cache, ::geteuid()), "");
  fs::permissions(cache, static_cast<fs::perms>(01777));
  EXPECT_EQ(UntrustedCacheDirReason(cache, ::geteuid()), "");
  auto cached = CompileKernel(Health(0.5), o);
  ASSERT_TRUE(cached.ok());
  EXPECT_EQ((*cached)->info().cache_warning, "");
  EXPECT_EQ(EntryCount(cache), 1u);
}

TEST(CodegenCacheTrust, ACacheDirectoryOwnedByAnotherUserIsNotTrusted) {
  TempDir dir;
  const uid_t someone_else = ::geteuid() + 1;
  EXPECT_EQ(UntrustedCacheDirReason(dir.str(), someone_else),
            dir.str() + " is owned by another user (uid " + std::to_string(::geteuid()) + ")");
  EXPECT_EQ(UntrustedCacheDirReason(dir.str(), ::geteuid()), "");
  EXPECT_EQ(UntrustedCacheDirReason(dir.str() + "/missing", ::geteuid()),
            dir.str() + "/missing: No such file or directory");
  if (::geteuid() == 0) {  // only root can give a directory away; the check above runs for everyone
    ASSERT_EQ(::chown(dir.str().c_str(), 65534, 65534), 0);
    auto k = CompileKernel(Health(0.5), CacheIn(dir));
    ASSERT_TRUE(k.ok());
    EXPECT_TRUE(Contains((*k)->info().cache_warning, dir.str() + " is owned by another user (uid 65534)"))
        << (*k)->info().cache_warning;
    ExpectWorks(**k);
  }
}

TEST(CodegenCacheTrust, AnEntryOthersCanWriteOrALinkIsRefusedAndRebuilt) {
  TempDir dir;
  auto first = CompileKernel(Health(0.5), CacheIn(dir));
  ASSERT_TRUE(first.ok());
  const std::string path = (*first)->info().cache_path;
  const std::string good = Slurp(path);

  fs::permissions(path, static_cast<fs::perms>(0664));
  auto k = CompileKernel(Health(0.5), CacheIn(dir));
  ASSERT_TRUE(k.ok());
  EXPECT_FALSE((*k)->info().from_cache);
  EXPECT_TRUE(Contains((*k)->info().cache_warning, "was corrupt (it is writable by another user); rebuilt it"))
      << (*k)->info().cache_warning;
  ExpectWorks(**k);
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::group_write, fs::perms::none) << "replaced";

  // A symbolic link to a good entry elsewhere: entries are always written by rename, never links.
  const std::string elsewhere = dir.str() + "/elsewhere";
  fs::rename(path, elsewhere);
  fs::create_symlink(elsewhere, path);
  k = CompileKernel(Health(0.5), CacheIn(dir));
  ASSERT_TRUE(k.ok());
  EXPECT_FALSE((*k)->info().from_cache);
  EXPECT_TRUE(Contains((*k)->info().cache_warning, "was corrupt (it is a symbolic link); rebuilt it"));
  EXPECT_FALSE(fs::is_symlink(path));
  EXPECT_TRUE(Slurp(path) == good);

  struct stat st {};
  ASSERT_EQ(::lstat(path.c_str(), &st), 0);
  EXPECT_EQ(UntrustedEntryReason(st, ::geteuid()), "");
  EXPECT_EQ(UntrustedEntryReason(st, ::geteuid() + 1),
            "it is owned by another user (uid " + std::to_string(::geteuid()) + ")");
}

TEST(CodegenCacheTrust, AFifoADirectoryOrDevZeroInAnEntrysPlaceIsADamagedEntry) {
  TempDir dir;
  auto first = CompileKernel(Health(0.5), CacheIn(dir));
  ASSERT_TRUE(first.ok());
  const std::string path = (*first)->info().cache_path;
  struct Case {
    const char* what;
    std::string why;
  };
  for (const Case& c : {Case{"fifo", path + ": is a FIFO, not a regular file"},
                        Case{"directory", path + ": is a directory, not a regular file"},
                        Case{"/dev/zero", "it is a symbolic link"}}) {
    fs::remove_all(path);
    const std::string what = c.what;
    if (what == "fifo") {
      ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
    } else if (what == "directory") {
      fs::create_directory(path);
    } else {
      fs::create_symlink("/dev/zero", path);
    }
    // A FIFO with no writer must not block the reader (ctest's timeout would catch a hang;
    // tests/codegen/cache_entries.sh runs the same under `timeout`).
    auto k = CompileKernel(Health(0.5), CacheIn(dir));
    ASSERT_TRUE(k.ok()) << c.what << ": " << k.error().message;
    EXPECT_FALSE((*k)->info().from_cache) << c.what;
    EXPECT_TRUE(Contains((*k)->info().cache_warning, "was corrupt (" + c.why + "); rebuilt it"))
        << c.what << ": " << (*k)->info().cache_warning;
    ExpectWorks(**k);
    // Replaced by a good entry, except a directory, which is never removed.
    EXPECT_EQ(fs::is_regular_file(fs::symlink_status(path)), what != "directory") << c.what;
  }
}

}  // namespace
}  // namespace tally::codegen::testing
