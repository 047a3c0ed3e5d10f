// tally lineage, and the resolutions built on it (--as-of, NAME@MAJOR).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "audit_log.h"
#include "freeze_check.h"
#include "gate.h"
#include "guard.h"
#include "tally/compiler/compiler.h"
#include "tally/governance/history.h"
#include "tally/governance/paths.h"
#include "tally/support/json.h"
#include "workspace.h"

namespace tally::governance {

namespace {

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// The entries for `name` from one governed commit's message.
void EntriesOf(const std::string& name, const std::string& commit, int64_t time, const std::string& message,
               std::string& current_version, std::vector<LineageEntry>& out) {
  auto trailers = store::Trailers(message);
  LineageEntry base;
  base.commit = commit;
  base.date = time;
  std::vector<std::string> approvers;
  for (auto& [k, v] : trailers) {
    if (k == "Tally-CR") base.cr = v;
    else if (k == "Tally-Proposer") base.proposer = v;
    else if (k == "Tally-Approved-By") base.approvers.push_back(Words(v).empty() ? v : Words(v)[0]);
  }
  std::string title = store::Title(message);
  if (!base.cr.empty() && title.rfind("Merge " + base.cr + ": ", 0) == 0) title = title.substr(base.cr.size() + 8);
  base.message = title;
  for (auto& [k, v] : trailers) {
    auto w = Words(v);
    if (w.empty() || w[0] != name) continue;
    LineageEntry e = base;
    if (k == "Tally-Definition" && w.size() >= 2) {
      e.version = w[1];
      e.change_class = "initial";
    } else if (k == "Tally-Change" && w.size() >= 4) {
      e.version = w[3];
      for (const auto& part : w)
        if (part.rfind("class=", 0) == 0) e.change_class = part.substr(6);
      if (e.version == "removed") e.change_class = "removed";
    } else if (k == "Tally-Override" && w.size() >= 2) {
      e.version = current_version;
      e.change_class = "override " + w[1];
    } else {
      continue;
    }
    if (e.change_class != "removed") current_version = e.version;
    out.push_back(std::move(e));
  }
}

}  // namespace

// Unguarded: Lineage below is the entry point.
static Result<LineageResult> LineageUnguarded(const LineageOptions& opt) {
  auto ws = OpenWorkspace(opt.repo);
  if (!ws) return ws.error();
  // Walk newest to oldest collecting only what is needed, then replay oldest first.
  struct Item {
    std::string commit;
    int64_t time;
    std::string message;
  };
  std::vector<Item> items;
  git_oid at = ws->governed.tip;
  while (true) {
    auto c = ws->repo.Commit(at);
    if (!c) return c.error();
    std::string message = git::CommitMessage(c->get());
    // Only commits that mention the name can hold its entries.
    if (message.find(opt.name) != std::string::npos) items.push_back({git::ToHex(at), git::CommitTime(c->get()), message});
    if (git_commit_parentcount(c->get()) == 0) break;
    at = *git_commit_parent_id(c->get(), 0);
  }
  LineageResult r;
  r.name = opt.name;
  r.branch_ref = ws->governed.branch_ref;
  std::string current;
  for (auto it = items.rbegin(); it != items.rend(); ++it) EntriesOf(opt.name, it->commit, it->time, it->message, current, r.entries);

  r.ok = !r.entries.empty();
  return r;
}

Result<LineageResult> Lineage(const LineageOptions& opt) {
  return Guarded("tally lineage", [&] { return LineageUnguarded(opt); });
}

// A freeze resolves only when the gate made it: the last gate-log entry for `name` holds,
// and the tag is the signed one it recorded (a plain `git tag freeze/NAME` is not a freeze).
static Status CheckFreezeIsLogged(const Workspace& ws, const std::string& name) {
  ASSIGN_OR_RETURN(auto log, store::LoadLog(ws.repo));
  const store::LogEntry* logged = nullptr;
  for (const auto& e : log)
    if (e.kind == "freeze" && e.fields.count("Tally-Freeze") && e.fields.at("Tally-Freeze") == name) logged = &e;
  std::string tag = store::kFreezePrefix + name;
  if (!logged) return Error{"freeze " + name + ": " + tag + " was not made by tally freeze (it is not in the gate log)"};
  auto problems = FreezeProblems(ws.repo, *logged);
  if (!problems.empty()) return Error{"freeze " + name + ": " + tag + " is not the freeze the gate logged: " + problems.front()};
  return Status::Ok();
}

// Unguarded: ResolveAsOf below is the entry point.
static Result<ResolvedCommit> ResolveAsOfUnguarded(const std::string& repo_dir, const std::string& spec) {
  auto ws = OpenWorkspace(repo_dir);
  if (!ws) return ws.error();
  ResolvedCommit out;
  std::optional<git_oid> target;
  if (CheckRefComponent(spec, "freeze").ok()) {
    if (auto tag = ws->repo.RefIfExists("refs/tags/freeze/" + spec)) {
      git_object* obj = nullptr;
      if (git_object_lookup(&obj, ws->repo.get(), &*tag, GIT_OBJECT_ANY) != 0) return git::LastError("reading freeze " + spec);
      git_object* peeled = nullptr;
      int rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
      git_object_free(obj);
      if (rc != 0) return git::LastError("reading freeze " + spec);
      target = *git_object_id(peeled);
      git_object_free(peeled);
      out.freeze = spec;
      RETURN_IF_ERROR(CheckFreezeIsLogged(*ws, spec));
    }
  }
  // The governed branch itself ("main" or "refs/heads/main") means its tip.
  if (!target && (spec == ws->governed.branch_ref || "refs/heads/" + spec == ws->governed.branch_ref)) {
    target = ws->governed.tip;
  }
  if (!target) {
    bool hex = spec.size() >= 4 && spec.size() <= 40 &&
               spec.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (!hex) return NotFoundError("'" + ValidUtf8(spec.substr(0, 80)) + "' is neither a freeze nor a commit id");
    git_object* obj = nullptr;
    if (git_revparse_single(&obj, ws->repo.get(), spec.c_str()) != 0) return NotFoundError("no commit or freeze named '" + spec + "'");
    git_object* peeled = nullptr;
    int rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
    git_object_free(obj);
    if (rc != 0) return Error{"'" + spec + "' is not a commit"};
    target = *git_object_id(peeled);
    git_object_free(peeled);
  }
  // Only governed states count: a CR's own commits are reachable but were never in force.
  auto chain = store::FirstParentChain(ws->repo, ws->governed.tip);
  if (!chain) return chain.error();
  for (const auto& id : *chain)
    if (git_oid_equal(&id, &*target)) {
      out.commit = git::ToHex(id);
      return out;
    }
  return Error{"'" + spec + "' (" + git::ToHex(*target).substr(0, 12) + ") is not on the governed branch " + ws->governed.branch_ref};
}

Result<ResolvedCommit> ResolveAsOf(const std::string& repo_dir, const std::string& spec) {
  return Guarded("resolving --as-of", [&] { return ResolveAsOfUnguarded(repo_dir, spec); });
}

// Unguarded: DefinitionsAt below is the entry point.
// Every file of the tree of `commit` (a full hex id) in the repository at `repo_dir`.
static Result<FileMap> FilesAtCommit(const std::string& repo_dir, const std::string& commit) {
  ASSIGN_OR_RETURN(auto repo, git::Repo::Open(repo_dir));
  auto id = git::FromHex(commit);
  if (!id) return Error{"'" + commit + "' is not a full commit id"};
  return FilesAt(repo, *id);
}

static Result<std::vector<SourceFilePtr>> DefinitionsAtUnguarded(const std::string& repo_dir, const std::string& commit) {
  ASSIGN_OR_RETURN(FileMap files, FilesAtCommit(repo_dir, commit));
  std::vector<SourceFilePtr> out;
  for (auto& [path, text] : files) {
    // Definitions and the CSV files of reference tables (Compile tells them apart).
    if (path.rfind("metrics/", 0) != 0 || !(path.ends_with(".tally") || IsDataFile(path))) continue;
    if (Status st = CheckRepoPath(path); !st.ok()) return Error{st.message()};
    out.push_back(std::make_shared<const SourceFile>(path, text));
  }
  return out;
}

Result<std::vector<SourceFilePtr>> DefinitionsAt(const std::string& repo_dir, const std::string& commit) {
  return Guarded("reading definitions", [&] { return DefinitionsAtUnguarded(repo_dir, commit); });
}

// Unguarded: MaterializeDefinitions below is the entry point.
static Status MaterializeDefinitionsUnguarded(const std::string& repo_dir, const std::string& commit, const std::string& dest) {
  namespace fs = std::filesystem;
  ASSIGN_OR_RETURN(FileMap files, FilesAtCommit(repo_dir, commit));
  for (auto& [path, text] : files) {
    if (path.rfind("metrics/", 0) != 0) continue;
    if (Status st = CheckRepoPath(path); !st.ok()) return st;
    fs::path target = fs::path(dest) / path;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) return Error{target.parent_path().string() + ": " + ec.message()};
    // O_NOFOLLOW | O_EXCL: never write through a link or over something already there.
    int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) return Error{target.string() + ": cannot create"};
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ok = ::close(fd) == 0 && ok;
    if (!ok) return Error{target.string() + ": write failed"};
  }
  return Status::Ok();
}

