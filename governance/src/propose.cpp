// tally propose: the working tree's changes to metrics/ and the policy become a change
// request, a commit on top of the governed tip signed by the proposer.
#include <algorithm>

#include "audit_log.h"
#include "guard.h"
#include "tally/governance/repository.h"
#include "tally/support/json.h"
#include "workspace.h"

namespace tally::governance {

namespace {

ProposeResult Refuse(std::string why) {
  ProposeResult r;
  r.ok = false;
  r.refusal = std::move(why);
  return r;
}

// Trailers are written by Tally only; a message must not smuggle its own.
std::optional<std::string> CheckMessage(const std::string& message) {
  if (message.find_first_not_of(" \t\n") == std::string::npos) return "a change request needs a message (-m)";
  size_t start = 0;
  while (start < message.size()) {
    size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    if (message.compare(start, 6, "Tally-") == 0)
      return "message lines starting with 'Tally-' are reserved for Tally's own records";
    start = end + 1;
  }
  if (message.find('\0') != std::string::npos) return "the message contains a NUL byte";
  if (ValidUtf8(message) != message) return "the message is not valid UTF-8";
  return std::nullopt;
}

}  // namespace

// Unguarded: Propose below is the entry point.
static Result<ProposeResult> ProposeUnguarded(const ProposeOptions& opt) {
  if (auto bad = CheckMessage(opt.message)) return Refuse(*bad);
  if (opt.freeze_exception.find('\n') != std::string::npos) return Refuse("a freeze exception reason is one line");
  if (ValidUtf8(opt.freeze_exception) != opt.freeze_exception) return Refuse("the freeze exception is not valid UTF-8");
  auto ws = OpenWorkspace(opt.repo);
  if (!ws) return ws.error();
  auto key = PrivateKey::Load(opt.key);
  if (!key) return Refuse(key.error().message);
  const Person* person = ws->policy.PersonWithKey(key->public_key());
  if (!person)
    return Refuse("the key " + key->public_key().Fingerprint() + " belongs to nobody in the policy; proposals are signed by people it names");
  std::string workdir = ws->repo.WorkDir();
  if (workdir.empty()) return Refuse("the repository has no working tree to propose from");

  // Revising keeps the CR's base; a new CR starts from the governed tip.
  int number = 0;
  git_oid base = ws->governed.tip, parent = ws->governed.tip;
  if (opt.revise) {
    auto n = store::ParseCrId(*opt.revise);
    if (!n) return Refuse(n.error().message);
    auto cr = store::LoadChangeRequest(ws->repo, *n);
    if (!cr) return Refuse(cr.error().message);
    if (store::IsMerged(ws->repo, *cr, ws->governed.tip)) return Refuse(cr->id + " is already merged; propose a new change");
    number = *n;
    base = cr->base;
    parent = cr->head;
  }

  auto before = [&]() -> Result<FileMap> {
    auto c = ws->repo.Commit(parent);
    if (!c) return c.error();
    auto tree = ws->repo.Tree(*git_commit_tree_id(c->get()));
    if (!tree) return tree.error();
    return ws->repo.ReadFiles(tree->get(), "");
  }();
  if (!before) return before.error();
  auto metrics = ReadWorkingFolder(workdir, "metrics");
  if (!metrics) return Refuse(metrics.error().message);
  auto policy_dir = ReadWorkingFolder(workdir, "governance");
  if (!policy_dir) return Refuse(policy_dir.error().message);

  FileMap after = *before;
  for (auto it = after.begin(); it != after.end();)
    it = it->first.rfind("metrics/", 0) == 0 ? after.erase(it) : std::next(it);
  after.insert(metrics->begin(), metrics->end());
  const std::string policy_path(kPolicyPath);
  if (auto p = policy_dir->find(policy_path); p != policy_dir->end()) after[policy_path] = p->second;
  else after.erase(policy_path);

  std::vector<std::string> changed;
  for (auto& [p, t] : *before)
    if (!after.count(p) || after.at(p) != t) changed.push_back(p);
  for (auto& [p, t] : after)
    if (!before->count(p)) changed.push_back(p);
  std::sort(changed.begin(), changed.end());
  // A revision may change only the message or the freeze exception.
  if (changed.empty() && !opt.revise) return Refuse("the working tree's metrics/ and " + policy_path + " have no changes to propose");

  auto tree = ws->repo.WriteTree(after);
  if (!tree) return tree.error();
  std::string body = opt.message;
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.pop_back();
  int64_t now = store::Now(opt.now);
  std::string email = store::EmailOf(person->name, key->public_key());

  auto write = [&](int n) {
    std::string message = body + "\n\nTally-CR: " + store::CrId(n) + "\nTally-Base: " + git::ToHex(base) + "\n";
    if (!opt.freeze_exception.empty()) message += "Tally-Freeze-Exception: " + opt.freeze_exception + "\n";
    return ws->repo.WriteCommit(*tree, {parent}, person->name, email, now, message, &*key);
  };

  git_oid commit{};
  if (opt.revise) {
    auto id = write(number);
    if (!id) return id.error();
    if (Status st = ws->repo.MoveRef(store::kCrPrefix + std::to_string(number), parent, *id, "tally propose --revise");
        !st.ok())
      return Refuse(store::CrId(number) + " changed while revising it; try again");
    commit = *id;
  } else {
    // The next free number; creating the ref fails if another proposer took it first.
    auto refs = ws->repo.ListRefs(store::kCrPrefix);
    if (!refs) return refs.error();
    int next = 0;
    for (const auto& r : *refs) {
      auto n = store::ParseCrId(r.substr(store::kCrPrefix.size()));
      if (n) next = std::max(next, *n);
    }
    bool created = false;
    for (int attempt = 0; attempt < 50 && !created; ++attempt) {
      number = next + 1 + attempt;
      auto id = write(number);
      if (!id) return id.error();
      if (ws->repo.CreateRef(store::kCrPrefix + std::to_string(number), *id, "tally propose").ok()) {
        commit = *id;
        created = true;
      }
    }
    if (!created) return Refuse("could not allocate a change request id");
  }

  ProposeResult r;
  r.id = store::CrId(number);
  r.commit = git::ToHex(commit);
  r.changed_paths = changed;
  LogAction(ws->git_dir, opt.revise ? "revise" : "propose",
            {{"cr", r.id}, {"commit", r.commit}, {"proposer", person->name}, {"base", git::ToHex(base)},
             {"key", key->public_key().Fingerprint()}});
  r.proposer = person->name;
  r.base = git::ToHex(base);
  return r;
}

Result<ProposeResult> Propose(const ProposeOptions& opt) {
  return Guarded("tally propose", [&] { return ProposeUnguarded(opt); });
}

}  // namespace tally::governance
