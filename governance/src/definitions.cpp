#include "tally/governance/definitions.h"

#include <cctype>
#include <cstdio>

namespace tally::governance {

namespace {

// The text with comments and string contents blanked (same length, so offsets still match
// the original): keywords inside strings or comments are never mistaken for structure.
std::string Blank(const std::string& text, std::vector<std::pair<size_t, size_t>>* strings) {
  std::string out = text;
  size_t i = 0;
  while (i < out.size()) {
    if (out[i] == '/' && i + 1 < out.size() && out[i + 1] == '/') {
      while (i < out.size() && out[i] != '\n') out[i++] = ' ';
    } else if (out[i] == '"') {
      size_t start = ++i;
      while (i < out.size() && out[i] != '"' && out[i] != '\n') {
        if (out[i] == '\\' && i + 1 < out.size()) out[i++] = ' ';
        out[i++] = ' ';
      }
      if (strings) strings->push_back({start, i});
      if (i < out.size()) ++i;
    } else {
      ++i;
    }
  }
  return out;
}

bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

struct Cursor {
  const std::string& s;
  size_t i = 0;
  void SkipSpace() {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  }
  std::string Word() {
    SkipSpace();
    size_t start = i;
    while (i < s.size() && IsIdentChar(s[i])) ++i;
    return s.substr(start, i - start);
  }
};

// Offset of the brace matching the one at `open`, or npos.
size_t MatchingBrace(const std::string& blanked, size_t open) {
  int depth = 0;
  for (size_t i = open; i < blanked.size(); ++i) {
    if (blanked[i] == '{') ++depth;
    if (blanked[i] == '}' && --depth == 0) return i;
  }
  return std::string::npos;
}

// `version X` / `owner Y` at the top level of a block.
std::string Meta(const std::string& blanked, size_t open, size_t close, const std::string& key) {
  int depth = 0;
  for (size_t i = open + 1; i < close; ++i) {
    char c = blanked[i];
    if (c == '{') ++depth;
    if (c == '}') --depth;
    if (depth != 0 || blanked.compare(i, key.size(), key) != 0) continue;
    if (i > 0 && IsIdentChar(blanked[i - 1])) continue;
    size_t after = i + key.size();
    if (after >= close || !std::isspace(static_cast<unsigned char>(blanked[after]))) continue;
    Cursor cur{blanked, after};
    return cur.Word();
  }
  return "";
}

}  // namespace

DefinitionIndex ScanDefinitions(const FileMap& files) {
  DefinitionIndex index;
  for (const auto& [path, text] : files) {
    if (path.rfind("metrics/", 0) != 0 || !path.ends_with(".tally")) continue;
    std::vector<std::pair<size_t, size_t>> strings;
    std::string blanked = Blank(text, &strings);
    Cursor cur{blanked, 0};
    while (true) {
      cur.SkipSpace();
      if (cur.i >= blanked.size()) break;
      size_t start = cur.i;
      std::string word = cur.Word();
      if (word.empty()) {
        ++cur.i;
        continue;
      }
      if (word == "score" || word == "metric" || word == "override") {
        std::string name = cur.Word();
        std::string region;
        if (word == "override") {
          if (cur.Word() != "for" || cur.Word() != "region") continue;
          cur.SkipSpace();
          if (cur.i < blanked.size() && blanked[cur.i] == '"') {
            for (const auto& [b, e] : strings)
              if (b == cur.i + 1) region = text.substr(b, e - b);
            cur.i = blanked.find('"', cur.i + 1) + 1;
          }
        }
        cur.SkipSpace();
        if (cur.i >= blanked.size() || blanked[cur.i] != '{' || name.empty()) continue;
        size_t close = MatchingBrace(blanked, cur.i);
        if (close == std::string::npos) {
          index.problems.push_back(path + ": unbalanced braces in " + name);
          break;
        }
        std::string block = text.substr(start, close + 1 - start);
        if (word == "override") {
          index.overrides.push_back({name, region, path, block});
        } else {
          DefinitionHeader d{name, word, Meta(blanked, cur.i, close, "version"),
                             Meta(blanked, cur.i, close, "owner"), path, block};
          if (!index.definitions.emplace(name, d).second)
            index.problems.push_back(path + ": " + name + " is defined twice");
        }
        cur.i = close + 1;
      }
    }
  }
  return index;
}

std::string SemVer::ToString() const {
  char buf[80];
  std::snprintf(buf, sizeof buf, "%lld.%lld.%lld", static_cast<long long>(major), static_cast<long long>(minor),
                static_cast<long long>(patch));
  return buf;
}

std::optional<SemVer> ParseSemVer(const std::string& text) {
  SemVer v;
  int64_t* parts[3] = {&v.major, &v.minor, &v.patch};
  size_t i = 0;
  for (int p = 0; p < 3; ++p) {
    if (p > 0) {
      if (i >= text.size() || text[i] != '.') return std::nullopt;
      ++i;
    }
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (i - start >= 9) return std::nullopt;
      *parts[p] = *parts[p] * 10 + (text[i] - '0');
      ++i;
    }
    if (i == start) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  return v;
}

const char* BumpName(Bump b) {
  switch (b) {
    case Bump::kNone: return "none";
    case Bump::kPatch: return "patch";
    case Bump::kMinor: return "minor";
    case Bump::kMajor: return "major";
  }
  return "?";
}

std::optional<Bump> DeclaredBump(const SemVer& from, const SemVer& to) {
  if (to < from) return std::nullopt;
  if (to == from) return Bump::kNone;
  if (to.major != from.major) return Bump::kMajor;
  if (to.minor != from.minor) return Bump::kMinor;
  return Bump::kPatch;
}

}  // namespace tally::governance
