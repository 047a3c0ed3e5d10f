// Running kernels that compute strings in tests: each engine gets its own dictionary
// (seeded alike: the program's string constants, then the inputs' texts) and string helper
// (kernel_abi.h TallyStringCalls), and string outputs are compared by text, since two
// engines may intern a new text at different codes (tally/compiler/string_functions.h).
#pragma once

#include <cstring>
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

// Runs `fn` (a score or row kernel) on `inputs` with a StringEngine of its own seeded with
// `seed` (at least the program's string constants, then any texts the input codes name),
// then rewrites every valid string output to the code of its text in `canon` (when given):
// two runs then have equal bytes exactly when their texts are equal.
template <typename Fn>
RunResult RunCanonical(Fn fn, const ir::Program& p, std::vector<Column>& inputs, int64_t rows,
                       const std::vector<uint16_t>* variants, bool aggregate_args, strings::VectorStore* canon,
                       const std::vector<std::string>& seed, bool row_by_row = false) {
  StringEngine e(seed);
  auto wrapped = e.With(fn, p.inputs.size() + p.window_values.size());  // window values come first
  RunResult r = row_by_row ? RunRowByRow(wrapped, p, inputs, rows, variants, aggregate_args)
                           : RunColumns(wrapped, p, inputs, rows, variants, aggregate_args);
  for (Column& c : r.outputs) {
    if (c.type != Type::kString || canon == nullptr) continue;
    for (int64_t row = 0; row < c.rows(); ++row) {
      if (c.valid[static_cast<size_t>(row)] != 1) continue;  // a null's payload is 0 in both engines
      int32_t code = canon->Intern(e.Text(c.At<int32_t>(row)));
      std::memcpy(c.bytes.data() + row * 4, &code, 4);
    }
  }
  return r;
}

}  // namespace tally::codegen::testing
