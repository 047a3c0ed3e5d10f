// Audit verifies the gate log itself, and approvals are bound to one repository (issue 9).
// Every forgery is made with git and ssh-keygen directly — a gate-key holder re-signing the
// log, a writer replacing refs — never through Tally, so the tests do not depend on the code
// they attack. Expected verdicts are worded from what was forged, not read back from Tally.
#include <gtest/gtest.h>

#include <vector>

#include "governed_repo.h"

namespace tally::governance {
namespace {

using govtest::GovernedRepo;
using govtest::RunCommand;
using govtest::Shell;
using govtest::WriteAll;

const char* kEmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

class LogTamperTest : public GovernedRepo {
 protected:
  // A commit written by git, dated `time`, signed with `key` (a path; "" for unsigned) the way
  // `git commit -S` signs with gpg.format=ssh.
  std::string CommitTree(const std::string& tree, const std::vector<std::string>& parents, const std::string& message,
                         const std::string& key, int64_t time) {
    WriteAll(dir_ / "msg", message);
    std::string date = "@" + std::to_string(time) + " +0000";
    std::string cmd = "GIT_AUTHOR_DATE=" + Shell(date) + " GIT_COMMITTER_DATE=" + Shell(date) + " git -C " + Shell(repo_) +
                      " -c user.name=tally-gate -c user.email=gate@tally.invalid";
    if (!key.empty()) cmd += " -c gpg.format=ssh -c user.signingkey=" + Shell(key);
    cmd += " commit-tree " + tree;
    for (const auto& p : parents) cmd += " -p " + p;
    if (!key.empty()) cmd += " -S";
    cmd += " -F " + Shell((dir_ / "msg").string());
    std::string out;
    EXPECT_EQ(RunCommand(cmd, &out), 0) << out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  // The log entries oldest first.
  std::vector<std::string> LogEntries() {
    std::vector<std::string> out;
    std::string all = Git("rev-list --reverse refs/tally/log");
    for (size_t at = 0; at < all.size();) {
      size_t end = all.find('\n', at);
      if (end == std::string::npos) end = all.size();
      out.push_back(all.substr(at, end - at));
      at = end + 1;
    }
    return out;
  }

  // Rewrites refs/tally/log as `entries` (existing entries, in the new order), each with its
  // message and date, re-signed with the key given beside it.
  void RewriteLog(const std::vector<std::pair<std::string, std::string>>& entries) {
    std::string parent;
    for (const auto& [id, key] : entries) {
      std::string message = Git("show -s --format=%B " + id) + "\n";
      int64_t time = std::stoll(Git("show -s --format=%ct " + id));
      parent = CommitTree(kEmptyTree, parent.empty() ? std::vector<std::string>{} : std::vector<std::string>{parent}, message,
                          key, time);
    }
    Git("update-ref refs/tally/log " + parent);
  }

  std::string MergeOne(const std::string& who, const std::string& text) {
    std::string cr = MustPropose(who, {{"metrics/customer/health.tally", text}});
    MustApprove("alice", cr);
    MustApprove("bob", cr);
    auto m = MergeCr(cr);
    EXPECT_TRUE(m.ok) << RenderText(m);
    return m.merge_commit;
  }

  void MustFreeze(const std::string& name, const std::string& who) {
    FreezeOptions f;
    f.repo = repo_;
    f.now = now_;
    f.name = name;
    f.key = keys_[who];
    auto r = Freeze(f);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(r->ok) << RenderText(*r);
  }
};

TEST_F(LogTamperTest, BackDatedMergeIntoAFreezeWindowIsReported) {
  // Policy 2 adds a freeze window; it is merged on 2026-11-23 at noon.
  std::string policy_cr = MustPropose("dora", {{"governance/policy.yaml",
                                                PolicyText(2, 2, "  - { name: 2026-Q4-close, from: 2026-12-24, until: 2027-01-08 }\n")}});
  MustApprove("alice", policy_cr);
  MustApprove("erin", policy_cr);
  ASSERT_TRUE(MergeCr(policy_cr).ok);
  // During the window carol proposes and alice and bob approve (a quorum, but no exception).
  now_ = ParseDate("2026-12-28")->days * 86400;
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", Health("1.0.1") + "// x\n"}});
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  ASSERT_FALSE(MergeCr(cr).ok);  // the gate refuses: no exception

  // The gate with its clock set back still dates the merge after what it follows (carol's
  // revision of 2026-12-28), so it still sees the window.
  int64_t back = ParseDate("2026-11-23")->days * 86400 + 11 * 3600;  // 11:00, before the noon parent
  int64_t honest_now = now_;
  now_ = back;
  auto refused = MergeCr(cr);
  EXPECT_FALSE(refused.ok);
  EXPECT_TRUE(Mentions(refused.reasons, "[freeze] freeze window 2026-Q4-close (2026-12-24 to 2027-01-08) is active"))
      << RenderText(refused);
  now_ = honest_now;

  // A gate-key holder merges anyway, dated 11:00 on 2026-11-23, and logs it, signed.
  std::string base = Git("rev-parse main");
  std::string merge = CommitTree(Git("rev-parse refs/tally/cr/2^{tree}"),
                                 {base, Git("rev-parse refs/tally/cr/2"), Git("rev-parse refs/tally/approvals/2")},
                                 "Merge CR-2: quiet change\n\nTally-CR: CR-2\nTally-Base: " + base + "\n", keys_["gate"], back);
  Git("update-ref refs/heads/main " + merge + " " + base);
  std::string entry = CommitTree(kEmptyTree, {Git("rev-parse refs/tally/log")},
                                 "tally log: merge\n\nTally-Log: merge\nTally-Commit: " + merge + "\nTally-Previous: " + base +
                                     "\nTally-CR: CR-2\n",
                                 keys_["gate"], back);
  Git("update-ref refs/tally/log " + entry);

  auto audit = RunAudit();
  EXPECT_FALSE(audit.ok);
  EXPECT_TRUE(Mentions(audit.violations, "[order] merge " + merge.substr(0, 12) + " (CR-2) is dated 2026-11-23 11:00:00 UTC, before its parent"))
      << RenderText(audit);
  EXPECT_TRUE(Mentions(audit.violations, "[order] log entry " + entry.substr(0, 12) + " (merge) is dated 2026-11-23 11:00:00 UTC"))
      << RenderText(audit);
  // Judged where it really sits — after the CR revision carol signed on 2026-12-28 — it needed an exception.
  EXPECT_TRUE(Mentions(audit.violations, "[freeze] freeze window 2026-Q4-close (2026-12-24 to 2027-01-08) is active"))
      << RenderText(audit);
}

TEST_F(LogTamperTest, ReplacedLogNamingAnotherBranchIsReported) {
  MergeOne("carol", Health("1.0.1") + "// a\n");
  // Someone with write access commits straight to main, then hides it: a branch at the root
  // and a new unsigned log whose root entry names that branch (the identity copied over).
  Edit({{"metrics/customer/health.tally", Health("1.0.1", "0.9")}});
  Git("-c user.name=m -c user.email=m@example.com commit -q -am " + Shell("quiet fix"));
  Git("branch elsewhere " + root_);
  std::string fake = CommitTree(kEmptyTree, {},
                                "tally log: root\n\nTally-Log: root\nTally-Commit: " + root_ +
                                    "\nTally-Branch: elsewhere\nTally-Repository: " + RepositoryId() + "\n",
                                "", now_);
  Git("update-ref refs/tally/log " + fake);
  auto audit = RunAudit();
  EXPECT_FALSE(audit.ok);
  EXPECT_TRUE(Mentions(audit.violations, "the gate log's root entry names branch 'elsewhere', but the root policy governs refs/heads/main"))
      << RenderText(audit);
  EXPECT_TRUE(Mentions(audit.violations, "is unsigned, but the root commit is signed by the gate")) << RenderText(audit);
}

TEST_F(LogTamperTest, ReorderedOrDroppedEntriesAreReported) {
  std::string m1 = MergeOne("carol", Health("1.0.1") + "// a\n");
  std::string m2 = MergeOne("carol", Health("1.0.2") + "// b\n");
  auto log = LogEntries();
  ASSERT_EQ(log.size(), 3u);
  ASSERT_TRUE(RunAudit().ok);
  // The gate-key holder swaps the two merge entries, re-signing every one.
  RewriteLog({{log[0], keys_["gate"]}, {log[2], keys_["gate"]}, {log[1], keys_["gate"]}});
  auto swapped = RunAudit();
  EXPECT_FALSE(swapped.ok);
  EXPECT_TRUE(Mentions(swapped.violations, "records merge " + m2.substr(0, 12) + " (CR-2), but the branch's next merge is " + m1.substr(0, 12)))
      << RenderText(swapped);
  EXPECT_TRUE(Mentions(swapped.violations, "records merge " + m1.substr(0, 12) + " (CR-1) again or after a later merge"))
      << RenderText(swapped);
  // ... or drops the first merge's entry from the middle.
  RewriteLog({{log[0], keys_["gate"]}, {log[2], keys_["gate"]}});
  auto dropped = RunAudit();
  EXPECT_FALSE(dropped.ok);
  EXPECT_TRUE(Mentions(dropped.violations, "1 merge(s) before it have no entry here (dropped from the log")) << RenderText(dropped);
}

TEST_F(LogTamperTest, FreezeEntryOutOfOrderIsReported) {
  MergeOne("carol", Health("1.0.1") + "// a\n");
  MustFreeze("Q4", "alice");
  auto log = LogEntries();  // root, merge, freeze
  ASSERT_EQ(log.size(), 3u);
  ASSERT_TRUE(RunAudit().ok);
  // Re-signed by their own keys, the freeze entry is moved before the merge it froze.
  RewriteLog({{log[0], keys_["gate"]}, {log[2], keys_["alice"]}, {log[1], keys_["gate"]}});
  auto audit = RunAudit();
  EXPECT_FALSE(audit.ok);
  EXPECT_TRUE(Mentions(audit.violations, "freezes Q4 at " + Git("rev-parse main").substr(0, 12) +
                                             " before the gate log recorded that commit: a freeze entry out of order"))
      << RenderText(audit);
}

TEST_F(LogTamperTest, LogRefAtANonLogCommitIsReported) {
  MergeOne("carol", Health("1.0.1") + "// a\n");
  Git("update-ref refs/tally/log main");
  auto audit = RunAudit();
  EXPECT_FALSE(audit.ok);
  EXPECT_TRUE(Mentions(audit.violations, "refs/tally/log holds 2 commit(s) that are not gate-log entries") &&
              Mentions(audit.violations, "the newest " + Git("rev-parse main").substr(0, 12) + ": the log ref points at another commit"))
      << RenderText(audit);
}

TEST_F(LogTamperTest, SecondRootEntryIsReported) {
  // A root-shaped entry appended by hand, as if the log started again here.
  std::string entry = CommitTree(kEmptyTree, {Git("rev-parse refs/tally/log")},
                                 "tally log: root\n\nTally-Log: root\nTally-Commit: " + root_ + "\nTally-Branch: main\n", "", now_);
  Git("update-ref refs/tally/log " + entry);
  auto audit = RunAudit();
  EXPECT_FALSE(audit.ok);
  EXPECT_TRUE(Mentions(audit.violations, "log entry " + entry.substr(0, 12) + " is a second root entry")) << RenderText(audit);
}

// Two repositories made by `tally init` from the same policy and definitions in the same
// second: different identities, so different roots, and an approval does not replay.
TEST_F(LogTamperTest, TwinRepositoriesDifferAndApprovalsDoNotReplay) {
  std::string first = repo_, first_root = root_;
  InitOptions o;
  o.dir = (dir_ / "twin").string();
  o.policy_file = (dir_ / "policy.yaml").string();
  o.gate_key = keys_["gate"];
  o.definitions_dir = (dir_ / "defs").string();
  o.now = now_;
  auto twin = InitRepository(o);
  ASSERT_TRUE(twin.ok() && twin->ok);
  EXPECT_NE(twin->root_commit, first_root);
  std::string first_id = RepositoryId();
  repo_ = o.dir;
  root_ = twin->root_commit;
  EXPECT_EQ(RepositoryId().size(), 32u);
  EXPECT_NE(RepositoryId(), first_id);

  // The same change proposed in both at the same second; alice and bob approve it in the first.
  std::string text = Health("1.0.1") + "// a\n";
  repo_ = first;
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", text}});
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  repo_ = o.dir;
  ASSERT_EQ(MustPropose("carol", {{"metrics/customer/health.tally", text}}), cr);
  // The approvals are fetched into the twin with git and offered to its gate.
  Git("fetch -q " + Shell(first) + " refs/tally/approvals/1:refs/tally/approvals/1");
  auto r = MergeCr(cr);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "by alice was made in another repository (" + first_id + "), not this one (" + RepositoryId() +
                                      "): an approval never carries over between repositories"))
      << RenderText(r);
  EXPECT_TRUE(Mentions(r.reasons, "[quorum] missing quorum of council cx")) << RenderText(r);
}

}  // namespace
}  // namespace tally::governance
