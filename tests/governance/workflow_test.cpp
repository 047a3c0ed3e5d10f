// The whole governed workflow through the public API, with git itself as the independent
// judge: git fsck accepts what Tally wrote, `git verify-commit` / `git tag -v` accept its
// signatures, and plain `git log` reads change requests and trailers.
#include <gtest/gtest.h>

#include <thread>

#include "governed_repo.h"

namespace tally::governance {
namespace {

using govtest::GovernedRepo;
using govtest::PublicKeyLine;
using govtest::RunCommand;
using govtest::Shell;
using govtest::WriteAll;

class WorkflowTest : public GovernedRepo {};

TEST_F(WorkflowTest, FreshRepositoryPassesAuditAndFsck) {
  auto audit = RunAudit();
  EXPECT_TRUE(audit.ok) << RenderText(audit);
  ExpectFsck();
  EXPECT_EQ(Git("rev-parse main"), root_);
  EXPECT_EQ(Git("show -s --format=%s main"), "Initialise the governed repository");
  // The working tree holds the policy and the definitions.
  EXPECT_EQ(govtest::ReadAll(std::filesystem::path(repo_) / "metrics/customer/health.tally"), govtest::kHealth);
}

TEST_F(WorkflowTest, ProposeApproveMergeFreezeLineageAudit) {
  // A new output is an addition: minor.
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally",
                                          Health("1.1.0", "0.5", "  output doubled : float = 2 * score\n")}});
  ASSERT_EQ(cr, "CR-1");
  // The CR is an ordinary commit on top of main, readable by git log.
  EXPECT_EQ(Git("log -1 --format=%an%n%s refs/tally/cr/1"), "carol\nChange by carol");
  EXPECT_EQ(Git("rev-parse refs/tally/cr/1^"), root_);

  // Refused with one approval: quorum of cx is 2.
  MustApprove("alice", cr);
  auto early = MergeCr(cr);
  EXPECT_FALSE(early.ok);
  EXPECT_TRUE(Mentions(early.reasons, "[quorum] missing quorum of council cx")) << RenderText(early);

  MustApprove("bob", cr);
  // ssh-keygen verifies bob's approval as stored in git, extracted with the recipe of
  // docs/governance.md.
  {
    std::string approval = Git("rev-parse refs/tally/approvals/1");
    std::string d = Shell(dir_.path().string());
    WriteAll(dir_ / "allowed_bob", "bob " + PublicKeyLine(keys_["bob"]) + "\n");
    std::string out;
    int rc = RunCommand("cd " + d + " && git -C " + Shell(repo_) + " show -s --format=%B " + approval +
                        " | sed -n '/^tally approval v2/,/^tree /p' > payload && git -C " + Shell(repo_) +
                        " show -s --format=%B " + approval +
                        " | sed -n '/BEGIN SSH SIGNATURE/,/END SSH SIGNATURE/p' > payload.sig && "
                        "ssh-keygen -Y verify -f allowed_bob -I bob -n tally-approval -s payload.sig < payload", &out);
    EXPECT_EQ(rc, 0) << out;
  }
  auto merged = MergeCr(cr);
  ASSERT_TRUE(merged.ok) << RenderText(merged);
  EXPECT_EQ(Git("rev-parse main"), merged.merge_commit);
  // The working tree held exactly what was proposed: nothing left to commit.
  EXPECT_EQ(Git("status --porcelain"), "");
  std::string trailers = Git("show -s --format=%B main");
  EXPECT_NE(trailers.find("Tally-CR: CR-1"), std::string::npos) << trailers;
  EXPECT_NE(trailers.find("Tally-Proposer: carol"), std::string::npos);
  EXPECT_NE(trailers.find("Tally-Approved-By: alice SHA256:"), std::string::npos);
  EXPECT_NE(trailers.find("Tally-Approved-By: bob SHA256:"), std::string::npos);
  EXPECT_NE(trailers.find("Tally-Change: customer.health 1.0.0 -> 1.1.0 class=minor required=minor"), std::string::npos)
      << trailers;

  // git verifies the gate's signature on the merge with an allowed-signers file.
  WriteAll(dir_ / "allowed", "gate " + PublicKeyLine(keys_["gate"]) + "\nalice " + PublicKeyLine(keys_["alice"]) + "\n");
  std::string cfg = "-c gpg.format=ssh -c gpg.ssh.allowedSignersFile=" + Shell((dir_ / "allowed").string());
  int rc = 0;
  std::string out = Git(cfg + " verify-commit main", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("Good \"git\" signature for gate"), std::string::npos) << out;

  // Freeze, and git verifies the freeze tag's signature too.
  FreezeOptions f;
  f.repo = repo_;
  f.now = now_;
  f.name = "2026-Q4-close";
  f.key = keys_["alice"];
  auto frozen = Freeze(f);
  ASSERT_TRUE(frozen.ok()) << frozen.error().message;
  ASSERT_TRUE(frozen->ok) << RenderText(*frozen);
  out = Git(cfg + " tag -v freeze/2026-Q4-close", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("Good \"git\" signature for alice"), std::string::npos) << out;
  // A freeze never moves: freezing the same name again is refused.
  auto again = Freeze(f);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->ok);

  LineageOptions l;
  l.repo = repo_;
  l.name = "customer.health";
  auto lineage = Lineage(l);
  ASSERT_TRUE(lineage.ok()) << lineage.error().message;
  ASSERT_EQ(lineage->entries.size(), 2u) << RenderText(*lineage);
  EXPECT_EQ(lineage->entries[0].version, "1.0.0");
  EXPECT_EQ(lineage->entries[0].change_class, "initial");
  EXPECT_EQ(lineage->entries[0].commit, root_);
  EXPECT_EQ(lineage->entries[1].version, "1.1.0");
  EXPECT_EQ(lineage->entries[1].cr, "CR-1");
  EXPECT_EQ(lineage->entries[1].proposer, "carol");
  EXPECT_EQ(lineage->entries[1].approvers, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(lineage->entries[1].change_class, "minor");
  EXPECT_EQ(lineage->entries[1].message, "Change by carol");
  EXPECT_NE(RenderJson(*lineage).find("\"version\": \"1.1.0\""), std::string::npos);

  auto as_of = ResolveAsOf(repo_, "2026-Q4-close");
  ASSERT_TRUE(as_of.ok()) << as_of.error().message;
  EXPECT_EQ(as_of->commit, merged.merge_commit);
  auto root = ResolveAsOf(repo_, root_.substr(0, 10));
  ASSERT_TRUE(root.ok()) << root.error().message;
  EXPECT_EQ(root->commit, root_);
  // A CR's own commit was never in force: not a governed state.
  EXPECT_FALSE(ResolveAsOf(repo_, Git("rev-parse refs/tally/cr/1")).ok());

  auto defs = DefinitionsAt(repo_, root_);
  ASSERT_TRUE(defs.ok());
  ASSERT_EQ(defs->size(), 2u);
  EXPECT_EQ((*defs)[0]->path(), "metrics/customer/health.tally");
  EXPECT_EQ((*defs)[0]->text(), govtest::kHealth);

  auto major = ResolveMajor(repo_, "customer.health@1");
  ASSERT_TRUE(major.ok()) << major.error().message;
  EXPECT_EQ(major->version, "1.1.0");
  EXPECT_EQ(major->commit, merged.merge_commit);
  EXPECT_FALSE(ResolveMajor(repo_, "customer.health@2").ok());

  ProvenanceQuery pq{repo_, merged.merge_commit, "customer.health", "1.1.0"};
  auto prov = VerifyProvenance(pq);
  ASSERT_TRUE(prov.ok()) << prov.error().message;
  EXPECT_TRUE(prov->ok) << RenderText(*prov);
  EXPECT_EQ(prov->cr, "CR-1");
  EXPECT_EQ(prov->approvers, (std::vector<std::string>{"alice", "bob"}));
  pq.version = "1.0.0";
  EXPECT_FALSE(VerifyProvenance(pq)->ok);
  pq.commit = Git("rev-parse refs/tally/cr/1");
  pq.version = "1.1.0";
  EXPECT_FALSE(VerifyProvenance(pq)->ok);

  // A merged CR is closed: no new revision, no new approval.
  EXPECT_FALSE(ProposeAs("carol", "More", std::string("CR-1"))->ok);

  auto audit = RunAudit();
  EXPECT_TRUE(audit.ok) << RenderText(audit);
  EXPECT_EQ(audit.freezes_checked, 1u);
  ExpectFsck();
  // Every governance action left one structured line in the repository's audit trail.
  std::string trail = govtest::ReadAll(std::filesystem::path(repo_) / ".git/tally/audit.log");
  EXPECT_NE(trail.find("\"action\":\"merge\""), std::string::npos) << trail;
  EXPECT_NE(trail.find("\"action\":\"freeze\""), std::string::npos) << trail;
}

