// The checker's parts, shared by its files; checker.cpp runs them (Check). One
// DefinitionChecker checks one definition; its member functions live in one file per
// section:
//   check_declarations.cpp  metadata and declared names
//   check_members.cpp       lets, outputs and requires in source order; unused-name warnings
//   check_expressions.cpp   expressions and operators (the divisor rule)
//   check_calls.cpp         built-in functions and aggregates, from the registry (functions.h)
//   check_aggregates.cpp    the richer aggregates' arguments (count_distinct, quantile, min_by, ...)
//   check_windows.cpp       window aggregates in scores (`avg(x) over segment`)
//   check_tests.cpp         test blocks
//   check_overrides.cpp     regional overrides (after every definition is checked)
//   check_functions.cpp     user-defined functions: signatures, bodies, calls, recursion
//   check_rules.cpp         the small rules they share
//   check_input_layout.cpp  how the raw file is read, carried columns
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "functions.h"
#include "tally/compiler/checker.h"

namespace tally::checking {

using K = CheckedType::Kind;

inline CheckedType Make(K kind, bool nullable = false) { return {kind, nullable}; }
inline CheckedType ErrorType() { return {K::kError, false}; }

// "did you mean `x`?" for the closest candidate within a small distance; "" when none.
std::string Suggest(const std::string& name, const std::vector<std::string>& candidates);
std::optional<CheckedType> ParseTypeName(const std::string& name);
CheckedType LiteralType(const ast::Literal& lit);
// Can a value of type `from` be stored where `to` is declared? (int widens to float;
// null fits any nullable slot.) Nullability is checked separately.
bool Assignable(CheckedType from, CheckedType to);
// The common type of two branches (if/coalesce); nullopt when there is none.
std::optional<CheckedType> Unify(CheckedType a, CheckedType b);
bool IsPositiveLiteral(const ast::Expr& e);
bool IsNonzeroLiteral(const ast::Expr& e);
// "90d" -> seconds; nullopt when it is not a number of hours, days or weeks.
std::optional<int64_t> DurationSeconds(const std::string& text);
// MAJOR.MINOR.PATCH with no leading zeros (semver 2.0 section 2); pre-release allowed.
bool ValidSemver(const std::string& v);

class DefinitionChecker {
 public:
  DefinitionChecker(CheckedDefinition& def, CheckedModule& module, DiagnosticList& diagnostics)
      : def_(def), ast_(*def.ast), module_(module), diagnostics_(diagnostics) {}

  void Run();
  // Checks user-defined function `fn`'s metadata and body (def is fn.scope); every
  // function's signature is resolved before any body or definition is checked.
  void RunFunction(CheckedFunction& fn);

 private:

  // ---- metadata (check_declarations.cpp) ------------------------------------
  template <typename T>
  const ast::Located<T>* Single(const std::vector<ast::Located<T>>& items, const char* what, bool required);
  void CheckMetadata();

  // ---- names (check_declarations.cpp) ---------------------------------------
  void Declare(const std::string& name, SourceRange range, Symbol symbol);
  void DeclareNames();
  // Which names each let/output mentions, to tell a cycle from a mere forward reference.
  void CollectReferences();
  // Numbers the strongly connected components of references_ (Tarjan's algorithm, with an
  // explicit stack): a forward reference is a cycle exactly when both names share one, so
  // the search for the cycle's path runs only then, not for each of 30,000 forward references.
  void NumberComponents();
  bool Reaches(const std::string& from, const std::string& target, std::set<std::string>& seen, std::vector<std::string>& path);
  void CheckParam(size_t i);
  void CheckKeysAndGroups();
  void CheckComputedGroupKeys();

  // ---- members (check_members.cpp) ------------------------------------------
  enum class Where : uint8_t { kRow, kGroup, kAggregateArg };
  void CheckLet(size_t i);
  void CheckOutput(size_t i);
  void CheckRequire(size_t i);
  std::string Excerpt(SourceRange r) const;

