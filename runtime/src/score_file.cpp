#include "tally/runtime/score_file.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <unistd.h>

#include "batch_sink.h"
#include "progress.h"
#include "span_pipeline.h"
#include "tally/runtime/batch_builder.h"
#include "tally/runtime/csv_writer.h"
#include "tally/runtime/output_file.h"
#include "tally/runtime/sha256.h"

namespace tally::runtime {

namespace {

constexpr size_t kSampledRejects = 10;

// What the reader thread hands the kernel thread: a batch, or the end with its status.
struct Item {
  InputBatch batch;
  bool end = false;
  Status status;
};

// A blocking queue of at most `capacity` items: the reader waits when the kernel falls
// behind, which is what bounds memory.
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity) {}
  void Push(Item item) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return items_.size() < capacity_; });
    items_.push_back(std::move(item));
    not_empty_.notify_one();
  }
  Item Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return !items_.empty(); });
    Item item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

 private:
  size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<Item> items_;
};

void AppendRejectField(std::string& out, const std::string& text) {
  if (!text.empty()) AppendCsvText(out, text);
}

void AppendReject(std::string& out, const RejectRecord& r) {
  AppendInt(out, r.row);
  out += ',';
  AppendInt(out, r.line);
  out += ',';
  AppendRejectField(out, r.column);
  out += ',';
  AppendRejectField(out, r.reason);
  out += ',';
  AppendRejectField(out, r.rule);
  out += ',';
  AppendRejectField(out, r.location);
  out += '\n';
}

std::string Describe(const RejectRecord& r) {
  std::string s = "row " + std::to_string(r.row) + " (line " + std::to_string(r.line) + ")";
  if (!r.column.empty()) s += ", column " + r.column;
  s += ": " + r.reason;
  if (!r.rule.empty()) s += ": " + r.rule;
  return s;
}

