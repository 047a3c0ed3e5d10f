// SSH keys and signatures, checked against ssh-keygen itself: its fingerprints, its verifier
// accepting our signatures, and our verifier accepting its signatures.
#include "tally/governance/ssh.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace tally::governance {
namespace {

using govtest::MakeKey;
using govtest::PublicKeyLine;
using govtest::ReadAll;
using govtest::RunCommand;
using govtest::Shell;
using govtest::TempDir;
using govtest::WriteAll;

class SshTest : public ::testing::Test {
 protected:
  void SetUp() override {
    alice_ = MakeKey(dir_, "alice");
    mallory_ = MakeKey(dir_, "mallory");
    ASSERT_FALSE(alice_.empty()) << "ssh-keygen is needed for these tests";
    ASSERT_FALSE(mallory_.empty());
  }
  TempDir dir_;
  std::string alice_, mallory_;
};

TEST_F(SshTest, PrivateKeyMatchesThePublicKeyFileAndFingerprint) {
  auto key = PrivateKey::Load(alice_);
  ASSERT_TRUE(key.ok()) << key.error().message;
  auto pub = ParsePublicKey(PublicKeyLine(alice_));
  ASSERT_TRUE(pub.ok()) << pub.error().message;
  EXPECT_EQ(key->public_key(), *pub);
  EXPECT_EQ(pub->comment, "alice@example.com");
  EXPECT_EQ(pub->ToOpenSsh(), PublicKeyLine(alice_));

  std::string out;
  ASSERT_EQ(RunCommand("ssh-keygen -l -E sha256 -f " + Shell(alice_ + ".pub"), &out), 0) << out;
  // "256 SHA256:xxxx alice@example.com (ED25519)"
  EXPECT_NE(out.find(pub->Fingerprint() + " "), std::string::npos) << out;
}

TEST_F(SshTest, SshKeygenVerifiesOurSignature) {
  auto key = PrivateKey::Load(alice_);
  ASSERT_TRUE(key.ok());
  std::string data = "tally-approval v1\ncr CR-1\n";
  auto sig = key->Sign(kApprovalNamespace, data);
  ASSERT_TRUE(sig.ok()) << sig.error().message;
  WriteAll(dir_ / "data", data);
  WriteAll(dir_ / "data.sig", *sig);
  WriteAll(dir_ / "allowed", "alice " + PublicKeyLine(alice_) + "\n");
  std::string cmd = "ssh-keygen -Y verify -f " + Shell((dir_ / "allowed").string()) +
                    " -I alice -n tally-approval -s " + Shell((dir_ / "data.sig").string()) + " < " +
                    Shell((dir_ / "data").string());
  std::string out;
  EXPECT_EQ(RunCommand(cmd, &out), 0) << out;

  // The same signature over other data, or in another namespace, is refused by ssh-keygen too.
  WriteAll(dir_ / "data", data + "x");
  EXPECT_NE(RunCommand(cmd, &out), 0) << out;
}

TEST_F(SshTest, WeVerifySshKeygenSignatures) {
  std::string data = "some content\nwith two lines\n";
  WriteAll(dir_ / "msg", data);
  std::string out;
  ASSERT_EQ(RunCommand("ssh-keygen -Y sign -f " + Shell(alice_) + " -n git " + Shell((dir_ / "msg").string()), &out), 0)
      << out;
  std::string sig = ReadAll(dir_ / "msg.sig");
  auto signer = VerifySignature(sig, kGitNamespace, data);
  ASSERT_TRUE(signer.ok()) << signer.error().message;
  EXPECT_EQ(*signer, *ParsePublicKey(PublicKeyLine(alice_)));

  EXPECT_FALSE(VerifySignature(sig, kGitNamespace, data + " ").ok());
  auto wrong_ns = VerifySignature(sig, kApprovalNamespace, data);
  ASSERT_FALSE(wrong_ns.ok());
  EXPECT_NE(wrong_ns.error().message.find("namespace"), std::string::npos);
}

TEST_F(SshTest, VerifyReturnsTheRealSignerNotAClaimedOne) {
  auto mallory = PrivateKey::Load(mallory_);
  ASSERT_TRUE(mallory.ok());
  auto sig = mallory->Sign(kApprovalNamespace, "x");
  ASSERT_TRUE(sig.ok());
  auto signer = VerifySignature(*sig, kApprovalNamespace, "x");
  ASSERT_TRUE(signer.ok());
  EXPECT_FALSE(*signer == *ParsePublicKey(PublicKeyLine(alice_)));
  EXPECT_EQ(*signer, *ParsePublicKey(PublicKeyLine(mallory_)));
}

TEST_F(SshTest, TamperedSignatureBytesAreRefused) {
  auto key = PrivateKey::Load(alice_);
  ASSERT_TRUE(key.ok());
  auto sig = key->Sign(kGitNamespace, "payload");
  ASSERT_TRUE(sig.ok());
  // Flip one base64 character in the middle of the signature value (the last line).
  std::string bad = *sig;
  size_t end = bad.find("-----END");
  size_t pos = end - 10;
  bad[pos] = bad[pos] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifySignature(bad, kGitNamespace, "payload").ok());
  EXPECT_FALSE(VerifySignature("garbage", kGitNamespace, "payload").ok());
  EXPECT_FALSE(VerifySignature("-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n",
                               kGitNamespace, "payload").ok());
}

TEST_F(SshTest, EncryptedAndForeignKeysAreRefusedClearly) {
  std::string enc = (dir_ / "enc").string();
  ASSERT_EQ(RunCommand("ssh-keygen -q -t ed25519 -N secret -f " + Shell(enc)), 0);
  auto key = PrivateKey::Load(enc);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.error().message.find("passphrase"), std::string::npos);

  auto rsa = ParsePublicKey("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ x");
  ASSERT_FALSE(rsa.ok());
  EXPECT_NE(rsa.error().message.find("ssh-rsa"), std::string::npos);
  EXPECT_FALSE(ParsePublicKey("ssh-ed25519 !!!").ok());
  EXPECT_FALSE(PrivateKey::Parse("not a key").ok());
}

TEST(Base64Test, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 20; ++i) {
    auto back = Base64Decode(Base64Encode(bytes));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, bytes);
    bytes.push_back(static_cast<char>(i * 37));
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");  // RFC 4648 test vector
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
}

}  // namespace
}  // namespace tally::governance
