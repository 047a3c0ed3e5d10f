// The string functions of ir.h (lower, upper, trim, length, starts_with, ends_with, contains,
// substr, concat): each text rule once, and the memoised helper both engines call through
// kernel_abi.h's TallyStringCalls.
//
// Kernels see strings as dictionary codes, so a computed string is computed on text and
// interned back into the batch's dictionary (docs/codegen.md, "Computed strings"). The
// helper remembers every (op, operands) it has answered, so a batch of 10M rows over 1,000
// distinct segments does about 1,000 string operations, and a repeated call returns the
// same code. The interpreter and the JIT call the same helper, so they cannot disagree on a
// text; the order in which new texts are interned may differ (the JIT may evaluate a row
// twice), so two engines can give one text different codes, never different texts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tally/compiler/ir.h"
#include "tally/compiler/kernel_abi.h"

namespace tally::ir {
// Whether `code` has a string op, i.e. its kernel reads the TallyStringCalls column
// (kernel_abi.h).
bool UsesStringCalls(const std::vector<Instruction>& code);
}  // namespace tally::ir

namespace tally::strings {

// The text rules, on valid UTF-8 (every string Tally holds is: inputs are checked, source
// files are). ASCII case mapping only; other bytes are unchanged.
std::string Lower(std::string_view s);
std::string Upper(std::string_view s);
std::string_view Trim(std::string_view s);
int64_t Length(std::string_view s);  // code points
bool StartsWith(std::string_view s, std::string_view p);
bool EndsWith(std::string_view s, std::string_view p);
bool Contains(std::string_view s, std::string_view p);
// 1-based characters start .. start + len - 1 that exist; "" when none (ir.h kSubstr).
std::string_view Substr(std::string_view s, int64_t start, int64_t len);

// The dictionary a batch's codes refer to, as the helper needs it.
class Store {
 public:
  virtual ~Store() = default;
  virtual size_t Size() const = 0;
  virtual std::string_view Text(int32_t code) const = 0;
  virtual int32_t Intern(std::string_view text) = 0;
};

// The memoised helper over one Store. Not thread-safe (one kernel call at a time).
class Calls {
 public:
  explicit Calls(Store* store = nullptr) : store_(store) {}
  Calls(const Calls&) = delete;
  Calls& operator=(const Calls&) = delete;

  // Forgets every answer and uses `store` from now on (a new batch's dictionary).
  void Reset(Store* store);
  // ir.h's rule for `op` on operand payloads; a code outside the store reads as "" (a
  // caller breaking the contract gets a wrong answer, never a crash).
  int64_t Call(uint32_t op, int64_t a, int64_t b, int64_t c);
  // What a kernel is given (kernel_abi.h); valid while this object lives.
  const TallyStringCalls* Abi() const { return &abi_; }
  // How many calls were computed rather than remembered.
  int64_t evaluations() const { return evaluations_; }

 private:
  struct Key {
    uint32_t op;
    int64_t a, b, c;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  std::string_view TextOf(int64_t code) const;
  int64_t Compute(uint32_t op, int64_t a, int64_t b, int64_t c);

  Store* store_;
  std::unordered_map<Key, int64_t, KeyHash> memo_;
  int64_t evaluations_ = 0;
  TallyStringCalls abi_{this, &Calls::Trampoline};
  static int64_t Trampoline(void* self, uint32_t op, int64_t a, int64_t b, int64_t c) {
    return static_cast<Calls*>(self)->Call(op, a, b, c);
  }
};

// A Store over plain vectors, seeded with a program's string constants (constant i has code
// i): for tests and for callers without a runtime dictionary.
class VectorStore : public Store {
 public:
  explicit VectorStore(const std::vector<std::string>& constants = {});
  size_t Size() const override { return texts_.size(); }
  std::string_view Text(int32_t code) const override { return texts_[static_cast<size_t>(code)]; }
  int32_t Intern(std::string_view text) override;

 private:
  std::vector<std::string> texts_;
  std::unordered_map<std::string, int32_t> codes_;
};

}  // namespace tally::strings
