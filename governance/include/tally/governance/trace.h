// tally trace OUT.csv: verify a score file against its lineage record and the governed
// history, and (with the input) recompute it and compare bit for bit.
//
// Every field trace can derive independently of the record (from the commit it names, the
// definition at that commit, the gate's approvals of it, the policy there; with the input,
// from a recompute) is derived and compared; any difference fails, naming the field and both
// values. What it cannot derive is listed in TraceResult::unverified (docs/governance.md,
// "What a lineage record proves").
#pragma once

#include <string>
#include <vector>

#include "tally/governance/repository.h"
#include "tally/support/result.h"

namespace tally::governance {

struct TraceOptions : RepoOptions {
  std::string output;  // the score file; its record is OUTPUT.lineage.json
  std::string input;   // optional: the input, to recompute the scores
  std::vector<std::string> trusted_keys;  // public key files whose signatures are trusted too
  // The record, when it is not beside the output: a run with --output - wrote it where its
  // --lineage said, and `output` is the scores saved from its standard output.
  std::string lineage;
};

struct TraceCheck {
  std::string what;     // "output unchanged", "approvals", "field params.weight", "recompute", ...
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
  std::string signed_by;                // the trusted signer of the record; empty: unsigned
  std::vector<std::string> unverified;  // fields trace could not derive, and why
};

// The recomputation uses the reference interpreter, independently of the engine (JIT) that
// wrote the file, with the definitions as they were at the record's commit.
Result<TraceResult> Trace(const TraceOptions& options);

}  // namespace tally::governance
