#include "audit_gate_log.h"

#include <algorithm>
#include <ctime>
#include <limits>

#include "freeze_check.h"

namespace tally::governance {

namespace {

std::string Short(const std::string& hex) { return hex.substr(0, 12); }
std::string Short(const git_oid& id) { return git::ToHex(id).substr(0, 12); }

// git's empty tree: every log entry holds it (AppendLog writes nothing else).
const char* kEmptyTreeHex = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

}  // namespace

std::string UtcTime(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return std::to_string(seconds);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

Result<GateLogCheck> VerifyGateLog(const git::Repo& repo, const std::vector<store::LogEntry>& log,
                                   const GovernedRoot& root) {
  GateLogCheck out;
  auto violation = [&](std::string v) { out.violations.push_back(std::move(v)); };
  if (log.empty()) {
    violation("[log] the gate log " + store::kLogRef + " is missing");
    return out;
  }
  const std::vector<git_oid>& chain = root.chain;
  std::map<std::string, size_t> position;  // governed commit -> index in chain
  for (size_t i = 0; i < chain.size(); ++i) position[git::ToHex(chain[i])] = i;
  const std::string root_hex = git::ToHex(chain.front());
  const git_oid empty_tree = *git::FromHex(kEmptyTreeHex);

  std::set<std::string> recorded;  // governed commits recorded by the entries so far
  size_t next = 1;                 // chain index of the merge the next merge entry must record
  int64_t clock = std::numeric_limits<int64_t>::min();
  size_t not_entries = 0;
  std::string newest_not_entry;
  for (size_t i = 0; i < log.size(); ++i) {
    const store::LogEntry& e = log[i];
    const std::string entry = Short(e.commit);
    auto field = [&](const std::string& k) { return e.fields.count(k) ? e.fields.at(k) : std::string(); };
    auto c = repo.Commit(e.commit);
    if (!c) return c.error();
    if (!git_oid_equal(git_commit_tree_id(c->get()), &empty_tree) || git_commit_parentcount(c->get()) > 1 ||
        e.kind.empty()) {
      ++not_entries;
      newest_not_entry = entry;
      continue;
    }
    const int64_t t = git::CommitTime(c->get());
    if (t < clock)
      violation("[order] log entry " + entry + " (" + e.kind + ") is dated " + UtcTime(t) + ", before the entry before it (" +
                UtcTime(clock) + "): the gate log is not in time order");
    clock = std::max(clock, t);
    store::CommitSigner s = store::VerifyCommit(repo, e.commit);

    if (e.kind == "root") {
      if (i != 0) {
        violation("[log] log entry " + entry + " is a second root entry: the gate log was spliced");
        continue;
      }
      if (field("Tally-Commit") != root_hex)
        violation("[rewrite] the gate log's root entry does not name the branch's root commit " + Short(root_hex) +
                  ": the history was rewritten from its start");
      std::string branch = field("Tally-Branch");
      if (!root.expected_branch_ref.empty() && "refs/heads/" + branch != root.expected_branch_ref)
        violation("[log] the gate log's root entry names branch '" + branch.substr(0, 100) + "', but the root policy governs " +
                  root.expected_branch_ref + ": the log was replaced to point audit elsewhere");
      if (!root.repository_id.empty() && field("Tally-Repository") != root.repository_id)
        violation("[log] the gate log's root entry does not name this repository's identity " + root.repository_id +
                  " (the root commit's): it belongs to another repository or was replaced");
      if (s.signed_ && !s.key)
        violation("[log] the gate log's root entry " + entry + " has an invalid signature: " + s.problem);
      else if (s.key && !(root.gate && *s.key == *root.gate))
        violation("[log] the gate log's root entry " + entry + " is signed by " + s.key->Fingerprint() + ", not the gate key");
      else if (!s.signed_ && root.root_signed_by_gate)
        violation("[log] the gate log's root entry " + entry +
                  " is unsigned, but the root commit is signed by the gate: the log was replaced");
      else if (!s.signed_)
        out.notes.push_back("the gate log's root entry " + entry +
                            " is unsigned (initialised without the gate key): it is pinned only through the root commit id");
      recorded.insert(root_hex);
      out.recorded_at[root_hex] = clock;
    } else if (e.kind == "merge") {
      const std::string m = field("Tally-Commit");
      const std::string what = "merge " + Short(m) + " (" + field("Tally-CR").substr(0, 20) + ")";
      out.logged_merges.insert(m);
      auto pos = position.find(m);
      std::optional<git_oid> parent;
      if (pos == position.end()) {
        violation("[rewrite] the gate log records " + what +
                  " which is no longer on the governed branch: the history was rewritten or rolled back");
        parent = git::FromHex(field("Tally-Previous"));
      } else if (pos->second == 0) {
        violation("[log] log entry " + entry + " records the root commit as a merge");
      } else {
        size_t k = pos->second;
        parent = chain[k - 1];
        if (k < next)
          violation("[order] log entry " + entry + " records " + what +
                    " again or after a later merge: the gate log's merges are not in branch order (re-ordered)");
        else if (k > next)
          violation("[order] log entry " + entry + " records " + what + ", but the branch's next merge is " +
                    Short(chain[next]) + ": " + std::to_string(k - next) +
                    " merge(s) before it have no entry here (dropped from the log, or re-ordered)");
        next = std::max(next, k + 1);
        if (field("Tally-Previous") != git::ToHex(chain[k - 1]))
          violation("[log] log entry " + entry + " says " + what + " was made on " + Short(field("Tally-Previous")) +
                    ", but its parent on the branch is " + Short(chain[k - 1]));
        if (!recorded.count(m)) out.recorded_at[m] = clock;
        recorded.insert(m);
      }
      auto policy = parent ? store::PolicyAt(repo, *parent) : Result<Policy>(Error{"no previous commit"});
      if (!s.key || !policy || !(*s.key == policy->gate))
        violation("[log] log entry " + entry + " (" + what + ") is not signed by the gate");
    } else if (e.kind == "freeze") {
      const std::string name = field("Tally-Freeze");
      const std::string commit = field("Tally-Commit");
      if (!out.logged_freezes.insert(name).second)
        violation("[freeze] freeze " + name + " is logged twice (entry " + entry + "): a freeze never moves");
      ++out.freezes_checked;
      if (!position.count(commit))
        violation("[freeze] freeze " + name + " froze " + Short(commit) + ", which is no longer on the governed branch");
      else if (!recorded.count(commit))
        violation("[order] log entry " + entry + " freezes " + name + " at " + Short(commit) +
                  " before the gate log recorded that commit: a freeze entry out of order");
      for (auto& p : FreezeProblems(repo, e)) violation(std::move(p));
    } else {
      violation("[log] log entry " + entry + " has an unknown kind '" + e.kind.substr(0, 40) + "'");
    }
  }
  if (not_entries > 0)
    violation("[log] " + store::kLogRef + " holds " + std::to_string(not_entries) +
              " commit(s) that are not gate-log entries (an empty tree, one parent, a Tally-Log trailer), the newest " +
              newest_not_entry + ": the log ref points at another commit or the log was tampered with");
  if (log.front().kind != "root")
    violation("[rewrite] the gate log does not start with a root entry naming the branch's root commit " + Short(root_hex) +
              ": the history was rewritten from its start");
  return out;
}

}  // namespace tally::governance
