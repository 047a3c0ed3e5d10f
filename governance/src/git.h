// A thin, private C++ layer over libgit2: owning handles, errors as values, and the few
// operations governance needs (trees from blobs, signed commits, compare-and-swap refs).
// Nothing outside governance/src sees a libgit2 type.
#pragma once

#include <git2.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tally/governance/ssh.h"
#include "tally/support/result.h"

namespace tally::governance::git {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using RepoPtr = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using CommitPtr = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using BlobPtr = std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>>;
using RefPtr = std::unique_ptr<git_reference, Deleter<git_reference, git_reference_free>>;
using SigPtr = std::unique_ptr<git_signature, Deleter<git_signature, git_signature_free>>;
using TreeBuilderPtr = std::unique_ptr<git_treebuilder, Deleter<git_treebuilder, git_treebuilder_free>>;
using TagPtr = std::unique_ptr<git_tag, Deleter<git_tag, git_tag_free>>;

// Initialises libgit2 once per process (it is never shut down: other threads may use it).
void EnsureInit();

// The last libgit2 error as an Error, prefixed by what we were doing.
// libgit2's last error as an Error: kNotFound for GIT_ENOTFOUND (pass the call's return
// code), kIo for operating-system failures, kInternal for allocation, else kBadInput.
Error LastError(const std::string& doing, int code = GIT_ERROR);

std::string ToHex(const git_oid& id);
std::optional<git_oid> FromHex(const std::string& hex);

// A file in a tree: path relative to the root, and its content.
using FileMap = std::map<std::string, std::string>;

class Repo {
 public:
  static Result<Repo> Open(const std::string& dir);
  static Result<Repo> Init(const std::string& dir, const std::string& branch);

  git_repository* get() const { return repo_.get(); }
  std::string WorkDir() const;  // with a trailing '/', or "" when bare

  Result<git_oid> ResolveRef(const std::string& name) const;  // error if missing
  std::optional<git_oid> RefIfExists(const std::string& name) const;
  // Every ref name under `prefix` (e.g. "refs/tally/cr/").
  Result<std::vector<std::string>> ListRefs(const std::string& prefix) const;
  // Creates `name` only if it does not exist.
  Status CreateRef(const std::string& name, const git_oid& id, const std::string& log) const;
  // Removes `name` if it still points at `expected` (undoing this process's own CreateRef).
  Status DeleteRef(const std::string& name, const git_oid& expected) const;
  // Moves `name` from `expected` to `id`, failing if someone else moved it first.
  Status MoveRef(const std::string& name, const git_oid& expected, const git_oid& id,
                 const std::string& log) const;

  Result<CommitPtr> Commit(const git_oid& id) const;
  Result<TreePtr> Tree(const git_oid& id) const;
  // Both reads first check the whole of `tree` as strictly as `git fsck` and more
  // (tree_entries.h): every tree object well formed, every path CheckRepoPath's, every entry
  // of the kind its mode says, at most kMaxTreeEntries entries, no file over kMaxBlobBytes.
  // A malformed tree is an error naming the commit it was read through (Commit()), the path
  // and the rule, so Tally never reads a file that `git show COMMIT:PATH` would not show.
  // The content of `path` in `tree`, nullopt when absent (an error when it is not a blob).
  Result<std::optional<std::string>> ReadFile(const git_tree* tree, const std::string& path) const;
  // Every blob under `prefix` ("" for all) in `tree`, keyed by full path (at most
  // kMaxTreeBytes in all).
  Result<FileMap> ReadFiles(const git_tree* tree, const std::string& prefix) const;
  static constexpr int64_t kMaxTreeEntries = 100000;
  static constexpr int64_t kMaxBlobBytes = int64_t{64} << 20;
  static constexpr int64_t kMaxTreeBytes = int64_t{512} << 20;

  // A tree holding exactly `files` (paths must already be validated).
  Result<git_oid> WriteTree(const FileMap& files) const;
  Result<git_oid> EmptyTree() const { return WriteTree({}); }

  // A commit, signed with `key` in a gpgsig header (the way `git commit -S` does with
  // gpg.format=ssh) when `key` is given. Updates no ref.
  Result<git_oid> WriteCommit(const git_oid& tree, const std::vector<git_oid>& parents,
                              const std::string& name, const std::string& email, int64_t time,
                              const std::string& message, const PrivateKey* key) const;

  // A commit's gpgsig signature and the bytes it signs; nullopt when unsigned.
  struct Signed {
    std::string signature;
    std::string data;
  };
  Result<std::optional<Signed>> CommitSignature(const git_oid& id) const;

  // Raw object writing/reading (annotated tags are assembled by hand so they can carry an
  // SSH signature exactly as `git tag -s` does).
  Result<git_oid> WriteObject(const std::string& data, git_object_t type) const;
  Result<std::string> ReadObject(const git_oid& id, git_object_t* type) const;

 private:
  explicit Repo(git_repository* r) : repo_(r) {}
  // Checks `tree` (see ReadFile); with `files`, also collects every blob.
  Status WalkTree(const git_tree* tree, FileMap* files) const;
  // "commit C (tree T)" when the tree was reached through Commit(), else "tree T".
  std::string Describe(const git_oid& tree) const;
  RepoPtr repo_;
  mutable std::map<std::string, std::string> commit_of_tree_;  // tree id -> a commit holding it
  mutable std::set<std::string> checked_trees_;                // trees that passed the check
};

// Helpers on commits.
std::string CommitMessage(const git_commit* c);
int64_t CommitTime(const git_commit* c);
std::vector<git_oid> Parents(const git_commit* c);

}  // namespace tally::governance::git
