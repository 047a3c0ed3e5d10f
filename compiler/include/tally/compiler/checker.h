// Stage 2: ast::File... -> CheckedModule. Resolves names, infers types with nullability,
// proves divisors non-zero, validates metadata, overrides and test blocks, and reports
// every problem (errors and warnings) it finds.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "tally/compiler/ast.h"
#include "tally/compiler/ir.h"
#include "tally/support/diagnostic.h"

namespace tally {

// A checked type: `kNull` is the type of the `null` literal (it unifies with any type).
struct CheckedType {
  enum class Kind : uint8_t { kBool, kInt, kFloat, kString, kNull, kError, kDate } kind = Kind::kError;
  bool nullable = false;
  bool IsNumeric() const { return kind == Kind::kInt || kind == Kind::kFloat; }
  ir::Type ToIr() const;
  std::string ToString() const;  // "float?", "int", ...
};

struct Symbol {
  enum class Kind : uint8_t { kInput, kParam, kLet, kOutput } kind = Kind::kInput;
  uint32_t index = 0;   // into the definition's inputs / params / lets / outputs
  CheckedType type;
  uint32_t defined_at = 0;  // byte offset of the declaration (names must be defined before use)
  bool used = false;
  bool nonzero = false;     // lets: proven never zero (the divisor rule carries through)
};

// What the checker learned about one expression node.
struct ExprInfo {
  CheckedType type;
  bool nonzero = false;            // proven never zero (divisor rule)
  const Symbol* symbol = nullptr;  // kName: what it names
  bool is_aggregate = false;       // kCall: an aggregate (metrics)
  ir::Aggregate::Kind aggregate = ir::Aggregate::Kind::kCount;
  bool group_key = false;          // kName in a metric output: a group key input
};

struct CheckedDefinition {
  const ast::Definition* ast = nullptr;
  const ast::File* file = nullptr;
  std::map<std::string, Symbol> symbols;
  std::vector<CheckedType> let_types;
  std::vector<CheckedType> param_types;
  std::vector<const ast::Override*> overrides;  // in file order
  std::vector<const ast::File*> override_files;
  bool has_region_input = false;
  int64_t expires_after_seconds = 0;  // 0 = none
};

struct CheckedModule {
  std::vector<std::shared_ptr<const ast::File>> files;
  std::vector<CheckedDefinition> definitions;  // sorted by name
  std::unordered_map<const ast::Expr*, ExprInfo> info;
  const CheckedDefinition* Find(const std::string& name) const;
};

// Checks all files together (overrides may live in other files than their definition).
CheckedModule Check(std::vector<std::shared_ptr<const ast::File>> files, DiagnosticList& diagnostics);

}  // namespace tally
