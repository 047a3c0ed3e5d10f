// Name resolution, typing with nullability, the divisor rule, metadata, overrides and tests.
// Every rule reports into the DiagnosticList and checking goes on, so a file's problems are
// all reported at once; kError types keep one mistake from cascading into many messages.
#include "tally/compiler/checker.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "functions.h"

namespace tally {

ir::Type CheckedType::ToIr() const {
  switch (kind) {
    case Kind::kBool: return ir::Type::kBool;
    case Kind::kInt: return ir::Type::kInt;
    case Kind::kString: return ir::Type::kString;
    default: return ir::Type::kFloat;
  }
}

std::string CheckedType::ToString() const {
  const char* base = "error";
  switch (kind) {
    case Kind::kBool: base = "bool"; break;
    case Kind::kInt: base = "int"; break;
    case Kind::kFloat: base = "float"; break;
    case Kind::kString: base = "string"; break;
    case Kind::kNull: return "null";
    case Kind::kError: return "<error>";
  }
  return std::string(base) + (nullable ? "?" : "");
}

const CheckedDefinition* CheckedModule::Find(const std::string& name) const {
  for (const auto& d : definitions) {
    if (d.ast->name == name) return &d;
  }
  return nullptr;
}

namespace {

using K = CheckedType::Kind;

CheckedType Make(K kind, bool nullable = false) { return {kind, nullable}; }
CheckedType ErrorType() { return {K::kError, false}; }

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

// "did you mean `x`?" for the closest candidate within a small distance.
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
  return std::nullopt;
}

CheckedType LiteralType(const ast::Literal& lit) {
  switch (lit.kind) {
    case ast::Literal::Kind::kInt: return Make(K::kInt);
    case ast::Literal::Kind::kFloat: return Make(K::kFloat);
    case ast::Literal::Kind::kString: return Make(K::kString);
    case ast::Literal::Kind::kBool: return Make(K::kBool);
    case ast::Literal::Kind::kNull: return Make(K::kNull, true);
  }
  return ErrorType();
}

// Can a value of type `from` be stored where `to` is declared? (int widens to float;
// null fits any nullable slot.) Nullability is checked separately.
bool Assignable(CheckedType from, CheckedType to) {
  if (from.kind == K::kError || to.kind == K::kError) return true;
  if (from.kind == K::kNull) return true;
  if (from.kind == to.kind) return true;
  return from.kind == K::kInt && to.kind == K::kFloat;
}

// The common type of two branches (if/coalesce); kError when there is none.
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

class DefinitionChecker {
 public:
  DefinitionChecker(CheckedDefinition& def, CheckedModule& module, DiagnosticList& diagnostics)
      : def_(def), ast_(*def.ast), module_(module), diagnostics_(diagnostics) {}

  void Run() {
    is_metric_ = ast_.kind == ast::Definition::Kind::kMetric;
    CheckMetadata();
    DeclareNames();
    CollectReferences();
    for (size_t i = 0; i < ast_.params.size(); ++i) CheckParam(i);
    CheckKeysAndGroups();
    // Members in source order, so "used before defined" follows the text.
    struct Member { uint32_t offset; std::function<void()> check; };
    std::vector<Member> members;
    for (size_t i = 0; i < ast_.lets.size(); ++i)
      members.push_back({ast_.lets[i].name_range.begin, [this, i] { CheckLet(i); }});
    for (size_t i = 0; i < ast_.outputs.size(); ++i)
      members.push_back({ast_.outputs[i].name_range.begin, [this, i] { CheckOutput(i); }});
    for (size_t i = 0; i < ast_.requirements.size(); ++i)
      members.push_back({ast_.requirements[i].range.begin, [this, i] { CheckRequire(i); }});
    // Offsets of distinct members never coincide, so a plain sort is deterministic.
    std::sort(members.begin(), members.end(),
              [](const Member& a, const Member& b) { return a.offset < b.offset; });
    for (auto& m : members) m.check();
    if (ast_.outputs.empty()) {
      diagnostics_.Error("E-no-outputs", ast_.name_range,
                         "`" + ast_.name + "` has no outputs", "add `output NAME : TYPE = EXPR`");
    }
    WarnUnused();
    for (const auto& test : ast_.tests) CheckTest(test);
  }

 private:
  // ---- metadata ----------------------------------------------------------------------
  template <typename T>
  const ast::Located<T>* Single(const std::vector<ast::Located<T>>& items, const char* what,
                                bool required) {
    if (items.empty()) {
      if (required) {
        diagnostics_.Error(std::string("E-missing-") + what, ast_.name_range,
                           "`" + ast_.name + "` has no `" + what + "`",
                           std::string(what) == "version" ? "add `version 1.0.0`"
                                                          : "add `owner COUNCIL` naming the council that approves changes");
      }
      return nullptr;
    }
    for (size_t i = 1; i < items.size(); ++i) {
      auto& d = diagnostics_.Error("E-duplicate-member", items[i].range,
                                   std::string("`") + what + "` is given more than once");
      d.notes.push_back({items[0].range, "first given here"});
    }
    return &items[0];
  }

