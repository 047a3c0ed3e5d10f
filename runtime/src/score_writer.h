// The writing side of a scoring run (ScoreFile): the output and rejects files, the counts of
// the summary, the --max-rejects limit, the progress line, and at the end the lineage record
// and the publishing of all three. Private to the runtime.
//
// Publish last: the output, the rejects and the lineage record are written to temporary
// files, and only once all of them are complete and fsynced are they renamed into place
// (PublishAll). A run that fails at any step, the lineage record included, publishes
// nothing (except the rejects that explain a --max-rejects stop).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "batch_sink.h"
#include "progress.h"
#include "stream_hashes.h"
#include "tally/runtime/output_file.h"
#include "tally/runtime/score_file.h"
#include "tally/support/atomic_file.h"

namespace tally::runtime {

class ScoreWriter {
 public:
  // Opens the temporary output (with a header of `columns`) and rejects files. `started`
  // holds what is known before the run (names, paths, start time); `options` and `hashes`
  // (which watches the output) must outlive the writer.
  static Result<std::unique_ptr<ScoreWriter>> Open(const ScoreOptions& options, RunSummary started,
                                                   const std::vector<std::string>& columns,
                                                   StreamHashes& hashes, int64_t input_size_hint);

  // A stretch of scored rows, in input order, one call at a time; its reject rows count
  // from `row_base` + 1. Fails when a reject passes --max-rejects (at that reject, so the
  // result does not depend on batches or threads). With inline hashing `scored.text` is
  // left to be reused; otherwise it is moved away.
  Status Write(Scored& scored, int64_t row_base);
  // Rows that exist only at the end (a metric's groups): `rows` of them in `text`.
  Status WriteTail(std::string text, int64_t rows);

  // The run failed with `failure`: nothing is published, except the rejects file when the
  // failure is --max-rejects. The temporary files go when the writer does.
  Error Abandon(const Status& failure);
  // The run succeeded, having read `input_bytes`: finishes the hashes, renders the lineage
  // record (when options.lineage is set), prepares every file and only then renames them.
  Result<RunSummary> Publish(int64_t input_bytes);

 private:
  ScoreWriter(const ScoreOptions& options, RunSummary started, StreamHashes& hashes,
              int64_t input_size_hint);

  const ScoreOptions& options_;
  RunSummary s_;
  std::chrono::steady_clock::time_point start_;
  bool metric_;
  StreamHashes& hashes_;
  ProgressLine progress_;
  std::unique_ptr<AtomicOutputFile> out_;
  std::optional<AtomicFile> rejects_;
  bool too_many_rejects_ = false;  // --max-rejects or every row: the rejects are kept
};

}  // namespace tally::runtime