TEST_F(WorkflowTest, RegionalTeamChangesItsOverride) {
  std::string cr = MustPropose("dora", {{"metrics/regions/emea/health.tally",
                                         "override customer.health for region \"emea\" {\n  at_risk_below = 30\n}\n"}});
  MustApprove("alice", cr);  // not emea: does not count for the override
  auto refused = MergeCr(cr);
  EXPECT_FALSE(refused.ok);
  EXPECT_TRUE(Mentions(refused.reasons, "[self-approval]") || Mentions(refused.reasons, "[quorum] missing quorum of council emea"))
      << RenderText(refused);
}

TEST_F(WorkflowTest, ConcurrentMergesOfTheSameBaseOnlyOneWins) {
  std::string a = MustPropose("carol", {{"metrics/customer/health.tally", Health("1.0.1") + "// tidy\n"}});
  MustApprove("alice", a);
  MustApprove("bob", a);
  // A second CR on the same base, approved too.
  Edit({{"metrics/customer/health.tally", Health("2.0.0", "0.7")}});
  auto b = ProposeAs("carol", "Reweight");
  ASSERT_TRUE(b.ok() && b->ok);
  MustApprove("alice", b->id);
  MustApprove("bob", b->id);
  auto first = MergeCr(b->id);
  ASSERT_TRUE(first.ok) << RenderText(first);
  auto second = MergeCr(a);
  EXPECT_FALSE(second.ok);
  EXPECT_TRUE(Mentions(second.reasons, "[stale]")) << RenderText(second);
  EXPECT_TRUE(RunAudit().ok);
  ExpectFsck();
}