  void CheckMetadata() {
    if (auto* v = Single(ast_.versions, "version", true)) {
      if (!ValidSemver(v->value)) {
        diagnostics_.Error("E-bad-version", v->range,
                           "version `" + v->value + "` is not MAJOR.MINOR.PATCH",
                           "write a semantic version such as 1.0.0");
      }
    }
    Single(ast_.owners, "owner", true);
    Single(ast_.descriptions, "description", false);
    if (auto* e = Single(ast_.expires_after, "expires_after", false)) {
      auto seconds = DurationSeconds(e->value);
      if (!seconds || *seconds == 0) {
        diagnostics_.Error("E-bad-duration", e->range, "`" + e->value + "` is not a valid horizon",
                           "use a positive number of hours, days or weeks: 12h, 90d, 4w");
      } else {
        def_.expires_after_seconds = *seconds;
      }
    }
    std::set<std::string> tags;
    for (const auto& t : ast_.tags) {
      if (!tags.insert(t.value).second)
        diagnostics_.Warning("W-duplicate-tag", t.range, "tag \"" + t.value + "\" is listed twice");
    }
    if (!ast_.keys.empty() && is_metric_) {
      diagnostics_.Error("E-key-in-metric", ast_.keys[0].range,
                         "a metric has no `key`: its rows are identified by `group by`");
    }
    if (ast_.has_group_by && !is_metric_) {
      diagnostics_.Error("E-group-in-score", ast_.group_by_range,
                         "a score computes one row per input row and cannot `group by`",
                         "declare it as `metric " + ast_.name + "` to aggregate");
    }
  }

  // ---- names -------------------------------------------------------------------------
  void Declare(const std::string& name, SourceRange range, Symbol symbol) {
    symbol.defined_at = range.begin;
    auto [it, inserted] = def_.symbols.emplace(name, symbol);
    if (!inserted) {
      auto& d = diagnostics_.Error("E-duplicate-name", range, "`" + name + "` is already defined");
      d.notes.push_back({declared_ranges_[name], "first defined here"});
      return;
    }
    declared_ranges_[name] = range;
  }

  void DeclareNames() {
    for (uint32_t i = 0; i < ast_.inputs.size(); ++i) {
      const auto& in = ast_.inputs[i];
      auto type = ParseTypeName(in.type.name);
      if (!type) {
        diagnostics_.Error("E-unknown-type", in.type.range, "unknown type `" + in.type.name + "`",
                           Suggest(in.type.name, {"int", "float", "bool", "string"}).empty()
                               ? "the types are int, float, bool and string"
                               : Suggest(in.type.name, {"int", "float", "bool", "string"}));
        type = ErrorType();
      }
      type->nullable = in.type.nullable;
      Declare(in.name, in.name_range, Symbol{Symbol::Kind::kInput, i, *type});
      if (in.name == "region" && type->kind == K::kString) def_.has_region_input = true;
    }
    def_.param_types.resize(ast_.params.size());
    for (uint32_t i = 0; i < ast_.params.size(); ++i)
      Declare(ast_.params[i].name, ast_.params[i].name_range, Symbol{Symbol::Kind::kParam, i, {}});
    def_.let_types.resize(ast_.lets.size());
    for (uint32_t i = 0; i < ast_.lets.size(); ++i)
      Declare(ast_.lets[i].name, ast_.lets[i].name_range, Symbol{Symbol::Kind::kLet, i, {}});
    for (uint32_t i = 0; i < ast_.outputs.size(); ++i)
      Declare(ast_.outputs[i].name, ast_.outputs[i].name_range, Symbol{Symbol::Kind::kOutput, i, {}});
  }

  // Which names each let/output mentions, to tell a cycle from a mere forward reference.
  void CollectReferences() {
    std::function<void(const ast::Expr&, std::set<std::string>&)> walk = [&](const ast::Expr& e, std::set<std::string>& out) {
      if (e.kind == ast::Expr::Kind::kName) out.insert(e.name);
      for (const auto& a : e.args) walk(*a, out);
    };
    for (const auto& l : ast_.lets) walk(*l.value, references_[l.name]);
    for (const auto& o : ast_.outputs) walk(*o.value, references_[o.name]);
  }

  bool Reaches(const std::string& from, const std::string& target, std::set<std::string>& seen,
               std::vector<std::string>& path) {
    if (!seen.insert(from).second) return false;
    path.push_back(from);
    for (const auto& next : references_[from]) {
      if (next == target) return true;
      if (Reaches(next, target, seen, path)) return true;
    }
    path.pop_back();
    return false;
  }

  void CheckParam(size_t i) {
    const auto& p = ast_.params[i];
    CheckedType value_type = LiteralType(p.value);
    CheckedType type = value_type;
    if (p.type) {
      auto declared = ParseTypeName(p.type->name);
      if (!declared) {
        std::string hint = Suggest(p.type->name, {"int", "float", "bool", "string"});
        diagnostics_.Error("E-unknown-type", p.type->range, "unknown type `" + p.type->name + "`",
                           hint.empty() ? "the types are int, float, bool and string" : hint);
        type = ErrorType();
      } else {
        type = *declared;
        if (p.type->nullable)
          diagnostics_.Error("E-nullable-param", p.type->range, "a param always has a value; it cannot be nullable");
        if (!Assignable(value_type, type) || value_type.kind == K::kNull) {
          diagnostics_.Error("E-type-mismatch", p.value.range,
                             "param `" + p.name + "` is " + type.ToString() + " but its value is " +
                                 value_type.ToString());
        }
      }
    } else if (value_type.kind == K::kNull) {
      diagnostics_.Error("E-null-param", p.value.range, "param `" + p.name + "` cannot be null",
                         "a param is a constant: give it a value");
      type = ErrorType();
    }
    type.nullable = false;
    def_.param_types[i] = type;
    def_.symbols[p.name].type = type;
    if (p.regional && is_metric_) {
      diagnostics_.Error("E-regional-in-metric", p.name_range,
                         "params of a metric cannot be `regional`: a group mixes rows of several regions");
    }
  }

