// Signing lineage records with ssh.h's SSH signatures, and verifying them in trace.
#include "tally/governance/record_signing.h"

#include <memory>

#include "guard.h"
#include "tally/support/atomic_file.h"

namespace tally::governance {

Result<runtime::LineageSigner> LoadLineageSigner(const std::string& key_path) {
  return Guarded("reading the signing key", [&]() -> Result<runtime::LineageSigner> {
    ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::Load(key_path));
    auto shared = std::make_shared<const PrivateKey>(std::move(key));
    return runtime::LineageSigner([shared](std::string_view canonical) -> Result<std::string> {
      return Guarded("signing the lineage record",
                     [&]() -> Result<std::string> { return shared->Sign(kLineageNamespace, canonical); });
    });
  });
}

std::vector<TrustedKey> PolicyKeys(const Policy& policy) {
  std::vector<TrustedKey> keys{{policy.gate, "the gate"}};
  for (const auto& [name, person] : policy.people) keys.push_back({person.key, name});
  return keys;
}

Result<std::vector<TrustedKey>> ReadTrustedKeys(const std::string& path) {
  return Guarded("reading trusted keys", [&]() -> Result<std::vector<TrustedKey>> {
    ASSIGN_OR_RETURN(std::string text, ReadFile(path, int64_t{64} << 10));
    std::vector<TrustedKey> keys;
    size_t line_number = 0;
    for (size_t start = 0; start < text.size();) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string line = text.substr(start, end - start);
      start = end + 1;
      ++line_number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos || line[line.find_first_not_of(" \t")] == '#') continue;
      auto key = ParsePublicKey(line);
      if (!key) return Error{path + ":" + std::to_string(line_number) + ": " + key.error().message};
      keys.push_back({*key, "--trusted-key " + path});
    }
    if (keys.empty()) return Error{path + ": no public key in the file"};
    return keys;
  });
}

RecordSignature VerifyRecordSignature(const runtime::LineageRecord& record,
                                      const std::vector<TrustedKey>& trusted) {
  RecordSignature out;
  if (record.signature.empty()) {
    out.detail = "the record is not signed";
    return out;
  }
  out.is_signed = true;
  auto key = VerifySignature(record.signature, kLineageNamespace, runtime::LineageSigningBytes(record));
  if (!key) {
    out.detail = "the signature does not verify over the record's fields: " + key.error().message;
    return out;
  }
  for (const TrustedKey& t : trusted) {
    if (t.key == *key) {
      out.ok = true;
      out.who = t.who;
      out.detail = "signed by " + t.who + " (" + key->Fingerprint() + ")";
      return out;
    }
  }
  out.detail = "signed by " + key->Fingerprint() +
               ", a key that is neither in the policy at the record's commit nor given with --trusted-key";
  return out;
}

}  // namespace tally::governance
