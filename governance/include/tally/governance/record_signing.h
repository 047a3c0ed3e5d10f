// Signed lineage records: `tally score --sign-key KEY` signs the record's canonical bytes
// (runtime::LineageSigningBytes, which hold the output's sha256) with an SSH ed25519 key;
// `tally trace` verifies the signature and names the signer (docs/governance.md, "What a
// lineage record proves"). The signing itself is ssh.h's; this only binds it to records.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tally/governance/policy.h"
#include "tally/runtime/lineage.h"
#include "tally/support/result.h"

namespace tally::governance {

// Its own namespace: a record signature cannot be replayed as an approval or a commit's.
inline constexpr std::string_view kLineageNamespace = "tally-lineage";

// A signer for LineageFacts::sign from an unencrypted ed25519 private key file. Fails,
// naming the file, when the key cannot be read.
Result<runtime::LineageSigner> LoadLineageSigner(const std::string& key_path);

// A key a trace accepts as a record's signer, and whose it is ("alice", "the gate",
// "--trusted-key keys/ci.pub").
struct TrustedKey {
  PublicKey key;
  std::string who;
};
// The gate and every person of `policy`.
std::vector<TrustedKey> PolicyKeys(const Policy& policy);
// Each "ssh-ed25519 ..." line of a public key file (blank lines and # comments skipped).
Result<std::vector<TrustedKey>> ReadTrustedKeys(const std::string& path);

struct RecordSignature {
  bool is_signed = false;  // false: the record carries no signature
  bool ok = false;         // verified, by a trusted key
  std::string who;         // the trusted signer, when ok
  std::string detail;      // what was verified, or why not
};
// Verifies `record.signature` over LineageSigningBytes(record) against `trusted`.
RecordSignature VerifyRecordSignature(const runtime::LineageRecord& record,
                                      const std::vector<TrustedKey>& trusted);

}  // namespace tally::governance
