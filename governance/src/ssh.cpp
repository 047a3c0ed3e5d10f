#include "tally/governance/ssh.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstring>
#include <memory>

#include "guard.h"
#include "tally/support/atomic_file.h"

namespace tally::governance {

namespace {

constexpr std::string_view kKeyType = "ssh-ed25519";
constexpr std::string_view kSigMagic = "SSHSIG";
constexpr std::string_view kHashAlg = "sha512";
constexpr std::string_view kSigBegin = "-----BEGIN SSH SIGNATURE-----";
constexpr std::string_view kSigEnd = "-----END SSH SIGNATURE-----";
constexpr std::string_view kKeyBegin = "-----BEGIN OPENSSH PRIVATE KEY-----";
constexpr std::string_view kKeyEnd = "-----END OPENSSH PRIVATE KEY-----";
constexpr std::string_view kKeyMagic{"openssh-key-v1\0", 15};

// SSH wire format (RFC 4251): big-endian uint32 lengths before byte strings.
void PutU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}
void PutString(std::string& out, std::string_view s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

// Reads SSH wire format; every read is bounds-checked, so hostile input only fails.
class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}
  bool U32(uint32_t& v) {
    if (data_.size() < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(data_[static_cast<size_t>(i)]);
    data_.remove_prefix(4);
    return true;
  }
  bool String(std::string_view& s) {
    uint32_t n = 0;
    if (!U32(n) || data_.size() < n) return false;
    s = data_.substr(0, n);
    data_.remove_prefix(n);
    return true;
  }
  bool Raw(size_t n, std::string_view& s) {
    if (data_.size() < n) return false;
    s = data_.substr(0, n);
    data_.remove_prefix(n);
    return true;
  }
  bool empty() const { return data_.empty(); }
  std::string_view rest() const { return data_; }

 private:
  std::string_view data_;
};

std::string_view AsChars(const uint8_t* p, size_t n) { return {reinterpret_cast<const char*>(p), n}; }

Result<PublicKey> PublicKeyFromBlob(std::string_view blob) {
  WireReader r(blob);
  std::string_view type, raw;
  if (!r.String(type) || !r.String(raw) || !r.empty()) return Error{"malformed SSH public key"};
  if (type != kKeyType) return Error{"unsupported key type '" + std::string(type) + "' (only ssh-ed25519)"};
  if (raw.size() != 32) return Error{"malformed ssh-ed25519 key: wrong length"};
  PublicKey key;
  std::memcpy(key.raw.data(), raw.data(), 32);
  return key;
}

std::string Sha512(std::string_view data) {
  unsigned char md[SHA512_DIGEST_LENGTH];
  SHA512(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return std::string(AsChars(md, sizeof md));
}

// What is actually signed (PROTOCOL.sshsig): magic, namespace, reserved, hash alg, H(message).
std::string SignedData(std::string_view ns, std::string_view data) {
  std::string out(kSigMagic);
  PutString(out, ns);
  PutString(out, "");
  PutString(out, kHashAlg);
  PutString(out, Sha512(data));
  return out;
}

// The text between armor lines, or an error naming what is missing.
Result<std::string> Unarmor(std::string_view text, std::string_view begin, std::string_view end) {
  size_t b = text.find(begin);
  if (b == std::string_view::npos) return Error{"missing '" + std::string(begin) + "'"};
  size_t body = b + begin.size();
  size_t e = text.find(end, body);
  if (e == std::string_view::npos) return Error{"missing '" + std::string(end) + "'"};
  return Base64Decode(text.substr(body, e - body));
}

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// Unguarded: Base64Decode below is the entry point.
static Result<std::string> Base64DecodeUnguarded(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '=';
    if (!ok) return Error{"invalid base64"};
    clean.push_back(c);
  }
  if (clean.size() % 4 != 0) return Error{"invalid base64 length"};
  size_t pad = 0;
  if (!clean.empty() && clean.back() == '=') ++pad;
  if (clean.size() >= 2 && clean[clean.size() - 2] == '=') ++pad;
  std::string out(clean.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0) return Error{"invalid base64"};
  // EVP_DecodeBlock counts padding as zero bytes.
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  return Guarded("decoding base64", [&] { return Base64DecodeUnguarded(text); });
}

std::string PublicKey::Blob() const {
  std::string out;
  PutString(out, kKeyType);
  PutString(out, AsChars(raw.data(), raw.size()));
  return out;
}

std::string PublicKey::ToOpenSsh() const {
  std::string out = std::string(kKeyType) + " " + Base64Encode(Blob());
  if (!comment.empty()) out += " " + comment;
  return out;
}

std::string PublicKey::Fingerprint() const {
  unsigned char md[SHA256_DIGEST_LENGTH];
  std::string blob = Blob();
  SHA256(reinterpret_cast<const unsigned char*>(blob.data()), blob.size(), md);
  std::string b64 = Base64Encode(AsChars(md, sizeof md));
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return "SHA256:" + b64;
}

// Unguarded: ParsePublicKey below is the entry point.
static Result<PublicKey> ParsePublicKeyUnguarded(std::string_view line) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
      s.remove_suffix(1);
    return s;
  };
  line = trim(line);
  size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return Error{"expected 'ssh-ed25519 AAAA... [comment]'"};
  std::string_view type = line.substr(0, sp);
  if (type != kKeyType) return Error{"unsupported key type '" + std::string(type) + "' (only ssh-ed25519)"};
  std::string_view rest = trim(line.substr(sp + 1));
  size_t sp2 = rest.find_first_of(" \t");
  std::string_view b64 = rest.substr(0, sp2);
  auto blob = Base64Decode(b64);
  if (!blob) return Error{"malformed ssh-ed25519 key: " + blob.error().message};
  auto key = PublicKeyFromBlob(*blob);
  if (!key) return key;
  if (sp2 != std::string_view::npos) key->comment = std::string(trim(rest.substr(sp2)));
  return key;
}

