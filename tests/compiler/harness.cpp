#include "harness.h"

#include "tally/compiler/string_functions.h"

#include "tally/support/civil_date.h"

#include <gtest/gtest.h>

#include "tally/compiler/interpreter.h"

namespace tally::testing {

bool Compiled::HasCode(const std::string& code) const {
  for (const auto& d : diagnostics.items()) {
    if (d.code == code) return true;
  }
  return false;
}

Compiled CompileText(const std::string& text, const std::string& path) {
  auto source = std::make_shared<const SourceFile>(path, text);
  CompileResult r = Compile({source});
  return Compiled{std::move(r.diagnostics), std::move(r.library)};
}

RowResult ScoreRow(const Library& library, const std::string& name, const std::map<std::string, Cell>& row) {
  const ir::Program* p = library.Find(name);
  EXPECT_NE(p, nullptr) << name;
  RowResult result;
  if (p == nullptr) return result;
  std::vector<std::string> strings = p->string_constants;
  auto code_of = [&](const std::string& s) {
    for (size_t i = 0; i < strings.size(); ++i) {
      if (strings[i] == s) return static_cast<int32_t>(i);
    }
    strings.push_back(s);
    return static_cast<int32_t>(strings.size() - 1);
  };
  size_t n = p->inputs.size();
  std::vector<int64_t> ints(n);
  std::vector<double> floats(n);
  std::vector<uint8_t> bools(n), valid(n);
  std::vector<int32_t> codes(n);
  std::vector<TallyColumnView> inputs(n);
  for (size_t c = 0; c < n; ++c) {
    auto it = row.find(p->inputs[c].name);
    if (it != row.end()) {
      const Cell& cell = it->second;
      valid[c] = !std::holds_alternative<std::monostate>(cell);
      if (auto* b = std::get_if<bool>(&cell)) bools[c] = *b;
      if (auto* i = std::get_if<int64_t>(&cell)) ints[c] = *i, floats[c] = static_cast<double>(*i);
      if (auto* f = std::get_if<double>(&cell)) floats[c] = *f;
      if (auto* s = std::get_if<std::string>(&cell)) {
        // A date input takes its ISO text ("1998-06-30").
        if (p->inputs[c].type == ir::Type::kDate) ints[c] = dates::Parse(*s, dates::Format::kIso).value_or(0);
        else codes[c] = code_of(*s);
      }
    }
    switch (p->inputs[c].type) {
      case ir::Type::kBool: inputs[c].values = &bools[c]; break;
      case ir::Type::kInt:
      case ir::Type::kDate: inputs[c].values = &ints[c]; break;
      case ir::Type::kFloat: inputs[c].values = &floats[c]; break;
      case ir::Type::kString: inputs[c].values = &codes[c]; break;
    }
    inputs[c].valid = &valid[c];
  }
  uint16_t variant = 0;
  if (p->region_input >= 0 && valid[p->region_input]) {
    for (size_t v = 1; v < p->variants.size(); ++v) {
      if (p->variants[v] == strings[codes[p->region_input]]) variant = static_cast<uint16_t>(v);
    }
  }
  size_t m = p->outputs.size();
  std::vector<int64_t> out_ints(m);
  std::vector<double> out_floats(m);
  std::vector<uint8_t> out_bools(m), out_valid(m);
  std::vector<int32_t> out_codes(m);
  std::vector<TallyColumnView> outputs(m);
  for (size_t o = 0; o < m; ++o) {
    switch (p->outputs[o].type) {
      case ir::Type::kBool: outputs[o].values = &out_bools[o]; break;
      case ir::Type::kInt:
      case ir::Type::kDate: outputs[o].values = &out_ints[o]; break;
      case ir::Type::kFloat: outputs[o].values = &out_floats[o]; break;
      case ir::Type::kString: outputs[o].values = &out_codes[o]; break;
    }
    outputs[o].valid = &out_valid[o];
  }
  // Computed strings: a helper over the same codes (constants, then the row's texts).
  strings::VectorStore store(strings);
  strings::Calls calls(&store);
  inputs.push_back({const_cast<TallyStringCalls*>(calls.Abi()), nullptr});
  interp::RunScore(*p, 1, inputs.data(), &variant, outputs.data(), &result.status);
  if (result.status != 0) {
    result.reason = p->reasons[result.status - 1].message;
    return result;
  }
  for (size_t o = 0; o < m; ++o) {
    Cell cell;
    if (out_valid[o]) {
      switch (p->outputs[o].type) {
        case ir::Type::kBool: cell = out_bools[o] != 0; break;
        case ir::Type::kInt: cell = out_ints[o]; break;
        case ir::Type::kDate: cell = dates::ToIso(out_ints[o]); break;  // ISO text, as the CSV writes it
        case ir::Type::kFloat: cell = out_floats[o]; break;
        case ir::Type::kString: cell = std::string(store.Text(out_codes[o])); break;
      }
    }
    result.outputs[p->outputs[o].name] = cell;
  }
  return result;
}

RowResult ScoreOne(const std::string& text, const std::map<std::string, Cell>& row) {
  Compiled c = CompileText(text);
  EXPECT_FALSE(c.diagnostics.HasErrors()) << c.Rendered();
  if (!c.library) return {};
  auto names = c.library->Names();
  EXPECT_EQ(names.size(), 1u);
  return ScoreRow(*c.library, names.at(0), row);
}

}  // namespace tally::testing
