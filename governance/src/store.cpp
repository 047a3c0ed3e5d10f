#include "store.h"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace tally::governance::store {

std::vector<std::pair<std::string, std::string>> Trailers(const std::string& message) {
  std::string m = message;
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  size_t para = m.rfind("\n\n");
  std::string last = para == std::string::npos ? m : m.substr(para + 2);
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start <= last.size()) {
    size_t end = last.find('\n', start);
    if (end == std::string::npos) end = last.size();
    std::string line = last.substr(start, end - start);
    size_t colon = line.find(": ");
    if (colon != std::string::npos && colon > 0 &&
        std::all_of(line.begin(), line.begin() + static_cast<long>(colon),
                    [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }))
      out.push_back({line.substr(0, colon), line.substr(colon + 2)});
    start = end + 1;
  }
  return out;
}

std::optional<std::string> Trailer(const std::string& message, const std::string& key) {
  for (auto& [k, v] : Trailers(message))
    if (k == key) return v;
  return std::nullopt;
}

std::vector<std::string> TrailerAll(const std::string& message, const std::string& key) {
  std::vector<std::string> out;
  for (auto& [k, v] : Trailers(message))
    if (k == key) out.push_back(v);
  return out;
}

std::string Title(const std::string& message) { return message.substr(0, message.find('\n')); }

Result<int> ParseCrId(const std::string& text) {
  std::string t = text;
  if (t.size() > 3 && (t[0] == 'C' || t[0] == 'c') && (t[1] == 'R' || t[1] == 'r') && t[2] == '-') t = t.substr(3);
  if (t.empty() || t.size() > 9 || !std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      t[0] == '0')
    return Error{"'" + text.substr(0, 40) + "' is not a change request id (CR-1, CR-2, ...)"};
  return std::stoi(t);
}

std::string CrId(int n) { return "CR-" + std::to_string(n); }

Result<Policy> PolicyAt(const git::Repo& repo, const git_oid& commit) {
  auto c = repo.Commit(commit);
  if (!c) return c.error();
  auto tree = repo.Tree(*git_commit_tree_id(c->get()));
  if (!tree) return tree.error();
  auto text = repo.ReadFile(tree->get(), std::string(kPolicyPath));
  if (!text) return text.error();
  if (!*text) return Error{"commit " + git::ToHex(commit) + " has no " + std::string(kPolicyPath)};
  return ParsePolicy(**text, std::string(kPolicyPath) + "@" + git::ToHex(commit).substr(0, 12));
}

Result<Governed> FindGoverned(const git::Repo& repo) {
  std::string branch_ref;
  auto log = LoadLog(repo);
  if (log && !log->empty() && log->front().kind == "root" && log->front().fields.count("Tally-Branch"))
    branch_ref = "refs/heads/" + log->front().fields.at("Tally-Branch");
  if (branch_ref.empty()) {
    git_reference* head = nullptr;
    if (git_reference_lookup(&head, repo.get(), "HEAD") != 0) return git::LastError("reading HEAD");
    const char* target = git_reference_symbolic_target(head);
    branch_ref = target ? target : "";
    git_reference_free(head);
    if (branch_ref.empty()) return Error{"HEAD is detached; cannot tell the governed branch"};
  }
  auto tip = repo.ResolveRef(branch_ref);
  if (!tip) return Error{"the governed branch " + branch_ref + " does not exist: is this a governed repository?"};
  return Governed{branch_ref, *tip};
}