Result<PublicKey> ParsePublicKey(std::string_view line) {
  return Guarded("reading a public key", [&] { return ParsePublicKeyUnguarded(line); });
}

PrivateKey::~PrivateKey() { OPENSSL_cleanse(seed_.data(), seed_.size()); }

Result<PrivateKey> PrivateKey::Load(const std::string& path) {
  // An OpenSSH ed25519 private key is ~400 bytes; 64 KiB leaves room for any comment.
  auto text = ReadFile(path, int64_t{64} << 10);
  if (!text) return text.error();
  auto key = Parse(*text);
  OPENSSL_cleanse(text->data(), text->size());
  if (!key) return Error{path + ": " + key.error().message};
  return key;
}

Result<PrivateKey> PrivateKey::Parse(std::string_view pem) {
  auto bytes = Unarmor(pem, kKeyBegin, kKeyEnd);
  if (!bytes) return Error{"not an OpenSSH private key: " + bytes.error().message};
  // Wipe the decoded key material whatever happens below.
  struct Wipe {
    std::string& s;
    ~Wipe() { OPENSSL_cleanse(s.data(), s.size()); }
  } wipe{*bytes};
  WireReader r(*bytes);
  std::string_view magic, cipher, kdf, kdf_options, pub_blob, priv;
  uint32_t nkeys = 0;
  if (!r.Raw(kKeyMagic.size(), magic) || magic != kKeyMagic) return Error{"not an openssh-key-v1 key"};
  if (!r.String(cipher) || !r.String(kdf) || !r.String(kdf_options) || !r.U32(nkeys))
    return Error{"malformed openssh-key-v1 key"};
  if (cipher != "none" || kdf != "none")
    return Error{"the key is encrypted with a passphrase; Tally needs an unencrypted key file"};
  if (nkeys != 1) return Error{"the key file must hold exactly one key"};
  if (!r.String(pub_blob) || !r.String(priv)) return Error{"malformed openssh-key-v1 key"};
  auto pub = PublicKeyFromBlob(pub_blob);
  if (!pub) return pub.error();

  WireReader p(priv);
  uint32_t check1 = 0, check2 = 0;
  std::string_view type, pk, sk, comment;
  if (!p.U32(check1) || !p.U32(check2) || check1 != check2) return Error{"malformed private section"};
  if (!p.String(type) || type != kKeyType || !p.String(pk) || !p.String(sk) || !p.String(comment))
    return Error{"malformed private section"};
  if (pk.size() != 32 || sk.size() != 64 || sk.substr(32) != pk ||
      pk != AsChars(pub->raw.data(), 32))
    return Error{"inconsistent ed25519 key"};

  PrivateKey key;
  std::memcpy(key.seed_.data(), sk.data(), 32);
  key.public_ = *pub;
  key.public_.comment = std::string(comment);
  return key;
}

