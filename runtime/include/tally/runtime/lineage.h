// The lineage record written beside a score file (OUT.csv.lineage.json): which approved
// definition produced it, on what input, with what code, so `tally trace` can verify it.
//
// The runtime knows nothing of git or LLVM: governance facts (commit, approvers, freeze) and
// kernel facts (LLVM version, target) arrive as plain strings in LineageFacts. Params and
// regional overrides in force come from the ir::Program itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tally/compiler/ir.h"
#include "tally/runtime/binding.h"
#include "tally/runtime/run_summary.h"
#include "tally/support/result.h"

namespace tally::runtime {

struct LineageFacts {
  std::string content_sha256;           // DefinitionInfo::content_sha256
  std::string definition_file;          // where it is defined
  std::string owner;                    // the council
  std::string commit = "ungoverned";    // governed branch commit, or "ungoverned"
  std::vector<std::string> approvers;   // of the change that released this version
  std::string freeze;                   // the freeze scored against (--as-of), if any
  std::string tally_version;           // empty: this build's version
  std::string llvm_version;             // empty when the interpreter ran
  std::string target_triple;
  std::string target_cpu;
  std::string target_features;
  std::optional<int64_t> expires_after_seconds;
  std::vector<ColumnMapping> mappings;  // --map in force
};

std::string LineagePath(const std::string& output_path);  // output_path + ".lineage.json"

// The record as pretty-printed JSON (keys in a fixed order; see docs/runtime.md).
std::string LineageJson(const ir::Program& program, const LineageFacts& facts,
                        const RunSummary& summary);

// Writes LineageJson atomically to LineagePath(summary.output_path).
Status WriteLineage(const ir::Program& program, const LineageFacts& facts,
                    const RunSummary& summary);

// "2026-03-01T12:00:00Z" for a Unix time.
std::string FormatUtc(int64_t unix_seconds);

}  // namespace tally::runtime
