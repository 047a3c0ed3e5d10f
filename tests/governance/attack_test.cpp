// The attack suite of issue 4: each attack is refused by the gate or reported by audit,
// naming the rule. Forged objects are made with git and ssh-keygen directly, never through
// Tally, so the tests do not depend on the code they attack.
#include <gtest/gtest.h>

#include "governed_repo.h"
#include "tally/governance/paths.h"

namespace tally::governance {
namespace {

using govtest::GovernedRepo;
using govtest::RunCommand;
using govtest::Shell;
using govtest::WriteAll;

class AttackTest : public GovernedRepo {
 protected:
  // Writes an approval commit with git, authored as `claimed`, signed by `signer_key`'s
  // ssh-keygen over `payload`, and appends it to CR `n`'s approvals chain.
  void ForgeApproval(int n, const std::string& claimed, const std::string& signer_key, const std::string& payload) {
    WriteAll(dir_ / "payload", payload);
    std::string out;
    ASSERT_EQ(RunCommand("ssh-keygen -Y sign -q -f " + Shell(signer_key) + " -n tally-approval " +
                             Shell((dir_ / "payload").string()), &out), 0) << out;
    std::string sig = govtest::ReadAll(dir_ / "payload.sig");
    std::filesystem::remove(dir_ / "payload.sig");
    WriteAll(dir_ / "msg", "Approve CR-" + std::to_string(n) + "\n\n" + payload + sig);
    std::string ref = "refs/tally/approvals/" + std::to_string(n);
    int rc = 0;
    std::string parent = Git("rev-parse -q --verify " + ref, &rc);
    std::string empty = Git("hash-object -t tree /dev/null");
    std::string env = "GIT_AUTHOR_NAME=" + claimed + " GIT_AUTHOR_EMAIL=" + claimed + "@example.com GIT_COMMITTER_NAME=" +
                      claimed + " GIT_COMMITTER_EMAIL=" + claimed + "@example.com ";
    std::string id;
    ASSERT_EQ(RunCommand(env + "git -C " + Shell(repo_) + " commit-tree " + empty + (rc == 0 ? " -p " + parent : "") +
                             " -F " + Shell((dir_ / "msg").string()), &id), 0) << id;
    id.pop_back();
    Git("update-ref " + ref + " " + id);
  }

  std::string CurrentPayload(int n) {
    std::string head = Git("rev-parse refs/tally/cr/" + std::to_string(n));
    std::string base = Git("rev-parse refs/tally/cr/" + std::to_string(n) + "^");
    std::string tree = Git("rev-parse refs/tally/cr/" + std::to_string(n) + "^{tree}");
    return "tally approval v2\nrepository " + RepositoryId() + "\ncr CR-" + std::to_string(n) + "\nbase " + base +
           "\nhead " + head + "\ntree " + tree + "\n";
  }

  // Merges a policy change (governance quorum: alice and erin) and returns its commit.
  std::string MergePolicy(const std::string& text) {
    std::string cr = MustPropose("dora", {{"governance/policy.yaml", text}});
    MustApprove("alice", cr);
    MustApprove("erin", cr);
    auto m = MergeCr(cr);
    EXPECT_TRUE(m.ok) << RenderText(m);
    return m.merge_commit;
  }

  std::string gitcfg_ = "-c user.name=intruder -c user.email=intruder@example.com ";
};

TEST_F(AttackTest, SpoofedApproverIdentity) {
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", Health("1.0.1") + "// note\n"}});
  MustApprove("alice", cr);
  // mallory signs with her own key but labels the approval as bob's.
  ForgeApproval(1, "bob", keys_["mallory"], CurrentPayload(1));
  auto r = MergeCr(cr);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "[identity] approval")) << RenderText(r);
  EXPECT_TRUE(Mentions(r.reasons, "claims to be 'bob' but is signed by a key the policy does not know")) << RenderText(r);
  EXPECT_TRUE(Mentions(r.reasons, "[quorum] missing quorum of council cx")) << RenderText(r);
  EXPECT_EQ(Git("rev-parse main"), root_);  // nothing merged
}

TEST_F(AttackTest, SelfApproval) {
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", Health("1.0.1") + "// note\n"}});
  // (a) `tally approve` refuses to record it.
  ApproveOptions self;
  self.repo = repo_;
  self.now = now_;
  self.cr = cr;
  self.key = keys_["carol"];
  auto refused = Approve(self);
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->ok);
  EXPECT_NE(RenderText(*refused).find("carol is an author of CR-1 and cannot approve it"), std::string::npos) << RenderText(*refused);
  // (b) written into the approvals chain by hand with carol's real signature: the gate refuses.
  ForgeApproval(1, "carol", keys_["carol"], CurrentPayload(1));
  MustApprove("alice", cr);
  auto r = MergeCr(cr);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "[self-approval] carol is an author of CR-1")) << RenderText(r);
  EXPECT_TRUE(Mentions(r.reasons, "has 1 (alice)")) << RenderText(r);
}