TEST_F(WorkflowTest, ConcurrentMergesRaceAndExactlyOneWins) {
  std::string a = MustPropose("carol", {{"metrics/customer/health.tally", Health("1.0.1") + "// a\n"}});
  Edit({{"metrics/customer/health.tally", Health("1.0.1") + "// b\n"}});
  auto b = ProposeAs("carol", "Other");
  ASSERT_TRUE(b.ok() && b->ok);
  for (const std::string& cr : {a, b->id}) {
    MustApprove("alice", cr);
    MustApprove("bob", cr);
  }
  MergeResult ra, rb;
  std::thread ta([&] { ra = MergeCr(a); });
  std::thread tb([&] { rb = MergeCr(b->id); });
  ta.join();
  tb.join();
  EXPECT_NE(ra.ok, rb.ok) << RenderText(ra) << RenderText(rb);
  const MergeResult& loser = ra.ok ? rb : ra;
  EXPECT_TRUE(Mentions(loser.reasons, "[race]") || Mentions(loser.reasons, "[stale]")) << RenderText(loser);
  EXPECT_EQ(Git("rev-parse main"), ra.ok ? ra.merge_commit : rb.merge_commit);
  EXPECT_TRUE(RunAudit().ok);
  ExpectFsck();
}

TEST_F(WorkflowTest, ChangingTheOwnerNeedsBothCouncils) {
  std::string text = Health("1.0.1");
  text.replace(text.find("owner cx"), 8, "owner emea");
  std::string cr = MustPropose("carol", {{"metrics/customer/health.tally", text}});
  MustApprove("alice", cr);
  MustApprove("bob", cr);
  auto r = MergeCr(cr);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Mentions(r.reasons, "[quorum] missing quorum of council emea for customer.health (new owner)")) << RenderText(r);
  MustApprove("dora", cr);
  r = MergeCr(cr);
  EXPECT_TRUE(r.ok) << RenderText(r);
}

}  // namespace
}  // namespace tally::governance
