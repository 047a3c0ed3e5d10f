// Writing a file so that readers see either the old content or the whole new content.
//
// AtomicFile is the one writer: bytes stream into a unique temporary file beside the target,
// Prepare() fsyncs and closes it and checks that the target can be replaced, Publish()
// renames it over the target. Everything that can fail happens before Publish, so a caller
// with several files (an output, its rejects, its lineage record) prepares them all and
// only then publishes them (PublishAll). A file that is never published leaves nothing
// behind: its destructor removes the temporary. Errors name the target path, never the
// temporary one.
//
// A target that is a character device or a FIFO (/dev/null for a dry run, /dev/full, a pipe)
// is written in place instead: a rename would replace the device node with a regular file.
// Its write, fsync (where the device supports it) and close errors still fail the writer,
// but what was written cannot be withdrawn.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "tally/support/result.h"

namespace tally {

class AtomicFile {
 public:
  // Fails when the folder cannot take a new file or `path` is a directory; opens a device or
  // FIFO `path` itself (in_place()), failing at once when a FIFO has no reader.
  static Result<AtomicFile> Create(const std::string& path);
  // Standard output (`--output -`), written in place through a descriptor of its own, like
  // a device: whatever it is (a pipe, a terminal, a redirected file), nothing is renamed.
  // Its path, in messages, is "-".
  static Result<AtomicFile> StandardOutput();
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&& other) noexcept;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();  // removes the temporary file unless published

  Status Write(std::string_view data);
  // fsync + close; then no more writes. Fails when `path` has become a directory.
  Status Prepare();
  // Prepares the file and renames the temporary to `staged_path` (in the same folder),
  // where it stays, complete, until Publish renames it over `path`; removed like the
  // temporary if never published. A lineage record is staged under a name bound to its
  // output's hash before the output is published (docs/scoring.md).
  Status Stage(const std::string& staged_path);
  // Renames the temporary over `path` (preparing it first if need be); in place, only prepares.
  Status Publish();

  const std::string& path() const { return path_; }
  int64_t bytes_written() const { return bytes_; }
  bool published() const { return published_; }
  bool in_place() const { return in_place_; }

 private:
  AtomicFile(std::string path, std::string temp, int fd)
      : path_(std::move(path)), temp_(std::move(temp)), fd_(fd) {}
  void Discard();
  void ReleaseLock();
  std::string path_;
  std::string temp_;
  int fd_ = -1;
  int lock_fd_ = -1;  // holds the writer's flock on the temporary until publish or discard
  bool prepared_ = false;
  bool in_place_ = false;
  bool published_ = false;
  int64_t bytes_ = 0;
};

// What follows the target's name in a temporary's name: "<target>.tmp.<pid>.<random>".
inline constexpr std::string_view kTemporaryInfix = ".tmp.";

// Removes the temporaries of `path` left by writers that are gone (see above); returns how
// many. Best effort: a folder that cannot be read or a file that cannot be removed is left.
int RemoveOrphanedTemporaries(const std::string& path);

// Prepares every file, then publishes them in order. If a rename still fails, the files
// this call already published are removed again, so the set never appears in part. Null
// entries are skipped.
Status PublishAll(std::initializer_list<AtomicFile*> files);

// Writes `content` through an AtomicFile: temporary file, fsync, rename over `path`.
Status WriteFileAtomically(const std::string& path, std::string_view content);

// Reads a whole regular file of at most `max_bytes`. Anything else is an error naming `path`:
// a directory, a device (/dev/zero would never end), a FIFO (opened without blocking, so a
// FIFO with no writer cannot hang the reader), a socket, or a file over the limit. Limits
// exist for every file Tally reads whole; callers with a smaller bound (a key) pass it.
inline constexpr int64_t kDefaultReadLimit = int64_t{256} << 20;  // 256 MiB
Result<std::string> ReadFile(const std::string& path, int64_t max_bytes = kDefaultReadLimit);

// sha256 of a regular file, read in chunks (no size limit, constant memory).
Result<std::string> FileSha256Hex(const std::string& path);

}  // namespace tally
