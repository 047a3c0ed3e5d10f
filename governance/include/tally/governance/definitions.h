// What governance needs to know about the definitions in a tree before anything compiles:
// each definition's name, version, owner, declarations and text, and each regional
// override's target, region and items. The gate uses this to decide *who* must approve, so
// it works even when a proposed file does not compile. It is the compiler's own reading
// (compiler/outline.h: the parser's partial tree), so governance sees exactly what the
// compiler sees; whether a file compiles, and the version bump it needs, are the compiler's
// answer (versioning.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tally/compiler/outline.h"

namespace tally::governance {

using FileMap = std::map<std::string, std::string>;  // repository path -> content

struct DefinitionIndex {
  std::map<std::string, DefinitionOutline> definitions;
  std::vector<OverrideOutline> overrides;
  std::map<std::string, TableOutline> tables;  // reference tables, by name
  std::vector<std::string> problems;  // e.g. a name defined twice; never fatal here
};

// Outlines every "*.tally" file of `files` under "metrics/".
DefinitionIndex IndexDefinitions(const FileMap& files);

struct SemVer {
  int64_t major = 0, minor = 0, patch = 0;
  auto operator<=>(const SemVer&) const = default;
  std::string ToString() const;
};
std::optional<SemVer> ParseSemVer(const std::string& text);

// The bump a change needs, smallest first.
enum class Bump { kNone, kPatch, kMinor, kMajor };
const char* BumpName(Bump b);
// The bump from `from` to `to` as declared (kNone when equal; nullopt when `to` < `from`).
std::optional<Bump> DeclaredBump(const SemVer& from, const SemVer& to);

}  // namespace tally::governance
