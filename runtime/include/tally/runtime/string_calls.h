// The string helper a kernel with computed strings calls (kernel_abi.h TallyStringCalls),
// over a run's StringDictionary: the memoised text rules of tally/compiler/string_functions.h,
// interning every result string into the dictionary the batch's codes come from, so that
// `=`, `in`, lookups, group keys and the CSV writer keep working by code.
#pragma once

#include <vector>

#include "tally/compiler/ir.h"
#include "tally/compiler/kernel_abi.h"
#include "tally/compiler/string_functions.h"
#include "tally/runtime/string_dictionary.h"

namespace tally::runtime {

class KernelStrings {
 public:
  KernelStrings() : calls_(&store_) {}
  KernelStrings(const KernelStrings&) = delete;
  KernelStrings& operator=(const KernelStrings&) = delete;

  // Answers from now on for `dictionary` (forgetting earlier answers: a score's batches each
  // have a dictionary of their own, possibly a recycled one).
  void Reset(StringDictionary* dictionary) {
    store_.dictionary = dictionary;
    calls_.Reset(&store_);
  }
  // The column view a kernel reads one past its inputs (or group keys).
  TallyColumnView View() const {
    return TallyColumnView{const_cast<TallyStringCalls*>(calls_.Abi()), nullptr};
  }
  // Appends View() to `columns` when `code` needs it (ir::UsesStringCalls).
  void AppendIfUsed(const std::vector<ir::Instruction>& code, std::vector<TallyColumnView>& columns) const {
    if (ir::UsesStringCalls(code)) columns.push_back(View());
  }
  int64_t evaluations() const { return calls_.evaluations(); }

 private:
  struct DictionaryStore : strings::Store {
    StringDictionary* dictionary = nullptr;
    size_t Size() const override { return dictionary ? dictionary->size() : 0; }
    std::string_view Text(int32_t code) const override { return dictionary->Get(code); }
    int32_t Intern(std::string_view text) override { return dictionary ? dictionary->Intern(text) : 0; }
  };
  DictionaryStore store_;
  strings::Calls calls_;
};

}  // namespace tally::runtime
