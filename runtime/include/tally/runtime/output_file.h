// A scoring run's output as a stream: an AtomicFile (tally/support/atomic_file.h) that also
// shows every block written to an observer, which hashes the output as it goes. Nothing is
// visible at the target until the run publishes it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "tally/runtime/csv_reader.h"
#include "tally/support/atomic_file.h"
#include "tally/support/result.h"

namespace tally::runtime {

class AtomicOutputFile {
 public:
  static Result<std::unique_ptr<AtomicOutputFile>> Create(const std::string& path);

  // Called with every block of bytes written, in order (to hash the output). `owner` holds
  // them for keeps (Write); when it is null (WriteBytes) they are valid only during the call.
  using ChunkObserver = std::function<void(std::string_view bytes, const Chunk& owner)>;
  void SetChunkObserver(ChunkObserver observer) { observer_ = std::move(observer); }
  Status Write(std::string data);
  // Writes a caller's buffer, which it may reuse afterwards.
  Status WriteBytes(std::string_view data);

  // The file underneath, to prepare and publish (AtomicFile, PublishAll).
  AtomicFile& file() { return file_; }
  const std::string& path() const { return file_.path(); }
  int64_t bytes_written() const { return file_.bytes_written(); }

 private:
  explicit AtomicOutputFile(AtomicFile file) : file_(std::move(file)) {}
  AtomicFile file_;
  ChunkObserver observer_;
};

}  // namespace tally::runtime
