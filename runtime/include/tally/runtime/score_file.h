// `tally score` as a function: CSV in -> kernel -> CSV out, rejects and lineage record.
// One execution strategy per run (src/execution.h):
//
//   SpanRun, a score with threads >= 2: every thread cuts spans of whole records from the
//     input and parses, scores and formats them; the oldest finished span is written (and
//     hashed) first, so output and rejects stay in input order (src/span_pipeline.h)
//   ReaderThreadRun, a metric with threads >= 2:
//     reader thread:  CsvReader -> BatchBuilder -> bounded queue (1 batch)
//     calling thread: kernel -> output rows and rejects, in input order -> temp files
//     hasher thread:  sha256 of the input and output bytes as they stream past
//   OneThreadRun, threads = 1: reading and scoring alternate on the calling thread (the
//     hasher has its own)
//
// Memory is bounded by a few batches and chunks whatever the input size (a metric also keeps
// its groups and the strings of its run). Output bytes do not depend on thread count or batch
// size. Publish last (src/score_writer.h): the output, rejects and lineage record are
// complete and fsynced in temporary files before the first of them is renamed into place,
// so a run that fails at any step, the lineage record included, publishes nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tally/compiler/ir.h"
#include "tally/runtime/binding.h"
#include "tally/runtime/csv_reader.h"
#include "tally/runtime/input_layout.h"
#include "tally/runtime/kernels.h"
#include "tally/runtime/lineage.h"
#include "tally/runtime/run_summary.h"
#include "tally/support/result.h"

namespace tally::runtime {

class WindowPopulations;

enum class ProgressMode { kAuto, kNever, kAlways };  // kAuto: only when stderr is a terminal

struct ScoreOptions {
  const ir::Program* program = nullptr;  // must outlive the call
  KernelSet kernels;
  std::string input_path;
  std::string output_path;
  std::string rejects_path;  // empty: rejects are counted (and sampled) but not written
  std::vector<ColumnMapping> mappings;
  // Unset = unlimited. When more rows than this are rejected the run stops and fails; the
  // rejects file (if asked for) is still written with the rejects found so far, the output
  // and lineage record are not.
  std::optional<int64_t> max_rejects;
  // A run that reads rows and rejects every one of them fails (the rejects file, if asked
  // for, is still written) unless this is set. A run that reads no rows is not such a run.
  bool allow_all_rejected = false;
  int64_t batch_rows = 65536;
  int threads = 2;  // 1: read and score on the calling thread (the hasher has its own)
  ProgressMode progress = ProgressMode::kAuto;
  std::optional<LineageFacts> lineage;  // set: writes LineagePath(output_path)
  CsvOptions csv;  // its delimiter is the default when neither definition nor `input` gives one
  // How the input is read, as the caller asks (input_layout.h): completed by the
  // definition's layout, and refused where it contradicts it.
  InputSettings input;
  // Where the lineage record goes when the output is not a regular file ("-" for stdout, a
  // device, a FIFO), which has no place beside it; empty: LineagePath(output_path), and no
  // record for such an output. Must be empty for a regular output file.
  std::string lineage_path;
  // Set by ScoreFile itself, not by callers: for a score with window aggregates, what its
  // first pass over the input found (src/window_pass.h).
  std::shared_ptr<const WindowPopulations> window_populations;
};

// Fails (writing no output) on: unreadable input, a missing or ambiguous column, too many
// rejects, every row rejected (unless allow_all_rejected), a metric overflow, an I/O error.
// Rejected rows alone are not a failure. `input_path` "-" reads standard input and
// `output_path` "-" writes standard output (in place, like a device).
Result<RunSummary> ScoreFile(const ScoreOptions& options);

// The part of ScoreFile's checks that is about the paths alone (ScoreFile runs it too), for
// callers that want a path mistake before anything else: the output, rejects file, input and
// lineage record must be different files (the standard streams, "-", are not files: the
// rejects file and the record cannot be one, and a record for "-" needs lineage_path). The
// message names the flags (--output, ...).
Status CheckPaths(const ScoreOptions& options);

}  // namespace tally::runtime
