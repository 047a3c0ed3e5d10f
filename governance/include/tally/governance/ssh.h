// SSH ed25519 keys and SSH signatures (the "sshsig" format of OpenSSH's PROTOCOL.sshsig),
// implemented on OpenSSL because libgit2 cannot sign or verify. A signature made here is
// accepted by `ssh-keygen -Y verify`, and one made by `ssh-keygen -Y sign` verifies here.
//
// Identity in Tally is a verified public key: Verify() returns the key that signed, and the
// caller matches it against the policy. Nothing in a signature's text is trusted before that.
#pragma once

#include "tally/support/sha256.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "tally/support/result.h"

namespace tally::governance {

// Namespaces keep a signature for one purpose from being replayed as another.
inline constexpr std::string_view kGitNamespace = "git";                  // commits, tags
inline constexpr std::string_view kApprovalNamespace = "tally-approval";  // CR approvals

struct PublicKey {
  std::array<uint8_t, 32> raw{};  // the ed25519 point
  std::string comment;            // not part of the identity

  // SSH wire format: string "ssh-ed25519", string raw.
  std::string Blob() const;
  // "ssh-ed25519 AAAA... comment" (comment omitted when empty).
  std::string ToOpenSsh() const;
  // "SHA256:<base64 without padding>", as ssh-keygen -l prints it.
  std::string Fingerprint() const;
  bool operator==(const PublicKey& other) const { return raw == other.raw; }
};

// Parses "ssh-ed25519 AAAA... [comment]". Other key types are refused by name.
Result<PublicKey> ParsePublicKey(std::string_view line);

class PrivateKey {
 public:
  // An unencrypted "openssh-key-v1" ed25519 key, as `ssh-keygen -t ed25519 -N ""` writes.
  static Result<PrivateKey> Parse(std::string_view pem);
  static Result<PrivateKey> Load(const std::string& path);

  PrivateKey(const PrivateKey&) = default;
  PrivateKey& operator=(const PrivateKey&) = default;
  ~PrivateKey();

  const PublicKey& public_key() const { return public_; }

  // An armored SSH signature ("-----BEGIN SSH SIGNATURE-----...") of `data` in `ns`,
  // hash sha512.
  Result<std::string> Sign(std::string_view ns, std::string_view data) const;

 private:
  PrivateKey() = default;
  std::array<uint8_t, 32> seed_{};
  PublicKey public_;
};

// Verifies an armored SSH signature of `data` in namespace `ns`; returns the signing key.
// Fails on any malformed field, a wrong namespace, an unsupported algorithm or a bad signature.
Result<PublicKey> VerifySignature(std::string_view armored, std::string_view ns,
                                  std::string_view data);

// Helpers shared with the git layer.
std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);  // ignores whitespace

}  // namespace tally::governance
