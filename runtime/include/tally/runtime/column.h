// Owned columnar data for one batch, in the physical types of kernel_abi.h, plus what the
// writer needs to report rows that never reached a kernel.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tally/compiler/ir.h"
#include "tally/compiler/kernel_abi.h"
#include "tally/runtime/group_by.h"
#include "tally/runtime/string_dictionary.h"
#include "tally/support/source_file.h"

namespace tally::runtime {

// One column: `valid` and the vector matching `type` hold `capacity` entries (the same type
// the group-by uses).
using ColumnData = OwnedColumn;

// A row that could not be scored: where it was, which column (empty for the whole row) and
// why. For a broken `require`, `rule` is its text; `location` is where the definition says it
// (require violations and run-time traps).
struct RejectRecord {
  int64_t row = 0;
  int64_t line = 0;
  std::string column;
  std::string reason;
  std::string rule;
  SourceLocation location;  // empty for parse rejects
};

// Rows parsed from one stretch of the input. Records in the stretch = rows + rejects.size().
struct InputBatch {
  int64_t rows = 0;
  std::vector<ColumnData> columns;    // one per program input, capacity >= rows
  std::vector<uint16_t> variants;     // per row; empty when the program has no regional variants
  std::vector<int64_t> row_numbers;   // per row: 1-based data row
  std::vector<int64_t> line_numbers;  // per row: physical line where it starts
  std::vector<RejectRecord> rejects;  // rows that failed to parse, in row order
  // Not const: the kernel's string helper interns computed strings into it (string_calls.h).
  std::shared_ptr<StringDictionary> dictionary;
  // Read chunks that `dictionary` has views into (StringDictionary::AppendView), kept alive
  // with the batch.
  std::vector<std::shared_ptr<const std::string>> chunks;
  int64_t records = 0;                // rows + rejects
  int64_t bytes_read = 0;             // input bytes consumed so far (for progress)
};

}  // namespace tally::runtime
