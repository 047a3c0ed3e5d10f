#include "span_pipeline.h"

#include <exception>
#include <thread>

namespace tally::runtime {

void SpanPipeline::Fail(Status& slot, Status status) {
  {
    std::lock_guard<std::mutex> lock(status_mu_);
    if (read_status_.ok() && write_status_.ok()) slot = std::move(status);
  }
  stop_.store(true);
  std::lock_guard<std::mutex> lock(commit_mu_);  // no waiter misses the news
  commit_cv_.notify_all();
}

void SpanPipeline::Run(int threads) {
  std::vector<Worker> workers(static_cast<size_t>(threads < 1 ? 1 : threads));
  for (Worker& w : workers) {
    w.builder = hooks_.make_builder();
    w.sink = hooks_.make_sink();
  }
  max_ahead_ = 2 * workers.size();
  auto guarded = [this](Worker& w) {
    try {
      Work(w);
    } catch (const std::exception& e) {
      Fail(write_status_, Error{std::string("internal error while scoring: ") + e.what()});
    }
  };
  std::vector<std::thread> pool;
  for (size_t i = 1; i < workers.size(); ++i) {
    try {
      pool.emplace_back(guarded, std::ref(workers[i]));
    } catch (const std::exception& e) {
      // Threads already started must be joined, not destroyed running: stop them instead.
      Fail(write_status_, Error{std::string("internal error: cannot start a thread: ") + e.what()});
      break;
    }
  }
  guarded(workers[0]);
  for (std::thread& t : pool) t.join();
}

void SpanPipeline::Work(Worker& w) {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(commit_mu_);
      commit_cv_.wait(lock, [&] { return stop_.load() || next_seq_.load() < committed_ + max_ahead_; });
      if (stop_.load()) return;
    }
    RecordSpan span;
    SpanStatus got;
    uint64_t seq;
    {
      std::lock_guard<std::mutex> lock(split_mu_);
      if (split_done_ || stop_.load()) return;
      auto r = reader_.NextSpan(span);
      if (!r.ok()) {
        split_done_ = true;
        Fail(read_status_, Error{r.error().message});
        return;
      }
      if (*r == SpanStatus::kEnd) {
        split_done_ = true;
        return;
      }
      if (*r == SpanStatus::kSequential) split_done_ = true;
      got = *r;
      seq = next_seq_.fetch_add(1);
    }
    if (got == SpanStatus::kSequential) {
      RunRest(w, seq);
      return;
    }
    Pending p = ScoreSpan(w, span, 0);
    if (!p.status.ok()) p.span = std::move(span);
    Deliver(w, seq, std::move(p));
  }
}

SpanPipeline::Pending SpanPipeline::ScoreSpan(Worker& w, const RecordSpan& span,
                                              int64_t rows_before) {
  Pending p;
  p.scored.bytes_read = span.end_offset;
  {
    // A buffer already grown and faulted in, rather than a new one per span.
    std::lock_guard<std::mutex> lock(texts_mu_);
    if (!texts_.empty()) {
      p.scored.text = std::move(texts_.back());
      texts_.pop_back();
    }
  }
  p.scored.text.clear();
  p.scored.text.reserve(w.last_text + w.last_text / 8);  // avoids regrowing and copying
  auto reader = CsvReader::ForSpan(span, hooks_.header_fields, csv_, rows_before);
  for (;;) {
    auto full = w.builder->ReadFrom(*reader);
    if (!full.ok()) {
      p.status = Error{full.error().message};
      break;
    }
    if (w.builder->records() > 0) {
      InputBatch batch = w.builder->Take(span.end_offset);
      p.status = hooks_.score_batch(*w.builder, *w.sink, batch, p.scored);
      if (!p.status.ok()) break;
    }
    if (!*full) break;
  }
  w.last_text = p.scored.text.size();
  return p;
}

void SpanPipeline::Deliver(Worker& w, uint64_t seq, Pending pending) {
  std::unique_lock<std::mutex> lock(commit_mu_);
  ready_.emplace(seq, std::move(pending));
  if (committing_) return;  // the writer at work will find it
  committing_ = true;
  while (!ready_.empty() && ready_.begin()->first == committed_) {
    Pending item = std::move(ready_.begin()->second);
    ready_.erase(ready_.begin());
    lock.unlock();
    if (!stop_.load()) {
      Status st = item.status;
      if (!st.ok()) {
        // The message names a row: score the span again numbered from its true first row.
        Pending again = ScoreSpan(w, item.span, row_base_);
        if (!again.status.ok()) st = again.status;
      } else {
        st = hooks_.write(item.scored, row_base_);
        row_base_ += item.scored.records;
        std::lock_guard<std::mutex> texts(texts_mu_);
        if (texts_.size() < max_ahead_) texts_.push_back(std::move(item.scored.text));
      }
      if (!st.ok()) Fail(write_status_, st);
    }
    lock.lock();
    ++committed_;
    commit_cv_.notify_all();
  }
  committing_ = false;
}

void SpanPipeline::RunRest(Worker& w, uint64_t seq) {
  {
    std::unique_lock<std::mutex> lock(commit_mu_);
    commit_cv_.wait(lock, [&] { return stop_.load() || committed_ == seq; });
    if (stop_.load()) return;
  }
  // Every span before is written and no other thread is left: read on here, batch by batch.
  reader_.SetRowsBefore(row_base_);
  while (!stop_.load()) {
    auto full = w.builder->ReadFrom(reader_);
    if (!full.ok()) {
      Fail(read_status_, Error{full.error().message});
      return;
    }
    if (w.builder->records() > 0) {
      InputBatch batch = w.builder->Take(reader_.bytes_read());
      Scored r;
      r.bytes_read = batch.bytes_read;
      Status st = hooks_.score_batch(*w.builder, *w.sink, batch, r);
      if (st.ok()) st = hooks_.write(r, 0);
      if (!st.ok()) {
        Fail(write_status_, st);
        return;
      }
    }
    if (!*full) return;
  }
}

}  // namespace tally::runtime
