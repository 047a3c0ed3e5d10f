#include "tree_entries.h"

#include <cctype>
#include <cstring>
#include <set>

#include "tally/support/json.h"

namespace tally::governance::git {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool OnlySpacesAndPeriods(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '.') return false;
  return true;
}

// NTFS: each backslash-separated part, up to a ':' (an alternate data stream), that is
// ".git" or its 8.3 name "git~1" followed only by spaces and periods (git's is_ntfs_dotgit).
bool IsNtfsDotGit(std::string_view name) {
  size_t start = 0;
  while (true) {
    size_t end = name.find('\\', start);
    std::string_view part = name.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    part = part.substr(0, part.find(':'));
    std::string lower = Lower(part);
    if (lower.starts_with(".git") && OnlySpacesAndPeriods(std::string_view(lower).substr(4))) return true;
    if (lower.starts_with("git~1") && OnlySpacesAndPeriods(std::string_view(lower).substr(5))) return true;
    if (end == std::string_view::npos) return false;
    start = end + 1;
  }
}

// HFS+ ignores these code points in names: U+200C..U+200F, U+202A..U+202E, U+206A..U+206F,
// U+FEFF (git's is_hfs_dotgit).
bool IsHfsDotGit(std::string_view name) {
  std::string kept;
  for (size_t i = 0; i < name.size();) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(name[i + k]); };
    if (i + 2 < name.size()) {
      bool ignorable = (b(0) == 0xE2 && b(1) == 0x80 && ((b(2) >= 0x8C && b(2) <= 0x8F) || (b(2) >= 0xAA && b(2) <= 0xAE))) ||
                       (b(0) == 0xE2 && b(1) == 0x81 && b(2) >= 0xAA && b(2) <= 0xAF) ||
                       (b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF);
      if (ignorable) {
        i += 3;
        continue;
      }
    }
    kept += name[i++];
  }
  return Lower(kept) == ".git";
}

Status CheckName(std::string_view name) {
  if (name.empty()) return Error{"an entry with an empty name"};
  std::string shown = "'" + ValidUtf8(name.substr(0, 200)) + "'";
  if (name.find('/') != std::string_view::npos) return Error{"entry " + shown + " has a '/' in its name"};
  if (name == "." || name == "..") return Error{"entry " + shown + " is a '.' or '..' entry"};
  if (IsNtfsDotGit(name) || IsHfsDotGit(name)) return Error{"entry " + shown + " is named like .git"};
  return Status::Ok();
}

}  // namespace

Result<std::vector<TreeEntry>> ParseTreeObject(std::string_view data) {
  std::vector<TreeEntry> out;
  std::set<std::string> names;
  std::string previous_key;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t space = data.find(' ', pos);
    if (space == std::string_view::npos) return Error{"a truncated entry (no mode)"};
    TreeEntry e;
    e.mode = std::string(data.substr(pos, space - pos));
    size_t nul = data.find('\0', space + 1);
    if (nul == std::string_view::npos || data.size() - (nul + 1) < GIT_OID_RAWSZ) return Error{"a truncated entry"};
    e.name = std::string(data.substr(space + 1, nul - space - 1));
    git_oid_fromraw(&e.id, reinterpret_cast<const unsigned char*>(data.data() + nul + 1));
    pos = nul + 1 + GIT_OID_RAWSZ;
    RETURN_IF_ERROR(CheckName(e.name));
    const std::string shown = "'" + ValidUtf8(e.name) + "'";
    if (e.mode == "120000") return Error{"entry " + shown + " is a symbolic link (mode 120000), which a governed tree may not hold"};
    if (e.mode == "160000") return Error{"entry " + shown + " is a submodule (mode 160000), which a governed tree may not hold"};
    if (e.mode != "100644" && e.mode != "100755" && e.mode != "40000")
      return Error{"entry " + shown + " has mode '" + ValidUtf8(e.mode.substr(0, 20)) +
                   "' (only 100644, 100755 and 40000 are allowed)"};
    e.is_tree = e.mode == "40000";
    if (git_oid_is_zero(&e.id)) return Error{"entry " + shown + " names the all-zero object id"};
    if (!names.insert(e.name).second) return Error{"entry " + shown + " appears twice"};
    // git's order: bytes, with a folder compared as if its name ended in '/'.
    std::string key = e.name + (e.is_tree ? "/" : "");
    if (!out.empty() && !(previous_key < key)) return Error{"entry " + shown + " is out of git's sort order"};
    previous_key = std::move(key);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace tally::governance::git
