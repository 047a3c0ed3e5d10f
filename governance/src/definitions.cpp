#include "tally/governance/definitions.h"

#include <cctype>
#include <cstdio>
#include <memory>

namespace tally::governance {

DefinitionIndex IndexDefinitions(const FileMap& files) {
  DefinitionIndex index;
  for (const auto& [path, text] : files) {
    if (path.rfind("metrics/", 0) != 0 || !path.ends_with(".tally")) continue;
    FileOutline outline = OutlineFile(std::make_shared<const SourceFile>(path, text));
    // Functions share the definitions' namespace (the compiler rejects a clash) and are
    // owned and versioned like them, so the gate reads them from the same index.
    for (auto& f : outline.functions) outline.definitions.push_back(std::move(f));
    for (auto& d : outline.definitions) {
      if (d.name.empty()) continue;
      std::string name = d.name;
      if (!index.definitions.emplace(name, std::move(d)).second)
        index.problems.push_back(path + ": " + name + " is defined twice");
    }
    for (auto& o : outline.overrides) index.overrides.push_back(std::move(o));
    for (auto& t : outline.tables) {
      if (t.name.empty()) continue;
      std::string name = t.name;
      if (index.definitions.count(name) || !index.tables.emplace(name, std::move(t)).second)
        index.problems.push_back(path + ": " + name + " is defined twice");
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
