// The on-disk kernel cache: one file per key, `<dir>/<key>.tko`:
//
//   TALLY-KERNEL-OBJECT 1\n
//   key <sha256 hex>\n
//   object-sha256 <sha256 hex of the object bytes>\n
//   object-size <bytes>\n
//   \n
//   <object file bytes>
//
// An entry is used only when it is a regular file that only this user can write (see
// cache_trust.h), its header names the expected key and the object's size and sha256 match;
// anything else is "corrupt" and gets rebuilt. (The object itself also names its key, which
// the linkers check: object_loader.h.) Entries are written to a unique
// temporary file and renamed into place, so a reader sees a whole entry or none, whatever
// other processes do at the same time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tally/support/result.h"

namespace tally::codegen {

// $XDG_CACHE_HOME/tally, else $HOME/.cache/tally, else ./.tally-cache.
std::string DefaultCacheDir();

std::string CacheEntryPath(const std::string& dir, const std::string& key);

struct CacheLookup {
  enum class State { kMissing, kCorrupt, kHit } state = State::kMissing;
  std::string object;  // kHit only
  std::string why;     // kCorrupt only: what failed verification
  std::string object_sha256;  // kHit only
};
CacheLookup ReadCacheEntry(const std::string& path, const std::string& key);

// Creates `dir` if needed (mode 0700) and writes the entry atomically.
Status WriteCacheEntry(const std::string& dir, const std::string& key, std::string_view object);

}  // namespace tally::codegen