TEST_F(AttackTest, ApproveThenChangeTheContent) {
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", Health("1.0.1") + "// note\n"}});
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  // (a) a new revision after the approvals: they approved other content.
  Edit({{"metrics/customer/health.tally", Health("2.0.0", "0.9")}});
  auto revised = ProposeAs("carol", "Sneaky", std::string("CR-1"));
  ASSERT_TRUE(revised.ok() && revised->ok);
  auto r = MergeCr(cr);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "[quorum] missing quorum of council cx")) << RenderText(r);
  EXPECT_NE(RenderText(r).find("stale approval by alice"), std::string::npos) << RenderText(r);

  // (b) the CR ref pointed by hand at an unsigned commit with other content.
  std::string evil = Git(gitcfg_ + "commit-tree refs/tally/cr/1^{tree} -p refs/tally/cr/1 -m " +
                         Shell("Sneaky\n\nTally-CR: CR-1\nTally-Base: " + root_));
  Git("update-ref refs/tally/cr/1 " + evil);
  r = MergeCr(cr);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "[signature] revision " + evil.substr(0, 12) + " of CR-1 is not signed")) << RenderText(r);
}

TEST_F(AttackTest, EditAReleasedVersionInPlace) {
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", Health("1.0.0", "0.6")}});
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  auto r = MergeCr(cr);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "[released] customer.health 1.0.0 is a released version and cannot change in place"))
      << RenderText(r);
}

TEST_F(AttackTest, DeclaredVersionBelowTheRequiredBump) {
  // Removing an output breaks every consumer: major, not patch.
  std::string text = Health("1.0.1");
  text.erase(text.find("  output at_risk"), text.find('\n', text.find("  output at_risk")) - text.find("  output at_risk") + 1);
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", text}});
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  auto r = MergeCr(cr);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "declared a patch bump (1.0.0 -> 1.0.1) but the change needs major: output at_risk is removed"))
      << RenderText(r);
  // A lower version is refused outright.
  Edit({{"metrics/customer/health.tally", Health("0.9.0")}});
  auto lower = ProposeAs("carol", "Down", std::string("CR-1"));
  ASSERT_TRUE(lower.ok() && lower->ok);
  r = MergeCr(cr);
  EXPECT_TRUE(Mentions(r.reasons, "version goes down (1.0.0 -> 0.9.0)")) << RenderText(r);
}

TEST_F(AttackTest, MoveOrDeleteAFreeze) {
  FreezeOptions f;
  f.repo = repo_;
  f.now = now_;
  f.name = "Q4";
  f.key = keys_["alice"];
  auto frozen = Freeze(f);
  ASSERT_TRUE(frozen.ok() && frozen->ok);
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", Health("1.0.1") + "// note\n"}});
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  ASSERT_TRUE(MergeCr(cr).ok);
  ASSERT_TRUE(RunAudit().ok);

  // Move: re-point the freeze at the newer commit with plain git.
  Git(gitcfg_ + "tag -f -a -m moved freeze/Q4 main");
  auto moved = RunAudit();
  EXPECT_FALSE(moved.ok);
  EXPECT_TRUE(Mentions(moved.violations, "[freeze] freeze Q4 moved")) << RenderText(moved);

  // Delete it.
  Git("update-ref -d refs/tags/freeze/Q4");
  auto gone = RunAudit();
  EXPECT_FALSE(gone.ok);
  EXPECT_TRUE(Mentions(gone.violations, "[freeze] freeze Q4 vanished")) << RenderText(gone);

  // A freeze tag made outside tally freeze is reported too.
  Git(gitcfg_ + "tag -a -m fake freeze/FAKE main");
  EXPECT_TRUE(Mentions(RunAudit().violations, "refs/tags/freeze/FAKE was not made by tally freeze"));
}

TEST_F(AttackTest, CommitDirectlyToTheGovernedBranch) {
  Edit({{"metrics/customer/health.tally", Health("1.0.0", "0.9")}});
  int rc = 0;
  std::string out = Git(gitcfg_ + "commit -q -am " + Shell("quick fix"), &rc);
  ASSERT_EQ(rc, 0) << out;
  auto audit = RunAudit();
  EXPECT_FALSE(audit.ok);
  EXPECT_TRUE(Mentions(audit.violations, "[gate] commit")) << RenderText(audit);
  EXPECT_TRUE(Mentions(audit.violations, "(\"quick fix\") did not come through the gate: it is not signed")) << RenderText(audit);
  EXPECT_TRUE(Mentions(audit.violations, "is not in the gate log")) << RenderText(audit);

  // Merging with someone's key rather than the gate's is refused by the gate itself.
  Git("reset -q --hard " + root_);
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", Health("1.0.1") + "// note\n"}});
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  auto r = MergeCr(cr, "alice");
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "[gate] the key")) << RenderText(r);
}

