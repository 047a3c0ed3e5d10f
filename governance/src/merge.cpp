// tally merge: the gate. Every rule is evaluated against the policy on the governed branch
// before the change; a refusal lists every reason. A merge is a commit signed by the gate
// whose trailers record the CR, its approvals and version changes; the branch moves by
// compare-and-swap, so of two concurrent merges only one wins.
#include <algorithm>

#include "audit_log.h"
#include "gate.h"
#include "guard.h"
#include "tally/governance/repository.h"
#include "tally/support/json.h"
#include "workspace.h"

namespace tally::governance {

namespace {

MergeResult Refused(const std::string& cr, std::vector<std::string> reasons, const std::vector<std::string>& notes) {
  MergeResult r;
  r.ok = false;
  r.cr = cr;
  r.reasons = std::move(reasons);
  r.notes = notes;
  return r;
}

// The user's part of a CR message: everything before Tally's own trailer paragraph.
std::string UserMessage(const std::string& message) {
  size_t at = message.rfind("\n\nTally-CR: ");
  std::string m = at == std::string::npos ? message : message.substr(0, at);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

}  // namespace

std::string ChangeTrailer(const DefinitionChange& c);  // history.cpp reads these back

std::string ChangeTrailer(const DefinitionChange& c) {
  if (c.declared == "override") return "Tally-Override: " + c.name + " " + c.region;
  if (c.declared == "new") return "Tally-Change: " + c.name + " new -> " + c.to_version + " class=new";
  if (c.declared == "removed") return "Tally-Change: " + c.name + " " + c.from_version + " -> removed class=removed";
  return "Tally-Change: " + c.name + " " + c.from_version + " -> " + c.to_version + " class=" + c.declared +
         " required=" + c.required;
}

// Unguarded: Merge below is the entry point.
static Result<MergeResult> MergeUnguarded(const MergeOptions& opt) {
  auto n = store::ParseCrId(opt.cr);
  if (!n) return Refused(opt.cr, {n.error().message}, {});
  auto ws = OpenWorkspace(opt.repo);
  if (!ws) return ws.error();
  auto cr = store::LoadChangeRequest(ws->repo, *n);
  if (!cr) return Refused(opt.cr, {cr.error().message}, {});
  if (store::IsMerged(ws->repo, *cr, ws->governed.tip)) return Refused(cr->id, {cr->id + " is already merged"}, {});
  auto gate_key = PrivateKey::Load(opt.key);
  if (!gate_key) return Refused(cr->id, {gate_key.error().message}, {});
  // A merge is dated no earlier than what it follows (the governed tip, the CR head, its
  // approvals, the gate log's last entry): audit judges time by that order, so a clock set
  // back — or a skewed one — cannot date a merge out of a freeze window.
  GateInput in = GateInputFor(ws->repo, *cr, 0);
  std::vector<git_oid> follows = {ws->governed.tip, cr->head};
  if (in.approvals) follows.push_back(*in.approvals);
  auto earliest = EarliestNextRecord(ws->repo, follows);
  if (!earliest) return earliest.error();
  const int64_t now = std::max(store::Now(opt.now), *earliest);
  in.now = now;

  auto verdict = EvaluateGate(ws->repo, in);
  if (!verdict) return verdict.error();
  std::vector<std::string> reasons = verdict->reasons;
  if (!(gate_key->public_key() == verdict->policy.gate))
    reasons.insert(reasons.begin(), "[gate] the key " + gate_key->public_key().Fingerprint() +
                                        " is not the gate key of the policy (" + verdict->policy.gate.Fingerprint() + ")");
  if (!git_oid_equal(&cr->base, &ws->governed.tip))
    reasons.insert(reasons.begin(), "[stale] " + cr->id + " was proposed on " + git::ToHex(cr->base).substr(0, 12) + " but " +
                                        ws->governed.branch_ref + " is now at " + git::ToHex(ws->governed.tip).substr(0, 12) +
                                        "; revise it (propose --revise " + cr->id + ") and collect approvals again");
  if (!reasons.empty()) {
    LogAction(ws->git_dir, "merge-refused", {{"cr", cr->id}, {"reasons", std::to_string(reasons.size())}, {"first", reasons.front()}});
    return Refused(cr->id, reasons, verdict->notes);
  }

  auto head = ws->repo.Commit(cr->head);
  if (!head) return head.error();
  std::string user = UserMessage(git::CommitMessage(head->get()));
  std::string title = user.substr(0, user.find('\n'));
  std::string body = user.find('\n') == std::string::npos ? "" : user.substr(user.find('\n'));
  std::string message = "Merge " + cr->id + ": " + title + body + "\n\n";
  message += "Tally-CR: " + cr->id + "\n";
  message += "Tally-Base: " + git::ToHex(cr->base) + "\n";
  message += "Tally-Head: " + git::ToHex(cr->head) + "\n";
  message += "Tally-Proposer: " + verdict->proposer + "\n";
  for (const auto& a : verdict->authors)
    if (a != verdict->proposer) message += "Tally-Author: " + a + "\n";
  for (const auto& a : verdict->approvers) message += "Tally-Approved-By: " + a.person + " " + a.fingerprint + "\n";
  for (const auto& c : verdict->councils) message += "Tally-Council: " + c + "\n";
  message += "Tally-Policy-Version: " + std::to_string(verdict->policy.version) + "\n";
  for (const auto& c : verdict->changes) message += ChangeTrailer(c) + "\n";
  if (verdict->policy_versions)
    message += "Tally-Policy-Change: " + std::to_string(verdict->policy_versions->first) + " -> " +
               std::to_string(verdict->policy_versions->second) + "\n";
  if (verdict->freeze_exception) message += "Tally-Freeze-Exception: " + *verdict->freeze_exception + "\n";

  std::vector<git_oid> parents = {cr->base, cr->head};
  if (in.approvals) parents.push_back(*in.approvals);
  auto merge = ws->repo.WriteCommit(*git_commit_tree_id(head->get()), parents, "tally-gate", "gate@tally.invalid", now,
                                    message, &*gate_key);
  if (!merge) return merge.error();
  if (Status st = ws->repo.MoveRef(ws->governed.branch_ref, cr->base, *merge, "tally merge " + cr->id); !st.ok())
    return Refused(cr->id, {"[race] " + ws->governed.branch_ref + " moved while merging (another merge won); nothing was merged: " + st.message()}, {});
  if (Status st = store::AppendLog(ws->repo, "merge",
                                   {{"Tally-Commit", git::ToHex(*merge)}, {"Tally-Previous", git::ToHex(cr->base)}, {"Tally-CR", cr->id}},
                                   "tally-gate", "gate@tally.invalid", now, *gate_key);
      !st.ok()) {
    // An unlogged merge would be a violation in every audit: put the branch back.
    if (Status undo = ws->repo.MoveRef(ws->governed.branch_ref, *merge, cr->base, "tally merge " + cr->id + " undone");
        !undo.ok())
      return Error{"merged " + git::ToHex(*merge) + " but could not record it in " + store::kLogRef + " (" +
                       st.message() + ") nor undo it (" + undo.message() + ")",
                   st.code()};
    return Error{"could not record the merge in " + store::kLogRef + ": " + st.message() + "; nothing was merged", st.code()};
  }

  // Bring the index along when the working tree is on the governed branch, like
  // `git reset --mixed`: files are left as they are (they usually hold exactly what was
  // proposed), so `git status` shows only real differences from the governed tip.
  git_reference* head_ref = nullptr;
  if (git_repository_head(&head_ref, ws->repo.get()) == 0) {
    git_index* index = nullptr;
    if (ws->governed.branch_ref == git_reference_name(head_ref) && !ws->repo.WorkDir().empty() &&
        git_repository_index(&index, ws->repo.get()) == 0) {
      if (auto tree = ws->repo.Tree(*git_commit_tree_id(head->get())))
        if (git_index_read_tree(index, tree->get()) == 0) git_index_write(index);
      git_index_free(index);
    }
    git_reference_free(head_ref);
  }

  MergeResult r;
  r.merge_commit = git::ToHex(*merge);
  std::vector<std::string> approvers, changes;
  for (const auto& a : verdict->approvers) approvers.push_back(a.person);
  for (const auto& c : verdict->changes) changes.push_back(ChangeTrailer(c).substr(ChangeTrailer(c).find(' ') + 1));
  LogAction(ws->git_dir, "merge", {{"cr", cr->id}, {"commit", r.merge_commit}, {"proposer", verdict->proposer},
                                   {"approvers", DumpJson(approvers)}, {"base", git::ToHex(cr->base)}});
  r.cr = cr->id;
  r.branch_ref = ws->governed.branch_ref;
  r.proposer = verdict->proposer;
  r.approvers = approvers;
  r.changes = changes;
  r.notes = verdict->notes;
  r.freeze_exception = verdict->freeze_exception;
  return r;
}

Result<MergeResult> Merge(const MergeOptions& opt) {
  return Guarded("tally merge", [&] { return MergeUnguarded(opt); });
}

}  // namespace tally::governance
