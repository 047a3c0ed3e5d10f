// Strings as int32 codes, the physical type of `string` in kernels (kernel_abi.h).
//
// Seeded with a program's string constants so that constant i has code i: a kernel compares
// an input with "green" by comparing codes. All string columns of a batch share one
// dictionary, so comparing two string inputs is comparing codes too.
//
// Strings live in fixed blocks that never move, so Get() views and pointers stay valid for
// the dictionary's lifetime, and each text is followed by a NUL (handy for the C API), except
// for AppendView's, which are not copied. Not
// thread-safe: one thread interns; others read only after the batch is handed over.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tally::runtime {

class StringDictionary {
 public:
  explicit StringDictionary(const std::vector<std::string>& constants = {});
  StringDictionary(const StringDictionary&) = delete;
  StringDictionary& operator=(const StringDictionary&) = delete;

  int32_t Intern(std::string_view text);
  // A fresh code without looking for an equal string: for strings no kernel compares (a key
  // only copied to the output), where hashing would be wasted. Intern and Find never
  // return such a code.
  int32_t Append(std::string_view text);
  // Append without the copy: the code's text is `text` itself, whose bytes the caller keeps
  // alive as long as the dictionary is read (a batch holds the read chunks its plain
  // records came from). No NUL follows it.
  int32_t AppendView(std::string_view text) {
    strings_.push_back(text);
    return static_cast<int32_t>(strings_.size() - 1);
  }
  // Back to just `constants`, keeping the memory already allocated (batches reuse it).
  void Reset(const std::vector<std::string>& constants);
  // -1 when absent.
  int32_t Find(std::string_view text) const;
  std::string_view Get(int32_t code) const { return strings_[static_cast<size_t>(code)]; }
  size_t size() const { return strings_.size(); }
  std::vector<std::string> ToVector() const;

 private:
  // Open addressing; code -1 marks an empty slot. The full hash avoids most string compares.
  struct Slot {
    uint64_t hash = 0;
    int32_t code = -1;
  };
  std::string_view Store(std::string_view text);
  size_t FindSlot(std::string_view text, uint64_t hash) const;
  void Grow();

  std::vector<std::string_view> strings_;  // by code
  std::vector<Slot> slots_;                // size is a power of two
  std::vector<std::unique_ptr<char[]>> blocks_;  // blocks_[block_] is being filled
  std::vector<std::unique_ptr<char[]>> large_;
  size_t block_ = 0;
  size_t block_used_ = 0;
};

}  // namespace tally::runtime
