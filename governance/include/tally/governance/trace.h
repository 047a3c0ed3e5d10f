// tally trace OUT.csv: verify a score file against its lineage record and the governed
// history, and (with the input) recompute it and compare bit for bit.
#pragma once

#include <string>
#include <vector>

#include "tally/governance/repository.h"
#include "tally/support/result.h"

namespace tally::governance {

struct TraceOptions : RepoOptions {
  std::string output;  // the score file; its record is OUTPUT.lineage.json
  std::string input;   // optional: the input, to recompute the scores
};

struct TraceCheck {
  std::string what;     // "output unchanged", "definition content", "approvals", "recompute"
  bool ok = false;
  std::string detail;
};

struct TraceResult : Report {
  std::string output;
  std::string definition;
  std::string version;
  std::string commit;
  bool governed = false;
  std::vector<TraceCheck> checks;
};

// The recomputation uses the reference interpreter, independently of the engine (JIT) that
// wrote the file, with the definitions as they were at the record's commit.
Result<TraceResult> Trace(const TraceOptions& options);

}  // namespace tally::governance