Result<RunSummary> Run(const ScoreOptions& o) {
  if (o.program == nullptr) return Error{"no definition to score with"};
  const ir::Program& program = *o.program;
  const bool metric = program.kind == ir::Program::Kind::kMetric;
  if (metric ? (!o.kernels.metric_rows || !o.kernels.metric_finalize) : !o.kernels.score) {
    return Error{program.name + ": no kernel to run it with"};
  }
  if (o.output_path.empty()) return Error{"no output file given"};
  // The same file under two spellings ("in.csv", "./in.csv", a link) counts as the same.
  auto same_file = [](const std::string& a, const std::string& b) {
    if (a.empty() || b.empty()) return false;
    std::error_code ec;
    return a == b || std::filesystem::equivalent(a, b, ec);
  };
  if (same_file(o.output_path, o.input_path) || same_file(o.rejects_path, o.input_path)) {
    return Error{o.input_path + ": refusing to overwrite the input"};
  }
  if (!o.rejects_path.empty() && o.rejects_path == o.output_path) {
    return Error{o.output_path + ": the output and the rejects file must differ"};
  }

  RunSummary s;
  s.definition = program.name;
  s.version = program.version;
  s.kind = metric ? "metric" : "score";
  s.engine = o.kernels.engine;
  s.input_path = o.input_path;
  s.output_path = o.output_path;
  s.rejects_path = o.rejects_path;
  const auto wall_start = std::chrono::system_clock::now();
  const auto start = std::chrono::steady_clock::now();
  s.started_at_unix =
      std::chrono::duration_cast<std::chrono::seconds>(wall_start.time_since_epoch()).count();
  s.started_at = FormatUtc(s.started_at_unix);

  // Everything that can be wrong with the command is found before any row is read.
  auto reader = CsvReader::Open(o.input_path, o.csv);
  if (!reader.ok()) return reader.error();
  // A score with more than one thread cuts the input into spans of whole records that every
  // thread parses, scores and formats; whoever finishes the oldest span writes it, so the
  // hashes are taken inline. Otherwise one reader feeds one scorer (a metric's groups and
  // run-wide dictionary need one thread in input order) and a thread of its own hashes.
  const bool spans = !metric && o.threads >= 2;
  std::optional<BackgroundHasher> hasher;
  Sha256 input_hash;
  Sha256 output_hash;
  if (spans) {
    (*reader)->SetChunkObserver([&](std::string_view b, const Chunk&) { input_hash.Update(b); });
  } else {
    // A few chunks may wait for the hasher: enough to ride out a busy core, not a copy.
    hasher.emplace(2, 4);
    (*reader)->SetChunkObserver(
        [&](std::string_view b, const Chunk& owner) { hasher->Add(0, owner, b); });
  }
  auto header = (*reader)->ReadHeader();
  if (!header.ok()) return Error{o.input_path + ": " + header.error().message};
  auto binding = BindColumns(program, std::move(*header), o.mappings, o.input_path);
  if (!binding.ok()) return binding.error();
  const Binding bound = *binding;

  BatchBuilder builder(program, std::move(*binding), o.batch_rows,
                       metric ? DictionaryScope::kPerRun : DictionaryScope::kPerBatch);
  std::unique_ptr<BatchSink> sink = metric
                                        ? MakeMetricSink(program, o.kernels, builder.dictionary())
                                        : MakeScoreSink(program, o.kernels);

  auto out = AtomicOutputFile::Create(o.output_path);
  if (!out.ok()) return out.error();
  if (spans) {
    (*out)->SetChunkObserver([&](std::string_view b, const Chunk&) { output_hash.Update(b); });
  } else {
    (*out)->SetChunkObserver([&](std::string_view b, const Chunk& owner) {
      hasher->Add(1, owner ? owner : std::make_shared<const std::string>(b), b);
    });
  }
  std::unique_ptr<AtomicOutputFile> rejects_file;
  if (!o.rejects_path.empty()) {
    auto r = AtomicOutputFile::Create(o.rejects_path);
    if (!r.ok()) return r.error();
    rejects_file = std::move(*r);
    Status st = rejects_file->Write("row,line,column,reason,rule,location\n");
    if (!st.ok()) return Error{st.message()};
  }
  {
    Status st = (*out)->Write(HeaderLine(sink->OutputColumns()));
    if (!st.ok()) return Error{st.message()};
  }

  const bool show_progress =
      o.progress == ProgressMode::kAlways ||
      (o.progress == ProgressMode::kAuto && ::isatty(STDERR_FILENO) == 1);
  ProgressLine progress(show_progress, (*reader)->size_hint());
  bool too_many_rejects = false;

  // The ordered side: one stretch of scored rows at a time, in input order. Reject rows are
  // numbered from `row_base` + 1 (a span's reader counts from 1). The limit on rejects stops
  // at the reject that passes it, so what it reports does not depend on batches or threads.
  auto write_scored = [&](Scored& r, int64_t row_base) -> Status {
    std::string rejects_text;
    for (RejectRecord& rej : r.rejects) {
      rej.row += row_base;
      ++s.rows_rejected;
      if (s.first_rejects.size() < kSampledRejects) s.first_rejects.push_back(rej);
      if (rejects_file) AppendReject(rejects_text, rej);
      if (o.max_rejects && s.rows_rejected > *o.max_rejects) {
        too_many_rejects = true;
        if (rejects_file) {
          if (Status st = rejects_file->Write(std::move(rejects_text)); !st.ok()) return st;
        }
        return Error{std::to_string(s.rows_rejected) + " rows rejected by row " +
                     std::to_string(rej.row) + ", more than the maximum of " +
                     std::to_string(*o.max_rejects) + " (--max-rejects); the first: " +
                     Describe(s.first_rejects.front())};
      }
    }
    s.rows_read += r.records;
    s.rows_scored += r.scored;
    if (!metric) s.output_rows += r.scored;
    if (!r.text.empty()) {
      // With spans the output is hashed here, and the buffer goes back to be refilled.
      Status st = spans ? (*out)->WriteBytes(r.text) : (*out)->Write(std::move(r.text));
      if (!st.ok()) return st;
    }
    if (rejects_file && !rejects_text.empty()) {
      if (Status st = rejects_file->Write(std::move(rejects_text)); !st.ok()) return st;
    }
    progress.Update(s.rows_read, r.bytes_read);
    return Status::Ok();
  };

  // Scores one batch into a stretch and gives the batch back to its builder.
  auto score_batch = [&](BatchBuilder& b, BatchSink& k, InputBatch& batch, Scored& r) -> Status {
    auto scored = k.Consume(batch, r.text, r.rejects);
    if (!scored.ok()) return Error{scored.error().message};
    r.records += batch.records;
    r.scored += *scored;
    b.Recycle(std::move(batch));
    return Status::Ok();
  };

  // The kernel side of the one-reader path: one batch at a time, in input order.
  size_t last_text_bytes = 0;
  auto consume = [&](InputBatch& batch) -> Status {
    Scored r;
    r.text.reserve(last_text_bytes + last_text_bytes / 8);  // avoids regrowing and copying
    r.bytes_read = batch.bytes_read;
    if (Status st = score_batch(builder, *sink, batch, r); !st.ok()) return st;
    last_text_bytes = r.text.size();
    return write_scored(r, 0);
  };

  // The reader side: records -> batches, handed to `emit` until it says stop.
  std::atomic<bool> stop{false};
  auto produce = [&](auto&& emit) -> Status {
    for (;;) {
      if (stop.load()) return Status::Ok();
      auto full = builder.ReadFrom(**reader);
      if (!full.ok()) return Error{full.error().message};
      if (!*full) break;
      if (!emit(builder.Take((*reader)->bytes_read()))) return Status::Ok();
    }
    if (builder.records() > 0) emit(builder.Take((*reader)->bytes_read()));
    return Status::Ok();
  };

  Status consumer_status;
  Status producer_status;
  if (spans) {
    SpanPipeline::Hooks hooks;
    hooks.header_fields = (*reader)->header_fields();
    hooks.make_builder = [&] {
      return std::make_unique<BatchBuilder>(program, bound, o.batch_rows, DictionaryScope::kPerBatch);
    };
    hooks.make_sink = [&] { return MakeScoreSink(program, o.kernels); };
    hooks.score_batch = score_batch;
    hooks.write = write_scored;
    SpanPipeline pipeline(**reader, o.csv, std::move(hooks));
    pipeline.Run(o.threads);
    producer_status = pipeline.read_status();
    consumer_status = pipeline.write_status();
  } else if (o.threads <= 1) {
    producer_status = produce([&](InputBatch&& batch) {
      consumer_status = consume(batch);
      return consumer_status.ok();
    });
  } else {
    BoundedQueue queue(1);
    std::thread reader_thread([&] {
      Status st;
      try {
        st = produce([&](InputBatch&& batch) {
          queue.Push(Item{std::move(batch), false, {}});
          return !stop.load();
        });
      } catch (const std::exception& e) {
        st = Error{std::string("internal error while reading: ") + e.what()};
      }
      queue.Push(Item{{}, true, st});
    });
    // Keep popping after a failure, so the reader is never left blocked on a full queue.
    for (;;) {
      Item item = queue.Pop();
      if (item.end) {
        producer_status = item.status;
        break;
      }
      if (!consumer_status.ok()) continue;
      try {
        consumer_status = consume(item.batch);
      } catch (const std::exception& e) {
        consumer_status = Error{std::string("internal error while scoring: ") + e.what()};
      }
      if (!consumer_status.ok()) stop.store(true);
    }
    reader_thread.join();
  }
  progress.Done();
  if (!producer_status.ok()) return Error{producer_status.message()};
  if (!consumer_status.ok()) {
    // The rejects found so far explain a --max-rejects failure, so they are kept.
    if (too_many_rejects && rejects_file) {
      Status st = rejects_file->Commit();
      if (!st.ok()) return Error{consumer_status.message() + "; " + st.message()};
    }
    return Error{consumer_status.message()};
  }

  std::string tail;
  auto finished = sink->Finish(tail);
  if (!finished.ok()) return finished.error();
  if (metric) s.output_rows = *finished;
  if (!tail.empty()) {
    Status st = (*out)->Write(std::move(tail));
    if (!st.ok()) return Error{st.message()};
  }

  if (hasher) {
    std::vector<std::string> digests = hasher->Finish();
    s.input_sha256 = digests[0];
    s.output_sha256 = digests[1];
  } else {
    s.input_sha256 = input_hash.HexDigest();
    s.output_sha256 = output_hash.HexDigest();
  }
  s.input_bytes = (*reader)->bytes_read();
  s.output_bytes = (*out)->bytes_written();
  if (Status st = (*out)->Commit(); !st.ok()) return Error{st.message()};
  if (rejects_file) {
    if (Status st = rejects_file->Commit(); !st.ok()) return Error{st.message()};
  }
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (o.lineage) {
    s.lineage_path = LineagePath(o.output_path);
    LineageFacts facts = *o.lineage;
    if (facts.mappings.empty()) facts.mappings = o.mappings;
    if (facts.tally_version.empty()) facts.tally_version = TALLY_VERSION;
    if (Status st = WriteLineage(program, facts, s); !st.ok()) return Error{st.message()};
  }
  return s;
}

}  // namespace

Result<RunSummary> ScoreFile(const ScoreOptions& options) {
  // No exception crosses the library boundary: an allocation failure is a failed run.
  try {
    return Run(options);
  } catch (const std::exception& e) {
    return Error{std::string("internal error: ") + e.what()};
  }
}

}  // namespace tally::runtime
