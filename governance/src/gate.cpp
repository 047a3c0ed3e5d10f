#include "gate.h"
#include "gate_tables.h"

#include <algorithm>
#include <map>
#include <set>

#include "function_impact.h"
#include "tally/governance/evidence.h"
#include "repository_id.h"
#include "tally/governance/paths.h"

namespace tally::governance {

namespace {

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

// Whether `definition` declares `param NAME = ... regional`.
bool IsRegionalParam(const DefinitionOutline& definition, const std::string& name) {
  for (const auto& p : definition.params)
    if (p.name == name) return p.regional;
  return false;
}

Bump ParseBump(const std::string& name) {
  if (name == "patch") return Bump::kPatch;
  if (name == "minor") return Bump::kMinor;
  if (name == "major") return Bump::kMajor;
  return Bump::kNone;
}

}  // namespace

Result<FileMap> FilesAt(const git::Repo& repo, const git_oid& commit) {
  auto c = repo.Commit(commit);
  if (!c) return c.error();
  auto tree = repo.Tree(*git_commit_tree_id(c->get()));
  if (!tree) return tree.error();
  return repo.ReadFiles(tree->get(), "");
}

Result<int64_t> EarliestNextRecord(const git::Repo& repo, const std::vector<git_oid>& follows) {
  int64_t earliest = 0;
  for (const auto& id : follows) {
    auto c = repo.Commit(id);
    if (!c) return c.error();
    earliest = std::max(earliest, git::CommitTime(c->get()));
  }
  if (auto log_tip = repo.RefIfExists(store::kLogRef)) {
    auto entry = repo.Commit(*log_tip);
    if (!entry) return entry.error();
    earliest = std::max(earliest, git::CommitTime(entry->get()));
  }
  return earliest;
}

GateInput GateInputFor(const git::Repo& repo, const store::ChangeRequest& cr, int64_t now) {
  GateInput in;
  in.cr_id = cr.id;
  in.base = cr.base;
  in.head = cr.head;
  in.revisions = cr.revisions;
  in.cr_message = cr.message;
  in.approvals = repo.RefIfExists(store::kApprovalPrefix + std::to_string(cr.number));
  in.now = now;
  return in;
}

Result<GateVerdict> EvaluateGate(const git::Repo& repo, const GateInput& in) {
  GateVerdict v;
  auto policy = store::PolicyAt(repo, in.base);
  if (!policy) {
    v.reasons.push_back("the policy on the governed branch cannot be read: " + policy.error().message);
    return v;
  }
  v.policy = *policy;
  const Policy& P = v.policy;
  auto head_commit = repo.Commit(in.head);
  if (!head_commit) return head_commit.error();
  const std::string head_message = git::CommitMessage(head_commit->get());

  // 1. Every revision is signed by a person in the policy and bound to this CR.
  for (auto it = in.revisions.rbegin(); it != in.revisions.rend(); ++it) {
    std::string short_id = git::ToHex(*it).substr(0, 12);
    store::CommitSigner s = store::VerifyCommit(repo, *it);
    if (!s.signed_) {
      v.reasons.push_back("[signature] revision " + short_id + " of " + in.cr_id + " is not signed");
    } else if (!s.key) {
      v.reasons.push_back("[signature] revision " + short_id + " of " + in.cr_id + " has an invalid signature: " + s.problem);
    } else if (const Person* p = P.PersonWithKey(*s.key)) {
      if (std::find(v.authors.begin(), v.authors.end(), p->name) == v.authors.end()) v.authors.push_back(p->name);
    } else {
      v.reasons.push_back("[identity] revision " + short_id + " of " + in.cr_id + " is signed by a key the policy does not know (" +
                          s.key->Fingerprint() + ")");
    }
    auto c = repo.Commit(*it);
    if (!c) return c.error();
    auto bound = store::Trailer(git::CommitMessage(c->get()), "Tally-CR");
    if (!bound || *bound != in.cr_id)
      v.reasons.push_back("[binding] revision " + short_id + " does not belong to " + in.cr_id);
  }
  if (!v.authors.empty()) v.proposer = v.authors.front();

  // 2. What changed.
  auto base_files = FilesAt(repo, in.base);
  if (!base_files) return base_files.error();
  auto head_files = FilesAt(repo, in.head);
  if (!head_files) return head_files.error();
  std::set<std::string> paths;
  for (auto& [p, c] : *base_files) {
    auto n = head_files->find(p);
    if (n == head_files->end() || n->second != c) paths.insert(p);
  }
  for (auto& [p, c] : *head_files)
    if (!base_files->count(p)) paths.insert(p);
  v.changed_paths.assign(paths.begin(), paths.end());
  if (paths.empty()) v.reasons.push_back("[empty] " + in.cr_id + " changes nothing");
  for (const auto& p : paths)
    if (Status st = CheckRepoPath(p); !st.ok()) v.reasons.push_back("[path] " + st.message());

  // 3. Approvals: valid signature, a key in the policy, over exactly this content.
  std::map<std::string, GateVerdict::Approver> valid;
  if (in.approvals) {
    auto records = store::LoadApprovals(repo, *in.approvals);
    if (!records) return records.error();
    auto tree_id = *git_commit_tree_id(head_commit->get());
    // Approvals name the repository they were made in: twins made from the same files at the
    // same second share every other field, so without it an approval would replay.
    auto repository_id = RepositoryIdAt(repo, in.base);
    if (!repository_id) v.reasons.push_back("[approval] " + repository_id.error().message);
    std::string here = repository_id ? *repository_id : std::string();
    std::string expected = store::ApprovalPayload(here, in.cr_id, in.base, in.head, tree_id);
    for (const auto& rec : *records) {
      std::string short_id = git::ToHex(rec.commit).substr(0, 12);
      if (rec.payload.empty() || rec.signature.empty()) {
        v.reasons.push_back("[approval] approval " + short_id + " is malformed");
        continue;
      }
      auto key = VerifySignature(rec.signature, kApprovalNamespace, rec.payload);
      if (!key) {
        v.reasons.push_back("[approval] approval " + short_id + " (claims to be '" + rec.claimed_author +
                            "') has an invalid signature: " + key.error().message);
        continue;
      }
      const Person* person = P.PersonWithKey(*key);
      if (!person) {
        v.reasons.push_back("[identity] approval " + short_id + " claims to be '" + rec.claimed_author +
                            "' but is signed by a key the policy does not know (" + key->Fingerprint() + ")");
        continue;
      }
      auto named = store::ApprovalRepository(rec.payload);
      if (!named) {
        v.reasons.push_back("[approval] approval " + short_id + " by " + person->name +
                            " names no repository (not a 'tally approval v2' payload); it must be approved again");
        continue;
      }
      if (repository_id && *named != here) {
        v.reasons.push_back("[approval] approval " + short_id + " by " + person->name + " was made in another repository (" +
                            (IsRepositoryId(*named) ? *named : std::string("a malformed identity")) + "), not this one (" + here +
                            "): an approval never carries over between repositories");
        continue;
      }
      if (rec.payload != expected) {
        v.notes.push_back("stale approval by " + person->name + " (" + short_id +
                          "): it approved other content (an earlier revision, base or CR); not counted");
        continue;
      }
      if (!P.self_approval && std::find(v.authors.begin(), v.authors.end(), person->name) != v.authors.end()) {
        v.reasons.push_back("[self-approval] " + person->name + " is an author of " + in.cr_id +
                            " and cannot approve it (self_approval: false)");
        continue;
      }
      if (!valid.count(person->name))
        valid[person->name] = {person->name, key->Fingerprint(), git::ToHex(rec.commit)};
    }
  }
  for (auto& [name, a] : valid) v.approvers.push_back(a);

  // 4. Which councils must approve, and version rules per definition.
  std::map<std::string, std::vector<std::string>> need;  // council -> what it approves
  auto require = [&](const std::string& council, const std::string& what) {
    if (!P.FindCouncil(council)) {
      v.reasons.push_back("[owner] " + what + " is owned by '" + council + "', which is not a council in the policy");
      return;
    }
    need[council].push_back(what);
  };
  DefinitionIndex old_index = IndexDefinitions(*base_files), new_index = IndexDefinitions(*head_files);
  BehaviourOracle oracle;
  if (in.check_evidence) {
    oracle = MakeEvidenceOracle(*base_files, *head_files);
    for (const auto& problem : CompileProblems(*head_files)) v.reasons.push_back("[compile] " + problem);
  }
  for (const auto& problem : new_index.problems) v.reasons.push_back("[definition] " + problem);
  std::set<std::string> covered;  // paths whose change is accounted for

  std::set<std::string> names;
  for (auto& [n, d] : old_index.definitions) names.insert(n);
  for (auto& [n, d] : new_index.definitions) names.insert(n);
  for (const auto& name : names) {
    auto o = old_index.definitions.find(name);
    auto n = new_index.definitions.find(name);
    const DefinitionOutline* od = o == old_index.definitions.end() ? nullptr : &o->second;
    const DefinitionOutline* nd = n == new_index.definitions.end() ? nullptr : &n->second;
    if (od && nd && od->text == nd->text && od->file == nd->file) continue;
    if (od) covered.insert(od->file);
    if (nd) covered.insert(nd->file);
    if (od) require(od->owner, name);
    if (nd && (!od || nd->owner != od->owner)) require(nd->owner, name + (od ? " (new owner)" : ""));

    DefinitionChange ch;
    ch.name = name;
    ch.from_version = od ? od->version : "";
    ch.to_version = nd ? nd->version : "";
    if (!nd) {
      ch.declared = ch.required = "removed";
    } else if (!od) {
      ch.declared = ch.required = "new";
      if (!ParseSemVer(nd->version)) v.reasons.push_back("[version] " + name + ": version '" + nd->version + "' is not MAJOR.MINOR.PATCH");
    } else {
      auto ov = ParseSemVer(od->version), nv = ParseSemVer(nd->version);
      VersionVerdict verdict = in.check_evidence ? RequiredBump(*od, *nd, oracle) : VersionVerdict{};
      ch.required = BumpName(verdict.required);
      ch.why = verdict.reasons;
      if (!nv) {
        v.reasons.push_back("[version] " + name + ": version '" + nd->version + "' is not MAJOR.MINOR.PATCH");
      } else if (ov) {
        auto declared = DeclaredBump(*ov, *nv);
        if (!declared) {
          v.reasons.push_back("[version] " + name + ": version goes down (" + od->version + " -> " + nd->version + ")");
        } else if (*declared == Bump::kNone) {
          if (od->text != nd->text)
            v.reasons.push_back("[released] " + name + " " + od->version +
                                " is a released version and cannot change in place; declare a new version (this change needs " +
                                BumpName(verdict.required) + ")");
          ch.declared = "none";
        } else {
          ch.declared = BumpName(*declared);
          if (in.check_evidence && *declared < verdict.required)
            v.reasons.push_back("[version] " + name + ": declared a " + BumpName(*declared) + " bump (" + od->version +
                                " -> " + nd->version + ") but the change needs " + BumpName(verdict.required) + ": " +
                                Join(verdict.reasons, "; "));
        }
      }
    }
    v.changes.push_back(std::move(ch));
  }

  // Definitions whose computation changes because a function they call does: the same
  // version rules as an edit, and their owner approves (function_impact.h).
  if (in.check_evidence) {
    for (const CallerImpact& impact : FunctionImpacts(old_index, new_index, oracle)) {
      const DefinitionOutline& od = old_index.definitions.at(impact.caller);
      const DefinitionOutline& nd = new_index.definitions.at(impact.caller);
      std::string via = Join(impact.functions, ", ");
      std::string line = impact.caller + " " + od.version + " -> " + nd.version + ": needs " + BumpName(impact.required);
      for (auto& ch : v.changes) {
        if (std::find(impact.functions.begin(), impact.functions.end(), ch.name) == impact.functions.end()) continue;
        ch.impacts.push_back(line);
        for (const auto& why : impact.why) ch.impacts.push_back("  " + why);
      }
      if (impact.required == Bump::kNone) continue;
      require(nd.owner, impact.caller + " (calls " + via + ")");
      auto ov = ParseSemVer(od.version), nv = ParseSemVer(nd.version);
      std::optional<Bump> declared = ov && nv ? DeclaredBump(*ov, *nv) : std::nullopt;
      auto change = std::find_if(v.changes.begin(), v.changes.end(), [&](const auto& c) { return c.name == impact.caller; });
      if (change == v.changes.end()) {
        v.reasons.push_back("[released] " + impact.caller + " " + od.version + " calls " + via +
                            ", whose change alters what it computes; declare a new version of " + impact.caller +
                            " (this change needs " + BumpName(impact.required) + "): " + Join(impact.why, "; "));
        continue;
      }
      auto required = std::max(impact.required, ParseBump(change->required));
      change->required = BumpName(required);
      for (const auto& why : impact.why) change->why.push_back("through " + via + ": " + why);
      if (declared && *declared < impact.required && *declared != Bump::kNone)
        v.reasons.push_back("[version] " + impact.caller + ": declared a " + BumpName(*declared) + " bump (" + od.version +
                            " -> " + nd.version + ") but it calls " + via + ", whose change needs " +
                            BumpName(impact.required) + ": " + Join(impact.why, "; "));
    }
  }
  // Reference tables and their CSV files: the table's owner (gate_tables.h).
  GateTables(*base_files, *head_files, old_index, new_index, require, covered, v);

  // Regional overrides: approved by the region's council; only `regional` params.
  auto override_key = [](const OverrideOutline& o) { return o.target + "\n" + o.region + "\n" + o.file; };
  std::map<std::string, const OverrideOutline*> old_overrides, new_overrides;
  for (const auto& o : old_index.overrides) old_overrides[override_key(o)] = &o;
  for (const auto& o : new_index.overrides) new_overrides[override_key(o)] = &o;
  std::set<std::string> keys;
  for (auto& [k, o] : old_overrides) keys.insert(k);
  for (auto& [k, o] : new_overrides) keys.insert(k);
  std::set<std::string> override_files_by_region_council;  // "council\npath"
  for (const auto& k : keys) {
    const OverrideOutline* o = old_overrides.count(k) ? old_overrides[k] : nullptr;
    const OverrideOutline* n = new_overrides.count(k) ? new_overrides[k] : nullptr;
    const OverrideOutline* any = n ? n : o;
    auto region_council = P.regions.find(any->region);
    std::string council;
    if (region_council != P.regions.end()) {
      council = region_council->second;
    } else {
      auto target = old_index.definitions.count(any->target) ? &old_index.definitions.at(any->target)
                    : new_index.definitions.count(any->target) ? &new_index.definitions.at(any->target)
                                                                : nullptr;
      council = target ? target->owner : P.policy_council;
    }
    override_files_by_region_council.insert(council + "\n" + any->file);
    if (o && n && o->text == n->text) continue;
    covered.insert(any->file);
    require(council, "the override of " + any->target + " for region \"" + any->region + "\"");
    if (n) {
      auto target = new_index.definitions.find(n->target);
      for (const auto& item : n->items) {
        const std::string& param = item.name;
        if (target == new_index.definitions.end() || !IsRegionalParam(target->second, param))
          v.reasons.push_back("[regional] the override of " + n->target + " for region \"" + n->region + "\" sets '" + param +
                              "', which is not a regional param of " + n->target + "; only the owner may change it");
      }
    }
    DefinitionChange ch;
    ch.name = any->target;
    ch.region = any->region;
    ch.declared = ch.required = "override";
    v.changes.push_back(std::move(ch));
  }

  // The policy itself.
  const std::string policy_path(kPolicyPath);
  if (paths.count(policy_path)) {
    covered.insert(policy_path);
    require(P.policy_council, "the policy");
    auto text = head_files->find(policy_path);
    if (text == head_files->end()) {
      v.reasons.push_back("[policy] the CR deletes " + policy_path);
    } else {
      auto next = ParsePolicy(text->second, policy_path);
      if (!next) {
        v.reasons.push_back("[policy] the proposed policy is invalid:\n" + next.error().message);
      } else {
        v.policy_versions = {P.version, next->version};
        if (next->version <= P.version)
          v.reasons.push_back("[policy] the policy version must go up: the governed policy is version " +
                              std::to_string(P.version) + ", the CR's is " + std::to_string(next->version) +
                              (next->version < P.version ? " (rolling the policy back is not allowed)" : ""));
        if (next->governed_branch != P.governed_branch)
          v.reasons.push_back("[policy] the governed branch cannot be renamed by a change request");
      }
    }
  }

  // Everything else: reference data under metrics/ is evidence for every definition.
  for (const auto& p : paths) {
    if (covered.count(p)) continue;
    if (p.rfind("metrics/", 0) == 0) {
      if (p.ends_with(".tally")) {
        // A .tally file whose definitions did not change (comments, spacing): its owners.
        bool owned = false;
        for (auto* idx : {&old_index, &new_index})
          for (auto& [n, d] : idx->definitions)
            if (d.file == p) {
              require(d.owner, n + " (file " + p + ")");
              owned = true;
            }
        if (!owned) require(P.policy_council, p);
      } else {
        require(P.policy_council, "reference data " + p);
      }
    } else {
      v.reasons.push_back("[path] " + p + " is outside the governed folders (metrics/, " + policy_path + ")");
    }
  }

  // A regional team may change only its overrides.
  if (!v.proposer.empty()) {
    std::set<std::string> mine;
    for (auto& [name, c] : P.councils)
      if (c.HasMember(v.proposer)) mine.insert(name);
    std::set<std::string> regional = P.RegionalCouncils();
    bool regional_only = !mine.empty() && std::all_of(mine.begin(), mine.end(), [&](const std::string& c) { return regional.count(c) > 0; });
    if (regional_only) {
      for (const auto& p : paths) {
        bool allowed = false;
        for (const auto& c : mine) allowed = allowed || override_files_by_region_council.count(c + "\n" + p);
        if (!allowed)
          v.reasons.push_back("[regional] " + v.proposer + " is on a regional team (" + Join({mine.begin(), mine.end()}, ", ") +
                              ") and may change only its region's overrides; " + p + " is not one");
      }
    }
  }

  // 5. Freeze windows of the governed policy.
  if (const FreezeWindow* w = P.ActiveFreeze(DateOfUnixTime(in.now))) {
    auto exception = store::Trailer(head_message, "Tally-Freeze-Exception");
    if (!exception || exception->empty()) {
      v.reasons.push_back("[freeze] freeze window " + w->name + " (" + w->from.ToString() + " to " + w->until.ToString() +
                          ") is active; a merge needs an exception: a 'Tally-Freeze-Exception: <reason>' trailer and the quorum of council " +
                          P.policy_council);
    } else {
      v.freeze_exception = *exception;
      require(P.policy_council, "the exception to freeze window " + w->name);
    }
  }

  // 6. Quorum of every council involved, counted under the policy before the change.
  for (const auto& [council_name, what] : need) {
    const Council* c = P.FindCouncil(council_name);
    v.councils.push_back(council_name);
    std::vector<std::string> have;
    for (const auto& [person, a] : valid)
      if (c->HasMember(person)) have.push_back(person);
    if (static_cast<int>(have.size()) < c->quorum)
      v.reasons.push_back("[quorum] missing quorum of council " + council_name + " for " + Join(what, ", ") + ": needs " +
                          std::to_string(c->quorum) + " approval(s) from " + Join(c->members, ", ") + "; has " +
                          std::to_string(have.size()) + (have.empty() ? "" : " (" + Join(have, ", ") + ")"));
  }
  return v;
}

}  // namespace tally::governance
