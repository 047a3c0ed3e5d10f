// What governance needs to know about the definitions in a tree before anything compiles:
// each definition's name, version, owner and text, and each regional override's target and
// region. The gate uses this to decide *who* must approve, so it works even when a proposed
// file does not compile; whether it compiles, and the version bump it needs, are the
// compiler's answer (versioning.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tally::governance {

using FileMap = std::map<std::string, std::string>;  // repository path -> content

struct DefinitionHeader {
  std::string name;     // "customer.health"
  std::string kind;     // "score" or "metric"
  std::string version;  // as written, "" when missing
  std::string owner;    // as written, "" when missing
  std::string file;     // repository path
  std::string text;     // the definition's own text, from its keyword to its closing brace
};

struct OverrideHeader {
  std::string target;  // the definition it overrides
  std::string region;
  std::string file;
  std::string text;
};

struct DefinitionIndex {
  std::map<std::string, DefinitionHeader> definitions;
  std::vector<OverrideHeader> overrides;
  std::vector<std::string> problems;  // e.g. a name defined twice; never fatal here
};

// Scans every "*.tally" file of `files` under "metrics/".
DefinitionIndex ScanDefinitions(const FileMap& files);

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
