// How governance records are laid out in git (see repository.h for the ref map) and read
// back: trailers, change requests, approvals, the gate log, the policy at a commit.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "git.h"
#include "tally/governance/policy.h"

namespace tally::governance::store {

inline const std::string kCrPrefix = "refs/tally/cr/";
inline const std::string kApprovalPrefix = "refs/tally/approvals/";
inline const std::string kLogRef = "refs/tally/log";
inline const std::string kFreezePrefix = "refs/tags/freeze/";
inline constexpr int kMaxRevisions = 1000;

// "Key: value" lines of a message's last paragraph, in order.
std::vector<std::pair<std::string, std::string>> Trailers(const std::string& message);
std::optional<std::string> Trailer(const std::string& message, const std::string& key);
std::vector<std::string> TrailerAll(const std::string& message, const std::string& key);
std::string Title(const std::string& message);

// "CR-3" / "cr-3" / "3" -> 3.
Result<int> ParseCrId(const std::string& text);
std::string CrId(int n);

// The policy in `commit`'s tree.
Result<Policy> PolicyAt(const git::Repo& repo, const git_oid& commit);

// The governed branch's ref name and tip; the branch comes from the log's root entry
// (falling back to HEAD for a repository with no log).
struct Governed {
  std::string branch_ref;  // "refs/heads/main"
  git_oid tip;
};
Result<Governed> FindGoverned(const git::Repo& repo);

// Refuses a governed branch the log's root entry names but the repository's history does not:
// the branch's root commit must be the one the root entry names, and the policy there must
// govern this branch. A log replaced to point elsewhere then stops every command that reads
// the governed branch (`audit`, which reports it, reads FindGoverned alone).
Status CheckGovernedRoot(const git::Repo& repo, const Governed& governed);

// A signer identified against a policy.
struct Identity {
  std::optional<std::string> person;  // nullopt: a key the policy does not know
  PublicKey key;
};

// A commit's gpgsig verified; nullopt signer when unsigned; error text when invalid.
struct CommitSigner {
  bool signed_ = false;
  std::optional<PublicKey> key;  // set when the signature verified
  std::string problem;           // why it did not verify
};
CommitSigner VerifyCommit(const git::Repo& repo, const git_oid& id);

struct ChangeRequest {
  int number = 0;
  std::string id;                  // "CR-3"
  git_oid head{};                  // the latest revision
  git_oid base{};                  // the governed commit it changes
  std::vector<git_oid> revisions;  // head first, down to (excluding) base
  std::string message;             // of the first revision (title, body, trailers)
};
Result<ChangeRequest> LoadChangeRequest(const git::Repo& repo, int number);
// Whether the CR's head is already part of the governed history (merged: closed).
bool IsMerged(const git::Repo& repo, const ChangeRequest& cr, const git_oid& tip);
// The revisions from `head` down to (excluding) `base` along first parents, head first.
Result<std::vector<git_oid>> RevisionsBetween(const git::Repo& repo, const git_oid& head, const git_oid& base);
// The governed branch's first-parent chain from `tip` to the root, tip first.
Result<std::vector<git_oid>> FirstParentChain(const git::Repo& repo, const git_oid& tip);

// The exact text an approver signs: binds the repository's identity (repository_id.h), the
// CR id, its base, its head and the head's tree.
std::string ApprovalPayload(const std::string& repository_id, const std::string& cr_id, const git_oid& base,
                            const git_oid& head, const git_oid& tree);
// The repository an approval payload names; nullopt when it names none (not a v2 payload).
std::optional<std::string> ApprovalRepository(const std::string& payload);

struct ApprovalRecord {
  git_oid commit{};
  std::string payload;
  std::string signature;
  std::string claimed_author;  // commit author name: shown, never trusted
};
// Every approval commit of a chain (newest first); malformed entries come back with an
// empty payload or signature so the gate can name them.
Result<std::vector<ApprovalRecord>> LoadApprovals(const git::Repo& repo, const git_oid& tip);

struct LogEntry {
  git_oid commit{};                // the log commit itself
  std::string kind;                // "root", "merge", "freeze"
  std::map<std::string, std::string> fields;
};
// The log oldest first; an empty vector when the log does not exist.
Result<std::vector<LogEntry>> LoadLog(const git::Repo& repo);
// Appends an entry signed with `key`, retrying if another writer appended first.
Status AppendLog(const git::Repo& repo, const std::string& kind,
                 const std::vector<std::pair<std::string, std::string>>& fields, const std::string& name,
                 const std::string& email, int64_t now, const PrivateKey& key);

// "name <email>" parts for a person, from the key's comment when it looks like an address.
std::string EmailOf(const std::string& person, const PublicKey& key);

int64_t Now(int64_t pinned);

}  // namespace tally::governance::store
