// A governed repository made through the public API for one test, with keys made by
// ssh-keygen: gate, alice, bob, carol (council cx), dora (regional team emea), erin
// (governance with alice and dora), and mallory, whom the policy does not know.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tally/governance/history.h"
#include "tally/governance/policy.h"
#include "tally/governance/render.h"
#include "tally/governance/repository.h"
#include "test_util.h"

namespace tally::governance::govtest {

inline const char* kHealth = R"(// A small health score for governance tests.
score customer.health {
  version 1.0.0
  owner cx
  description "Account health"
  key account_id
  input account_id : string
  input logins : int
  input region : string
  param weight = 0.5
  param at_risk_below = 40 regional
  output score : float = weight * logins
  output at_risk : bool = score < at_risk_below
}
)";

inline const char* kEmeaOverride = R"(override customer.health for region "emea" {
  at_risk_below = 35
}
)";

class GovernedRepo : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"gate", "alice", "bob", "carol", "dora", "erin", "mallory"}) {
      keys_[name] = MakeKey(dir_, name);
      ASSERT_FALSE(keys_[name].empty()) << "ssh-keygen is needed";
    }
    repo_ = (dir_ / "repo").string();
    // Noon on 2026-11-23 UTC: outside the test freeze windows unless a test moves it.
    now_ = ParseDate("2026-11-23")->days * 86400 + 12 * 3600;
    WriteAll(dir_ / "policy.yaml", PolicyText(1, 2, ""));
    WriteAll(dir_ / "defs" / "customer" / "health.tally", kHealth);
    WriteAll(dir_ / "defs" / "regions" / "emea" / "health.tally", kEmeaOverride);
    InitOptions o;
    o.dir = repo_;
    o.policy_file = (dir_ / "policy.yaml").string();
    o.gate_key = keys_["gate"];
    o.definitions_dir = (dir_ / "defs").string();
    o.now = now_;
    auto r = InitRepository(o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(r->ok) << RenderText(*r);
    root_ = r->root_commit;
  }

  std::string PolicyText(int version, int cx_quorum, const std::string& freezes) {
    std::string t = "version: " + std::to_string(version) + "\ngoverned_branch: main\n";
    t += "gate: \"" + PublicKeyLine(keys_["gate"]) + "\"\npeople:\n";
    for (const char* p : {"alice", "bob", "carol", "dora", "erin"}) t += std::string("  ") + p + ": \"" + PublicKeyLine(keys_[p]) + "\"\n";
    t += "councils:\n  cx: { members: [alice, bob, carol], quorum: " + std::to_string(cx_quorum) + " }\n";
    t += "  emea: { members: [dora], quorum: 1 }\n  governance: { members: [alice, dora, erin], quorum: 2 }\n";
    t += "regions:\n  emea: emea\npolicy_council: governance\nself_approval: false\n";
    t += "freezes:\n" + (freezes.empty() ? std::string("  []\n") : freezes);
    return t;
  }

  // Writes `files` (repository paths) into the working tree.
  void Edit(const std::map<std::string, std::string>& files) {
    for (const auto& [path, text] : files) WriteAll(std::filesystem::path(repo_) / path, text);
  }

  Result<ProposeResult> ProposeAs(const std::string& who, const std::string& message,
                                  std::optional<std::string> revise = std::nullopt, const std::string& exception = "") {
    ProposeOptions o;
    o.repo = repo_;
    o.now = now_;
    o.key = keys_[who];
    o.message = message;
    o.revise = revise;
    o.freeze_exception = exception;
    return Propose(o);
  }

  // Proposes and expects success; returns the CR id.
  std::string MustPropose(const std::string& who, const std::map<std::string, std::string>& files,
                          const std::string& exception = "") {
    Edit(files);
    auto r = ProposeAs(who, "Change by " + who + "\n\nWhy it changes.", std::nullopt, exception);
    EXPECT_TRUE(r.ok()) << r.error().message;
    if (!r.ok()) return "";
    EXPECT_TRUE(r->ok) << RenderText(*r);
    return r->id;
  }

  void MustApprove(const std::string& who, const std::string& cr) {
    ApproveOptions o;
    o.repo = repo_;
    o.now = now_;
    o.cr = cr;
    o.key = keys_[who];
    auto r = Approve(o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(r->ok) << RenderText(*r);
  }

  MergeResult MergeCr(const std::string& cr, const std::string& key = "gate") {
    MergeOptions o;
    o.repo = repo_;
    o.now = now_;
    o.cr = cr;
    o.key = keys_[key];
    auto r = Merge(o);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : MergeResult{};
  }

  AuditResult RunAudit() {
    AuditOptions o;
    o.repo = repo_;
    o.expect_root = root_;
    auto r = Audit(o);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : AuditResult{};
  }

  // git's own consistency check: a repository Tally wrote must pass it.
  void ExpectFsck() {
    std::string out;
    EXPECT_EQ(RunCommand("git -C " + Shell(repo_) + " fsck --strict --no-dangling", &out), 0) << out;
  }

  std::string Git(const std::string& args, int* rc = nullptr) {
    std::string out;
    int code = RunCommand("git -C " + Shell(repo_) + " " + args, &out);
    if (rc) *rc = code;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  // The identity `init` wrote in the root commit, read by git.
  std::string RepositoryId() {
    return Git("show -s " + Shell("--format=%(trailers:key=Tally-Repository,valueonly)") + " " + root_);
  }

  static bool Mentions(const std::vector<std::string>& items, const std::string& text) {
    for (const auto& i : items)
      if (i.find(text) != std::string::npos) return true;
    return false;
  }

  std::string Health(const std::string& version, const std::string& weight = "0.5", const std::string& extra = "") {
    std::string t = kHealth;
    t.replace(t.find("1.0.0"), 5, version);
    t.replace(t.find("weight = 0.5"), 12, "weight = " + weight);
    if (!extra.empty()) t.insert(t.rfind('}'), extra);
    return t;
  }

  TempDir dir_;
  std::map<std::string, std::string> keys_;
  std::string repo_;
  std::string root_;
  int64_t now_ = 0;
};

}  // namespace tally::governance::govtest