  void CheckKeysAndGroups() {
    auto check_input = [&](const ast::Located<std::string>& name, const char* what) {
      auto it = def_.symbols.find(name.value);
      if (it == def_.symbols.end() || it->second.kind != Symbol::Kind::kInput) {
        std::vector<std::string> inputs;
        for (const auto& in : ast_.inputs) inputs.push_back(in.name);
        diagnostics_.Error("E-unknown-input", name.range,
                           std::string(what) + " `" + name.value + "` is not an input", Suggest(name.value, inputs));
        return;
      }
      it->second.used = true;
      if (it->second.type.kind == K::kFloat) {
        diagnostics_.Warning("W-float-key", name.range,
                             std::string(what) + " `" + name.value + "` is a float; equal-looking values may differ");
      }
    };
    for (const auto& k : ast_.keys) check_input(k, "key");
    std::set<std::string> seen;
    for (const auto& g : ast_.group_by) {
      check_input(g, "group key");
      if (!seen.insert(g.value).second)
        diagnostics_.Error("E-duplicate-name", g.range, "`" + g.value + "` is grouped by twice");
    }
  }

  // ---- members -----------------------------------------------------------------------
  enum class Where : uint8_t { kRow, kGroup, kAggregateArg };

  void CheckLet(size_t i) {
    const auto& l = ast_.lets[i];
    current_ = l.name;
    current_offset_ = l.name_range.begin;
    CheckedType t = CheckExpr(*l.value, Where::kRow);
    if (t.kind == K::kNull) {
      diagnostics_.Warning("W-always-null", l.value->range, "`" + l.name + "` is always null");
    }
    def_.let_types[i] = t;
    def_.symbols[l.name].type = t;
    def_.symbols[l.name].nonzero = module_.info[l.value.get()].nonzero;
  }

