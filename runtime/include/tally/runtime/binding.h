// Binding a program's inputs to the columns of a CSV header: by name, or by `--map
// input=column`. Every problem is found before any row is read, and reported together.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tally/compiler/ir.h"
#include "tally/support/result.h"

namespace tally::runtime {

struct ColumnMapping {
  std::string input;   // a program input
  std::string column;  // a header name in the CSV (may be empty: the bank survey's first column)
  bool operator==(const ColumnMapping&) const = default;
};

// "input=column" (the column may be empty; the first '=' splits).
Result<ColumnMapping> ParseColumnMapping(std::string_view spec);

struct Binding {
  std::vector<std::string> header;
  std::vector<size_t> column_of_input;  // program input i reads header column column_of_input[i]
};

// `source_name` names the CSV in messages. Fails when a mapping names no input, an input is
// mapped twice, a column is missing or its name appears more than once in the header.
Result<Binding> BindColumns(const ir::Program& program, std::vector<std::string> header,
                            const std::vector<ColumnMapping>& mappings,
                            std::string_view source_name);

}  // namespace tally::runtime
