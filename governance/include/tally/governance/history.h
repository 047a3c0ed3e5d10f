// Reading the governed history: lineage of a definition, the audit of the whole branch,
// and resolving what definitions were in force at a freeze, a commit, or NAME@MAJOR.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tally/governance/definitions.h"
#include "tally/governance/repository.h"
#include "tally/support/result.h"
#include "tally/support/source_file.h"

namespace tally::governance {

struct LineageOptions : RepoOptions {
  std::string name;  // "customer.health"
};
struct LineageEntry {
  std::string version;
  std::string commit;
  int64_t date = 0;               // Unix seconds of the merge
  std::string cr;                 // "" for the root commit
  std::string proposer;
  std::vector<std::string> approvers;
  std::string change_class;       // "initial", "new", "patch", "minor", "major", "override emea", "removed"
  std::string message;            // the CR's title
};
struct LineageResult : Report {
  std::string name;
  std::string branch_ref;
  std::vector<LineageEntry> entries;  // oldest first; none: ok == false
};
// Reads only commit messages (the gate's trailers), so it stays fast on long histories.
Result<LineageResult> Lineage(const LineageOptions& options);

struct AuditOptions : RepoOptions {
  std::string expect_root;  // optional: the root commit id published when the repository was made
};
struct AuditResult : Report {
  std::string branch_ref;
  std::string root;
  std::vector<std::string> violations;  // "[rule] commit abc: what is wrong"
  std::vector<std::string> notes;
  size_t commits_checked = 0;
  size_t freezes_checked = 0;
};
// Walks the governed branch and the gate log; every violation is reported, naming the rule.
Result<AuditResult> Audit(const AuditOptions& options);

// A governed commit resolved from a freeze name, a commit id (full or abbreviated) or a
// branch/ref name: the commit must be on the governed branch.
struct ResolvedCommit {
  std::string commit;
  std::string freeze;  // the freeze name when resolved through one
};
Result<ResolvedCommit> ResolveAsOf(const std::string& repo, const std::string& freeze_or_commit);

// The definitions (metrics/**.tally, as SourceFiles named by repository path) at a
// governed commit; every path is checked before use.
Result<std::vector<SourceFilePtr>> DefinitionsAt(const std::string& repo, const std::string& commit);

// Writes metrics/ at `commit` below `dest` (which must exist), refusing unsafe paths.
Status MaterializeDefinitions(const std::string& repo, const std::string& commit, const std::string& dest);

// "customer.health@2": the governed commit holding the latest released 2.x.y version.
struct ResolvedVersion {
  std::string name;
  std::string version;
  std::string commit;
};
Result<ResolvedVersion> ResolveMajor(const std::string& repo, const std::string& name_at_major);

// Facts a score file's lineage record states, checked against the governed history:
// the commit is on the governed branch, the definition's content there hashes to
// `content_sha256` (when given: sha256 of the definition's text and its overrides, see
// compiler.h), and the approvals of the merge that released it verify.
struct ProvenanceQuery {
  std::string repo;
  std::string commit;
  std::string definition;
  std::string version;          // optional
};
struct ProvenanceResult : Report {
  ProvenanceQuery query;
  std::vector<std::string> problems;
  std::string cr;
  std::vector<std::string> approvers;
};
Result<ProvenanceResult> VerifyProvenance(const ProvenanceQuery& query);

}  // namespace tally::governance