  void CheckOutput(size_t i) {
    const auto& o = ast_.outputs[i];
    current_ = o.name;
    current_offset_ = o.name_range.begin;
    CheckedType t = CheckExpr(*o.value, is_metric_ ? Where::kGroup : Where::kRow);
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

  void CheckRequire(size_t i) {
    const auto& r = ast_.requirements[i];
    current_ = "";
    current_offset_ = r.range.begin;
    CheckedType t = CheckExpr(*r.condition, Where::kRow);
    if (t.kind != K::kBool && t.kind != K::kError) {
      diagnostics_.Error("E-type-mismatch", r.condition->range,
                         "`require` needs a bool condition, not " + t.ToString());
    }
  }

  std::string Excerpt(SourceRange r) const {
    std::string s = r.file->text().substr(r.begin, r.end - r.begin);
    if (s.size() > 40) s = s.substr(0, 37) + "...";
    return s;
  }

  // ---- expressions -------------------------------------------------------------------
  CheckedType Record(const ast::Expr& e, CheckedType t, bool nonzero = false) {
    auto& info = module_.info[&e];
    info.type = t;
    info.nonzero = nonzero;
    return t;
  }

  CheckedType CheckExpr(const ast::Expr& e, Where where) {
    using EK = ast::Expr::Kind;
    switch (e.kind) {
      case EK::kLiteral: return Record(e, LiteralType(e.literal), IsNonzeroLiteral(e));
      case EK::kName: return CheckName(e, where);
      case EK::kUnary: return CheckUnary(e, where);
      case EK::kBinary: return CheckBinary(e, where);
      case EK::kIn: return CheckIn(e, where);
      case EK::kIf: return CheckIf(e, where);
      case EK::kCall: return CheckCall(e, where);
    }
    return ErrorType();
  }

  CheckedType CheckName(const ast::Expr& e, Where where) {
    auto it = def_.symbols.find(e.name);
    if (it == def_.symbols.end()) {
      std::vector<std::string> names;
      for (const auto& [n, s] : def_.symbols) names.push_back(n);
      std::string hint = Suggest(e.name, names);
      if (hint.empty() && (FindFunction(e.name) || FindAggregate(e.name)))
        hint = "`" + e.name + "` is a function: call it with ()";
      diagnostics_.Error("E-unknown-name", e.range, "unknown name `" + e.name + "`", hint);
      return Record(e, ErrorType());
    }
    Symbol& s = it->second;
    s.used = true;
    module_.info[&e].symbol = &s;
    if (e.name == current_) {
      diagnostics_.Error("E-cycle", e.range, "`" + e.name + "` refers to itself");
      return Record(e, ErrorType());
    }
    if (s.defined_at > current_offset_ && (s.kind == Symbol::Kind::kLet || s.kind == Symbol::Kind::kOutput)) {
      std::set<std::string> seen;
      std::vector<std::string> path;
      if (!current_.empty() && Reaches(e.name, current_, seen, path)) {
        std::string chain = current_;
        std::set<std::string> members{current_};
        for (const auto& p : path) chain += " -> " + p, members.insert(p);
        chain += " -> " + current_;
        // One cycle is reported once, at its first member in the text.
        if (reported_cycles_.insert(members).second)
          diagnostics_.Error("E-cycle", e.range, "definitions form a cycle: " + chain);
      } else {
        auto& d = diagnostics_.Error("E-use-before-define", e.range,
                                     "`" + e.name + "` is used before it is defined",
                                     "move this line below the definition of `" + e.name + "`");
        d.notes.push_back({declared_ranges_[e.name], "`" + e.name + "` is defined here"});
      }
      return Record(e, ErrorType());
    }
    bool nonzero = false;
    if (s.kind == Symbol::Kind::kParam) nonzero = ParamNonzero(s.index);
    if (s.kind == Symbol::Kind::kLet) nonzero = s.nonzero;
    if (is_metric_) {
      if (where == Where::kGroup) {
        bool key = s.kind == Symbol::Kind::kInput &&
                   std::any_of(ast_.group_by.begin(), ast_.group_by.end(),
                               [&](const auto& g) { return g.value == e.name; });
        if (key) module_.info[&e].group_key = true;
        if ((s.kind == Symbol::Kind::kInput && !key) || s.kind == Symbol::Kind::kLet) {
          diagnostics_.Error("E-not-grouped", e.range,
                             "`" + e.name + "` has a value per row, not per group",
                             "use it inside an aggregate, e.g. sum(" + e.name + "), or add it to `group by`");
          return Record(e, ErrorType());
        }
      } else if (s.kind == Symbol::Kind::kOutput) {
        diagnostics_.Error("E-output-per-row", e.range,
                           "`" + e.name + "` is a per-group output and cannot be used per row");
        return Record(e, ErrorType());
      }
    }
    return Record(e, s.type, nonzero);
  }

  // A param is proven non-zero when its global value is (overrides are checked against the
  // same rule when they are applied).
  bool ParamNonzero(uint32_t index) const {
    const auto& v = ast_.params[index].value;
    if (v.kind == ast::Literal::Kind::kInt) return v.int_value != 0 && !ast_.params[index].regional;
    if (v.kind == ast::Literal::Kind::kFloat) return v.float_value != 0 && !ast_.params[index].regional;
    return false;
  }

  CheckedType CheckUnary(const ast::Expr& e, Where where) {
    CheckedType t = CheckExpr(*e.args[0], where);
    if (t.kind == K::kError) return Record(e, t);
    if (e.unary_op == ast::UnaryOp::kNeg) {
      if (!t.IsNumeric() && t.kind != K::kNull) {
        diagnostics_.Error("E-type-mismatch", e.range, "cannot negate a " + t.ToString());
        return Record(e, ErrorType());
      }
      return Record(e, t.kind == K::kNull ? Make(K::kInt, true) : t, module_.info[e.args[0].get()].nonzero);
    }
    if (t.kind != K::kBool && t.kind != K::kNull) {
      diagnostics_.Error("E-type-mismatch", e.range, "`not` needs a bool, not " + t.ToString());
      return Record(e, ErrorType());
    }
    return Record(e, Make(K::kBool, t.nullable));
  }

  CheckedType CheckBinary(const ast::Expr& e, Where where) {
    CheckedType a = CheckExpr(*e.args[0], where);
    CheckedType b = CheckExpr(*e.args[1], where);
    if (a.kind == K::kError || b.kind == K::kError) return Record(e, ErrorType());
    bool nullable = a.nullable || b.nullable;
    const char* op = ast::BinaryOpSpelling(e.binary_op);
    auto mismatch = [&](const std::string& why) {
      diagnostics_.Error("E-type-mismatch", e.range,
                         "cannot apply `" + std::string(op) + "` to " + a.ToString() + " and " + b.ToString(), why);
      return Record(e, ErrorType());
    };
    // `null` takes the other side's type.
    if (a.kind == K::kNull) a.kind = b.kind == K::kNull ? K::kInt : b.kind;
    if (b.kind == K::kNull) b.kind = a.kind;
    switch (e.binary_op) {
      case ast::BinaryOp::kAdd:
      case ast::BinaryOp::kSub:
      case ast::BinaryOp::kMul:
        if (!a.IsNumeric() || !b.IsNumeric()) return mismatch(a.kind == K::kString ? "strings cannot be combined arithmetically" : "");
        return Record(e, Make(a.kind == K::kInt && b.kind == K::kInt ? K::kInt : K::kFloat, nullable));
      case ast::BinaryOp::kDiv:
      case ast::BinaryOp::kMod: {
        if (!a.IsNumeric() || !b.IsNumeric()) return mismatch("");
        const auto& divisor = module_.info[e.args[1].get()];
        if (IsZeroLiteral(*e.args[1])) {
          diagnostics_.Error("E-division-by-zero", e.args[1]->range, "division by zero");
          return Record(e, ErrorType());
        }
        bool divisor_nonzero = divisor.nonzero;
        K result = e.binary_op == ast::BinaryOp::kDiv ? K::kFloat
                   : (a.kind == K::kInt && b.kind == K::kInt ? K::kInt : K::kFloat);
        return Record(e, Make(result, nullable || !divisor_nonzero));
      }
      case ast::BinaryOp::kEq:
      case ast::BinaryOp::kNe:
        if (!(a.IsNumeric() && b.IsNumeric()) && a.kind != b.kind) return mismatch("");
        return Record(e, Make(K::kBool, nullable));
      case ast::BinaryOp::kLt:
      case ast::BinaryOp::kLe:
      case ast::BinaryOp::kGt:
      case ast::BinaryOp::kGe:
        if (!a.IsNumeric() || !b.IsNumeric())
          return mismatch(a.kind == K::kString || b.kind == K::kString ? "strings compare only with == and !=" : "");
        return Record(e, Make(K::kBool, nullable));
      case ast::BinaryOp::kAnd:
      case ast::BinaryOp::kOr:
        if (a.kind != K::kBool || b.kind != K::kBool) return mismatch("`and` and `or` take bools");
        return Record(e, Make(K::kBool, nullable));
    }
    return Record(e, ErrorType());
  }

  static bool IsZeroLiteral(const ast::Expr& e) {
    return e.kind == ast::Expr::Kind::kLiteral &&
           ((e.literal.kind == ast::Literal::Kind::kInt && e.literal.int_value == 0) ||
            (e.literal.kind == ast::Literal::Kind::kFloat && e.literal.float_value == 0));
  }

  CheckedType CheckIn(const ast::Expr& e, Where where) {
    CheckedType needle = CheckExpr(*e.args[0], where);
    bool nullable = needle.nullable;
    bool bad = needle.kind == K::kError;
    if (e.args.size() == 1) {
      diagnostics_.Warning("W-empty-in", e.range, "`in []` is always false");
    }
    for (size_t i = 1; i < e.args.size(); ++i) {
      CheckedType t = CheckExpr(*e.args[i], where);
      if (t.kind == K::kError || needle.kind == K::kError) { bad = true; continue; }
      nullable = nullable || t.nullable;
      if (!(t.IsNumeric() && needle.IsNumeric()) && t.kind != needle.kind && t.kind != K::kNull) {
        diagnostics_.Error("E-type-mismatch", e.args[i]->range,
                           "list element is " + t.ToString() + " but the value tested is " + needle.ToString());
        bad = true;
      }
    }
    return Record(e, bad ? ErrorType() : Make(K::kBool, nullable));
  }

  CheckedType CheckIf(const ast::Expr& e, Where where) {
    CheckedType c = CheckExpr(*e.args[0], where);
    CheckedType a = CheckExpr(*e.args[1], where);
    CheckedType b = CheckExpr(*e.args[2], where);
    if (c.kind != K::kBool && c.kind != K::kError) {
      diagnostics_.Error("E-type-mismatch", e.args[0]->range, "`if` needs a bool condition, not " + c.ToString());
    }
    auto u = Unify(a, b);
    if (!u) {
      diagnostics_.Error("E-type-mismatch", e.range,
                         "`then` gives " + a.ToString() + " but `else` gives " + b.ToString(),
                         "both branches must have the same type");
      return Record(e, ErrorType());
    }
    bool nonzero = module_.info[e.args[1].get()].nonzero && module_.info[e.args[2].get()].nonzero;
    return Record(e, *u, nonzero);
  }

  CheckedType CheckCall(const ast::Expr& e, Where where) {
    const FunctionSpec* f = FindFunction(e.name);
    const AggregateSpec* aggregate = FindAggregate(e.name);
    // min and max are both: the aggregate takes fewer arguments than the function.
    bool aggregate_form = is_metric_ && aggregate != nullptr && (f == nullptr || e.args.size() < f->min_args);
    if (aggregate_form) return CheckAggregate(e, *aggregate, where);
    if (!is_metric_ && aggregate != nullptr && f == nullptr) {
      diagnostics_.Error("E-aggregate-in-score", e.range,
                         "`" + e.name + "` aggregates many rows; a score computes one row at a time",
                         "declare a `metric` with `group by` to aggregate");
      return Record(e, ErrorType());
    }
    if (f == nullptr) {
      std::vector<std::string> names;
      for (const auto& fn : AllFunctions()) names.push_back(fn.name);
      for (const auto& a : AllAggregates()) {
        if (FindFunction(a.name) == nullptr) names.push_back(a.name);
      }
      diagnostics_.Error("E-unknown-function", e.name_range, "unknown function `" + e.name + "`", Suggest(e.name, names));
      for (const auto& a : e.args) CheckExpr(*a, where);
      return Record(e, ErrorType());
    }
    for (size_t i = 0; i < e.arg_names.size(); ++i) {
      if (!e.arg_names[i].empty())
        diagnostics_.Error("E-named-argument", e.arg_name_ranges[i],
                           "`" + e.name + "` takes no named argument `" + e.arg_names[i] + "`");
    }
    std::vector<CheckedType> args;
    bool bad = false;
    for (const auto& a : e.args) {
      args.push_back(CheckExpr(*a, where));
      bad = bad || args.back().kind == K::kError;
    }
    if (e.args.size() < f->min_args || e.args.size() > f->max_args) {
      diagnostics_.Error("E-arity", e.range,
                         "`" + e.name + "` takes " + ArityText(*f) + ", not " + std::to_string(e.args.size()),
                         std::string("usage: ") + f->signature);
      return Record(e, ErrorType());
    }
    if (bad) return Record(e, ErrorType());
    bool any_nullable = std::any_of(args.begin(), args.end(), [](auto t) { return t.nullable; });
    using R = FunctionSpec::Result;
    switch (f->result) {
      case R::kSameNumeric:
      case R::kWidestNumeric:
      case R::kFloat: {
        bool any_float = false;
        for (size_t i = 0; i < args.size(); ++i) {
          auto t = args[i];
          if (t.kind == K::kNull) continue;
          if (!t.IsNumeric()) {
            diagnostics_.Error("E-type-mismatch", e.args[i]->range,
                               "`" + e.name + "` needs a number, not " + t.ToString());
            return Record(e, ErrorType());
          }
          any_float = any_float || t.kind == K::kFloat;
        }
        if (f->lowering == FunctionSpec::Lowering::kDigits) return CheckRound(e, args);
        K kind = f->result == R::kFloat ? K::kFloat
                 : f->result == R::kSameNumeric ? (args[0].kind == K::kFloat ? K::kFloat : K::kInt)
                 : (any_float ? K::kFloat : K::kInt);
        if (args[0].kind == K::kNull && f->result == R::kSameNumeric) kind = K::kInt;
        bool nullable = any_nullable || f->nulls == FunctionSpec::Nulls::kStrictOrDomain;
        CheckDomain(e, *f);
        return Record(e, Make(kind, nullable), ProvesNonzero(e, *f));
      }
      case R::kBool:
        if (!args[0].nullable && args[0].kind != K::kNull) {
          diagnostics_.Warning("W-never-null", e.args[0]->range,
                               "`" + Excerpt(e.args[0]->range) + "` is never null, so is_null() is always false");
        }
        return Record(e, Make(K::kBool));
      case R::kUnified: {
        CheckedType u = args[0];
        for (size_t i = 1; i < args.size(); ++i) {
          auto next = Unify(u, args[i]);
          if (!next) {
            diagnostics_.Error("E-type-mismatch", e.args[i]->range,
                               "coalesce argument is " + args[i].ToString() + " but the first is " + args[0].ToString());
            return Record(e, ErrorType());
          }
          u = *next;
        }
        for (size_t i = 0; i + 1 < args.size(); ++i) {
          if (!args[i].nullable && args[i].kind != K::kNull) {
            diagnostics_.Warning("W-never-null", e.args[i]->range,
                                 "`" + Excerpt(e.args[i]->range) + "` is never null, so the arguments after it are never used");
            break;
          }
        }
        u.nullable = std::all_of(args.begin(), args.end(), [](auto t) { return t.nullable; });
        if (u.kind == K::kNull) u.kind = K::kInt;
        return Record(e, u, ProvesNonzero(e, *f));
      }
    }
    return Record(e, ErrorType());
  }

  static std::string ArityText(const FunctionSpec& f) {
    if (f.max_args == SIZE_MAX) return "at least " + std::to_string(f.min_args) + " arguments";
    if (f.min_args == f.max_args) return std::to_string(f.min_args) + (f.min_args == 1 ? " argument" : " arguments");
    return std::to_string(f.min_args) + " or " + std::to_string(f.max_args) + " arguments";
  }

  CheckedType CheckRound(const ast::Expr& e, const std::vector<CheckedType>& args) {
    if (args.size() == 2) {
      const auto& d = *e.args[1];
      bool literal = d.kind == ast::Expr::Kind::kLiteral && d.literal.kind == ast::Literal::Kind::kInt;
      if (!literal || d.literal.int_value < 0 || d.literal.int_value > 15) {
        diagnostics_.Error("E-round-digits", d.range, "round() digits must be an integer literal from 0 to 15");
        return Record(e, ErrorType());
      }
    }
    K kind = args[0].kind == K::kFloat ? K::kFloat : K::kInt;
    return Record(e, Make(kind, args[0].nullable));
  }

  // A domain error the checker can see now (a literal argument) is a compile error.
  void CheckDomain(const ast::Expr& e, const FunctionSpec& f) {
    using D = FunctionSpec::Domain;
    if (f.domain == D::kOrderedBounds && e.args.size() == 3 && e.args[1]->kind == ast::Expr::Kind::kLiteral &&
        e.args[2]->kind == ast::Expr::Kind::kLiteral) {
      auto value = [](const ast::Literal& l) {
        return l.kind == ast::Literal::Kind::kInt ? static_cast<double>(l.int_value) : l.float_value;
      };
      if (value(e.args[1]->literal) > value(e.args[2]->literal)) {
        diagnostics_.Error("E-clamp-bounds", e.range, std::string(f.name) + "() lower bound is above its upper bound");
      }
    }
    if (e.args.empty() || e.args[0]->kind != ast::Expr::Kind::kLiteral) return;
    const auto& lit = e.args[0]->literal;
    double v = lit.kind == ast::Literal::Kind::kInt ? static_cast<double>(lit.int_value)
               : lit.kind == ast::Literal::Kind::kFloat ? lit.float_value : 1.0;
    if (f.domain == D::kNonNegative && v < 0) {
      diagnostics_.Error("E-domain", e.args[0]->range, std::string(f.name) + " of a negative number is undefined");
    } else if (f.domain == D::kPositive && v <= 0) {
      diagnostics_.Error("E-domain", e.args[0]->range,
                         std::string(f.name) + " of zero or a negative number is undefined");
    }
  }

  bool ProvesNonzero(const ast::Expr& e, const FunctionSpec& f) {
    auto positive = [](const auto& a) { return IsPositiveLiteral(*a); };
    switch (f.nonzero) {
      case FunctionSpec::NonZero::kNever: return false;
      case FunctionSpec::NonZero::kAnyPositiveLiteral: return std::any_of(e.args.begin(), e.args.end(), positive);
      case FunctionSpec::NonZero::kPositiveLowerBound: return e.args.size() > 1 && positive(e.args[1]);
      case FunctionSpec::NonZero::kEveryArgument:
        return std::all_of(e.args.begin(), e.args.end(), [&](const auto& a) { return module_.info[a.get()].nonzero; });
    }
    return false;
  }

  CheckedType CheckAggregate(const ast::Expr& e, const AggregateSpec& spec, Where where) {
    if (where != Where::kGroup) {
      diagnostics_.Error(where == Where::kAggregateArg ? "E-nested-aggregate" : "E-aggregate-per-row", e.range,
                         where == Where::kAggregateArg
                             ? "an aggregate cannot be nested inside another aggregate"
                             : "aggregates may only appear in a metric's outputs");
      return Record(e, ErrorType());
    }
    auto& info = module_.info[&e];
    info.is_aggregate = true;
    size_t positional = 0;
    const ast::Expr* weight = nullptr;
    for (size_t i = 0; i < e.args.size(); ++i) {
      if (e.arg_names[i].empty()) {
        ++positional;
      } else if (spec.weighted && e.arg_names[i] == "weight" && weight == nullptr) {
        weight = e.args[i].get();
      } else {
        diagnostics_.Error("E-named-argument", e.arg_name_ranges[i],
                           "`" + e.name + "` takes no named argument `" + e.arg_names[i] + "`",
                           spec.weighted ? "the weighted average is avg(x, weight = w)" : "");
        return Record(e, ErrorType());
      }
    }
    std::vector<CheckedType> args;
    for (const auto& a : e.args) args.push_back(CheckExpr(*a, Where::kAggregateArg));
    if (std::any_of(args.begin(), args.end(), [](auto t) { return t.kind == K::kError; })) return Record(e, ErrorType());
    if (spec.no_argument) {
      if (positional > 1) {
        diagnostics_.Error("E-arity", e.range,
                           "`" + e.name + "` takes 0 or 1 arguments, not " + std::to_string(positional),
                           spec.signature);
        return Record(e, ErrorType());
      }
      if (positional == 1 && spec.argument == AggregateSpec::Argument::kBool && args[0].kind != K::kBool) {
        diagnostics_.Error("E-type-mismatch", e.args[0]->range,
                           e.name + "(condition) needs a bool, not " + args[0].ToString());
        return Record(e, ErrorType());
      }
      info.aggregate = positional == 0 ? *spec.no_argument : spec.kind;
      return Record(e, Make(K::kInt), positional == 0 && spec.no_argument_nonzero);
    }
    if (positional != 1) {
      diagnostics_.Error("E-arity", e.range, "`" + e.name + "` aggregates exactly one expression");
      return Record(e, ErrorType());
    }
    size_t value_index = e.arg_names[0].empty() ? 0 : 1;
    CheckedType v = args[value_index];
    if (!v.IsNumeric()) {
      diagnostics_.Error("E-type-mismatch", e.args[value_index]->range,
                         "`" + e.name + "` needs a number, not " + v.ToString());
      return Record(e, ErrorType());
    }
    if (weight != nullptr) {
      CheckedType w = module_.info[weight].type;
      if (!w.IsNumeric()) {
        diagnostics_.Error("E-type-mismatch", weight->range, "the weight must be a number, not " + w.ToString());
        return Record(e, ErrorType());
      }
      info.aggregate = *spec.weighted;
      return Record(e, Make(K::kFloat, true));
    }
    info.aggregate = spec.kind;
    K kind = spec.result == AggregateSpec::Result::kFloat ? K::kFloat : v.kind;
    return Record(e, Make(kind, v.nullable));
  }

  // ---- warnings ----------------------------------------------------------------------
  void WarnUnused() {
    for (const auto& [name, s] : def_.symbols) {
      if (s.used) continue;
      if (s.kind == Symbol::Kind::kLet) {
        diagnostics_.Warning("W-unused", declared_ranges_[name], "`" + name + "` is never used");
      } else if (s.kind == Symbol::Kind::kParam && !ast_.params[s.index].regional) {
        diagnostics_.Warning("W-unused", declared_ranges_[name], "param `" + name + "` is never used");
      }
    }
  }

  // ---- tests -------------------------------------------------------------------------
  void CheckTest(const ast::Test& test) {
    if (test.steps.empty()) {
      diagnostics_.Warning("W-empty-test", test.range, "test \"" + test.name + "\" checks nothing");
      return;
    }
    bool have_given = false;
    bool have_expect = false;
    for (const auto& step : test.steps) {
      switch (step.kind) {
        case ast::TestStep::Kind::kGiven:
          CheckGiven(step);
          have_given = true;
          break;
        case ast::TestStep::Kind::kExpect:
        case ast::TestStep::Kind::kExpectRejected:
          if (!have_given) {
            diagnostics_.Error("E-test-order", step.range, "`expect` must follow a `given`");
          }
          if (step.kind == ast::TestStep::Kind::kExpect) CheckExpect(step);
          else if (is_metric_) diagnostics_.Error("E-test-rejected-metric", step.range,
                                                  "`expect rejected` applies to scores; in a metric a rejected row is left out of its group");
          have_expect = true;
          break;
      }
    }
    if (!have_expect) diagnostics_.Error("E-test-no-expect", test.range, "test \"" + test.name + "\" has no `expect`");
  }

  void CheckGiven(const ast::TestStep& step) {
    std::set<std::string> given;
    for (const auto& b : step.bindings) {
      if (!given.insert(b.name).second) {
        diagnostics_.Error("E-duplicate-name", b.name_range, "`" + b.name + "` is given twice");
        continue;
      }
      auto it = def_.symbols.find(b.name);
      if (it == def_.symbols.end() || it->second.kind != Symbol::Kind::kInput) {
        std::vector<std::string> inputs;
        for (const auto& in : ast_.inputs) inputs.push_back(in.name);
        diagnostics_.Error("E-test-unknown-input", b.name_range, "`" + b.name + "` is not an input of `" + ast_.name + "`",
                           Suggest(b.name, inputs));
        continue;
      }
      CheckLiteralFits(b.value, it->second.type, "input `" + b.name + "`");
    }
    for (const auto& in : ast_.inputs) {
      if (!in.type.nullable && !given.count(in.name)) {
        diagnostics_.Error("E-test-missing-input", step.range, "`given` has no value for input `" + in.name + "`",
                           "only nullable inputs may be left out (they are null)");
      }
    }
  }

  void CheckExpect(const ast::TestStep& step) {
    std::set<std::string> seen;
    for (const auto& b : step.bindings) {
      if (!seen.insert(b.name).second) {
        diagnostics_.Error("E-duplicate-name", b.name_range, "`" + b.name + "` is expected twice");
        continue;
      }
      auto it = def_.symbols.find(b.name);
      bool group_key = is_metric_ && std::any_of(ast_.group_by.begin(), ast_.group_by.end(),
                                                 [&](const auto& g) { return g.value == b.name; });
      if (it == def_.symbols.end() || (it->second.kind != Symbol::Kind::kOutput && !group_key)) {
        std::vector<std::string> outputs;
        for (const auto& o : ast_.outputs) outputs.push_back(o.name);
        diagnostics_.Error("E-test-unknown-output", b.name_range,
                           "`" + b.name + "` is not an output of `" + ast_.name + "`", Suggest(b.name, outputs));
        continue;
      }
      CheckLiteralFits(b.value, it->second.type, "output `" + b.name + "`");
      if (b.tolerance) {
        bool number = b.tolerance->kind == ast::Literal::Kind::kFloat || b.tolerance->kind == ast::Literal::Kind::kInt;
        double tol = b.tolerance->kind == ast::Literal::Kind::kInt ? static_cast<double>(b.tolerance->int_value)
                                                                    : b.tolerance->float_value;
        if (!number || tol < 0) {
          diagnostics_.Error("E-test-tolerance", b.tolerance->range, "`within` needs a non-negative number");
        } else if (it->second.type.kind != K::kFloat) {
          diagnostics_.Error("E-test-tolerance", b.tolerance->range, "`within` applies only to float outputs");
        }
      }
    }
    if (is_metric_) {
      for (const auto& g : ast_.group_by) {
        if (!seen.count(g.value)) {
          diagnostics_.Error("E-test-missing-group", step.range,
                             "`expect` must name its group: give a value for group key `" + g.value + "`");
        }
      }
    }
  }

  void CheckLiteralFits(const ast::Literal& lit, CheckedType slot, const std::string& what) {
    CheckedType t = LiteralType(lit);
    if (slot.kind == K::kError) return;
    if (t.kind == K::kNull) {
      if (!slot.nullable) diagnostics_.Error("E-test-null", lit.range, what + " is " + slot.ToString() + " and cannot be null");
      return;
    }
    if (!Assignable(t, slot)) {
      diagnostics_.Error("E-test-type", lit.range, what + " is " + slot.ToString() + ", not " + t.ToString());
    }
  }

  CheckedDefinition& def_;
  const ast::Definition& ast_;
  CheckedModule& module_;
  DiagnosticList& diagnostics_;
  bool is_metric_ = false;
  std::string current_;
  uint32_t current_offset_ = 0;
  std::map<std::string, SourceRange> declared_ranges_;
  std::map<std::string, std::set<std::string>> references_;
  std::set<std::set<std::string>> reported_cycles_;
};

void CheckOverrides(CheckedModule& module, DiagnosticList& diagnostics) {
  std::map<std::pair<std::string, std::string>, SourceRange> seen;
  std::vector<std::string> names;
  for (const auto& d : module.definitions) names.push_back(d.ast->name);
  for (const auto& file : module.files) {
    for (const auto& o : file->overrides) {
      CheckedDefinition* target = nullptr;
      for (auto& d : module.definitions) {
        if (d.ast->name == o.target) target = &d;
      }
      if (target == nullptr) {
        diagnostics.Error("E-override-unknown", o.target_range, "no definition named `" + o.target + "` to override",
                          Suggest(o.target, names));
        continue;
      }
      if (o.region.empty()) diagnostics.Error("E-override-region", o.region_range, "the region name is empty");
      auto key = std::make_pair(o.target, o.region);
      if (auto it = seen.find(key); it != seen.end()) {
        auto& d = diagnostics.Error("E-duplicate-override", o.range,
                                    "`" + o.target + "` is already overridden for region \"" + o.region + "\"");
        d.notes.push_back({it->second, "first override here"});
        continue;
      }
      seen[key] = o.range;
      if (!target->has_region_input) {
        diagnostics.Error("E-override-no-region", o.range,
                          "`" + o.target + "` has no input `region : string` to select the override by",
                          "add `input region : string` to " + o.target);
      }
      std::set<std::string> items;
      for (const auto& item : o.items) {
        if (!items.insert(item.name).second) {
          diagnostics.Error("E-duplicate-name", item.name_range, "`" + item.name + "` is overridden twice");
          continue;
        }
        const ast::Param* param = nullptr;
        size_t index = 0;
        for (size_t i = 0; i < target->ast->params.size(); ++i) {
          if (target->ast->params[i].name == item.name) param = &target->ast->params[i], index = i;
        }
        if (param == nullptr) {
          std::vector<std::string> params;
          for (const auto& p : target->ast->params) params.push_back(p.name);
          diagnostics.Error("E-override-unknown-param", item.name_range,
                            "`" + o.target + "` has no param `" + item.name + "`", Suggest(item.name, params));
          continue;
        }
        if (!param->regional) {
          auto& d = diagnostics.Error("E-override-not-regional", item.name_range,
                                      "param `" + item.name + "` is not `regional`, so no region may override it",
                                      "only the definition's owner can mark it `regional`");
          d.notes.push_back({param->name_range, "declared here"});
          continue;
        }
        CheckedType slot = target->param_types[index];
        CheckedType value = LiteralType(item.value);
        if (value.kind == K::kNull || !Assignable(value, slot)) {
          diagnostics.Error("E-type-mismatch", item.value.range,
                            "param `" + item.name + "` is " + slot.ToString() + ", not " + value.ToString());
        }
      }
      target->overrides.push_back(&o);
      target->override_files.push_back(file.get());
    }
  }
}

}  // namespace

const char* ast::BinaryOpSpelling(ast::BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSub: return "-";
    case BinaryOp::kMul: return "*";
    case BinaryOp::kDiv: return "/";
    case BinaryOp::kMod: return "%";
    case BinaryOp::kEq: return "==";
    case BinaryOp::kNe: return "!=";
    case BinaryOp::kLt: return "<";
    case BinaryOp::kLe: return "<=";
    case BinaryOp::kGt: return ">";
    case BinaryOp::kGe: return ">=";
    case BinaryOp::kAnd: return "and";
    case BinaryOp::kOr: return "or";
  }
  return "?";
}

CheckedModule Check(std::vector<std::shared_ptr<const ast::File>> files, DiagnosticList& diagnostics) {
  CheckedModule module;
  module.files = std::move(files);
  std::map<std::string, const ast::Definition*> by_name;
  for (const auto& file : module.files) {
    for (const auto& d : file->definitions) {
      auto [it, inserted] = by_name.emplace(d.name, &d);
      if (!inserted) {
        auto& diag = diagnostics.Error("E-duplicate-definition", d.name_range, "`" + d.name + "` is defined twice");
        diag.notes.push_back({it->second->name_range, "first defined here"});
        continue;
      }
      CheckedDefinition checked;
      checked.ast = &d;
      checked.file = file.get();
      module.definitions.push_back(std::move(checked));
    }
  }
  std::sort(module.definitions.begin(), module.definitions.end(),
            [](const auto& a, const auto& b) { return a.ast->name < b.ast->name; });
  for (auto& d : module.definitions) DefinitionChecker(d, module, diagnostics).Run();
  CheckOverrides(module, diagnostics);
  return module;
}

}  // namespace tally
