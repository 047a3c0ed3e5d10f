// The governance subcommands: init, propose, review, approve, merge, freeze, lineage, audit.
// Each maps flags onto a governance:: function and prints its report.
#include <memory>

#include "commands.h"
#include "tally/governance/history.h"
#include "tally/governance/repository.h"
#include "tally/governance/review.h"
#include "tally/governance/trace.h"

namespace tally::cli {

namespace {

void AddRepoFlags(CLI::App* cmd, GlobalOptions& global) {
  cmd->add_option("--repo", global.repo, "Governed repository (default: the one around the current directory)");
  cmd->add_flag("--json", global.json, "Print machine-readable JSON");
}

}  // namespace

void AddGovernance(CLI::App& app, GlobalOptions& global, int& exit_code) {
  {
    auto* cmd = app.add_subcommand("init", "Create a governed repository (git, governance/policy.yaml, metrics/)");
    auto o = std::make_shared<governance::InitOptions>();
    cmd->add_option("dir", o->dir, "Folder to create")->required();
    cmd->add_option("--policy", o->policy_file, "The first policy: the root of trust (default: the bundled example policy)");
    cmd->add_option("--gate-key", o->gate_key, "The gate's private key, to sign the root commit");
    cmd->add_option("--definitions", o->definitions_dir, "A folder of definitions to start metrics/ with");
    cmd->add_flag("--json", global.json, "Print machine-readable JSON");
    cmd->callback([&global, &exit_code, o] {
      if (o->policy_file.empty()) o->policy_file = BundledMetricsPath() + "/governance/policy.yaml";
      exit_code = EmitReport(governance::InitRepository(*o), global.json);
    });
  }
  {
    auto* cmd = app.add_subcommand("propose", "Turn the working tree's changes to definitions into a change request");
    auto o = std::make_shared<governance::ProposeOptions>();
    auto revise = std::make_shared<std::string>();
    cmd->add_option("-m,--message", o->message, "What the change is and why")->required();
    cmd->add_option("--key", o->key, "Your SSH private key (ed25519)")->required();
    cmd->add_option("--revise", *revise, "Replace an open change request (CR-N) with a new revision");
    cmd->add_option("--freeze-exception", o->freeze_exception, "Why this change must merge during a freeze window");
    AddRepoFlags(cmd, global);
    cmd->callback([&global, &exit_code, o, revise] {
      o->repo = RepositoryOf(global);
      if (!revise->empty()) o->revise = *revise;
      exit_code = EmitReport(governance::Propose(*o), global.json);
    });
  }
  {
    auto* cmd = app.add_subcommand("review", "Semantic diff, compatibility class, required version bump, backtest");
    auto o = std::make_shared<governance::ReviewOptions>();
    cmd->add_option("cr", o->cr, "Change request, e.g. CR-1")->required();
    AddRepoFlags(cmd, global);
    cmd->callback([&global, &exit_code, o] {
      o->repo = RepositoryOf(global);
      exit_code = EmitReport(governance::Review(*o), global.json);
    });
  }
  {
    auto* cmd = app.add_subcommand("approve", "Record a signed approval of a change request");
    auto o = std::make_shared<governance::ApproveOptions>();
    cmd->add_option("cr", o->cr, "Change request, e.g. CR-1")->required();
    cmd->add_option("--key", o->key, "Your SSH private key (ed25519)")->required();
    AddRepoFlags(cmd, global);
    cmd->callback([&global, &exit_code, o] {
      o->repo = RepositoryOf(global);
      exit_code = EmitReport(governance::Approve(*o), global.json);
    });
  }
  {
    auto* cmd = app.add_subcommand("merge", "Apply the gate and merge, signed with the gate's key, or refuse with every reason");
    auto o = std::make_shared<governance::MergeOptions>();
    cmd->add_option("cr", o->cr, "Change request, e.g. CR-1")->required();
    cmd->add_option("--key", o->key, "The gate's SSH private key")->required();
    AddRepoFlags(cmd, global);
    cmd->callback([&global, &exit_code, o] {
      o->repo = RepositoryOf(global);
      exit_code = EmitReport(governance::Merge(*o), global.json);
    });
  }
  {
    auto* cmd = app.add_subcommand("freeze", "Freeze the governed branch as it is now for a reporting period");
    auto o = std::make_shared<governance::FreezeOptions>();
    cmd->add_option("name", o->name, "Freeze name, e.g. 2026-Q4-close")->required();
    cmd->add_option("--key", o->key, "A council member's SSH private key")->required();
    cmd->add_option("-m,--message", o->message, "Why");
    AddRepoFlags(cmd, global);
    cmd->callback([&global, &exit_code, o] {
      o->repo = RepositoryOf(global);
      exit_code = EmitReport(governance::Freeze(*o), global.json);
    });
  }
  {
    auto* cmd = app.add_subcommand("lineage", "Every released version of a definition");
    auto o = std::make_shared<governance::LineageOptions>();
    cmd->add_option("name", o->name, "Definition, e.g. customer.health")->required();
    AddRepoFlags(cmd, global);
    cmd->callback([&global, &exit_code, o] {
      o->repo = RepositoryOf(global);
      exit_code = EmitReport(governance::Lineage(*o), global.json);
    });
  }
  {
    auto* cmd = app.add_subcommand("trace", "Verify a score file's lineage record; with --input, recompute it bit for bit");
    auto o = std::make_shared<governance::TraceOptions>();
    cmd->add_option("output", o->output, "The score file (its record is OUTPUT.lineage.json)")->required();
    cmd->add_option("--input", o->input, "The input it was scored from, to recompute and compare");
    cmd->add_option("--trusted-key", o->trusted_keys, "A public key file whose signatures on records are trusted (besides the policy's keys)");
    cmd->add_option("--lineage", o->lineage, "The lineage record, when it is not OUTPUT.lineage.json (a run with --output - and --lineage FILE)");
    AddRepoFlags(cmd, global);
    cmd->callback([&global, &exit_code, o] {
      o->repo = RepositoryOf(global);
      exit_code = EmitReport(governance::Trace(*o), global.json);
    });
  }
  {
    auto* cmd = app.add_subcommand("audit", "Verify the whole governed history; report every violation");
    auto o = std::make_shared<governance::AuditOptions>();
    cmd->add_option("--expect-root", o->expect_root, "The root commit id published when the repository was made");
    AddRepoFlags(cmd, global);
    cmd->callback([&global, &exit_code, o] {
      o->repo = RepositoryOf(global);
      exit_code = EmitReport(governance::Audit(*o), global.json);
    });
  }
}

}  // namespace tally::cli
