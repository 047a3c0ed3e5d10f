// tally audit: re-proves the governed history from its root. Every commit after the root
// must be a gate merge, signed by the gate key of the policy of its time, whose approvals
// satisfy that policy's rules; the gate log must itself verify (audit_gate_log.h: every entry
// signed, in order, none dropped) and agree with the branch; every freeze must still point
// where it was recorded. Freeze windows are judged at the moment the log puts a merge, never
// at a date the merge claims for itself.
#include <algorithm>

#include "audit_gate_log.h"
#include "audit_log.h"
#include "gate.h"
#include "guard.h"
#include "repository_id.h"
#include "tally/governance/history.h"
#include "workspace.h"

namespace tally::governance {

namespace {

std::string Short(const git_oid& id) { return git::ToHex(id).substr(0, 12); }

}  // namespace

Result<std::vector<std::string>> VerifyMerge(const git::Repo& repo, const git_oid& id, const git_oid& prev,
                                             std::optional<int64_t> judged_at) {
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
  // A merge cannot precede what it merges: its own date is only a claim (whoever holds the
  // gate key writes it), so freeze windows are judged no earlier than its latest parent (the
  // CR head is signed by its proposer), nor than where the gate log puts the merge.
  const int64_t claimed = git::CommitTime(commit->get());
  int64_t latest = claimed;
  for (const auto& p : parents) {
    auto parent = repo.Commit(p);
    if (!parent) return parent.error();
    const int64_t t = git::CommitTime(parent->get());
    if (t > claimed && latest == claimed)  // the first later parent is named; one report is enough
      out.push_back("[order] merge " + Short(id) + " (" + *cr_id + ") is dated " + UtcTime(claimed) + ", before its parent " +
                    Short(p) + " (" + UtcTime(t) + "): it was back-dated");
    latest = std::max(latest, t);
  }
  in.now = std::max(latest, judged_at.value_or(latest));
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

  GovernedRoot root;
  auto chain = store::FirstParentChain(*repo, governed->tip);
  if (!chain) return chain.error();
  std::reverse(chain->begin(), chain->end());  // root first
  root.chain = *chain;
  const git_oid root_id = chain->front();

  // The root: the first policy is the root of trust; the root commit names the repository.
  if (!opt.expect_root.empty() && git::ToHex(root_id).rfind(opt.expect_root, 0) != 0)
    violation("[root] the branch's root commit is " + git::ToHex(root_id) + ", not the published " + opt.expect_root);
  auto root_policy = store::PolicyAt(*repo, root_id);
  if (!root_policy) {
    violation("[root] the root commit's policy is invalid: " + root_policy.error().message);
  } else {
    root.gate = root_policy->gate;
    // The gate never lets a change rename the governed branch, so the root policy names it.
    root.expected_branch_ref = "refs/heads/" + root_policy->governed_branch;
    store::CommitSigner s = store::VerifyCommit(*repo, root_id);
    root.root_signed_by_gate = s.key && *s.key == root_policy->gate;
    if (!s.signed_)
      r.notes.push_back("the root commit " + Short(root_id) + " is unsigned: compare its id with the one published at init");
    else if (!root.root_signed_by_gate)
      violation("[root] the root commit " + Short(root_id) + " is not signed by the gate key its policy names");
    if (governed->branch_ref != root.expected_branch_ref)
      violation("[log] the gate log makes " + governed->branch_ref + " the governed branch, but the root policy governs " +
                root.expected_branch_ref);
  }
  if (auto id = RepositoryIdOfRoot(*repo, root_id)) root.repository_id = *id;
  else violation("[root] " + id.error().message);

  // The gate log: a signed chain of its own, in branch and time order.
  auto log = store::LoadLog(*repo);
  if (!log) return log.error();
  auto checked = VerifyGateLog(*repo, *log, root);
  if (!checked) return checked.error();
  for (auto& v : checked->violations) violation(std::move(v));
  for (auto& n : checked->notes) r.notes.push_back(std::move(n));
  r.freezes_checked = checked->freezes_checked;

  // Every later commit: a gate merge whose rules held under the policy of its time, judged
  // at the latest of its parent's moment and the log's.
  int64_t moment = 0;
  if (auto c = repo->Commit(root_id)) moment = git::CommitTime(c->get());
  for (size_t i = 1; i < chain->size(); ++i) {
    const git_oid& id = (*chain)[i];
    const std::string hex = git::ToHex(id);
    ++r.commits_checked;
    auto logged = checked->recorded_at.find(hex);
    int64_t judged_at = std::max(moment, logged == checked->recorded_at.end() ? moment : logged->second);
    auto problems = VerifyMerge(*repo, id, (*chain)[i - 1], judged_at);
    if (!problems) return problems.error();
    for (auto& p : *problems) violation(std::move(p));
    auto c = repo->Commit(id);
    if (!c) return c.error();
    moment = std::max(judged_at, git::CommitTime(c->get()));
    if (!checked->logged_merges.count(hex))
      violation("[log] merge " + hex.substr(0, 12) + " on the governed branch is not in the gate log");
  }

  auto freeze_refs = repo->ListRefs(store::kFreezePrefix);
  if (!freeze_refs) return freeze_refs.error();
  for (const auto& ref : *freeze_refs) {
    std::string name = ref.substr(store::kFreezePrefix.size());
    if (!checked->logged_freezes.count(name))
      violation("[freeze] " + ref + " was not made by tally freeze (it is not in the gate log)");
  }

  r.ok = r.violations.empty();
  r.branch_ref = governed->branch_ref;
  r.root = git::ToHex(root_id);
  LogAction(git_repository_path(repo->get()), "audit",
            {{"violations", std::to_string(r.violations.size())}, {"tip", git::ToHex(governed->tip)}});
  return r;
}

Result<AuditResult> Audit(const AuditOptions& opt) {
  return Guarded("tally audit", [&] { return AuditUnguarded(opt); });
}

}  // namespace tally::governance
