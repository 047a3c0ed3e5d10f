#include "definitions_source.h"

#include <filesystem>

#include "tally/compiler/compiler.h"
#include "tally/governance/history.h"
#include "tally/governance/policy.h"
#include "tally/support/atomic_file.h"

namespace tally::cli {

namespace fs = std::filesystem;

namespace {

std::string RepositoryRoot(const GlobalOptions& global) {
  if (!global.repo.empty()) return global.repo;
  std::error_code ec;
  for (fs::path dir = fs::current_path(ec); !ec && !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / ".git", ec) || fs::is_directory(dir / "metrics", ec)) return dir.string();
    if (dir == dir.parent_path()) break;
  }
  return ".";
}

bool IsGoverned(const std::string& root) {
  std::error_code ec;
  return fs::exists(fs::path(root) / ".git", ec) && fs::exists(fs::path(root) / "governance" / "policy.yaml", ec);
}

}  // namespace

Result<DefinitionsSource> LoadDefinitions(const GlobalOptions& global, const std::string& name,
                                          const std::string& as_of) {
  DefinitionsSource out;
  out.repo = RepositoryRoot(global);
  bool pinned_major = name.find('@') != std::string::npos;
  if (!IsGoverned(out.repo)) {
    if (!as_of.empty()) return Error{"--as-of needs a governed repository; " + out.repo + " is not one (tally init)"};
    auto files = CollectSources({(fs::path(out.repo) / "metrics").string()});
    if (!files) return files.error();
    out.files = std::move(*files);
    return out;
  }
  if (!as_of.empty()) {
    auto resolved = governance::ResolveAsOf(out.repo, as_of);
    if (!resolved) return resolved.error();
    out.commit = resolved->commit;
    out.freeze = resolved->freeze;
  } else if (pinned_major) {
    auto resolved = governance::ResolveMajor(out.repo, name);
    if (!resolved) return resolved.error();
    out.commit = resolved->commit;
  } else {
    auto text = ReadFile((fs::path(out.repo) / "governance" / "policy.yaml").string());
    if (!text) return text.error();
    auto policy = governance::ParsePolicy(*text, "governance/policy.yaml");
    if (!policy) return policy.error();
    auto resolved = governance::ResolveAsOf(out.repo, policy->governed_branch);
    if (!resolved) return resolved.error();
    out.commit = resolved->commit;
  }
  auto files = governance::DefinitionsAt(out.repo, out.commit);
  if (!files) return files.error();
  out.files = std::move(*files);
  std::string plain = name.substr(0, name.find('@'));
  auto provenance = governance::VerifyProvenance({out.repo, out.commit, plain, ""});
  if (provenance) out.approvers = provenance->approvers;
  return out;
}

}  // namespace tally::cli