Status MaterializeDefinitions(const std::string& repo_dir, const std::string& commit, const std::string& dest) {
  return Guarded("writing definitions", [&] { return MaterializeDefinitionsUnguarded(repo_dir, commit, dest); });
}

// Unguarded: ResolveMajor below is the entry point.
static Result<ResolvedVersion> ResolveMajorUnguarded(const std::string& repo_dir, const std::string& spec) {
  size_t at = spec.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 >= spec.size() ||
      spec.find_first_not_of("0123456789", at + 1) != std::string::npos || spec.size() - at > 10)
    return Error{"'" + spec.substr(0, 80) + "' is not NAME@MAJOR"};
  std::string name = spec.substr(0, at);
  int64_t major = std::stoll(spec.substr(at + 1));
  LineageOptions opt;
  opt.repo = repo_dir;
  opt.name = name;
  auto lineage = Lineage(opt);
  if (!lineage) return lineage.error();
  // The newest commit that released (or re-overrode) that major and still holds the
  // definition: a commit removing it may also carry entries (its overrides going with it),
  // and a deleted definition's released majors stay runnable from before the removal.
  std::set<std::string> removals;
  for (const auto& e : lineage->entries)
    if (e.change_class == "removed") removals.insert(e.commit);
  for (auto it = lineage->entries.rbegin(); it != lineage->entries.rend(); ++it) {
    auto v = ParseSemVer(it->version);
    if (v && v->major == major && !removals.count(it->commit)) return ResolvedVersion{name, it->version, it->commit};
  }
  return Error{"no released version " + std::to_string(major) + ".x.y of " + name + " on the governed branch"};
}

Result<ResolvedVersion> ResolveMajor(const std::string& repo_dir, const std::string& spec) {
  return Guarded("resolving NAME@MAJOR", [&] { return ResolveMajorUnguarded(repo_dir, spec); });
}

}  // namespace tally::governance
