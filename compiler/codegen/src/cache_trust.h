// Whether a kernel cache directory and its entries can be trusted: a cached object is machine
// code that runs in this process, so nobody but this user may be able to put one there.
//
// A directory is trusted when it, and every directory above it (symbolic links resolved), is
// owned by this user (root may own the ones above), and none of them is writable by its group
// or by others unless it has the sticky bit (then others cannot rename or delete what is not
// theirs, as in /tmp). An entry is trusted when it is a regular file (not a symbolic link),
// owned by this user, and writable by nobody else.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <string>

#include "tally/support/result.h"

namespace tally::codegen {

// Creates `dir` and any missing parents with mode 0700 (so a umask of 002 cannot make them
// group-writable). An existing directory is left as it is.
Status CreateCacheDir(const std::string& dir);

// Why `dir` must not be used as a kernel cache by user `uid` ("" when it may), e.g.
// "/x/cache is writable by its group".
std::string UntrustedCacheDirReason(const std::string& dir, uid_t uid);

// Why the entry whose lstat() is `st` must not be used by user `uid` ("" when it may).
std::string UntrustedEntryReason(const struct stat& st, uid_t uid);

}  // namespace tally::codegen
