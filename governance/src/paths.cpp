#include "tally/governance/paths.h"

#include <algorithm>
#include <cctype>

#include "tally/support/json.h"

namespace tally::governance {

Status CheckRepoPath(std::string_view path) {
  std::string shown = ValidUtf8(path.substr(0, 200));
  if (path.empty()) return Error{"empty path"};
  // Paths are recorded in commit trailers and JSON, which are UTF-8 text.
  if (ValidUtf8(path) != path)
    return Error{"path that is not valid UTF-8 refused: " + shown};
  if (path.size() > 4096) return Error{"path too long: " + shown};
  if (path.front() == '/') return Error{"absolute path refused: " + shown};
  if (path.find('\\') != std::string_view::npos || path.find('\0') != std::string_view::npos)
    return Error{"path with a backslash or NUL refused: " + shown};
  if (path.size() >= 2 && path[1] == ':') return Error{"absolute path refused: " + shown};
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == ".") return Error{"path with an empty or '.' component refused: " + shown};
    if (part == "..") return Error{"path traversal ('..') refused: " + shown};
    std::string lower(part);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    // ".git" and its 8.3 / trailing-dot spellings, which some file systems treat as ".git".
    while (!lower.empty() && (lower.back() == '.' || lower.back() == ' ')) lower.pop_back();
    if (lower == ".git" || lower == "git~1") return Error{"path into .git refused: " + shown};
    start = end + 1;
  }
  return Status::Ok();
}

Status CheckRefComponent(std::string_view name, std::string_view what) {
  std::string shown = ValidUtf8(name.substr(0, 100));
  bool ok = !name.empty() && name.size() <= 100 && name.front() != '.' && name.front() != '-' &&
            !name.ends_with(".lock") && name.find("..") == std::string_view::npos &&
            std::all_of(name.begin(), name.end(), [](char c) {
              return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
            });
  if (!ok)
    return Error{std::string(what) + " '" + shown + "' is not allowed (letters, digits, '.', '_', '-'; no '/' or '..')"};
  return Status::Ok();
}

}  // namespace tally::governance