Status CheckGovernedRoot(const git::Repo& repo, const Governed& governed) {
  auto log = LoadLog(repo);
  if (!log || log->empty() || log->front().kind != "root") return Status::Ok();  // no log: not governed
  const auto& fields = log->front().fields;
  auto chain = FirstParentChain(repo, governed.tip);
  if (!chain) return chain.error();
  if (chain->empty()) return Error{"the governed branch " + governed.branch_ref + " has no commits"};
  const git_oid root = chain->back();
  const std::string root_hex = git::ToHex(root);
  auto named = fields.find("Tally-Commit");
  const std::string refused = ": the gate log was replaced or the history rewritten (run `tally audit`)";
  if (named == fields.end() || named->second != root_hex) {
    return Error{"the gate log's root entry does not name the root commit " + root_hex.substr(0, 12) + " of " +
                 governed.branch_ref + refused};
  }
  auto policy = PolicyAt(repo, root);
  if (!policy) return Error{"the root commit's policy cannot be read: " + policy.error().message};
  if ("refs/heads/" + policy->governed_branch != governed.branch_ref) {
    return Error{"the gate log's root entry names " + governed.branch_ref + ", but the root policy governs refs/heads/" +
                 policy->governed_branch + refused};
  }
  return Status::Ok();
}

CommitSigner VerifyCommit(const git::Repo& repo, const git_oid& id) {
  CommitSigner out;
  auto sig = repo.CommitSignature(id);
  if (!sig) {
    out.problem = sig.error().message;
    return out;
  }
  if (!*sig) return out;
  out.signed_ = true;
  auto key = VerifySignature((*sig)->signature, kGitNamespace, (*sig)->data);
  if (!key) out.problem = key.error().message;
  else out.key = *key;
  return out;
}

Result<ChangeRequest> LoadChangeRequest(const git::Repo& repo, int number) {
  ChangeRequest cr;
  cr.number = number;
  cr.id = CrId(number);
  auto head = repo.ResolveRef(kCrPrefix + std::to_string(number));
  if (!head) return NotFoundError(cr.id + " does not exist");
  cr.head = *head;
  auto head_commit = repo.Commit(cr.head);
  if (!head_commit) return head_commit.error();
  std::string head_msg = git::CommitMessage(head_commit->get());
  auto base_hex = Trailer(head_msg, "Tally-Base");
  std::optional<git_oid> base = base_hex ? git::FromHex(*base_hex) : std::nullopt;
  if (!base) return Error{cr.id + " has no valid Tally-Base trailer"};
  cr.base = *base;
  // Walk first parents from the head down to the base: those are the CR's revisions.
  git_oid at = cr.head;
  for (int i = 0; i <= kMaxRevisions; ++i) {
    if (git_oid_equal(&at, &cr.base)) break;
    if (i == kMaxRevisions) return Error{cr.id + " has too many revisions or does not reach its base"};
    auto c = repo.Commit(at);
    if (!c) return c.error();
    cr.revisions.push_back(at);
    cr.message = git::CommitMessage(c->get());
    if (git_commit_parentcount(c->get()) != 1) return Error{cr.id + ": revision " + git::ToHex(at) + " must have one parent"};
    at = *git_commit_parent_id(c->get(), 0);
  }
  if (cr.revisions.empty()) return Error{cr.id + " changes nothing"};
  return cr;
}

Result<std::vector<git_oid>> RevisionsBetween(const git::Repo& repo, const git_oid& head, const git_oid& base) {
  std::vector<git_oid> out;
  git_oid at = head;
  for (int i = 0; i <= kMaxRevisions; ++i) {
    if (git_oid_equal(&at, &base)) return out;
    auto c = repo.Commit(at);
    if (!c) return c.error();
    out.push_back(at);
    if (git_commit_parentcount(c->get()) != 1) break;
    at = *git_commit_parent_id(c->get(), 0);
  }
  return Error{"the change at " + git::ToHex(head) + " does not reach its base " + git::ToHex(base) + " by single-parent revisions"};
}

Result<std::vector<git_oid>> FirstParentChain(const git::Repo& repo, const git_oid& tip) {
  std::vector<git_oid> out;
  git_oid at = tip;
  while (true) {
    auto c = repo.Commit(at);
    if (!c) return c.error();
    out.push_back(at);
    if (git_commit_parentcount(c->get()) == 0) return out;
    at = *git_commit_parent_id(c->get(), 0);
  }
}

bool IsMerged(const git::Repo& repo, const ChangeRequest& cr, const git_oid& tip) {
  return git_oid_equal(&cr.head, &tip) || git_graph_descendant_of(repo.get(), &tip, &cr.head) == 1;
}

