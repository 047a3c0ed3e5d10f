// How a run's records get scored: one class per execution strategy, picked by ScoreFile
// (ChooseExecution). Private to the runtime.
//
//   OneThreadRun     --threads 1: read a batch, score it, write it, all on the calling
//                    thread (the input and output are hashed on a thread of their own)
//   ReaderThreadRun  a metric with --threads >= 2: a reader thread parses batches into a
//                    queue of one; the calling thread scores and writes them. A metric needs
//                    one scorer in input order: its groups and run-wide dictionary.
//   SpanRun          a score with --threads >= 2: every thread cuts, parses, scores and
//                    formats spans of whole records; the oldest finished span is written
//                    first (span_pipeline.h). Hashes are taken inline.
//
// Each reads every record after the header, hands the scored stretches to the ScoreWriter
// in input order, and then the rows that exist only at the end (a metric's groups).
// Virtual calls are per run and per batch, never per row.
#pragma once

#include <memory>

#include "batch_sink.h"
#include "score_writer.h"
#include "stream_hashes.h"
#include "tally/runtime/batch_builder.h"
#include "tally/runtime/binding.h"
#include "tally/runtime/csv_reader.h"
#include "tally/runtime/score_file.h"

namespace tally::runtime {

class Execution {
 public:
  virtual ~Execution() = default;
  // How this strategy wants the input and output hashed.
  virtual StreamHashes::Mode hashing() const = 0;
  // `reader` has read its header; `binding` maps its columns to the program's inputs.
  virtual Status Run(CsvReader& reader, const Binding& binding, ScoreWriter& writer) = 0;
};

// The strategy for `options` (which must outlive it).
std::unique_ptr<Execution> ChooseExecution(const ScoreOptions& options);

// ---- shared by the strategies ----------------------------------------------------------

// Scores one batch into `out` and gives the batch back to its builder.
Status ScoreBatch(BatchBuilder& builder, BatchSink& sink, InputBatch& batch, Scored& out);

// One builder and one sink, batch after batch in input order: the reading half (Read) and
// the scoring half (Score, Finish) may run on two threads, one each.
class OrderedScorer {
 public:
  OrderedScorer(const ScoreOptions& options, const Binding& binding);
  // The next batch into `batch`; false at the end of the input.
  Result<bool> Read(CsvReader& reader, InputBatch& batch);
  Status Score(InputBatch& batch, ScoreWriter& writer);
  // After the last batch: the sink's tail (a metric's groups) to the writer.
  Status Finish(ScoreWriter& writer);

 private:
  BatchBuilder builder_;
  std::unique_ptr<BatchSink> sink_;
  bool input_done_ = false;
  size_t last_text_bytes_ = 0;
};

// The strategies: each says how it hashes and runs; `options` outlives them.
class StrategyBase : public Execution {
 public:
  explicit StrategyBase(const ScoreOptions& options) : options_(options) {}

 protected:
  const ScoreOptions& options_;
};

class OneThreadRun : public StrategyBase {
 public:
  using StrategyBase::StrategyBase;
  StreamHashes::Mode hashing() const override { return StreamHashes::Mode::kBackground; }
  Status Run(CsvReader& reader, const Binding& binding, ScoreWriter& writer) override;
};

class ReaderThreadRun : public StrategyBase {
 public:
  using StrategyBase::StrategyBase;
  StreamHashes::Mode hashing() const override { return StreamHashes::Mode::kBackground; }
  Status Run(CsvReader& reader, const Binding& binding, ScoreWriter& writer) override;
};

class SpanRun : public StrategyBase {
 public:
  using StrategyBase::StrategyBase;
  StreamHashes::Mode hashing() const override { return StreamHashes::Mode::kInline; }
  Status Run(CsvReader& reader, const Binding& binding, ScoreWriter& writer) override;
};

}  // namespace tally::runtime