Result<std::string> PrivateKey::Sign(std::string_view ns, std::string_view data) const {
  std::unique_ptr<EVP_PKEY, PkeyDeleter> pkey(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed_.data(), seed_.size()));
  if (!pkey) return Error{"cannot load the ed25519 key into OpenSSL"};
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  std::string tbs = SignedData(ns, data);
  unsigned char sig[64];
  size_t sig_len = sizeof sig;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig, &sig_len, reinterpret_cast<const unsigned char*>(tbs.data()),
                     tbs.size()) != 1 ||
      sig_len != 64)
    return Error{"ed25519 signing failed"};

  std::string sig_field;
  PutString(sig_field, kKeyType);
  PutString(sig_field, AsChars(sig, sig_len));
  std::string blob(kSigMagic);
  PutU32(blob, 1);
  PutString(blob, public_.Blob());
  PutString(blob, ns);
  PutString(blob, "");
  PutString(blob, kHashAlg);
  PutString(blob, sig_field);

  std::string b64 = Base64Encode(blob);
  std::string out(kSigBegin);
  out += "\n";
  for (size_t i = 0; i < b64.size(); i += 70) out += b64.substr(i, 70) + "\n";
  out += kSigEnd;
  out += "\n";
  return out;
}

// Unguarded: VerifySignature below is the entry point.
static Result<PublicKey> VerifySignatureUnguarded(std::string_view armored, std::string_view ns, std::string_view data) {
  auto blob = Unarmor(armored, kSigBegin, kSigEnd);
  if (!blob) return Error{"malformed SSH signature: " + blob.error().message};
  WireReader r(*blob);
  std::string_view magic, key_blob, sig_ns, reserved, hash_alg, sig_field;
  uint32_t version = 0;
  if (!r.Raw(kSigMagic.size(), magic) || magic != kSigMagic || !r.U32(version) ||
      !r.String(key_blob) || !r.String(sig_ns) || !r.String(reserved) || !r.String(hash_alg) ||
      !r.String(sig_field) || !r.empty())
    return Error{"malformed SSH signature"};
  if (version != 1) return Error{"unsupported SSH signature version " + std::to_string(version)};
  if (sig_ns != ns)
    return Error{"signature namespace is '" + std::string(sig_ns) + "', expected '" + std::string(ns) + "'"};
  if (hash_alg != "sha512" && hash_alg != "sha256")
    return Error{"unsupported signature hash '" + std::string(hash_alg) + "'"};
  auto key = PublicKeyFromBlob(key_blob);
  if (!key) return key.error();

  WireReader s(sig_field);
  std::string_view sig_type, sig;
  if (!s.String(sig_type) || !s.String(sig) || !s.empty() || sig_type != kKeyType || sig.size() != 64)
    return Error{"malformed ed25519 signature"};

  // ssh-keygen signs with sha512 by default; sha256 is the other algorithm the format allows.
  std::string digest;
  if (hash_alg == "sha512") {
    digest = Sha512(data);
  } else {
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
    digest.assign(AsChars(md, sizeof md));
  }
  std::string tbs(kSigMagic);
  PutString(tbs, ns);
  PutString(tbs, "");
  PutString(tbs, hash_alg);
  PutString(tbs, digest);

  std::unique_ptr<EVP_PKEY, PkeyDeleter> pkey(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key->raw.data(), key->raw.size()));
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (!pkey || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1)
    return Error{"cannot load the ed25519 key into OpenSSL"};
  if (EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                       reinterpret_cast<const unsigned char*>(tbs.data()), tbs.size()) != 1)
    return Error{"bad signature"};
  return key;
}

Result<PublicKey> VerifySignature(std::string_view armored, std::string_view ns, std::string_view data) {
  return Guarded("verifying a signature", [&] { return VerifySignatureUnguarded(armored, ns, data); });
}

}  // namespace tally::governance