TEST_F(AttackTest, LowerTheQuorumInTheSameChangeRequestThatNeedsIt) {
  // Quorum 2 -> 1 for cx, together with a cx change only alice approves (with erin for the policy).
  std::string cr = MustPropose("carol", {{"governance/policy.yaml", PolicyText(2, 1, "")},
                                         {"metrics/customer/health.tally", Health("2.0.0", "0.9")}});
  MustApprove("alice", cr);
  MustApprove("erin", cr);
  auto r = MergeCr(cr);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "[quorum] missing quorum of council cx for customer.health: needs 2")) << RenderText(r);
}

TEST_F(AttackTest, RollThePolicyBack) {
  std::string v2 = MergePolicy(PolicyText(2, 2, ""));
  ASSERT_FALSE(v2.empty());
  // (a) through the gate: a CR restoring version 1.
  std::string cr = MustPropose("dora", {{"governance/policy.yaml", PolicyText(1, 1, "")}});
  MustApprove("alice", cr);
  MustApprove("erin", cr);
  auto r = MergeCr(cr);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "[policy] the policy version must go up: the governed policy is version 2, the CR's is 1 "
                                  "(rolling the policy back is not allowed)")) << RenderText(r);
  // (b) around the gate: reset the branch to before the policy change.
  ASSERT_TRUE(RunAudit().ok);
  Git("update-ref refs/heads/main " + root_);
  auto audit = RunAudit();
  EXPECT_FALSE(audit.ok);
  EXPECT_TRUE(Mentions(audit.violations, "[rewrite] the gate log records merge " + v2.substr(0, 12))) << RenderText(audit);
}

TEST_F(AttackTest, RegionalTeamChangesAGlobalParam) {
  // (a) through its override file: weight is not a regional param.
  std::string cr = MustPropose("dora", {{"metrics/regions/emea/health.tally",
                                         "override customer.health for region \"emea\" {\n  at_risk_below = 35\n  weight = 0.9\n}\n"}});
  auto r = MergeCr(cr);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "[regional] the override of customer.health for region \"emea\" sets 'weight', which is not a regional param"))
      << RenderText(r);
  // (b) in the global definition itself.
  Git("checkout -q -- metrics");
  Edit({{"metrics/customer/health.tally", Health("1.0.1") + "// emea wants this\n"}});
  auto global = ProposeAs("dora", "Global tweak");
  ASSERT_TRUE(global.ok() && global->ok);
  r = MergeCr(global->id);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "[quorum] missing quorum of council cx")) << RenderText(r);
}

TEST_F(AttackTest, RegionalOnlyProposerMayTouchOnlyItsOverrides) {
  // A person only on a regional team: the rule names the regional team.
  std::string text = PolicyText(2, 2, "");
  text.replace(text.find("governance: { members: [alice, dora, erin]"), 42, "governance: { members: [alice, bob, erin]");
  ASSERT_FALSE(MergePolicy(text).empty());
  std::string cr = MustPropose("dora", {{"metrics/customer/health.tally", Health("1.0.1") + "// emea\n"}});
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  auto r = MergeCr(cr);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "[regional] dora is on a regional team (emea) and may change only its region's overrides; "
                                  "metrics/customer/health.tally is not one")) << RenderText(r);
}

TEST_F(AttackTest, PathTraversalIsRefusedEverywhere) {
  for (const char* bad : {"../x", "metrics/../../etc/passwd", "/etc/passwd", ".git/config", "metrics/.GIT/hooks/x",
                          "metrics//x", "metrics/./x", "C:/x", "metrics\\..\\x", "metrics/.git./x"})
    EXPECT_FALSE(CheckRepoPath(bad).ok()) << bad;
  EXPECT_TRUE(CheckRepoPath("metrics/customer/health.tally").ok());
  EXPECT_TRUE(CheckRepoPath("metrics/.gitkeep").ok());

  // A symbolic link in the working tree is not followed.
  std::filesystem::create_symlink("/etc/passwd", std::filesystem::path(repo_) / "metrics/evil.tally");
  auto p = ProposeAs("carol", "Link");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->ok);
  EXPECT_NE(RenderText(*p).find("symbolic link"), std::string::npos) << RenderText(*p);
  std::filesystem::remove(std::filesystem::path(repo_) / "metrics/evil.tally");

  // Names that become refs.
  FreezeOptions f;
  f.repo = repo_;
  f.name = "../heads/main";
  f.key = keys_["alice"];
  auto fr = Freeze(f);
  ASSERT_TRUE(fr.ok());
  EXPECT_FALSE(fr->ok);
  EXPECT_EQ(Git("rev-parse main"), root_);
  ApproveOptions a;
  a.repo = repo_;
  a.cr = "../../heads/main";
  a.key = keys_["alice"];
  auto ar = Approve(a);
  ASSERT_TRUE(ar.ok());
  EXPECT_FALSE(ar->ok);
  EXPECT_FALSE(ResolveAsOf(repo_, "../../refs/heads/main").ok());
  EXPECT_FALSE(ResolveAsOf(repo_, "main~1..main").ok());
  EXPECT_FALSE(ResolveMajor(repo_, "customer.health@../1").ok());

  // Materialising refuses to write over what exists.
  std::filesystem::create_directories(dir_ / "out");
  ASSERT_TRUE(MaterializeDefinitions(repo_, root_, (dir_ / "out").string()).ok());
  EXPECT_FALSE(MaterializeDefinitions(repo_, root_, (dir_ / "out").string()).ok());
  EXPECT_EQ(govtest::ReadAll(dir_ / "out/metrics/customer/health.tally"), govtest::kHealth);
}

