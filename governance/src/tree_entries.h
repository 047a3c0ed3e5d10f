// The rules a tree object must meet before Tally reads a file from it, as strict as
// `git fsck` (fsck.c, fsck_tree) and stricter where governance needs it: a governed tree holds
// only plain files and folders. Tally never trusts libgit2's walk for this: libgit2 accepts
// a tree entry named "metrics/a.tally", which `git show` and a checkout never show.
#pragma once

#include <git2.h>

#include <string>
#include <string_view>
#include <vector>

#include "tally/support/result.h"

namespace tally::governance::git {

// One entry of a tree object as it is stored: "<mode> <name>\0<20-byte id>".
struct TreeEntry {
  std::string mode;  // as written, e.g. "100644", "40000"
  std::string name;
  git_oid id{};
  bool is_tree = false;  // mode 40000
};

// Parses the raw content of a tree object and checks every entry: the mode is 100644,
// 100755 or 40000 (no symbolic link 120000, no submodule 160000, no zero padding); the name
// is not empty, holds no '/' or NUL, and is not ".", "..", or ".git" in any case or in the
// spellings NTFS (".git.", ".git ", "git~1", ".git::$INDEX_ALLOCATION", "a\.git") or HFS+
// (".git" with ignorable Unicode code points) read as ".git"; the id is not all zeros;
// entries are in git's order (a folder sorts as if its name ended in '/') with no name twice.
// Errors say which entry and why, without the location (the caller adds it).
Result<std::vector<TreeEntry>> ParseTreeObject(std::string_view data);

}  // namespace tally::governance::git
