// The checker's small rules, shared by its parts: type names and literal types, assignability
// and unification, literal tests, durations, semantic versions, and "did you mean".
#include "checker_internal.h"

#include <algorithm>

namespace tally::checking {

namespace {

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string Suggest(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    size_t d = EditDistance(name, c);
    if (d < best_distance) best = c, best_distance = d;
  }
  return best.empty() ? "" : "did you mean `" + best + "`?";
}

std::optional<CheckedType> ParseTypeName(const std::string& name) {
  if (name == "int") return Make(K::kInt);
  if (name == "float") return Make(K::kFloat);
  if (name == "bool") return Make(K::kBool);
  if (name == "string") return Make(K::kString);
  if (name == "date") return Make(K::kDate);
  return std::nullopt;
}

CheckedType LiteralType(const ast::Literal& lit) {
  switch (lit.kind) {
    case ast::Literal::Kind::kInt: return Make(K::kInt);
    case ast::Literal::Kind::kFloat: return Make(K::kFloat);
    case ast::Literal::Kind::kString: return Make(K::kString);
    case ast::Literal::Kind::kBool: return Make(K::kBool);
    case ast::Literal::Kind::kNull: return Make(K::kNull, true);
    case ast::Literal::Kind::kDate: return Make(K::kDate);
  }
  return ErrorType();
}

bool Assignable(CheckedType from, CheckedType to) {
  if (from.kind == K::kError || to.kind == K::kError) return true;
  if (from.kind == K::kNull) return true;
  if (from.kind == to.kind) return true;
  return from.kind == K::kInt && to.kind == K::kFloat;
}

std::optional<CheckedType> Unify(CheckedType a, CheckedType b) {
  if (a.kind == K::kError || b.kind == K::kError) return ErrorType();
  if (a.kind == K::kNull) return Make(b.kind, true);
  if (b.kind == K::kNull) return Make(a.kind, true);
  bool nullable = a.nullable || b.nullable;
  if (a.kind == b.kind) return Make(a.kind, nullable);
  if (a.IsNumeric() && b.IsNumeric()) return Make(K::kFloat, nullable);
  return std::nullopt;
}

bool IsPositiveLiteral(const ast::Expr& e) {
  if (e.kind != ast::Expr::Kind::kLiteral) return false;
  if (e.literal.kind == ast::Literal::Kind::kInt) return e.literal.int_value > 0;
  if (e.literal.kind == ast::Literal::Kind::kFloat) return e.literal.float_value > 0;
  return false;
}

bool IsNonzeroLiteral(const ast::Expr& e) {
  if (e.kind != ast::Expr::Kind::kLiteral) return false;
  if (e.literal.kind == ast::Literal::Kind::kInt) return e.literal.int_value != 0;
  if (e.literal.kind == ast::Literal::Kind::kFloat) return e.literal.float_value != 0;
  return false;
}

std::optional<int64_t> DurationSeconds(const std::string& text) {
  if (text.size() < 2) return std::nullopt;
  int64_t n = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (n > 1000000) return std::nullopt;  // beyond any sensible horizon
    n = n * 10 + (text[i] - '0');
  }
  switch (text.back()) {
    case 'h': return n * 3600;
    case 'd': return n * 86400;
    case 'w': return n * 7 * 86400;
  }
  return std::nullopt;
}

bool ValidSemver(const std::string& v) {
  // MAJOR.MINOR.PATCH with no leading zeros (semver 2.0 section 2); pre-release allowed.
  size_t dash = v.find('-');
  std::string core = v.substr(0, dash);
  int parts = 0;
  size_t start = 0;
  while (start <= core.size()) {
    size_t dot = core.find('.', start);
    std::string part = core.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty() || (part.size() > 1 && part[0] == '0') || part.size() > 9) return false;
    ++parts;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts == 3;
}


}  // namespace tally::checking
