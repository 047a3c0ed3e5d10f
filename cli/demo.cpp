// tally demo: the main job end to end, each step printed as the command a person would type.
//   check and test the bundled library -> a governed repository -> a change request to
//   customer.health -> review with a backtest -> two approvals -> the gate merges ->
//   freeze -> score generated data with the JIT -> trace the scores -> lineage -> audit.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "commands.h"
#include "jit.h"
#include "tally/compiler/compiler.h"
#include "tally/governance/history.h"
#include "tally/governance/repository.h"
#include "tally/governance/review.h"
#include "tally/governance/trace.h"
#include "tally/runtime/score_source.h"
#include "tally/runtime/test_runner.h"
#include "tally/support/atomic_file.h"

namespace tally::cli {

namespace fs = std::filesystem;

namespace {

// customer.health 2.0.0 as the CX council's change request writes it: greener bar for green
// (75, was 70) and amber (45, was 40). Scores are unchanged, so tiers move: a major change.
// The test values follow from the 1.0.0 tests' scores (70, 65, 0), worked out by hand.
const char* kHealthV2 = R"(// Account health: the score customer success uses to flag renewal risk.
// 2.0.0: tier thresholds raised to 75 (green) and 45 (amber) after the Q3 renewal review.
score customer.health {
  version 2.0.0
  owner cx
  description "Account health (0-100) from engagement trend, support load and sentiment; flags large accounts at renewal risk"
  key account_id
  tags ["customer-success", "renewal"]
  expires_after 90d

  input account_id      : string
  input logins_30d      : int
  input logins_prev_30d : int
  input open_tickets    : int
  input nps             : float?
  input arr             : float
  input region          : string

  param engagement_weight = 0.5
  param at_risk_below     = 40 regional

  require open_tickets >= 0

  let engagement = clamp(logins_30d / max(logins_prev_30d, 1), 0, 2) / 2
  let support    = 1 - min(open_tickets, 10) / 10
  let sentiment  = coalesce((nps + 100) / 200, 0.5)

  output score   : float  = round(100 * (engagement_weight * engagement + 0.3 * support + 0.2 * sentiment), 1)
  output tier    : string = if score >= 75 then "green" else if score >= 45 then "amber" else "red"
  output at_risk : bool   = score < at_risk_below and arr > 50000

  test "a steady account at 70 is now amber" {
    given account_id = "a1", logins_30d = 30, logins_prev_30d = 30, open_tickets = 0,
          nps = 50, arr = 1000, region = "emea"
    expect score = 70.0, tier = "amber", at_risk = false
  }

  test "never surveyed counts as neutral sentiment" {
    given account_id = "a2", logins_30d = 30, logins_prev_30d = 30, open_tickets = 0,
          nps = null, arr = 60000, region = "na"
    expect score = 65.0, tier = "amber", at_risk = false
  }

  test "worst case is red and at risk" {
    given account_id = "a4", logins_30d = 0, logins_prev_30d = 20, open_tickets = 25,
          nps = -100, arr = 120000, region = "apac"
    expect score = 0.0, tier = "red", at_risk = true
  }

  test "negative ticket counts are rejected" {
    given account_id = "a5", logins_30d = 1, logins_prev_30d = 1, open_tickets = -1,
          nps = 0, arr = 1, region = "na"
    expect rejected "open_tickets >= 0"
  }
}
)";

struct Demo {
  fs::path dir;
  fs::path keys;
  fs::path repo;
  int step = 0;

  void Step(const std::string& title, const std::string& command) {
    std::printf("\n== %d. %s\n   $ %s\n", ++step, title.c_str(), command.c_str());
    std::fflush(stdout);
  }

  static void Indent(const std::string& text) {
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::printf("   %s\n", text.substr(start, end - start).c_str());
      start = end + 1;
    }
  }

  template <typename R>
  bool Show(const Result<R>& r) {
    if (!r.ok()) {
      std::fprintf(stderr, "tally demo: %s\n", r.error().message.c_str());
      return false;
    }
    Indent(governance::RenderText(*r));
    return r->ok;
  }

