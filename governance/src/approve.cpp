// tally approve: an SSH signature over the CR's exact content, kept as a commit on the CR's
// approvals chain. The signature is the identity; the commit's author is only a label.
#include "audit_log.h"
#include "guard.h"
#include "repository_id.h"
#include "tally/governance/repository.h"
#include "workspace.h"

namespace tally::governance {

namespace {
ApproveResult Refuse(std::string why) {
  ApproveResult r;
  r.ok = false;
  r.refusal = std::move(why);
  return r;
}
}  // namespace

// Unguarded: Approve below is the entry point.
static Result<ApproveResult> ApproveUnguarded(const ApproveOptions& opt) {
  auto n = store::ParseCrId(opt.cr);
  if (!n) return Refuse(n.error().message);
  auto ws = OpenWorkspace(opt.repo);
  if (!ws) return ws.error();
  auto cr = store::LoadChangeRequest(ws->repo, *n);
  if (!cr) return Refuse(cr.error().message);
  if (store::IsMerged(ws->repo, *cr, ws->governed.tip)) return Refuse(cr->id + " is already merged");
  auto key = PrivateKey::Load(opt.key);
  if (!key) return Refuse(key.error().message);
  // Approvals count under the policy at the CR's base: that is the one the gate applies.
  auto policy = store::PolicyAt(ws->repo, cr->base);
  if (!policy) return policy.error();
  const Person* person = policy->PersonWithKey(key->public_key());
  if (!person)
    return Refuse("the key " + key->public_key().Fingerprint() + " belongs to nobody in the policy; it cannot approve");

  ApproveResult r;
  auto head = ws->repo.Commit(cr->head);
  if (!head) return head.error();
  // The identity of the governed history the CR is based on: the approval is valid only here.
  auto repository_id = RepositoryIdAt(ws->repo, cr->base);
  if (!repository_id) return Refuse(repository_id.error().message);
  std::string payload =
      store::ApprovalPayload(*repository_id, cr->id, cr->base, cr->head, *git_commit_tree_id(head->get()));
  for (const auto& rev : cr->revisions) {
    store::CommitSigner s = store::VerifyCommit(ws->repo, rev);
    // Refused here, not just warned: a recorded self-approval makes the gate refuse the CR.
    if (s.key && *s.key == key->public_key() && !policy->self_approval)
      return Refuse(person->name + " is an author of " + cr->id + " and cannot approve it (self_approval: false)");
  }
  if (!git_oid_equal(&cr->base, &ws->governed.tip))
    r.warnings.push_back(cr->id + " is based on an older governed commit; it must be revised and approved again before it can merge");

  auto signature = key->Sign(kApprovalNamespace, payload);
  if (!signature) return signature.error();
  auto empty = ws->repo.EmptyTree();
  if (!empty) return empty.error();
  std::string message = "Approve " + cr->id + "\n\n" + payload + *signature;
  std::string ref = store::kApprovalPrefix + std::to_string(*n);
  std::string email = store::EmailOf(person->name, key->public_key());
  int64_t now = store::Now(opt.now);
  bool done = false;
  for (int attempt = 0; attempt < 20 && !done; ++attempt) {
    auto old = ws->repo.RefIfExists(ref);
    std::vector<git_oid> parents;
    if (old) parents.push_back(*old);
    auto id = ws->repo.WriteCommit(*empty, parents, person->name, email, now, message, nullptr);
    if (!id) return id.error();
    Status st = old ? ws->repo.MoveRef(ref, *old, *id, "tally approve") : ws->repo.CreateRef(ref, *id, "tally approve");
    if (st.ok()) {
      r.commit = git::ToHex(*id);
      done = true;
    } else if (st.code() == ErrorCode::kIo) {
      // A full disk or a read-only folder is not contention: retrying cannot help.
      return Error{"could not record the approval: " + st.message(), st.code()};
    }
  }
  if (!done) return Refuse("could not record the approval: too much contention on " + ref);
  r.approver = person->name;
  LogAction(ws->git_dir, "approve",
            {{"cr", cr->id}, {"approver", person->name}, {"key", key->public_key().Fingerprint()},
             {"head", git::ToHex(cr->head)}, {"commit", r.commit}});
  r.cr = cr->id;
  r.head = git::ToHex(cr->head);
  return r;
}

Result<ApproveResult> Approve(const ApproveOptions& opt) {
  return Guarded("tally approve", [&] { return ApproveUnguarded(opt); });
}

}  // namespace tally::governance
