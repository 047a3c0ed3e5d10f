#include "progress.h"

#include <cstdio>

namespace tally::runtime {

ProgressLine::ProgressLine(bool enabled, int64_t total_bytes)
    : enabled_(enabled),
      total_bytes_(total_bytes),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void ProgressLine::Update(int64_t rows, int64_t bytes) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  // Short runs print nothing; long ones redraw four times a second.
  if (now - start_ < std::chrono::milliseconds(500) || now - last_ < std::chrono::milliseconds(250)) {
    return;
  }
  last_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  if (total_bytes_ > 0) {
    std::fprintf(stderr, "\rtally: %lld rows, %.0f%% of %.1f MB, %.2f M rows/s   ",
                 static_cast<long long>(rows), 100.0 * static_cast<double>(bytes) / static_cast<double>(total_bytes_),
                 static_cast<double>(total_bytes_) / 1e6, static_cast<double>(rows) / secs / 1e6);
  } else {
    std::fprintf(stderr, "\rtally: %lld rows, %.2f M rows/s   ", static_cast<long long>(rows),
                 static_cast<double>(rows) / secs / 1e6);
  }
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::Done() {
  if (enabled_ && drawn_) std::fputs("\r\033[K", stderr);
}

}  // namespace tally::runtime