  bool MakeKey(const std::string& person) {
    std::string path = (keys / person).string();
    std::string cmd = "ssh-keygen -q -t ed25519 -N '' -C '" + person + "@example.com' -f '" + path + "' </dev/null >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      std::fprintf(stderr, "tally demo: ssh-keygen failed (is openssh-client installed?)\n");
      return false;
    }
    return true;
  }

  std::string PublicKey(const std::string& person) {
    auto text = ReadFile((keys / (person + ".pub")).string());
    std::string key = text ? *text : "";
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    return key;
  }

  std::string Key(const std::string& person) const { return (keys / person).string(); }
};

// Accounts with the shape of customer.health's inputs, from a fixed-seed generator so every
// run scores the same bytes.
Status WriteSampleAccounts(const std::string& path, int rows) {
  std::string csv = "account_id,logins_30d,logins_prev_30d,open_tickets,nps,arr,region\n";
  uint64_t state = 0x5eed'7a11'0000'0001ull;
  auto next = [&state](uint64_t bound) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % bound;
  };
  const char* regions[] = {"emea", "na", "apac", "latam"};
  for (int i = 0; i < rows; ++i) {
    uint64_t prev = next(60);
    uint64_t now = next(100) < 15 ? next(5) : prev + next(30) - std::min<uint64_t>(prev, 15);
    std::string nps = next(100) < 8 ? "" : std::to_string(static_cast<int>(next(201)) - 100);
    char arr[32];
    std::snprintf(arr, sizeof arr, "%llu.%02llu", static_cast<unsigned long long>(1000 + next(200000)),
                  static_cast<unsigned long long>(next(100)));
    csv += "acct-" + std::to_string(100000 + i) + "," + std::to_string(now) + "," + std::to_string(prev) + "," +
           std::to_string(next(100) < 1 ? -1 : static_cast<int>(next(12))) + "," + nps + "," + arr + "," +
           regions[next(4)] + "\n";
  }
  return WriteFileAtomically(path, csv);
}

