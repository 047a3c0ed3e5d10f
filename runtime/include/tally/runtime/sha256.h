// sha256 (tally/support/sha256.h) of byte streams, on a thread of its own so hashing input and output costs the
// scoring threads no time and the file no second pass.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tally/runtime/csv_reader.h"
#include "tally/support/sha256.h"

namespace tally::runtime {

// Hashes `streams` independent byte streams. Add() blocks when `max_pending` chunks wait,
// which bounds memory when hashing falls behind.
class BackgroundHasher {
 public:
  explicit BackgroundHasher(size_t streams, size_t max_pending = 16);
  ~BackgroundHasher();
  // Hashes `bytes` (all of *owner when empty), which `owner` keeps alive.
  void Add(size_t stream, Chunk owner, std::string_view bytes = {});
  // Waits for every chunk added so far; one hex digest per stream. Call once.
  std::vector<std::string> Finish();

 private:
  void Run();
  std::vector<std::unique_ptr<Sha256>> hashes_;
  size_t max_pending_;
  std::mutex mu_;
  std::condition_variable cv_;
  struct Item {
    size_t stream = 0;
    Chunk owner;
    std::string_view bytes;
  };
  std::deque<Item> queue_;
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace tally::runtime
