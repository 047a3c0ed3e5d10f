// SHA-256 (OpenSSL), the one implementation every library uses: content hashes of
// definitions, cache keys and entry checksums, lineage hashes of inputs and outputs.
#pragma once

#include <string>
#include <string_view>

namespace tally {

// A streaming hash: Update() any number of times, then HexDigest() once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(std::string_view bytes);
  std::string HexDigest();  // finishes the hash; 64 lower-case hex digits

 private:
  void* ctx_;  // EVP_MD_CTX, kept out of this header
};

// sha256 of `bytes` as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view bytes);

}  // namespace tally