TEST_F(AttackTest, FilesOutsideTheGovernedFoldersAreRefused) {
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", Health("1.0.1") + "// x\n"}});
  // Add a file outside metrics/ to the CR's tree with git, as a signed-looking revision.
  std::string idx = (dir_ / "index").string();
  std::string env = "GIT_INDEX_FILE=" + Shell(idx) + " ";
  RunCommand(env + "git -C " + Shell(repo_) + " read-tree refs/tally/cr/1");
  WriteAll(dir_ / "run.sh", "echo hi\n");
  std::string blob = Git("hash-object -w " + Shell((dir_ / "run.sh").string()));
  RunCommand(env + "git -C " + Shell(repo_) + " update-index --add --cacheinfo 100755," + blob + ",tools/run.sh");
  std::string tree;
  RunCommand(env + "git -C " + Shell(repo_) + " write-tree", &tree);
  tree.pop_back();
  std::string evil = Git(gitcfg_ + "commit-tree " + tree + " -p refs/tally/cr/1 -m " + Shell("More\n\nTally-CR: CR-1\nTally-Base: " + root_));
  Git("update-ref refs/tally/cr/1 " + evil);
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  auto r = MergeCr(cr);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "[path] tools/run.sh is outside the governed folders")) << RenderText(r);
}

TEST_F(AttackTest, MergeDuringAFreezeWithoutAnException) {
  ASSERT_FALSE(MergePolicy(PolicyText(2, 2, "  - { name: 2026-Q4-close, from: 2026-12-24, until: 2027-01-08 }\n")).empty());
  now_ = ParseDate("2026-12-28")->days * 86400;
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", Health("1.0.1") + "// x\n"}});
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  auto r = MergeCr(cr);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "[freeze] freeze window 2026-Q4-close (2026-12-24 to 2027-01-08) is active")) << RenderText(r);

  // With an exception: a reason, and the governance council's quorum (alice and erin).
  auto revised = ProposeAs("carol", "Fix a typo in the close", cr, "restatement ordered by the CFO");
  ASSERT_TRUE(revised.ok() && revised->ok);
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  r = MergeCr(cr);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "[quorum] missing quorum of council governance for the exception to freeze window 2026-Q4-close"))
      << RenderText(r);
  MustApprove("erin", cr);
  r = MergeCr(cr);
  ASSERT_TRUE(r.ok) << RenderText(r);
  EXPECT_NE(Git("show -s --format=%B main").find("Tally-Freeze-Exception: restatement ordered by the CFO"), std::string::npos);
  auto audit = RunAudit();
  EXPECT_TRUE(audit.ok) << RenderText(audit);
  ExpectFsck();
}

TEST_F(AttackTest, ForgedGateMergeIsReportedByAudit) {
  // A merge-shaped commit signed by a key that is not the gate's (mallory's, via git).
  WriteAll(dir_ / "allowed", "mallory " + govtest::PublicKeyLine(keys_["mallory"]) + "\n");
  Edit({{"metrics/customer/health.tally", Health("1.0.0", "0.9")}});
  int rc = 0;
  std::string out = Git(gitcfg_ + "-c gpg.format=ssh -c user.signingkey=" + Shell(keys_["mallory"]) +
                        " commit -q -S -am " + Shell("Merge CR-9: fake\n\nTally-CR: CR-9"), &rc);
  ASSERT_EQ(rc, 0) << out;
  auto audit = RunAudit();
  EXPECT_FALSE(audit.ok);
  EXPECT_TRUE(Mentions(audit.violations, "did not come through the gate: it is signed by SHA256:")) << RenderText(audit);
}

}  // namespace
}  // namespace tally::governance
