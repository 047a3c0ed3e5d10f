// Compiles definitions from strings and runs them through the reference interpreter, so
// tests state a definition, a row, and the value they worked out by hand.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "tally/compiler/compiler.h"

namespace tally::testing {

// A test cell: null, or a bool / int / float / string.
using Cell = std::variant<std::monostate, bool, int64_t, double, std::string>;

struct Compiled {
  DiagnosticList diagnostics;
  std::optional<Library> library;
  std::string Rendered() const { return Render(diagnostics); }
  bool HasCode(const std::string& code) const;
};

Compiled CompileText(const std::string& text, const std::string& path = "test.tally");

// The outcome of scoring one row: status 0 and the outputs, or the rejection reason.
struct RowResult {
  uint32_t status = 0;
  std::string reason;  // message of the reason when status != 0
  std::map<std::string, Cell> outputs;
};

// Scores `row` (input name -> value; missing inputs are null) with definition `name`.
RowResult ScoreRow(const Library& library, const std::string& name, const std::map<std::string, Cell>& row);

// Compiles `text` (which must define exactly one score) and scores `row`; fails the test on errors.
RowResult ScoreOne(const std::string& text, const std::map<std::string, Cell>& row);

}  // namespace tally::testing
