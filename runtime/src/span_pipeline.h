// Scoring on several threads with the output in input order (SpanRun: a score, --threads
// >= 2). Private to the runtime.
//
// The input is cut into spans of whole records (CsvReader::NextSpan: a scan for the last line
// end outside quotes, far cheaper than parsing). Every thread loops: cut the next span (under
// a lock, so spans are numbered in input order and the input is hashed in order by whoever
// reads it), parse + score + format it with a BatchBuilder and BatchSink of its own, then hand
// the result over. Whoever hands over the oldest span not yet written writes it, and any that
// were waiting behind it, so the output, the rejects and every count come out in input order
// with no thread of their own. At most 2 spans per thread are ahead of the writing, which
// bounds memory. Row numbers are only known in order: a span's reader counts rows from 1 and
// the writer adds the rows before it.
//
// If a span cannot be proven to hold whole records (a record may be longer than
// max_record_bytes), the rest of the input is read the old way, by one thread, once every
// span before it is written.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "batch_sink.h"
#include "tally/runtime/batch_builder.h"
#include "tally/runtime/csv_reader.h"

namespace tally::runtime {

class SpanPipeline {
 public:
  struct Hooks {
    size_t header_fields = 0;
    std::function<std::unique_ptr<BatchBuilder>()> make_builder;  // one per thread
    std::function<std::unique_ptr<BatchSink>()> make_sink;        // one per thread
    // Scores `batch` into `out` and recycles it; called on several threads at once, each
    // with its own builder and sink.
    std::function<Status(BatchBuilder&, BatchSink&, InputBatch& batch, Scored& out)> score_batch;
    // Writes a stretch whose reject rows start after `row_base`; called in input order, one
    // call at a time. A failure stops the run. The text buffer is refilled by later spans.
    std::function<Status(Scored& scored, int64_t row_base)> write;
  };

  // `reader` has read the header; `csv` are its options.
  SpanPipeline(CsvReader& reader, CsvOptions csv, Hooks hooks)
      : reader_(reader), csv_(csv), hooks_(std::move(hooks)) {}

  // Runs `threads` threads (the calling one included) until the input ends or a failure.
  void Run(int threads);
  Status read_status() const { return read_status_; }    // an I/O error reading the input
  Status write_status() const { return write_status_; }  // scoring or writing failed

 private:
  struct Worker {
    std::unique_ptr<BatchBuilder> builder;
    std::unique_ptr<BatchSink> sink;
    size_t last_text = 0;
  };
  struct Pending {
    Scored scored;
    Status status;
    RecordSpan span;  // kept when scoring failed, to score it again with true row numbers
  };

  void Work(Worker& w);
  Pending ScoreSpan(Worker& w, const RecordSpan& span, int64_t rows_before);
  void Deliver(Worker& w, uint64_t seq, Pending pending);
  void RunRest(Worker& w, uint64_t seq);
  void Fail(Status& slot, Status status);

  CsvReader& reader_;
  CsvOptions csv_;
  Hooks hooks_;
  uint64_t max_ahead_ = 4;
  std::atomic<bool> stop_{false};

  std::mutex split_mu_;  // reader_, split_done_
  bool split_done_ = false;
  std::atomic<uint64_t> next_seq_{0};

  std::mutex commit_mu_;  // ready_, committed_, committing_
  std::condition_variable commit_cv_;
  std::map<uint64_t, Pending> ready_;
  uint64_t committed_ = 0;  // spans written (or skipped after a failure)
  bool committing_ = false;
  int64_t row_base_ = 0;  // records before the next span to write; only the writer touches it

  std::mutex texts_mu_;  // output buffers written and handed back, to be refilled
  std::vector<std::string> texts_;

  std::mutex status_mu_;
  Status read_status_;
  Status write_status_;
};

}  // namespace tally::runtime
