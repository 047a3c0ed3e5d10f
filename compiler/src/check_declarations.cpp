// The checker, part 1: metadata (version, owner, horizon, tags) and the names a definition
// declares (inputs, params, lets, outputs), with the references that tell a cycle from a
// forward reference.
#include "checker_internal.h"

#include <algorithm>
#include <functional>
#include <set>

namespace tally::checking {

template <typename T>
const ast::Located<T>* DefinitionChecker::Single(const std::vector<ast::Located<T>>& items, const char* what, bool required) {
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

void DefinitionChecker::CheckMetadata() {
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

void DefinitionChecker::Declare(const std::string& name, SourceRange range, Symbol symbol) {
  symbol.defined_at = range.begin;
  auto [it, inserted] = def_.symbols.emplace(name, symbol);
  if (!inserted) {
    auto& d = diagnostics_.Error("E-duplicate-name", range, "`" + name + "` is already defined");
    d.notes.push_back({declared_ranges_[name], "first defined here"});
    return;
  }
  declared_ranges_[name] = range;
}

void DefinitionChecker::DeclareNames() {
  for (uint32_t i = 0; i < ast_.inputs.size(); ++i) {
    const auto& in = ast_.inputs[i];
    auto type = ParseTypeName(in.type.name);
    if (!type) {
      diagnostics_.Error("E-unknown-type", in.type.range, "unknown type `" + in.type.name + "`",
                         Suggest(in.type.name, {"int", "float", "bool", "string", "date"}).empty()
                             ? "the types are int, float, bool, string and date"
                             : Suggest(in.type.name, {"int", "float", "bool", "string", "date"}));
      type = ErrorType();
    }
    type->nullable = in.type.nullable;
    CheckInputFormat(in, *type);
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

void DefinitionChecker::CollectReferences() {
  std::function<void(const ast::Expr&, std::set<std::string>&)> walk = [&](const ast::Expr& e, std::set<std::string>& out) {
    if (e.kind == ast::Expr::Kind::kName) out.insert(e.name);
    for (const auto& a : e.args) walk(*a, out);
  };
  for (const auto& l : ast_.lets) walk(*l.value, references_[l.name]);
  for (const auto& o : ast_.outputs) walk(*o.value, references_[o.name]);
  NumberComponents();
}

void DefinitionChecker::NumberComponents() {
  struct Frame {
    const std::string* name;
    std::set<std::string>::const_iterator next;
  };
  std::map<std::string, int> index, low;
  std::vector<std::string> open;  // Tarjan's stack
  std::set<std::string> is_open;
  int counter = 0, components = 0;
  std::vector<Frame> frames;
  auto enter = [&](const std::string& name) {
    auto& entry = *references_.try_emplace(name).first;
    index[name] = low[name] = counter++;
    open.push_back(name);
    is_open.insert(name);
    frames.push_back({&entry.first, entry.second.cbegin()});
  };
  std::vector<std::string> starts;
  for (const auto& [name, refs] : references_) starts.push_back(name);
  for (const auto& start : starts) {
    if (index.count(start)) continue;
    enter(start);
    while (!frames.empty()) {
      Frame& top = frames.back();
      if (top.next != references_[*top.name].cend()) {
        const std::string& next = *top.next++;
        if (!index.count(next)) enter(next);  // `top` is not used after this
        else if (is_open.count(next)) low[*top.name] = std::min(low[*top.name], index[next]);
        continue;
      }
      const std::string name = *top.name;
      frames.pop_back();
      if (!frames.empty()) low[*frames.back().name] = std::min(low[*frames.back().name], low[name]);
      if (low[name] != index[name]) continue;
      std::string member;
      do {
        member = open.back();
        open.pop_back();
        is_open.erase(member);
        component_[member] = components;
      } while (member != name);
      ++components;
    }
  }
}

// A depth-first search with an explicit stack (a chain of lets may be 100,000 long): `path`
// holds the names being explored and `next_of` where each one's references continue.
bool DefinitionChecker::Reaches(const std::string& from, const std::string& target, std::set<std::string>& seen, std::vector<std::string>& path) {
  if (!seen.insert(from).second) return false;
  path.push_back(from);
  std::vector<std::set<std::string>::const_iterator> next_of{references_[from].cbegin()};
  while (!next_of.empty()) {
    if (next_of.back() == references_[path.back()].cend()) {
      path.pop_back();
      next_of.pop_back();
      continue;
    }
    const std::string& next = *next_of.back()++;
    if (next == target) return true;
    if (seen.insert(next).second) {
      path.push_back(next);
      next_of.push_back(references_[next].cbegin());
    }
  }
  return false;
}

void DefinitionChecker::CheckParam(size_t i) {
  const auto& p = ast_.params[i];
  CheckedType value_type = LiteralType(p.value);
  CheckedType type = value_type;
  if (p.type) {
    auto declared = ParseTypeName(p.type->name);
    if (!declared) {
      std::string hint = Suggest(p.type->name, {"int", "float", "bool", "string", "date"});
      diagnostics_.Error("E-unknown-type", p.type->range, "unknown type `" + p.type->name + "`",
                         hint.empty() ? "the types are int, float, bool, string and date" : hint);
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

void DefinitionChecker::CheckKeysAndGroups() {
  auto check_input = [&](const ast::Located<std::string>& name, const char* what) {
    auto it = def_.symbols.find(name.value);
    if (it == def_.symbols.end() || it->second.kind != Symbol::Kind::kInput) {
      // A group key may also be a let (computed per row); a key may not.
      const bool group = std::string(what) == "group key";
      std::vector<std::string> inputs;
      for (const auto& in : ast_.inputs) inputs.push_back(in.name);
      if (group)
        for (const auto& l : ast_.lets) inputs.push_back(l.name);
      diagnostics_.Error("E-unknown-input", name.range,
                         std::string(what) + " `" + name.value + "` is not an input" + (group ? " or a let" : ""),
                         Suggest(name.value, inputs));
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
    // A group key may also be a let, computed per row (its type is checked with the lets:
    // CheckComputedGroupKeys).
    auto let = def_.symbols.find(g.value);
    if (let != def_.symbols.end() && let->second.kind == Symbol::Kind::kLet) {
      let->second.used = true;
    } else {
      check_input(g, "group key");
    }
    if (!seen.insert(g.value).second)
      diagnostics_.Error("E-duplicate-name", g.range, "`" + g.value + "` is grouped by twice");
  }
}

// After the lets are checked: a let group key's type, with the rule of input keys (floats
// are allowed but warned about).
void DefinitionChecker::CheckComputedGroupKeys() {
  for (const auto& g : ast_.group_by) {
    auto it = def_.symbols.find(g.value);
    if (it == def_.symbols.end() || it->second.kind != Symbol::Kind::kLet) continue;
    if (it->second.type.kind == K::kFloat) {
      diagnostics_.Warning("W-float-key", g.range,
                           "group key `" + g.value + "` is a float; equal-looking values may differ");
    }
  }
}

}  // namespace tally::checking
