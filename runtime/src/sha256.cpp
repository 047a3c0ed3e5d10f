#include "tally/runtime/sha256.h"

namespace tally::runtime {

BackgroundHasher::BackgroundHasher(size_t streams, size_t max_pending)
    : max_pending_(max_pending < 1 ? 1 : max_pending) {
  for (size_t i = 0; i < streams; ++i) hashes_.push_back(std::make_unique<Sha256>());
  thread_ = std::thread([this] { Run(); });
}

BackgroundHasher::~BackgroundHasher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackgroundHasher::Add(size_t stream, Chunk owner, std::string_view bytes) {
  if (bytes.data() == nullptr) bytes = *owner;
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return queue_.size() < max_pending_; });
  queue_.push_back(Item{stream, std::move(owner), bytes});
  cv_.notify_all();
}

void BackgroundHasher::Run() {
  for (;;) {
    Item item;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing and drained
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    cv_.notify_all();
    hashes_[item.stream]->Update(item.bytes);
  }
}

std::vector<std::string> BackgroundHasher::Finish() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::vector<std::string> out;
  for (auto& h : hashes_) out.push_back(h->HexDigest());
  return out;
}

}  // namespace tally::runtime
