// A file written as a stream and published atomically: bytes go to a unique temporary file
// beside the target; Commit() fsyncs and renames it over the target. Until then readers see
// the old file (or none), and a run that fails leaves nothing half-written behind.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "tally/runtime/csv_reader.h"
#include "tally/support/result.h"

namespace tally::runtime {

class AtomicOutputFile {
 public:
  static Result<std::unique_ptr<AtomicOutputFile>> Create(const std::string& path);
  ~AtomicOutputFile();  // removes the temporary file unless committed
  AtomicOutputFile(const AtomicOutputFile&) = delete;
  AtomicOutputFile& operator=(const AtomicOutputFile&) = delete;

  // Called with every block of bytes written, in order (to hash the output). `owner` holds
  // them for keeps (Write); when it is null (WriteBytes) they are valid only during the call.
  using ChunkObserver = std::function<void(std::string_view bytes, const Chunk& owner)>;
  void SetChunkObserver(ChunkObserver observer) { observer_ = std::move(observer); }
  Status Write(std::string data);
  // Writes a caller's buffer, which it may reuse afterwards.
  Status WriteBytes(std::string_view data);
  Status Commit();
  const std::string& path() const { return path_; }
  int64_t bytes_written() const { return bytes_; }

 private:
  Status WriteOut(std::string_view data);  // to the file, without the observer
  AtomicOutputFile(std::string path, std::string temp, int fd)
      : path_(std::move(path)), temp_(std::move(temp)), fd_(fd) {}
  std::string path_;
  std::string temp_;
  int fd_ = -1;
  bool committed_ = false;
  int64_t bytes_ = 0;
  ChunkObserver observer_;
};

}  // namespace tally::runtime
