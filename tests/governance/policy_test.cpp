// Policy validation: a good policy parses; each mistake a council can make is reported with
// the file, line and column of the offending YAML node, and all mistakes are reported at once.
#include "tally/governance/policy.h"

#include <gtest/gtest.h>

#include <map>

#include "test_util.h"

namespace tally::governance {
namespace {

using govtest::MakeKey;
using govtest::PublicKeyLine;
using govtest::TempDir;

class PolicyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    for (const char* name : {"gate", "alice", "bob", "dora", "erin"}) keys_[name] = PublicKeyLine(MakeKey(*dir_, name));
  }
  static void TearDownTestSuite() { delete dir_; }

  // A valid policy; `extra` replaces the councils..freezes part when given.
  static std::string Text(const std::string& tail) {
    return "version: 3\n"
           "governed_branch: main\n"
           "gate: \"" + keys_["gate"] + "\"\n"
           "people:\n"
           "  alice: \"" + keys_["alice"] + "\"\n"
           "  bob: \"" + keys_["bob"] + "\"\n"
           "  dora: \"" + keys_["dora"] + "\"\n"
           "  erin: \"" + keys_["erin"] + "\"\n" + tail;
  }
  static std::string GoodTail() {
    return "councils:\n"
           "  cx: { members: [alice, bob], quorum: 2 }\n"
           "  emea: { members: [dora], quorum: 1 }\n"
           "  governance: { members: [alice, dora, erin], quorum: 2 }\n"
           "regions:\n"
           "  emea: emea\n"
           "policy_council: governance\n"
           "self_approval: false\n"
           "freezes:\n"
           "  - { name: 2026-Q4-close, from: 2026-12-24, until: 2027-01-08 }\n";
  }
  static std::string Error(const std::string& text) {
    auto p = ParsePolicy(text, "governance/policy.yaml");
    return p.ok() ? std::string("<parsed>") : p.error().message;
  }

  static TempDir* dir_;
  static std::map<std::string, std::string> keys_;
};
TempDir* PolicyTest::dir_ = nullptr;
std::map<std::string, std::string> PolicyTest::keys_;

TEST_F(PolicyTest, ParsesTheContractExample) {
  auto p = ParsePolicy(Text(GoodTail()), "governance/policy.yaml");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->version, 3);
  EXPECT_EQ(p->governed_branch, "main");
  EXPECT_EQ(p->people.size(), 4u);
  ASSERT_NE(p->FindCouncil("cx"), nullptr);
  EXPECT_EQ(p->FindCouncil("cx")->quorum, 2);
  EXPECT_EQ(p->regions.at("emea"), "emea");
  EXPECT_EQ(p->policy_council, "governance");
  EXPECT_FALSE(p->self_approval);
  ASSERT_EQ(p->freezes.size(), 1u);
  EXPECT_EQ(p->freezes[0].from.ToString(), "2026-12-24");
  EXPECT_EQ(p->freezes[0].until.ToString(), "2027-01-08");
  // 2026-12-24 is 20811 days after 1970-01-01 (computed with `date -d 2026-12-24 +%s` / 86400).
  EXPECT_EQ(p->freezes[0].from.days, 20811);
  EXPECT_NE(p->ActiveFreeze(*ParseDate("2027-01-08")), nullptr);
  EXPECT_EQ(p->ActiveFreeze(*ParseDate("2027-01-09")), nullptr);
  auto alice = ParsePublicKey(keys_["alice"]);
  ASSERT_TRUE(alice.ok());
  ASSERT_NE(p->PersonWithKey(*alice), nullptr);
  EXPECT_EQ(p->PersonWithKey(*alice)->name, "alice");
  EXPECT_EQ(p->PersonWithKey(*ParsePublicKey(keys_["gate"])), nullptr);
}

TEST_F(PolicyTest, UnknownPersonInCouncilIsLocated) {
  std::string tail = GoodTail();
  tail.replace(tail.find("[alice, bob]"), 12, "[alice, carol]");
  // councils: is on line 9 of the text (8 header lines), cx on line 10; carol at column 26.
  EXPECT_EQ(Error(Text(tail)), "governance/policy.yaml:10:26: error: unknown person 'carol' in council cx");
}

TEST_F(PolicyTest, QuorumOutOfRange) {
  std::string tail = GoodTail();
  tail.replace(tail.find("quorum: 2 }"), 11, "quorum: 3 }");
  EXPECT_EQ(Error(Text(tail)), "governance/policy.yaml:10:3: error: quorum of cx is 3 but it has only 2 member(s)");
  tail = GoodTail();
  tail.replace(tail.find("quorum: 1 }"), 11, "quorum: 0 }");
  EXPECT_EQ(Error(Text(tail)), "governance/policy.yaml:11:3: error: quorum of emea must be at least 1");
}

TEST_F(PolicyTest, BadKeysAndUnknownCouncils) {
  std::string tail = GoodTail() + "approvers: 2\n";
  EXPECT_NE(Error(Text(tail)).find(":19:1: error: unknown key 'approvers'"), std::string::npos) << Error(Text(tail));
  tail = GoodTail();
  tail.replace(tail.find("emea: emea"), 10, "emea: apac");
  EXPECT_EQ(Error(Text(tail)), "governance/policy.yaml:14:9: error: unknown council 'apac' for region emea");
  tail = GoodTail();
  tail.replace(tail.find("policy_council: governance"), 26, "policy_council: board");
  EXPECT_EQ(Error(Text(tail)), "governance/policy.yaml:15:17: error: unknown council 'board' as policy_council");
}

