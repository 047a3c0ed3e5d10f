// A governed repository's identity: 128 random bits drawn at `tally init`, written in the root
// commit (trailer Tally-Repository) and in the gate log's root entry. Every approval signs it,
// so two repositories made from the same policy and files in the same second still differ
// (different roots), and an approval made in one is refused in the other.
#pragma once

#include <string>
#include <string_view>

#include "git.h"
#include "tally/support/result.h"

namespace tally::governance {

inline constexpr const char* kRepositoryTrailer = "Tally-Repository";

// 32 lowercase hex digits from OpenSSL's RAND_bytes; an error when the generator fails.
Result<std::string> NewRepositoryId();

bool IsRepositoryId(std::string_view text);

// The identity in `root`'s message (a root commit of a governed branch); an error naming the
// commit when it has none or a malformed one.
Result<std::string> RepositoryIdOfRoot(const git::Repo& repo, const git_oid& root);

// The identity of the governed history `commit` belongs to: its first-parent root's.
Result<std::string> RepositoryIdAt(const git::Repo& repo, const git_oid& commit);

}  // namespace tally::governance
