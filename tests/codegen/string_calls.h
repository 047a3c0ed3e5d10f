// Running kernels that compute strings in tests: each engine gets its own dictionary
// (seeded alike: the program's string constants, then the inputs' texts) and string helper
// (kernel_abi.h TallyStringCalls), and string outputs are compared by text, since two
// engines may intern a new text at different codes (tally/compiler/string_functions.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "program_builder.h"
#include "tally/compiler/string_functions.h"

namespace tally::codegen::testing {

struct StringEngine {
  explicit StringEngine(const std::vector<std::string>& constants) : store(constants), calls(&store) {}
  strings::VectorStore store;
  strings::Calls calls;

  // `fn` (a score or row kernel) with the string helper appended to its inputs.
  template <typename Fn>
  auto With(Fn fn, size_t input_count) {
    return [this, fn, input_count](int64_t n, const TallyColumnView* in, const uint16_t* v, TallyColumnView* out,
                                   uint32_t* st) {
      std::vector<TallyColumnView> views(in, in + input_count);
      views.push_back({const_cast<TallyStringCalls*>(calls.Abi()), nullptr});
      fn(n, views.data(), v, out, st);
    };
  }
  std::string Text(int32_t code) const {
    if (code < 0 || static_cast<size_t>(code) >= store.Size()) return "<bad code " + std::to_string(code) + ">";
    return std::string(store.Text(code));
  }
};

// A string column of `texts` (nullopt: null), coded in `store`.
inline Column Texts(strings::Store& store, const std::vector<std::optional<std::string>>& texts) {
  Column c;
  c.type = Type::kString;
  for (const auto& t : texts) c.Push<int32_t>(t ? store.Intern(*t) : 0, t.has_value());
  return c;
}

}  // namespace tally::codegen::testing
