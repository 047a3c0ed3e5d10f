// Stage 1: source text -> ast::File. Reports every syntax error it can recover from.
#pragma once

#include <cstddef>

#include "tally/compiler/ast.h"
#include "tally/support/diagnostic.h"

namespace tally {

// Limits that keep a hostile or generated file from exhausting the stack, memory or time.
struct ParseLimits {
  size_t max_file_bytes = 16u << 20;      // 16 MiB
  size_t max_nesting = 200;                // parentheses, brackets, prefix operators, `if`s
  size_t max_operators_per_statement = 1000;
  size_t max_errors = 50;                  // per file, then parsing stops
};

// Always returns a File (possibly partial); `diagnostics` receives every problem found.
ast::File Parse(const SourceFilePtr& source, DiagnosticList& diagnostics,
                const ParseLimits& limits = {});

}  // namespace tally
