// sha256 of a run's input and output as they stream past, for the summary and the lineage
// record. Private to the runtime.
//
//   kInline:     on the thread that reads or writes the bytes (the span threads take turns
//                under a lock, so bytes still arrive in order); a writer's buffer may be
//                reused as soon as the write returns.
//   kBackground: on a thread of its own (BackgroundHasher), so one reader and one writer
//                never wait for it; the hasher keeps the chunks it is given alive.
#pragma once

#include <optional>
#include <string_view>

#include "tally/runtime/csv_reader.h"
#include "tally/runtime/output_file.h"
#include "tally/runtime/run_summary.h"
#include "tally/runtime/sha256.h"

namespace tally::runtime {

class StreamHashes {
 public:
  enum class Mode { kInline, kBackground };
  explicit StreamHashes(Mode mode) : mode_(mode) {
    // A few chunks may wait for the hasher: enough to ride out a busy core, not a copy.
    if (mode_ == Mode::kBackground) hasher_.emplace(2, 4);
  }
  StreamHashes(const StreamHashes&) = delete;
  StreamHashes& operator=(const StreamHashes&) = delete;

  // True when output bytes are hashed during the write (the caller keeps its buffer).
  bool hashes_during_write() const { return mode_ == Mode::kInline; }

  void WatchInput(CsvReader& reader) {
    if (hasher_) {
      reader.SetChunkObserver([this](std::string_view b, const Chunk& owner) { hasher_->Add(0, owner, b); });
    } else {
      reader.SetChunkObserver([this](std::string_view b, const Chunk&) { input_.Update(b); });
    }
  }

  void WatchOutput(AtomicOutputFile& out) {
    if (hasher_) {
      out.SetChunkObserver([this](std::string_view b, const Chunk& owner) {
        hasher_->Add(1, owner ? owner : std::make_shared<const std::string>(b), b);
      });
    } else {
      out.SetChunkObserver([this](std::string_view b, const Chunk&) { output_.Update(b); });
    }
  }

  // Waits for every byte seen so far; call once, after the last write.
  void Finish(RunSummary& s) {
    if (hasher_) {
      std::vector<std::string> digests = hasher_->Finish();
      s.input_sha256 = digests[0];
      s.output_sha256 = digests[1];
    } else {
      s.input_sha256 = input_.HexDigest();
      s.output_sha256 = output_.HexDigest();
    }
  }

 private:
  Mode mode_;
  std::optional<BackgroundHasher> hasher_;
  Sha256 input_;
  Sha256 output_;
};

}  // namespace tally::runtime
