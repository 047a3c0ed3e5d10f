// The governance commands, one function each, taking plain option structs and returning a
// plain result struct; render.h turns any result into text or JSON, in one place, so the
// command line only wires flags.
//
// Where things live in a governed repository (all ordinary git objects, readable by git):
//   refs/heads/<governed_branch>  the governed history: a root commit, then only gate merges
//   refs/tally/cr/<N>             change request CR-N: a commit (chain) on top of its base,
//                                 signed by its proposer
//   refs/tally/approvals/<N>      approvals of CR-N: a chain of commits, each holding an SSH
//                                 signature over the CR's exact content
//   refs/tags/freeze/<NAME>       a freeze: an annotated tag signed like `git tag -s`
//   refs/tally/log                the record of every gate action (root, merges, freezes),
//                                 each entry signed, so audit can detect a rewritten branch
//                                 or a moved or deleted freeze
// A gate merge has parents (base, CR head[, approvals]) and trailers naming the CR, the
// proposer, the approvers and each definition's version change; it is signed by the gate.
//
// Errors: Result errors mean the command could not run (no repository, unreadable key), with
// an ErrorCode telling not-found from corrupt; refusals and findings come back in the
// result with ok == false (exit code 1). No entry point lets an exception out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tally/support/result.h"

namespace tally::governance {

// What every command returns besides its own fields.
struct Report {
  bool ok = true;          // false: refused, or problems found (exit 1)
  std::string refusal;     // set when the command refused before acting: why
};

// Common to every command that works on an existing governed repository.
struct RepoOptions {
  std::string repo = ".";  // a folder inside the repository
  int64_t now = 0;         // Unix seconds; 0 = the current time (tests pin it)
};

struct InitOptions {
  std::string dir;
  std::string policy_file;       // required: the first policy, the root of trust
  std::string gate_key;          // optional: signs the root commit (must be the policy's gate)
  std::string definitions_dir;   // optional: copied into metrics/ (e.g. the example library)
  int64_t now = 0;
};
struct InitResult : Report {
  std::string dir;
  std::string branch;
  std::string root_commit;
  std::string repository_id;     // 128 random bits (hex), in the root commit; every approval signs it
  bool signed_by_gate = false;
  int64_t policy_version = 0;
  std::string policy_sha256;
  size_t definitions = 0;
};
Result<InitResult> InitRepository(const InitOptions& options);

struct ProposeOptions : RepoOptions {
  std::string message;
  std::string key;                     // the proposer's private key
  std::optional<std::string> revise;   // "CR-3": a new revision of an open CR
  std::string freeze_exception;        // why this must merge during a freeze window (one line)
};
struct ProposeResult : Report {
  std::string id;                      // "CR-3"
  std::string commit;
  std::string proposer;
  std::string base;
  std::vector<std::string> changed_paths;
};
Result<ProposeResult> Propose(const ProposeOptions& options);

struct ApproveOptions : RepoOptions {
  std::string cr;    // "CR-3" or "3"
  std::string key;
};
struct ApproveResult : Report {
  std::string cr;
  std::string approver;  // the person whose key signed, from the policy
  std::string commit;    // the approval's commit
  std::string head;      // the CR revision approved
  std::vector<std::string> warnings;
};
Result<ApproveResult> Approve(const ApproveOptions& options);

struct MergeOptions : RepoOptions {
  std::string cr;
  std::string key;   // the gate's private key
};
struct MergeResult : Report {
  std::string cr;
  std::vector<std::string> reasons;  // why the gate refused; empty on success
  std::vector<std::string> notes;
  std::string merge_commit;
  std::string branch_ref;
  std::string proposer;
  std::vector<std::string> approvers;
  std::vector<std::string> changes;  // "customer.health 1.0.0 -> 1.1.0 class=minor required=minor"
  std::optional<std::string> freeze_exception;
};
Result<MergeResult> Merge(const MergeOptions& options);

struct FreezeOptions : RepoOptions {
  std::string name;
  std::string key;       // a council member's key
  std::string message;
};
struct FreezeResult : Report {
  std::string name;
  std::string tag;       // "refs/tags/freeze/NAME"
  std::string commit;    // the frozen commit
  std::string branch_ref;
  std::string by;        // the council member who froze it
};
Result<FreezeResult> Freeze(const FreezeOptions& options);

}  // namespace tally::governance