std::string ApprovalPayload(const std::string& repository_id, const std::string& cr_id, const git_oid& base,
                            const git_oid& head, const git_oid& tree) {
  return "tally approval v2\nrepository " + repository_id + "\ncr " + cr_id + "\nbase " + git::ToHex(base) + "\nhead " + git::ToHex(head) +
         "\ntree " + git::ToHex(tree) + "\n";
}

std::optional<std::string> ApprovalRepository(const std::string& payload) {
  const std::string kHead = "tally approval v2\nrepository ";
  if (payload.rfind(kHead, 0) != 0) return std::nullopt;
  size_t end = payload.find('\n', kHead.size());
  if (end == std::string::npos) return std::nullopt;
  return payload.substr(kHead.size(), end - kHead.size());
}

Result<std::vector<ApprovalRecord>> LoadApprovals(const git::Repo& repo, const git_oid& tip) {
  std::vector<ApprovalRecord> out;
  git_oid at = tip;
  for (int i = 0; i < 10000; ++i) {
    auto c = repo.Commit(at);
    if (!c) return c.error();
    std::string msg = git::CommitMessage(c->get());
    ApprovalRecord rec;
    rec.commit = at;
    const git_signature* author = git_commit_author(c->get());
    rec.claimed_author = author && author->name ? author->name : "";
    // Any version's payload is picked up, so an old or foreign one is named, not ignored.
    size_t p = msg.find("tally approval v");
    size_t s = msg.find("-----BEGIN SSH SIGNATURE-----");
    if (p != std::string::npos && s != std::string::npos && s > p) {
      rec.payload = msg.substr(p, s - p);
      rec.signature = msg.substr(s);
    }
    out.push_back(std::move(rec));
    if (git_commit_parentcount(c->get()) == 0) break;
    at = *git_commit_parent_id(c->get(), 0);
  }
  return out;
}

Result<std::vector<LogEntry>> LoadLog(const git::Repo& repo) {
  std::vector<LogEntry> out;
  auto tip = repo.RefIfExists(kLogRef);
  if (!tip) return out;
  git_oid at = *tip;
  while (true) {
    auto c = repo.Commit(at);
    if (!c) return c.error();
    LogEntry e;
    e.commit = at;
    std::string msg = git::CommitMessage(c->get());
    for (auto& [k, v] : Trailers(msg)) {
      if (k == "Tally-Log") e.kind = v;
      else e.fields[k] = v;
    }
    out.push_back(std::move(e));
    if (git_commit_parentcount(c->get()) == 0) break;
    at = *git_commit_parent_id(c->get(), 0);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

Status AppendLog(const git::Repo& repo, const std::string& kind,
                 const std::vector<std::pair<std::string, std::string>>& fields, const std::string& name,
                 const std::string& email, int64_t now, const PrivateKey& key) {
  auto empty = repo.EmptyTree();
  if (!empty) return empty.error();
  std::string message = "tally log: " + kind + "\n\nTally-Log: " + kind + "\n";
  for (auto& [k, v] : fields) message += k + ": " + v + "\n";
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto old = repo.RefIfExists(kLogRef);
    std::vector<git_oid> parents;
    if (old) parents.push_back(*old);
    auto id = repo.WriteCommit(*empty, parents, name, email, now, message, &key);
    if (!id) return id.error();
    Status st = old ? repo.MoveRef(kLogRef, *old, *id, "tally: " + kind)
                    : repo.CreateRef(kLogRef, *id, "tally: " + kind);
    if (st.ok() || st.code() == ErrorCode::kIo) return st;  // an I/O error is not contention
  }
  return Error{"could not append to " + kLogRef + ": too much contention"};
}

std::string EmailOf(const std::string& person, const PublicKey& key) {
  if (key.comment.find('@') != std::string::npos && key.comment.find_first_of("<> \n") == std::string::npos)
    return key.comment;
  return person + "@tally.invalid";
}

int64_t Now(int64_t pinned) { return pinned != 0 ? pinned : static_cast<int64_t>(std::time(nullptr)); }

}  // namespace tally::governance::store
