// ReaderThreadRun (execution.h): a reader thread feeds the calling thread, one batch ahead.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "execution.h"

namespace tally::runtime {

namespace {

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

}  // namespace

Status ReaderThreadRun::Run(CsvReader& reader, const Binding& binding, ScoreWriter& writer) {
  OrderedScorer scorer(options_, binding);
  BoundedQueue queue(1);
  std::atomic<bool> stop{false};
  auto read_all = [&]() -> Status {
    while (!stop.load()) {
      InputBatch batch;
      ASSIGN_OR_RETURN(bool got, scorer.Read(reader, batch));
      if (!got) break;
      queue.Push(Item{std::move(batch), false, {}});
    }
    return Status::Ok();
  };
  std::thread reader_thread([&] {
    Status st;
    try {
      st = read_all();
    } catch (const std::exception& e) {
      st = InternalError(std::string("internal error while reading: ") + e.what());
    }
    queue.Push(Item{{}, true, st});
  });
  Status read_status;
  Status score_status;
  // Keep popping after a failure, so the reader is never left blocked on a full queue.
  for (;;) {
    Item item = queue.Pop();
    if (item.end) {
      read_status = item.status;
      break;
    }
    if (!score_status.ok()) continue;
    try {
      score_status = scorer.Score(item.batch, writer);
    } catch (const std::exception& e) {
      score_status = InternalError(std::string("internal error while scoring: ") + e.what());
    }
    if (!score_status.ok()) stop.store(true);
  }
  reader_thread.join();
  RETURN_IF_ERROR(read_status);
  RETURN_IF_ERROR(score_status);
  return scorer.Finish(writer);
}

}  // namespace tally::runtime
