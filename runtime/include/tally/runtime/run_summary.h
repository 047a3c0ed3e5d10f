// What a scoring run did: the facts the CLI prints (`--json`) and the lineage record keeps.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tally/runtime/column.h"

namespace tally::runtime {

struct RunSummary {
  std::string definition;
  std::string version;
  std::string kind;    // "score" or "metric"
  std::string engine;  // "interpreter" or "jit"
  std::string kernel_object_sha256;  // the machine code that ran (KernelSet::object_sha256); "" for the interpreter
  std::string input_path;
  std::string output_path;
  std::string rejects_path;  // empty when rejects were only counted
  std::string lineage_path;  // empty when no lineage record was written
  // rows_read == rows_scored + rows_rejected, always. For a metric, "scored" rows are the
  // rows aggregated into groups, and output_rows the number of groups.
  int64_t rows_read = 0;
  int64_t rows_scored = 0;
  int64_t rows_rejected = 0;
  int64_t output_rows = 0;
  int64_t input_bytes = 0;
  int64_t output_bytes = 0;
  std::string input_sha256;
  std::string output_sha256;
  std::vector<RejectRecord> first_rejects;  // the first few, to show when there is no --rejects
  std::string started_at;  // UTC, "2026-03-01T12:00:00Z"
  int64_t started_at_unix = 0;
  double seconds = 0;

  // A JSON object with every field above (first_rejects as objects).
  std::string ToJson() const;
};

}  // namespace tally::runtime