TEST_F(PolicyTest, FreezeEndingBeforeItStarts) {
  std::string tail = GoodTail();
  tail.replace(tail.find("until: 2027-01-08"), 17, "until: 2026-12-01");
  EXPECT_EQ(Error(Text(tail)),
            "governance/policy.yaml:18:5: error: freeze 2026-Q4-close ends (2026-12-01) before it starts (2026-12-24)");
  tail = GoodTail();
  tail.replace(tail.find("until: 2027-01-08"), 17, "until: 2027-02-30");
  EXPECT_NE(Error(Text(tail)).find("until must be a date YYYY-MM-DD"), std::string::npos);
}

TEST_F(PolicyTest, DuplicatesAreRefused) {
  // A duplicate person (yaml-cpp keeps both entries), a duplicate freeze, a shared key.
  std::string text = Text(GoodTail());
  text.replace(text.find("  erin:"), 7, "  alice:");
  EXPECT_NE(Error(text).find(":8:3: error: duplicate 'alice' in people"), std::string::npos) << Error(text);

  std::string tail = GoodTail() + "  - { name: 2026-Q4-close, from: 2027-03-01, until: 2027-03-02 }\n";
  EXPECT_NE(Error(Text(tail)).find(":19:13: error: duplicate freeze '2026-Q4-close'"), std::string::npos)
      << Error(Text(tail));

  text = Text(GoodTail());
  text.replace(text.find(keys_["bob"]), keys_["bob"].size(), keys_["alice"]);
  EXPECT_NE(Error(text).find("bob has the same key as alice"), std::string::npos) << Error(text);
}

TEST_F(PolicyTest, MissingVersionAndEveryErrorAtOnce) {
  std::string text = Text(GoodTail());
  text.erase(0, text.find('\n') + 1);  // drop "version: 3"
  text.replace(text.find("quorum: 1 }"), 11, "quorum: 0 }");
  std::string err = Error(text);
  EXPECT_NE(err.find("governance/policy.yaml:1:1: error: missing 'version'"), std::string::npos) << err;
  EXPECT_NE(err.find("quorum of emea must be at least 1"), std::string::npos) << err;
}

TEST_F(PolicyTest, SyntaxErrorsAndNonEd25519Keys) {
  EXPECT_NE(Error("version: [1\n").find("governance/policy.yaml:"), std::string::npos);
  std::string text = Text(GoodTail());
  text.replace(text.find(keys_["bob"]), keys_["bob"].size(), "ssh-rsa AAAAB3NzaC1yc2E bob");
  EXPECT_NE(Error(text).find(":6:8: error: bob: unsupported key type 'ssh-rsa'"), std::string::npos) << Error(text);
}

// Found by tests/fuzz/policy_fuzzer.cpp (its corpus keeps both inputs): an empty document
// was reported at line 0, column 0, and a line break inside a key or inside yaml-cpp's message
// split one problem over two lines. Every problem is one line with a real position.
TEST(PolicyErrors, EveryProblemIsOneLineWithAPosition) {
  auto empty = ParsePolicy("", "governance/policy.yaml");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message.rfind("governance/policy.yaml:1:1: error: the policy must be a mapping", 0), 0u)
      << empty.error().message;

  auto key = ParsePolicy("version: 1\n\"bad\\nkey\": 1\n", "governance/policy.yaml");
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.error().message.find("governance/policy.yaml:2:1: error: unknown key 'bad\\nkey'"),
            std::string::npos)
      << key.error().message;

  auto escape = ParsePolicy("version: \"\\\x01\"\n", "governance/policy.yaml");
  ASSERT_FALSE(escape.ok());
  EXPECT_EQ(escape.error().message.find('\x01'), std::string::npos) << escape.error().message;
  EXPECT_NE(escape.error().message.find("\\x01"), std::string::npos) << escape.error().message;

  for (const auto* r : {&empty, &key, &escape}) {
    const std::string& m = r->error().message;
    for (size_t start = 0; start < m.size();) {
      size_t end = std::min(m.find('\n', start), m.size());
      EXPECT_EQ(m.compare(start, 23, "governance/policy.yaml:"), 0) << m;
      start = end + 1;
    }
  }
}

TEST(DateTest, CalendarArithmetic) {
  EXPECT_EQ(ParseDate("1970-01-01")->days, 0);
  EXPECT_EQ(ParseDate("2000-03-01")->days, 11017);  // date -d 2000-03-01 +%s / 86400
  EXPECT_EQ(ParseDate("2024-02-29")->ToString(), "2024-02-29");
  EXPECT_FALSE(ParseDate("2023-02-29"));
  EXPECT_FALSE(ParseDate("2023-13-01"));
  EXPECT_EQ(DateOfUnixTime(86399).days, 0);
  EXPECT_EQ(DateOfUnixTime(-1).days, -1);
}

}  // namespace
}  // namespace tally::governance
