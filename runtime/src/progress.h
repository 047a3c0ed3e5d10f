// A one-line progress report on stderr for long runs, redrawn at most a few times a second.
#pragma once

#include <chrono>
#include <cstdint>

namespace tally::runtime {

class ProgressLine {
 public:
  // `enabled` false makes every call a no-op.
  ProgressLine(bool enabled, int64_t total_bytes);
  void Update(int64_t rows, int64_t bytes);
  void Done();  // ends the line if anything was drawn

 private:
  bool enabled_;
  bool drawn_ = false;
  int64_t total_bytes_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace tally::runtime
