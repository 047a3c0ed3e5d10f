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
  enum class Kind : uint8_t { kInput, kParam, kLet, kOutput, kFunctionParam } kind = Kind::kInput;
  uint32_t index = 0;   // into the definition's inputs / params / lets / outputs (a function's params)
  CheckedType type;
  uint32_t defined_at = 0;  // byte offset of the declaration (names must be defined before use)
  bool used = false;
  bool nonzero = false;     // lets: proven never zero (the divisor rule carries through)
  bool uses_window = false; // lets and outputs of a score: reads a window aggregate
};

struct CheckedFunction;

// What the checker learned about one expression node.
struct ExprInfo {
  CheckedType type;
  bool nonzero = false;            // proven never zero (divisor rule)
  const Symbol* symbol = nullptr;  // kName: what it names
  bool is_aggregate = false;       // kCall: an aggregate (metrics, or a score's window aggregate)
  ir::Aggregate::Kind aggregate = ir::Aggregate::Kind::kCount;
  bool group_key = false;          // kName in a metric output: a group key input
  const CheckedFunction* function = nullptr;  // kCall: the user-defined function it calls
  int32_t table = -1;              // kLookup: index into CheckedModule::tables
  uint32_t column = 0;             // kLookup: index into that table's columns
};

// One cell of a reference table: null when !valid; bools and ints in int_value.
struct TableCell {
  bool valid = false;
  int64_t int_value = 0;
  double float_value = 0.0;
  std::string string_value;
};

// A checked `table` declaration and, once LoadTableData has run, its rows.
struct CheckedTable {
  const ast::Table* ast = nullptr;
  const ast::File* file = nullptr;
  std::string name;
  std::string version;
  std::string owner;
  std::string source_path;  // the CSV's path, named as the definition files are
  CheckedType key_type;     // int or string, never null
  std::vector<std::string> column_names;
  std::vector<CheckedType> column_types;
  // After LoadTableData: rows in file order; row[0] is the key, row[1 + c] column c.
  std::vector<std::vector<TableCell>> rows;
  std::string data_sha256;  // sha256 (hex) of the CSV's bytes
  bool loaded = false;
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
  std::vector<const CheckedFunction*> calls;  // user-defined functions called directly, each once
};

// A user-defined function, checked once against its declared parameter types; every call
// is checked against its signature and inlined by lowering.
struct CheckedFunction {
  const ast::Function* ast = nullptr;
  const ast::File* file = nullptr;
  std::vector<CheckedType> param_types;
  CheckedType result;
  // The body's names: the parameters (Symbol::Kind::kFunctionParam); `scope.ast` is the
  // function's block (its metadata), `scope.calls` the functions its body calls.
  CheckedDefinition scope;
  std::vector<SourceRange> call_ranges;  // where the body calls each of scope.calls
  // "f(a : float, b : int?) : float", for messages.
  std::string Signature() const;
};

struct CheckedModule {
  std::vector<std::shared_ptr<const ast::File>> files;
  std::vector<CheckedDefinition> definitions;  // sorted by name
  std::vector<CheckedFunction> functions;      // sorted by name; never resized after checking starts
  std::unordered_map<const ast::Expr*, ExprInfo> info;
  std::vector<CheckedTable> tables;  // sorted by name
  const CheckedDefinition* Find(const std::string& name) const;
  const CheckedFunction* FindFunction(const std::string& name) const;
  // Every function `calls` reaches, directly or through other functions, sorted by name.
  std::vector<const CheckedFunction*> FunctionsReached(const std::vector<const CheckedFunction*>& calls) const;
  const CheckedTable* FindTable(const std::string& name) const;
};

// Checks all files together (overrides may live in other files than their definition).
CheckedModule Check(std::vector<std::shared_ptr<const ast::File>> files, DiagnosticList& diagnostics);

// Reads each table's rows from its CSV file, found among `data_files` by path (the callers
// hand the compiler the bytes: it reads neither the disk nor git), typing every value against
// the table's schema; every problem is a located error in the CSV (file:line:col).
void LoadTableData(CheckedModule& module, const std::vector<SourceFilePtr>& data_files, DiagnosticList& diagnostics);

// Tables hold at most this many rows: they are baked into every kernel that reads them
// (docs/language.md, "Reference tables").
constexpr size_t kMaxTableRows = 10000;

}  // namespace tally
