#include "kernel_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "cache_trust.h"
#include "tally/support/atomic_file.h"
#include "tally/support/sha256.h"

namespace tally::codegen {
namespace {

constexpr std::string_view kMagic = "TALLY-KERNEL-OBJECT 1\n";
// Kernel objects are tens of KiB; a 30,000-let definition's is a few MiB.
constexpr int64_t kMaxCacheEntryBytes = int64_t{64} << 20;

// Reads "<name> <value>\n" at `pos`; empty when the line is not there.
std::string Field(std::string_view data, size_t& pos, std::string_view name) {
  if (data.substr(pos, name.size() + 1) != std::string(name) + " ") return {};
  size_t start = pos + name.size() + 1;
  size_t end = data.find('\n', start);
  if (end == std::string_view::npos || end - start > 64) return {};
  pos = end + 1;
  return std::string(data.substr(start, end - start));
}

}  // namespace

std::string DefaultCacheDir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::string(xdg) + "/tally";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cache/tally";
  return ".tally-cache";
}

std::string CacheEntryPath(const std::string& dir, const std::string& key) {
  return dir + "/" + key + ".tko";
}

CacheLookup ReadCacheEntry(const std::string& path, const std::string& key) {
  auto corrupt = [](std::string why) {
    return CacheLookup{CacheLookup::State::kCorrupt, {}, std::move(why), {}};
  };
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return corrupt(path + ": " + std::strerror(errno));
  }
  // Machine code someone else could have written is never run.
  if (std::string why = UntrustedEntryReason(st, ::geteuid()); !why.empty()) return corrupt(why);
  // Regular files only, bounded: a FIFO, a directory or /dev/zero in an entry's place is a
  // damaged entry (rebuilt), never a hang or an unbounded read.
  auto read = ReadFile(path, kMaxCacheEntryBytes);
  if (!read) {
    if (read.code() == ErrorCode::kNotFound) return {};
    return corrupt(read.error().message);
  }
  std::string data = std::move(*read);
  if (data.compare(0, kMagic.size(), kMagic) != 0) return corrupt("not a kernel cache entry");
  size_t pos = kMagic.size();
  std::string entry_key = Field(data, pos, "key");
  std::string object_sha = Field(data, pos, "object-sha256");
  std::string size_text = Field(data, pos, "object-size");
  if (entry_key.empty() || object_sha.empty() || size_text.empty() || pos >= data.size() || data[pos] != '\n') {
    return corrupt("damaged header");
  }
  ++pos;
  if (entry_key != key) return corrupt("entry is for another key");
  if (size_text != std::to_string(data.size() - pos)) return corrupt("object size does not match");
  std::string_view object(data.data() + pos, data.size() - pos);
  if (Sha256Hex(object) != object_sha) return corrupt("object checksum does not match");
  return {CacheLookup::State::kHit, std::string(object), {}, object_sha};
}

Status WriteCacheEntry(const std::string& dir, const std::string& key, std::string_view object) {
  RETURN_IF_ERROR(CreateCacheDir(dir));
  const std::string path = CacheEntryPath(dir, key);
  // A FIFO, a device or a symbolic link in the entry's place is removed, not written through
  // (AtomicFile writes devices and FIFOs in place, and a link to /dev/zero is one).
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && ::unlink(path.c_str()) != 0) {
    return IoError("cannot replace " + path + ": " + std::strerror(errno));
  }
  std::string entry(kMagic);
  entry += "key " + key + "\n";
  entry += "object-sha256 " + Sha256Hex(object) + "\n";
  entry += "object-size " + std::to_string(object.size()) + "\n\n";
  entry += object;
  return WriteFileAtomically(path, entry);
}

}  // namespace tally::codegen
