// The checker, part 2: each let, output and require in source order, and the unused-name
// warnings once they are all seen.
#include "checker_internal.h"

namespace tally::checking {

void DefinitionChecker::CheckLet(size_t i) {
  const auto& l = ast_.lets[i];
  current_ = l.name;
  current_offset_ = l.name_range.begin;
  saw_window_ = false;
  CheckedType t = CheckExpr(*l.value, Where::kRow);
  def_.symbols[l.name].uses_window = saw_window_;
  if (t.kind == K::kNull) {
    diagnostics_.Warning("W-always-null", l.value->range, "`" + l.name + "` is always null");
  }
  def_.let_types[i] = t;
  def_.symbols[l.name].type = t;
  def_.symbols[l.name].nonzero = module_.info[l.value.get()].nonzero;
}

void DefinitionChecker::CheckOutput(size_t i) {
  const auto& o = ast_.outputs[i];
  current_ = o.name;
  current_offset_ = o.name_range.begin;
  saw_window_ = false;
  CheckedType t = CheckExpr(*o.value, is_metric_ ? Where::kGroup : Where::kRow);
  def_.symbols[o.name].uses_window = saw_window_;
  auto declared = ParseTypeName(o.type.name);
  if (!declared) {
    diagnostics_.Error("E-unknown-type", o.type.range, "unknown type `" + o.type.name + "`",
                       Suggest(o.type.name, {"int", "float", "bool", "string"}));
    declared = ErrorType();
  }
  declared->nullable = o.type.nullable;
  if (!Assignable(t, *declared)) {
    std::string hint;
    if (t.kind == K::kFloat && declared->kind == K::kInt) hint = "use round(), floor() or ceil() and declare float, or declare the output float";
    diagnostics_.Error("E-type-mismatch", o.value->range,
                       "output `" + o.name + "` is declared " + declared->ToString() + " but its value is " +
                           t.ToString(),
                       hint);
  } else if (t.nullable && !declared->nullable && t.kind != K::kError && declared->kind != K::kError) {
    std::string zero = declared->kind == K::kString ? "\"\"" : declared->kind == K::kBool ? "false" : "0";
    diagnostics_.Error("E-nullable-output", o.value->range,
                       "output `" + o.name + "` is " + declared->ToString() + " but its value may be null",
                       "use coalesce(" + Excerpt(o.value->range) + ", " + zero + ") or declare `" +
                           declared->ToString() + "?`");
  }
  def_.symbols[o.name].type = *declared;
}

void DefinitionChecker::CheckRequire(size_t i) {
  const auto& r = ast_.requirements[i];
  current_ = "";
  current_offset_ = r.range.begin;
  CheckedType t = CheckExpr(*r.condition, Where::kRow);
  if (t.kind != K::kBool && t.kind != K::kError) {
    diagnostics_.Error("E-type-mismatch", r.condition->range,
                       "`require` needs a bool condition, not " + t.ToString());
  }
}

std::string DefinitionChecker::Excerpt(SourceRange r) const {
  std::string s = r.file->text().substr(r.begin, r.end - r.begin);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

void DefinitionChecker::WarnUnused() {
  for (const auto& [name, s] : def_.symbols) {
    if (s.used) continue;
    if (s.kind == Symbol::Kind::kLet) {
      diagnostics_.Warning("W-unused", declared_ranges_[name], "`" + name + "` is never used");
    } else if (s.kind == Symbol::Kind::kParam && !ast_.params[s.index].regional) {
      diagnostics_.Warning("W-unused", declared_ranges_[name], "param `" + name + "` is never used");
    }
  }
}

}  // namespace tally::checking
