#include "repository_id.h"

#include <openssl/rand.h>

#include <algorithm>

#include "store.h"

namespace tally::governance {

Result<std::string> NewRepositoryId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return Error{"the random generator failed: no repository identity"};
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

bool IsRepositoryId(std::string_view text) {
  return text.size() == 32 &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Result<std::string> RepositoryIdOfRoot(const git::Repo& repo, const git_oid& root) {
  auto c = repo.Commit(root);
  if (!c) return c.error();
  auto id = store::Trailer(git::CommitMessage(c->get()), kRepositoryTrailer);
  if (!id) return Error{"the root commit " + git::ToHex(root).substr(0, 12) + " has no " + kRepositoryTrailer +
                        " identity (made by an older tally init): approvals cannot be bound to this repository"};
  if (!IsRepositoryId(*id))
    return Error{"the root commit " + git::ToHex(root).substr(0, 12) + " has a malformed " + kRepositoryTrailer + " identity"};
  return *id;
}

Result<std::string> RepositoryIdAt(const git::Repo& repo, const git_oid& commit) {
  auto chain = store::FirstParentChain(repo, commit);
  if (!chain) return chain.error();
  return RepositoryIdOfRoot(repo, chain->back());
}

}  // namespace tally::governance
