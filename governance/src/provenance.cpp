// The governance half of `tally trace`: is the commit a score file names a governed state,
// does it hold the definition at the stated version, and was that version released by a
// valid gate merge? (Content hashes and recomputation are the runtime's half.)
#include "gate.h"
#include "guard.h"
#include "tally/governance/history.h"
#include "workspace.h"

namespace tally::governance {

// Unguarded: VerifyProvenance below is the entry point.
static Result<ProvenanceResult> VerifyProvenanceUnguarded(const ProvenanceQuery& q) {
  ProvenanceResult r;
  auto finish = [&]() {
    r.ok = r.problems.empty();
    r.query = q;
    return r;
  };
  auto resolved = ResolveAsOf(q.repo, q.commit);
  if (!resolved) {
    r.problems.push_back("[commit] " + resolved.error().message);
    return finish();
  }
  auto ws = OpenWorkspace(q.repo);
  if (!ws) return ws.error();
  auto id = git::FromHex(resolved->commit);
  auto files = FilesAt(ws->repo, *id);
  if (!files) return files.error();
  DefinitionIndex index = IndexDefinitions(*files);
  auto def = index.definitions.find(q.definition);
  if (def == index.definitions.end()) {
    r.problems.push_back("[definition] " + q.definition + " does not exist at " + resolved->commit.substr(0, 12));
    return finish();
  }
  std::string version = q.version.empty() ? def->second.version : q.version;
  if (def->second.version != version)
    r.problems.push_back("[version] " + q.definition + " is " + def->second.version + " at " + resolved->commit.substr(0, 12) +
                         ", not " + version);

  // The merge that released this version: the first lineage entry with it.
  LineageOptions lo;
  lo.repo = q.repo;
  lo.name = q.definition;
  auto lineage = Lineage(lo);
  if (!lineage) return lineage.error();
  const LineageEntry* release = nullptr;
  for (const auto& e : lineage->entries)
    if (e.version == version && e.change_class != "removed" && e.change_class.rfind("override", 0) != 0) {
      release = &e;
      break;
    }
  if (!release) {
    r.problems.push_back("[lineage] no governed release of " + q.definition + " " + version);
    return finish();
  }
  r.cr = release->cr;
  r.approvers = release->approvers;
  if (!release->cr.empty()) {
    auto rid = git::FromHex(release->commit);
    auto c = ws->repo.Commit(*rid);
    if (!c) return c.error();
    if (git_commit_parentcount(c->get()) == 0) {
      r.problems.push_back("[lineage] the release commit has no parent");
    } else {
      auto problems = VerifyMerge(ws->repo, *rid, *git_commit_parent_id(c->get(), 0));
      if (!problems) return problems.error();
      for (auto& p : *problems) r.problems.push_back(p);
    }
  }
  // Every governed commit from the release to the named one must be a valid merge too:
  // otherwise the definition could have been altered in between without a trace here.
  auto chain = store::FirstParentChain(ws->repo, *id);
  if (!chain) return chain.error();
  for (size_t i = 0; i + 1 < chain->size(); ++i) {
    if (git::ToHex((*chain)[i]) == release->commit) break;
    auto problems = VerifyMerge(ws->repo, (*chain)[i], (*chain)[i + 1]);
    if (!problems) return problems.error();
    for (auto& p : *problems) r.problems.push_back(p);
  }
  return finish();
}

Result<ProvenanceResult> VerifyProvenance(const ProvenanceQuery& q) {
  return Guarded("verifying provenance", [&] { return VerifyProvenanceUnguarded(q); });
}

}  // namespace tally::governance