int RunDemo() {
  Demo d;
  char templ[] = "/tmp/tally-demo-XXXXXX";
  if (::mkdtemp(templ) == nullptr) {
    std::perror("tally demo: mkdtemp");
    return 1;
  }
  d.dir = templ;
  d.keys = d.dir / "keys";
  d.repo = d.dir / "repo";
  fs::create_directories(d.keys);
  std::string metrics = BundledMetricsPath();
  std::printf("Tally demo: everything happens in %s\n", d.dir.c_str());

  // 1-2. The library as authors see it.
  d.Step("Check the bundled library", "tally check " + metrics);
  auto sources = CollectSources({metrics});
  if (!sources) return std::fprintf(stderr, "tally demo: %s\n", sources.error().message.c_str()), 1;
  CompileResult compiled = Compile(*sources);
  std::fputs(Render(compiled.diagnostics, StderrIsTerminal()).c_str(), stderr);
  if (!compiled.library) return 1;
  std::printf("   %zu definitions in %zu files: %zu errors, %zu warnings\n", compiled.library->Names().size(),
              sources->size(), compiled.diagnostics.ErrorCount(), compiled.diagnostics.WarningCount());
  d.Step("Run every test block", "tally test " + metrics);
  auto outcomes = runtime::RunTests(*compiled.library, {runtime::InterpreterEngine(), {"jit", JitKernelFactory()}});
  if (!outcomes) return std::fprintf(stderr, "tally demo: %s\n", outcomes.error().message.c_str()), 1;
  size_t passed = 0, failed = 0;
  for (const auto& o : *outcomes) (o.passed ? passed : failed)++;
  std::printf("   %zu passed, %zu failed\n", passed, failed);
  if (failed != 0) return 1;

  // 3. Keys and policy: each council member proves who they are with an SSH key.
  d.Step("Give every council member and the gate an SSH key", "ssh-keygen -t ed25519 ...");
  const char* people[] = {"alice", "bob", "carol", "dora", "erin", "frank", "gate"};
  for (const char* p : people) {
    if (!d.MakeKey(p)) return 1;
  }
  std::printf("   keys for alice, bob, carol (cx), dora (emea), erin, frank (finance), and the gate\n");
  std::string policy = "version: 1\ngoverned_branch: main\ngate: \"" + d.PublicKey("gate") + "\"\npeople:\n";
  for (const char* p : people) {
    if (std::string(p) != "gate") policy += std::string("  ") + p + ": \"" + d.PublicKey(p) + "\"\n";
  }
  policy +=
      "councils:\n"
      "  cx:         { members: [alice, bob, carol], quorum: 2 }\n"
      "  finance:    { members: [erin, frank], quorum: 2 }\n"
      "  emea:       { members: [dora], quorum: 1 }\n"
      "  governance: { members: [alice, dora, erin], quorum: 2 }\n"
      "regions:\n  emea: emea\n"
      "policy_council: governance\nself_approval: false\n"
      "freezes:\n  - { name: 2026-Q4-close, from: 2026-12-24, until: 2027-01-08 }\n";
  std::string policy_path = (d.dir / "policy.yaml").string();
  if (auto s = WriteFileAtomically(policy_path, policy); !s.ok()) return std::fprintf(stderr, "%s\n", s.message().c_str()), 1;

  d.Step("Create a governed repository from the library", "tally init repo --policy policy.yaml --gate-key keys/gate");
  governance::InitOptions init;
  init.dir = d.repo.string();
  init.policy_file = policy_path;
  init.gate_key = d.Key("gate");
  init.definitions_dir = metrics;
  if (!d.Show(governance::InitRepository(init))) return 1;

  // 4. carol proposes customer.health 2.0.0.
  d.Step("carol raises the tier thresholds of customer.health (2.0.0) and proposes it",
         "tally propose -m \"Raise health tier thresholds\" --key keys/carol");
  if (auto s = WriteFileAtomically((d.repo / "metrics/customer/health.tally").string(), kHealthV2); !s.ok()) return 1;
  governance::ProposeOptions propose;
  propose.repo = d.repo.string();
  propose.message = "Raise health tier thresholds to 75/45 after the Q3 renewal review";
  propose.key = d.Key("carol");
  auto proposed = governance::Propose(propose);
  if (!d.Show(proposed)) return 1;
  std::string cr = proposed->id;

  d.Step("The CX council reviews it: semantic diff, required bump, backtest on reference data", "tally review " + cr);
  governance::ReviewOptions review;
  review.repo = d.repo.string();
  review.cr = cr;
  d.Show(governance::Review(review));

  auto approve = [&](const std::string& who) {
    governance::ApproveOptions o;
    o.repo = d.repo.string();
    o.cr = cr;
    o.key = d.Key(who);
    return d.Show(governance::Approve(o));
  };

  d.Step("carol tries to approve her own change", "tally approve " + cr + " --key keys/carol");
  approve("carol");

  d.Step("The gate refuses: no quorum of the CX council", "tally merge " + cr + " --key keys/gate");
  governance::MergeOptions merge;
  merge.repo = d.repo.string();
  merge.cr = cr;
  merge.key = d.Key("gate");
  d.Show(governance::Merge(merge));

  for (const char* approver : {"alice", "bob"}) {
    d.Step(std::string(approver) + " approves with a signature", "tally approve " + cr + " --key keys/" + approver);
    if (!approve(approver)) return 1;
  }

  d.Step("The gate checks quorum, owners, signatures, version and freezes, and merges", "tally merge " + cr + " --key keys/gate");
  if (!d.Show(governance::Merge(merge))) return 1;

  d.Step("alice freezes the governed branch for the quarter close", "tally freeze 2026-Q4-close --key keys/alice");
  governance::FreezeOptions freeze;
  freeze.repo = d.repo.string();
  freeze.name = "2026-Q4-close";
  freeze.key = d.Key("alice");
  freeze.message = "Q4 close: the definitions finance reports with";
  if (!d.Show(governance::Freeze(freeze))) return 1;

  // 5. Score as of the freeze with the JIT kernel.
  std::string input = (d.dir / "accounts.csv").string();
  std::string output = (d.dir / "health.csv").string();
  const int rows = 200000;
  d.Step("Score " + std::to_string(rows) + " generated accounts as of the freeze",
         "tally score customer.health --as-of 2026-Q4-close --input accounts.csv --output health.csv --rejects rejects.csv");
  if (auto s = WriteSampleAccounts(input, rows); !s.ok()) return std::fprintf(stderr, "%s\n", s.message().c_str()), 1;
  auto at_freeze = governance::ResolveAsOf(d.repo.string(), "2026-Q4-close");
  if (!at_freeze) return std::fprintf(stderr, "tally demo: %s\n", at_freeze.error().message.c_str()), 1;
  auto frozen_files = governance::DefinitionsAt(d.repo.string(), at_freeze->commit);
  if (!frozen_files) return 1;
  runtime::ScoreOptions score;
  score.input_path = input;
  score.output_path = output;
  score.rejects_path = (d.dir / "rejects.csv").string();
  score.progress = runtime::ProgressMode::kNever;
  runtime::LineageFacts facts;
  facts.commit = at_freeze->commit;
  facts.freeze = at_freeze->freeze;
  auto provenance = governance::VerifyProvenance({d.repo.string(), at_freeze->commit, "customer.health", ""});
  if (provenance) facts.approvers = provenance->approvers;
  AddJitTargetFacts(facts);
  score.lineage = facts;
  DiagnosticList frozen_diagnostics;
  auto summary = ScoreSource(*frozen_files, "customer.health", JitKernelFactory(), score, frozen_diagnostics);
  if (!summary) {
    if (frozen_diagnostics.HasErrors()) std::fputs(Render(frozen_diagnostics).c_str(), stderr);
    return std::fprintf(stderr, "tally demo: %s\n", summary.error().message.c_str()), 1;
  }
  std::printf("   customer.health %s (jit, %s) scored %lld rows in %.2f s: %lld scored + %lld rejected = %lld read\n",
              summary->version.c_str(), facts.target_cpu.c_str(), static_cast<long long>(summary->rows_read),
              summary->seconds, static_cast<long long>(summary->rows_scored),
              static_cast<long long>(summary->rows_rejected), static_cast<long long>(summary->rows_read));
  std::printf("   output  %s\n   rejects %s\n   lineage %s\n", summary->output_path.c_str(), summary->rejects_path.c_str(),
              summary->lineage_path.c_str());

  d.Step("An auditor traces the scores to the approved definition and recomputes them",
         "tally trace health.csv --input accounts.csv");
  governance::TraceOptions trace;
  trace.repo = d.repo.string();
  trace.output = output;
  trace.input = input;
  bool traced = d.Show(governance::Trace(trace));

  d.Step("Every released version of customer.health", "tally lineage customer.health");
  governance::LineageOptions lineage;
  lineage.repo = d.repo.string();
  d.Show(governance::Lineage([&] {
    lineage.name = "customer.health";
    return lineage;
  }()));

  d.Step("The whole governed history verifies", "tally audit");
  governance::AuditOptions audit;
  audit.repo = d.repo.string();
  bool audited = d.Show(governance::Audit(audit));

  std::printf("\nDone. The governed repository is %s (try `git -C %s log --oneline --all`).\n", d.repo.c_str(),
              d.repo.c_str());
  return traced && audited ? 0 : 1;
}

}  // namespace

void AddDemo(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto* cmd = app.add_subcommand("demo", "Run the main job end to end on bundled sample data, in a temporary governed repository");
  cmd->callback([&global, &exit_code] {
    (void)global;
    exit_code = RunDemo();
  });
}

}  // namespace tally::cli
