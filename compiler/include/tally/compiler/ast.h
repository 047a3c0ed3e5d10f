// The parsed definition language, as written (names unresolved, types unchecked).
// Built from the ANTLR parse tree at once by the parser; nothing past the parser sees ANTLR.
// Every node carries its source range for diagnostics.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tally/support/diagnostic.h"

namespace tally::ast {

struct Literal {
  enum class Kind : uint8_t { kInt, kFloat, kString, kBool, kNull, kDate } kind = Kind::kNull;
  int64_t int_value = 0;  // kInt; kDate: days since 1970-01-01
  double float_value = 0.0;
  bool bool_value = false;
  std::string string_value;
  SourceRange range;
};

enum class UnaryOp : uint8_t { kNeg, kNot };
enum class BinaryOp : uint8_t { kAdd, kSub, kMul, kDiv, kMod, kEq, kNe, kLt, kLe, kGt, kGe, kAnd, kOr };
const char* BinaryOpSpelling(BinaryOp op);

template <typename T>
struct Located { T value; SourceRange range; };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum class Kind : uint8_t { kLiteral, kName, kUnary, kBinary, kIn, kIf, kCall, kField, kLookup } kind = Kind::kLiteral;
  SourceRange range;
  Literal literal;                 // kLiteral
  std::string name;                // kName; kCall: the function; kField: the field; kLookup: the table
  SourceRange name_range;          // kCall: the function name; kField: the field name; kLookup: the table name
  UnaryOp unary_op = UnaryOp::kNeg;
  BinaryOp binary_op = BinaryOp::kAdd;
  bool negated = false;            // kIn: `not in`
  // kUnary: {operand}; kBinary: {lhs, rhs}; kIn: {needle, elements...};
  // kIf: {cond, then, else}; kCall: the arguments; kField: {object} (`object.name`, which
  // only a lookup may have); kLookup: {key} (`lookup(TABLE, key).column`).
  std::vector<ExprPtr> args;
  std::vector<std::string> arg_names;       // kCall: "" or the name of a named argument
  std::vector<SourceRange> arg_name_ranges;
  std::string column;              // kLookup: the column read
  SourceRange column_range;
  // kCall: `over all` / `over KEY` / `over (KEY, ...)` after an aggregate (a window aggregate,
  // docs/language.md). `over all` has no keys.
  bool window = false;
  std::vector<Located<std::string>> window_keys;
  SourceRange window_range;        // from `over` to the end
};

struct TypeRef {
  std::string name;
  bool nullable = false;
  SourceRange range;
};

struct Input {
  std::string name;
  SourceRange name_range;
  TypeRef type;
  // `format "YYYYMMDD"` after the type (dates), as written; empty when absent.
  std::string format;
  SourceRange format_range;
};
struct Param {
  std::string name;
  SourceRange name_range;
  std::optional<TypeRef> type;
  Literal value;
  bool regional = false;
};
struct Let { std::string name; SourceRange name_range; ExprPtr value; };
struct Output { std::string name; SourceRange name_range; TypeRef type; ExprPtr value; };
struct Require { ExprPtr condition; SourceRange range; std::string text; };

struct TestBinding {
  std::string name;
  SourceRange name_range;
  Literal value;
  std::optional<Literal> tolerance;  // `within TOL`
};
struct TestStep {
  enum class Kind : uint8_t { kGiven, kExpect, kExpectRejected } kind = Kind::kGiven;
  SourceRange range;
  std::vector<TestBinding> bindings;
  std::optional<std::string> reason;  // kExpectRejected: expected reason text (substring)
};
struct Test { std::string name; SourceRange range; std::vector<TestStep> steps; };

struct Definition {
  enum class Kind : uint8_t { kScore, kMetric } kind = Kind::kScore;
  std::string name;
  SourceRange name_range;
  SourceRange range;  // the whole block
  std::vector<Located<std::string>> versions;  // all `version` members (one is right)
  std::vector<Located<std::string>> owners;
  std::vector<Located<std::string>> descriptions;
  std::vector<Located<std::string>> keys;
  std::vector<Located<std::string>> tags;
  std::vector<Located<std::string>> expires_after;  // "90d"
  std::vector<Located<std::string>> group_by;
  SourceRange group_by_range;
  bool has_group_by = false;
  std::vector<Input> inputs;
  std::vector<Param> params;
  std::vector<Let> lets;
  std::vector<Output> outputs;
  std::vector<Require> requirements;
  std::vector<Test> tests;
  std::vector<SourceRange> members;  // every member's whole range, in source order (outline.h)
  // Inputs as they come (docs/language.md): how the raw file is read, each member at most
  // once (the checker says so), and the columns copied through to the output unchanged.
  std::vector<Located<std::string>> formats;     // `format csv` / `format whitespace`
  std::vector<Located<std::string>> delimiters;  // `delimiter ";"`: the string's value
  std::vector<Located<std::string>> headers;     // `header names` / `none` / `skip`
  std::vector<Located<std::vector<Located<std::string>>>> column_lists;  // `columns a, b`
  std::vector<Located<std::string>> carried;     // `carry email, plan` (all such members)
};

struct OverrideItem { std::string name; SourceRange name_range; Literal value; };
struct Override {
  std::string target;
  SourceRange target_range;
  std::string region;
  SourceRange region_range;
  SourceRange range;
  std::vector<OverrideItem> items;
};

// `function NAME(PARAM : TYPE, ...) : TYPE { version ... owner ... = BODY }` (or the one-line
// `... : TYPE = BODY`, which has no metadata and so is reported as missing it).
struct FunctionParam { std::string name; SourceRange name_range; TypeRef type; SourceRange range; };
struct Function {
  std::string name;
  SourceRange name_range;
  SourceRange range;  // the whole declaration
  std::vector<FunctionParam> params;
  TypeRef result;
  ExprPtr body;
  SourceRange body_range;  // from `=` to the end of the body
  // The members written in the block, parsed as a definition's: the checker takes version,
  // owner and description from it and reports any other member as misplaced.
  Definition block;
};

// `table NAME { ... }`: a reference table's schema and the CSV file holding its rows
// (docs/language.md, "Reference tables").
struct TableField { std::string name; SourceRange name_range; TypeRef type; };
struct Table {
  std::string name;
  SourceRange name_range;
  SourceRange range;  // the whole block
  std::vector<Located<std::string>> versions;
  std::vector<Located<std::string>> owners;
  std::vector<Located<std::string>> descriptions;
  std::vector<Located<std::string>> sources;  // the CSV path, relative to this file
  std::vector<TableField> keys;                // exactly one is right
  std::vector<TableField> columns;
  std::vector<SourceRange> members;  // every member's whole range, in source order
};

struct File {
  SourceFilePtr source;
  std::vector<Definition> definitions;
  std::vector<Override> overrides;
  std::vector<Function> functions;
  std::vector<Table> tables;
  std::vector<SourceRange> comments;  // every `//` comment, in order (outline.h leaves them out)
};

}  // namespace tally::ast
