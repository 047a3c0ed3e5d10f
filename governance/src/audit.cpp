// tally audit: re-proves the governed history from its root. Every commit after the root
// must be a gate merge, signed by the gate key of the policy of its time, whose approvals
// satisfy that policy's rules; the signed gate log must agree with the branch (no rewritten
// history) and every freeze must still point where it was recorded.
#include <set>

#include "audit_log.h"
#include "freeze_check.h"
#include "gate.h"
#include "guard.h"
#include "tally/governance/history.h"
#include "workspace.h"

namespace tally::governance {

namespace {

std::string Short(const git_oid& id) { return git::ToHex(id).substr(0, 12); }

}  // namespace

Result<std::vector<std::string>> VerifyMerge(const git::Repo& repo, const git_oid& id, const git_oid& prev) {
  std::vector<std::string> out;
  auto commit = repo.Commit(id);
  if (!commit) return commit.error();
  auto policy = store::PolicyAt(repo, prev);
  if (!policy) {
    out.push_back("[policy] the policy before " + Short(id) + " cannot be read: " + policy.error().message);
    return out;
  }
  store::CommitSigner s = store::VerifyCommit(repo, id);
  if (!s.key || !(*s.key == policy->gate)) {
    out.push_back("[gate] commit " + Short(id) + " (\"" + store::Title(git::CommitMessage(commit->get())) +
                  "\") did not come through the gate: " +
                  (s.signed_ ? (s.key ? "it is signed by " + s.key->Fingerprint() + ", not the gate key" : "its signature is invalid")
                             : std::string("it is not signed")));
    return out;
  }
  std::vector<git_oid> parents = git::Parents(commit->get());
  std::string message = git::CommitMessage(commit->get());
  auto cr_id = store::Trailer(message, "Tally-CR");
  if (parents.size() < 2 || !cr_id || !git_oid_equal(&parents[0], &prev)) {
    out.push_back("[gate] commit " + Short(id) + " is signed by the gate but is not a merge of a change request");
    return out;
  }
  auto head = repo.Commit(parents[1]);
  if (!head) return head.error();
  if (!git_oid_equal(git_commit_tree_id(commit->get()), git_commit_tree_id(head->get())))
    out.push_back("[content] merge " + Short(id) + " (" + *cr_id + ") holds content other than the approved CR head");
  auto revisions = store::RevisionsBetween(repo, parents[1], prev);
  if (!revisions) {
    out.push_back("[gate] merge " + Short(id) + " (" + *cr_id + "): " + revisions.error().message);
    return out;
  }
  GateInput in;
  in.cr_id = *cr_id;
  in.base = prev;
  in.head = parents[1];
  in.revisions = *revisions;
  if (parents.size() >= 3) in.approvals = parents[2];
  in.now = git::CommitTime(commit->get());
  in.check_evidence = false;
  auto verdict = EvaluateGate(repo, in);
  if (!verdict) return verdict.error();
  for (const auto& reason : verdict->reasons) out.push_back("[approval] merge " + Short(id) + " (" + *cr_id + "): " + reason);
  return out;
}

// Unguarded: Audit below is the entry point.
static Result<AuditResult> AuditUnguarded(const AuditOptions& opt) {
  auto repo = git::Repo::Open(opt.repo);
  if (!repo) return repo.error();
  auto governed = store::FindGoverned(*repo);
  if (!governed) return governed.error();
  AuditResult r;
  auto violation = [&](std::string v) { r.violations.push_back(std::move(v)); };

  auto chain = store::FirstParentChain(*repo, governed->tip);
  if (!chain) return chain.error();
  std::reverse(chain->begin(), chain->end());  // root first
  const git_oid root = chain->front();
  std::set<std::string> on_branch;
  for (const auto& id : *chain) on_branch.insert(git::ToHex(id));

  // The root: the first policy is the root of trust.
  if (!opt.expect_root.empty() && git::ToHex(root).rfind(opt.expect_root, 0) != 0)
    violation("[root] the branch's root commit is " + git::ToHex(root) + ", not the published " + opt.expect_root);
  auto root_policy = store::PolicyAt(*repo, root);
  if (!root_policy) {
    violation("[root] the root commit's policy is invalid: " + root_policy.error().message);
  } else {
    store::CommitSigner s = store::VerifyCommit(*repo, root);
    if (!s.signed_)
      r.notes.push_back("the root commit " + Short(root) + " is unsigned: compare its id with the one published at init");
    else if (!s.key || !(*s.key == root_policy->gate))
      violation("[root] the root commit " + Short(root) + " is not signed by the gate key its policy names");
  }

  // Every later commit: a gate merge whose rules held under the policy of its time.
  std::set<std::string> merges;
  for (size_t i = 1; i < chain->size(); ++i) {
    const git_oid& id = (*chain)[i];
    const git_oid& prev = (*chain)[i - 1];
    ++r.commits_checked;
    merges.insert(git::ToHex(id));
    auto problems = VerifyMerge(*repo, id, prev);
    if (!problems) return problems.error();
    for (auto& p : *problems) violation(std::move(p));
  }

  // The gate log: signed records the branch must agree with.
  auto log = store::LoadLog(*repo);
  if (!log) return log.error();
  if (log->empty()) {
    violation("[log] the gate log " + store::kLogRef + " is missing");
  } else {
    const auto& first = log->front();
    if (first.kind != "root" || !first.fields.count("Tally-Commit") || first.fields.at("Tally-Commit") != git::ToHex(root))
      violation("[rewrite] the gate log's root entry does not name the branch's root commit " + Short(root) +
                ": the history was rewritten from its start");
  }
  std::set<std::string> logged_merges, logged_freezes;
  for (const auto& e : *log) {
    std::string entry = Short(e.commit);
    auto field = [&](const std::string& k) { return e.fields.count(k) ? e.fields.at(k) : std::string(); };
    store::CommitSigner s = store::VerifyCommit(*repo, e.commit);
    if (e.kind == "merge") {
      std::string m = field("Tally-Commit");
      logged_merges.insert(m);
      if (!on_branch.count(m))
        violation("[rewrite] the gate log records merge " + m.substr(0, 12) + " (" + field("Tally-CR") +
                  ") which is no longer on the governed branch: the history was rewritten or rolled back");
      auto prev = git::FromHex(field("Tally-Previous"));
      auto policy = prev ? store::PolicyAt(*repo, *prev) : Result<Policy>(Error{"no previous commit"});
      if (!s.key || !policy || !(*s.key == policy->gate))
        violation("[log] log entry " + entry + " (merge " + m.substr(0, 12) + ") is not signed by the gate");
    } else if (e.kind == "freeze") {
      std::string name = field("Tally-Freeze");
      logged_freezes.insert(name);
      ++r.freezes_checked;
      std::string commit = field("Tally-Commit");
      if (!on_branch.count(commit))
        violation("[freeze] freeze " + name + " froze " + commit.substr(0, 12) + ", which is no longer on the governed branch");
      for (auto& p : FreezeProblems(*repo, e)) violation(std::move(p));
    } else if (e.kind != "root") {
      violation("[log] log entry " + entry + " has an unknown kind '" + e.kind + "'");
    }
  }
  for (const auto& m : merges)
    if (!logged_merges.count(m)) violation("[log] merge " + m.substr(0, 12) + " on the governed branch is not in the gate log");
  auto freeze_refs = repo->ListRefs(store::kFreezePrefix);
  if (!freeze_refs) return freeze_refs.error();
  for (const auto& ref : *freeze_refs) {
    std::string name = ref.substr(store::kFreezePrefix.size());
    if (!logged_freezes.count(name))
      violation("[freeze] " + ref + " was not made by tally freeze (it is not in the gate log)");
  }

  r.ok = r.violations.empty();
  r.branch_ref = governed->branch_ref;
  r.root = git::ToHex(root);
  LogAction(git_repository_path(repo->get()), "audit",
            {{"violations", std::to_string(r.violations.size())}, {"tip", git::ToHex(governed->tip)}});
  return r;
}

Result<AuditResult> Audit(const AuditOptions& opt) {
  return Guarded("tally audit", [&] { return AuditUnguarded(opt); });
}

}  // namespace tally::governance
