// Strings as int32 codes, the physical type of `string` in kernels (kernel_abi.h).
//
// Seeded with a program's string constants so that constant i has code i: a kernel compares
// an input with "green" by comparing codes. All string columns of a batch share one
// dictionary, so comparing two string inputs is comparing codes too. Not thread-safe: one
// thread interns; readers look up codes only after the batch is handed over.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tally::runtime {

class StringDictionary {
 public:
  explicit StringDictionary(const std::vector<std::string>& constants = {});
  StringDictionary(const StringDictionary&) = delete;
  StringDictionary& operator=(const StringDictionary&) = delete;

  int32_t Intern(std::string_view text);
  // -1 when absent.
  int32_t Find(std::string_view text) const;
  std::string_view Get(int32_t code) const { return *by_code_[static_cast<size_t>(code)]; }
  size_t size() const { return by_code_.size(); }
  std::vector<std::string> ToVector() const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Node-based map: its keys never move, so by_code_ can point at them.
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> codes_;
  std::vector<const std::string*> by_code_;
};

}  // namespace tally::runtime