  // ---- expressions (check_expressions.cpp / check_calls.cpp) ----------------
  CheckedType Record(const ast::Expr& e, CheckedType t, bool nonzero = false);
  CheckedType CheckExpr(const ast::Expr& e, Where where);
  CheckedType CheckName(const ast::Expr& e, Where where);
  // A param is proven non-zero when its global value is (overrides are checked against the
  // same rule when they are applied).
  bool ParamNonzero(uint32_t index) const;
  CheckedType CheckUnary(const ast::Expr& e, Where where);
  CheckedType CheckBinary(const ast::Expr& e, Where where);
  static bool IsZeroLiteral(const ast::Expr& e);
  CheckedType CheckIn(const ast::Expr& e, Where where);
  CheckedType CheckIf(const ast::Expr& e, Where where);
  CheckedType CheckCall(const ast::Expr& e, Where where);
  static std::string ArityText(const FunctionSpec& f);
  CheckedType CheckRound(const ast::Expr& e, const std::vector<CheckedType>& args);
  // A domain error the checker can see now (a literal argument) is a compile error.
  void CheckDomain(const ast::Expr& e, const FunctionSpec& f);
  bool ProvesNonzero(const ast::Expr& e, const FunctionSpec& f);
  CheckedType CheckAggregate(const ast::Expr& e, const AggregateSpec& spec, Where where);
  CheckedType CheckRicherAggregate(const ast::Expr& e, const AggregateSpec& spec);
  // `AGG(...) over all | KEY | (KEY, ...)` in a score (check_windows.cpp).
  CheckedType CheckWindow(const ast::Expr& e, Where where);

  // ---- user-defined functions (check_functions.cpp) --------------------------
  void ReportMisplacedMembers();
  CheckedType CheckFunctionCall(const ast::Expr& e, const CheckedFunction& fn, Where where);
  // `lookup(TABLE, key).column` (check_tables.cpp).
  CheckedType CheckLookup(const ast::Expr& e, Where where);
  CheckedType CheckField(const ast::Expr& e);

  // ---- dates and conversions (check_dates.cpp) ------------------------------
  // `format "..."` on an input: only on a date, and one of the formats dates::Format names.
  void CheckInputFormat(const ast::Input& input, CheckedType type);
  // The result of a date function or int()/float(), whose arguments are already checked.
  CheckedType CheckDateCall(const ast::Expr& e, const FunctionSpec& f, const std::vector<CheckedType>& args);

  // ---- string functions (check_strings.cpp) ----------------------------------
  // The result of lower, substr, concat, ..., whose arguments are already checked.
  CheckedType CheckStringCall(const ast::Expr& e, const FunctionSpec& f, const std::vector<CheckedType>& args);

  // ---- warnings (check_members.cpp) -----------------------------------------
  void WarnUnused();

  // ---- inputs as they come (check_input_layout.cpp) --------------------------
  // `format`, `delimiter`, `header`, `columns` and `carry`; keys named twice.
  void CheckInputLayout();

  // ---- tests (check_tests.cpp) ----------------------------------------------
  void CheckTest(const ast::Test& test);
  // False, after an E-duplicate-name error, when `b` names what `seen` already holds.
  bool FirstMention(std::set<std::string>& seen, const ast::TestBinding& b, const char* verb);
  void CheckGiven(const ast::TestStep& step);
  void CheckExpect(const ast::TestStep& step);
  void CheckLiteralFits(const ast::Literal& lit, CheckedType slot, const std::string& what);

  CheckedDefinition& def_;
  const ast::Definition& ast_;
  CheckedModule& module_;
  DiagnosticList& diagnostics_;
  bool is_metric_ = false;
  CheckedFunction* function_ = nullptr;  // the function being checked; null in a definition
  std::string current_;
  uint32_t current_offset_ = 0;
  std::map<std::string, SourceRange> declared_ranges_;
  std::map<std::string, std::set<std::string>> references_;
  std::map<std::string, int> component_;
  std::set<int> reported_components_;  // components whose cycle is reported
  bool saw_window_ = false;  // the expression being checked uses a window aggregate (directly or by name)
};

// Checks every `table` declaration in `module`'s files (check_tables.cpp); run before the
// definitions, whose lookups it types.
void CheckTables(CheckedModule& module, DiagnosticList& diagnostics);

// Checks every override in `module`'s files against its target; run after every definition.
void CheckOverrides(CheckedModule& module, DiagnosticList& diagnostics);

// Collects the user-defined functions of `module`'s files (sorted by name into
// module.functions), resolves their signatures, checks each body once, and reports
// recursion. Run before any definition is checked, so that calls see every signature.
// `taken` holds the definition names (a function may not share one).
void CheckFunctions(CheckedModule& module, const std::map<std::string, const ast::Definition*>& taken,
                    DiagnosticList& diagnostics);

}  // namespace tally::checking
