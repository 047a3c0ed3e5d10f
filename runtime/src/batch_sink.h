// The kernel side of the pipeline: one batch in, output rows and rejects out, in row order.
// Private to the runtime; the execution strategies pick the sink for the program's kind.
// The columns it writes: OutputColumns (score_file.cpp) - key (or group) inputs, then outputs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tally/compiler/ir.h"
#include "tally/runtime/column.h"
#include "tally/runtime/kernels.h"
#include "tally/runtime/string_dictionary.h"
#include "tally/support/result.h"

namespace tally::runtime {

// Scored rows of one stretch of input, waiting to be written (ScoreWriter::Write).
struct Scored {
  std::string text;                   // output rows (CSV)
  std::vector<RejectRecord> rejects;  // in row order; rows counted from the stretch's start
  int64_t records = 0;                // rows + parse rejects read
  int64_t scored = 0;
  int64_t bytes_read = 0;  // input offset at the stretch's end, for progress
};

class BatchSink {
 public:
  virtual ~BatchSink() = default;
  // Runs the kernel over `batch`: appends its output rows (CSV) to `out` and every reject of
  // the batch, parse and kernel alike, in row order to `rejects`. Returns rows scored.
  virtual Result<int64_t> Consume(InputBatch& batch, std::string& out,
                                  std::vector<RejectRecord>& rejects) = 0;
  // After the last batch: appends rows that exist only at the end (a metric's groups) and
  // returns how many.
  virtual Result<int64_t> Finish(std::string& out) = 0;
};

class WindowPopulations;
// `windows`: the first pass of a score with window aggregates (window_pass.h), else null.
std::unique_ptr<BatchSink> MakeScoreSink(const ir::Program& program, const KernelSet& kernels,
                                         const WindowPopulations* windows = nullptr);
std::unique_ptr<BatchSink> MakeMetricSink(const ir::Program& program, const KernelSet& kernels,
                                          std::shared_ptr<StringDictionary> strings);

// The reject for a row whose kernel status is `status` (> 0).
RejectRecord KernelReject(const ir::Program& program, uint32_t status, int64_t row, int64_t line);

// Moves the parse rejects of `batch` that come before data row `row` into `rejects`.
void TakeParseRejectsBefore(InputBatch& batch, size_t& next, int64_t row,
                            std::vector<RejectRecord>& rejects);

}  // namespace tally::runtime
