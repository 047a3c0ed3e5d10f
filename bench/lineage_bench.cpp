// Benchmark (not a test): `tally lineage` on a 10,000-merge history must answer in under a
// second (issue 4). The history is written with `git fast-import`, each commit carrying the
// trailers a gate merge has; lineage reads only those trailers.
//
//   tally_lineage_bench [COMMITS]
#include <chrono>
#include <cstdio>
#include <string>

#include "tally/governance/history.h"
#include "test_util.h"

using namespace tally::governance;
using namespace tally::governance::govtest;

int main(int argc, char** argv) {
  int commits = argc > 1 ? std::atoi(argv[1]) : 10000;
  TempDir dir;
  std::string gate = MakeKey(dir, "gate"), alice = MakeKey(dir, "alice");
  if (gate.empty() || alice.empty()) {
    std::fprintf(stderr, "ssh-keygen failed\n");
    return 1;
  }
  std::string policy = "version: 1\ngoverned_branch: main\ngate: \"" + PublicKeyLine(gate) + "\"\npeople:\n  alice: \"" +
                       PublicKeyLine(alice) + "\"\ncouncils:\n  cx: { members: [alice], quorum: 1 }\npolicy_council: cx\n";
  std::string repo = (dir / "repo").string();
  if (RunCommand("git init -q -b main " + Shell(repo)) != 0) return 1;

  // fast-import stream: a root commit, then `commits` merges-by-trailer, then the log root.
  std::string stream;
  auto data = [&](const std::string& s) { stream += "data " + std::to_string(s.size()) + "\n" + s + "\n"; };
  int64_t t = 1790000000;
  stream += "commit refs/heads/main\nmark :1\ncommitter tally-gate <gate@tally.invalid> " + std::to_string(t) + " +0000\n";
  data("Initialise the governed repository\n\nTally-Root: policy version 1\nTally-Definition: customer.health 1.0.0\n");
  stream += "M 100644 inline governance/policy.yaml\n";
  data(policy);
  for (int i = 1; i <= commits; ++i) {
    std::string from = "1.0." + std::to_string(i - 1), to = "1.0." + std::to_string(i);
    bool ours = i % 10 == 0;  // one merge in ten changes customer.health; the rest other definitions
    std::string name = ours ? "customer.health" : "cx.nps";
    stream += "commit refs/heads/main\ncommitter tally-gate <gate@tally.invalid> " + std::to_string(t + i) + " +0000\n";
    data("Merge CR-" + std::to_string(i) + ": change " + std::to_string(i) + "\n\nTally-CR: CR-" + std::to_string(i) +
         "\nTally-Proposer: alice\nTally-Approved-By: alice SHA256:x\nTally-Change: " + name + " " + from + " -> " + to +
         " class=patch required=patch\n");
    stream += "M 100644 inline metrics/n.txt\n";
    data(std::to_string(i));
  }
  stream += "commit refs/tally/log\ncommitter tally-gate <gate@tally.invalid> " + std::to_string(t) + " +0000\n";
  data("tally log: root\n\nTally-Log: root\nTally-Branch: main\n");
  WriteAll(dir / "stream", stream);
  if (RunCommand("git -C " + Shell(repo) + " fast-import --quiet < " + Shell((dir / "stream").string())) != 0) return 1;

  LineageOptions opt;
  opt.repo = repo;
  opt.name = "customer.health";
  for (int run = 0; run < 3; ++run) {
    auto start = std::chrono::steady_clock::now();
    auto r = Lineage(opt);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.error().message.c_str());
      return 1;
    }
    std::printf("lineage over %d commits: %zu versions in %.1f ms\n", commits + 1, r->entries.size(), ms);
  }
  return 0;
}
