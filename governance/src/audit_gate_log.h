// The gate log checked as evidence in its own right, not only as a list to compare the branch
// with. Oldest entry first: every entry is a log entry (an empty tree, at most one parent, a
// Tally-Log kind), signed by a key the policy of its time allows, and dated no earlier than the
// entry before it; the root entry names the branch's root commit, the branch the root policy
// governs and the repository identity the root holds; the merge entries record the branch's
// merges in branch order (none dropped, none repeated or re-ordered); a freeze entry freezes a
// commit an earlier entry recorded. Used by `audit`.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "git.h"
#include "store.h"

namespace tally::governance {

// What the branch's root commit says, against which the log's root entry is checked.
struct GovernedRoot {
  std::vector<git_oid> chain;          // the branch's first-parent chain, root first
  std::string expected_branch_ref;     // refs/heads/<the root policy's governed_branch>; "" if unreadable
  std::string repository_id;           // the root's identity; "" when it has none
  std::optional<PublicKey> gate;       // the root policy's gate key; nullopt when unreadable
  bool root_signed_by_gate = false;
};

struct GateLogCheck {
  std::vector<std::string> violations;
  std::vector<std::string> notes;
  std::set<std::string> logged_merges;   // commit ids (hex) the merge entries record
  std::set<std::string> logged_freezes;  // freeze names
  size_t freezes_checked = 0;
  // For each governed commit the log recorded: the log's clock when it did (the latest date
  // of that entry and of every entry before it). Freeze windows are judged at this moment,
  // so a merge dated back past earlier entries is still judged where the log puts it.
  std::map<std::string, int64_t> recorded_at;
};

Result<GateLogCheck> VerifyGateLog(const git::Repo& repo, const std::vector<store::LogEntry>& log,
                                   const GovernedRoot& root);

// "2026-11-23 12:00:00 UTC".
std::string UtcTime(int64_t seconds);

}  // namespace tally::governance
