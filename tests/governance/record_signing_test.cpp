// Signed lineage records: a signature Tally makes verifies with ssh-keygen (the independent
// judge) over the record's canonical bytes, names its trusted signer, and fails on any edit,
// on a key nobody trusts, and on another namespace's signature.
#include "tally/governance/record_signing.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace tally::governance {
namespace {

using namespace govtest;

runtime::LineageRecord Record() {
  runtime::LineageRecord r;
  r.definition = "customer.health";
  r.kind = "score";
  r.version = "1.0.0";
  r.content_sha256 = std::string(64, 'a');
  r.commit = "ungoverned";
  r.output = {"out.csv", std::string(64, 'c'), 12};
  r.output_rows = 1;
  r.rows_read = 1;
  r.rows_scored = 1;
  r.engine = "interpreter";
  r.tally_version = "0.1.0";
  r.run_at = "2026-03-01T12:00:00Z";
  return r;
}

class RecordSigning : public ::testing::Test {
 protected:
  void SetUp() override {
    alice_ = MakeKey(dir_, "alice");
    mallory_ = MakeKey(dir_, "mallory");
    ASSERT_FALSE(alice_.empty()) << "ssh-keygen is needed";
    auto key = ParsePublicKey(PublicKeyLine(alice_));
    ASSERT_TRUE(key.ok()) << key.error().message;
    trusted_ = {{*key, "alice"}};
  }
  runtime::LineageRecord Signed(const std::string& key_path) {
    auto signer = LoadLineageSigner(key_path);
    EXPECT_TRUE(signer.ok()) << signer.error().message;
    auto text = runtime::SignedLineageJson(Record(), *signer);
    EXPECT_TRUE(text.ok()) << text.error().message;
    auto read = runtime::ParseLineageRecord(*text, "x");
    EXPECT_TRUE(read.ok()) << read.error().message;
    return *read;
  }
  TempDir dir_;
  std::string alice_, mallory_;
  std::vector<TrustedKey> trusted_;
};

TEST_F(RecordSigning, SshKeygenVerifiesTheSignatureOverTheCanonicalBytes) {
  runtime::LineageRecord r = Signed(alice_);
  ASSERT_NE(r.signature.find("-----BEGIN SSH SIGNATURE-----"), std::string::npos);
  WriteAll(dir_ / "canonical", runtime::LineageSigningBytes(r));
  WriteAll(dir_ / "record.sig", r.signature);
  WriteAll(dir_ / "allowed", "alice@example.com " + PublicKeyLine(alice_) + "\n");
  std::string out;
  int rc = RunCommand("ssh-keygen -Y verify -f " + Shell((dir_ / "allowed").string()) +
                          " -I alice@example.com -n tally-lineage -s " + Shell((dir_ / "record.sig").string()) +
                          " < " + Shell((dir_ / "canonical").string()),
                      &out);
  EXPECT_EQ(rc, 0) << out;
  RecordSignature v = VerifyRecordSignature(r, trusted_);
  EXPECT_TRUE(v.is_signed);
  EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_EQ(v.who, "alice");
}

TEST_F(RecordSigning, AnyEditBreaksIt) {
  runtime::LineageRecord r = Signed(alice_);
  for (auto edit : std::vector<void (*)(runtime::LineageRecord&)>{
           [](runtime::LineageRecord& x) { x.output.sha256[0] = 'd'; },
           [](runtime::LineageRecord& x) { x.run_at = "2020-01-01T00:00:00Z"; },
           [](runtime::LineageRecord& x) { x.rows_scored = 2; },
           [](runtime::LineageRecord& x) { x.engine = "jit"; },
       }) {
    runtime::LineageRecord edited = r;
    edit(edited);
    RecordSignature v = VerifyRecordSignature(edited, trusted_);
    EXPECT_TRUE(v.is_signed);
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.detail.rfind("the signature does not verify over the record's fields", 0), 0u) << v.detail;
  }
}

TEST_F(RecordSigning, AKeyNobodyTrustsIsRefused) {
  RecordSignature v = VerifyRecordSignature(Signed(mallory_), trusted_);
  EXPECT_TRUE(v.is_signed);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.detail.find("neither in the policy"), std::string::npos) << v.detail;
  auto keys = ReadTrustedKeys(mallory_ + ".pub");
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  RecordSignature trusted = VerifyRecordSignature(Signed(mallory_), *keys);
  EXPECT_TRUE(trusted.ok) << trusted.detail;
  EXPECT_EQ(trusted.who, "--trusted-key " + mallory_ + ".pub");
}

TEST_F(RecordSigning, AnApprovalSignatureIsNotARecordSignature) {
  auto key = PrivateKey::Load(alice_);
  ASSERT_TRUE(key.ok()) << key.error().message;
  runtime::LineageRecord r = Record();
  auto sig = key->Sign(kApprovalNamespace, runtime::LineageSigningBytes(r));
  ASSERT_TRUE(sig.ok());
  r.signature = *sig;
  RecordSignature v = VerifyRecordSignature(r, trusted_);
  EXPECT_FALSE(v.ok);
}

TEST_F(RecordSigning, UnsignedAndUnreadable) {
  RecordSignature v = VerifyRecordSignature(Record(), trusted_);
  EXPECT_FALSE(v.is_signed);
  EXPECT_FALSE(v.ok);
  auto missing = LoadLineageSigner((dir_ / "nope").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("nope"), std::string::npos);
  WriteAll(dir_ / "bad.pub", "# a comment\nnot a key\n");
  auto bad = ReadTrustedKeys((dir_ / "bad.pub").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind((dir_ / "bad.pub").string() + ":2: ", 0), 0u) << bad.error().message;
}

}  // namespace
}  // namespace tally::governance
