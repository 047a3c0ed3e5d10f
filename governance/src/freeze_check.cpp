#include "freeze_check.h"

namespace tally::governance {

namespace {

// The tag's signature split off as `git tag -v` does: (signed bytes, armored signature).
std::optional<std::pair<std::string, std::string>> SplitTag(const std::string& raw) {
  size_t at = raw.find("-----BEGIN SSH SIGNATURE-----");
  if (at == std::string::npos) return std::nullopt;
  return std::make_pair(raw.substr(0, at), raw.substr(at));
}

}  // namespace

std::vector<std::string> FreezeProblems(const git::Repo& repo, const store::LogEntry& e) {
  std::vector<std::string> out;
  auto field = [&](const std::string& k) { return e.fields.count(k) ? e.fields.at(k) : std::string(); };
  std::string name = field("Tally-Freeze");
  std::string commit = field("Tally-Commit");
  store::CommitSigner s = store::VerifyCommit(repo, e.commit);
  auto frozen = git::FromHex(commit);
  auto policy = frozen ? store::PolicyAt(repo, *frozen) : Result<Policy>(Error{"no commit"});
  if (!s.key || !policy || !policy->PersonWithKey(*s.key))
    out.push_back("[log] log entry " + git::ToHex(e.commit).substr(0, 12) + " (freeze " + name +
                  ") is not signed by a person in the policy");
  auto tag = repo.RefIfExists(store::kFreezePrefix + name);
  if (!tag) {
    out.push_back("[freeze] freeze " + name + " vanished: " + store::kFreezePrefix + name + " was deleted");
    return out;
  }
  if (git::ToHex(*tag) != field("Tally-Tag")) {
    out.push_back("[freeze] freeze " + name + " moved: it was recorded as tag " + field("Tally-Tag").substr(0, 12) +
                  " on " + commit.substr(0, 12) + ", it is now " + git::ToHex(*tag).substr(0, 12));
    return out;
  }
  git_object_t type;
  auto raw = repo.ReadObject(*tag, &type);
  auto parts = raw && type == GIT_OBJECT_TAG ? SplitTag(*raw) : std::nullopt;
  auto signer = parts ? VerifySignature(parts->second, kGitNamespace, parts->first) : Result<PublicKey>(Error{"unsigned"});
  if (!signer || !s.key || !(*signer == *s.key)) out.push_back("[freeze] freeze " + name + "'s tag signature does not verify");
  return out;
}

}  // namespace tally::governance
