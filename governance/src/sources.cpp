// The one rule for finding the repository, and the choice of commit a score is computed from.
#include "tally/governance/sources.h"

#include <filesystem>

#include "git.h"
#include "guard.h"
#include "store.h"
#include "workspace.h"
#include "tally/compiler/compiler.h"
#include "tally/governance/history.h"

namespace tally::governance {

namespace fs = std::filesystem;

std::string FindRepository(const std::string& repo_flag, const std::string& cwd) {
  if (!repo_flag.empty()) return repo_flag;
  std::error_code ec;
  fs::path start = fs::absolute(cwd.empty() ? fs::path(".") : fs::path(cwd), ec);
  if (ec) return cwd.empty() ? "." : cwd;
  for (fs::path dir = start; !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / ".git", ec) || fs::is_directory(dir / "metrics", ec)) return dir.string();
    if (dir == dir.parent_path()) break;
  }
  return cwd.empty() ? "." : cwd;
}

static bool IsGovernedUnguarded(const std::string& root) {
  std::error_code ec;
  if (!fs::exists(fs::path(root) / ".git", ec)) return false;
  // git's own refs decide, never a file in the checkout: `tally init` writes the gate log.
  auto repo = git::Repo::Open(root);
  return repo && repo->RefIfExists(store::kLogRef).has_value();
}

bool IsGoverned(const std::string& root) {
  auto governed = Guarded("reading the repository", [&]() -> Result<bool> { return IsGovernedUnguarded(root); });
  return governed && *governed;
}

std::string PolicyPathFor(const std::string& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return "";
  for (const fs::path& candidate : {fs::path(folder) / "governance" / "policy.yaml",
                                    fs::path(folder).parent_path() / "governance" / "policy.yaml"}) {
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
  }
  return "";
}

namespace {

// The governed commit a score uses: pinned by --as-of, by NAME@MAJOR, or the governed tip.
Status ChooseCommit(const std::string& repo, const std::string& name, const std::string& as_of, DefinitionsSource& out) {
  if (!as_of.empty()) {
    ASSIGN_OR_RETURN(ResolvedCommit resolved, ResolveAsOf(repo, as_of));
    out.commit = resolved.commit;
    out.freeze = resolved.freeze;
    return Status::Ok();
  }
  if (name.find('@') != std::string::npos) {
    ASSIGN_OR_RETURN(ResolvedVersion resolved, ResolveMajor(repo, name));
    out.commit = resolved.commit;
    return Status::Ok();
  }
  // The governed branch as the signed gate log names it: the checkout's policy is unapproved.
  ASSIGN_OR_RETURN(Workspace ws, OpenWorkspace(repo));
  out.commit = git::ToHex(ws.governed.tip);
  return Status::Ok();
}

}  // namespace

// A folder whose working tree a governed score must not read: a folder inside a governed
// repository's checkout (its files are unapproved), or a git repository that looks governed
// (a policy in the checkout, or Tally's refs) but whose gate log is gone.
static Status RefuseUnapprovedWorkingTree(const std::string& root) {
  auto repo = git::Repo::Open(root);  // searches upwards, like git
  if (!repo) return Status::Ok();
  if (repo->RefIfExists(store::kLogRef)) {
    const char* workdir = git_repository_workdir(repo->get());
    return Error{root + " is a folder inside the governed repository " + std::string(workdir ? workdir : "") +
                 ": score from the repository (its governed branch), not from its working tree"};
  }
  std::error_code ec;
  if (!fs::exists(fs::path(root) / ".git", ec)) return Status::Ok();
  auto tally_refs = repo->ListRefs("refs/tally/");
  bool has_refs = tally_refs && !tally_refs->empty();
  if (!has_refs && !fs::exists(fs::path(root) / "governance" / "policy.yaml", ec)) return Status::Ok();
  return Error{root + " looks governed (" + (has_refs ? "Tally's refs" : "governance/policy.yaml") +
               ") but git holds no gate log " + store::kLogRef +
               ": refusing to score the unapproved working tree (tally init makes a governed repository)"};
}

// Unguarded: LoadDefinitions below is the entry point.
static Result<DefinitionsSource> LoadDefinitionsUnguarded(const std::string& repo, const std::string& name, const std::string& as_of) {
  DefinitionsSource out;
  out.repo = repo;
  if (!IsGoverned(out.repo)) {
    RETURN_IF_ERROR(RefuseUnapprovedWorkingTree(out.repo));
    if (!as_of.empty()) return Error{"--as-of needs a governed repository; " + out.repo + " is not one (tally init)"};
    ASSIGN_OR_RETURN(out.files, CollectSources({(fs::path(out.repo) / "metrics").string()}));
    return out;
  }
  RETURN_IF_ERROR(ChooseCommit(out.repo, name, as_of, out));
  ASSIGN_OR_RETURN(out.files, DefinitionsAt(out.repo, out.commit));
  std::string plain = name.substr(0, name.find('@'));
  auto provenance = VerifyProvenance({out.repo, out.commit, plain, ""});
  if (provenance) out.approvers = provenance->approvers;
  return out;
}

Result<DefinitionsSource> LoadDefinitions(const std::string& repo, const std::string& name, const std::string& as_of) {
  return Guarded("loading definitions", [&] { return LoadDefinitionsUnguarded(repo, name, as_of); });
}

}  // namespace tally::governance
