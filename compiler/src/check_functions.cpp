// The checker, part 7: user-defined functions. Each is checked once, against its declared
// parameter types; a call is checked against the signature only (so checking never
// recurses through calls), and lowering inlines the body. Recursion is an error, found on
// the call graph once every body is checked.
#include <algorithm>
#include <functional>

#include "checker_internal.h"

namespace tally {

std::string CheckedFunction::Signature() const {
  std::string out = ast->name + "(";
  for (size_t i = 0; i < ast->params.size(); ++i) {
    if (i) out += ", ";
    out += ast->params[i].name + " : " + param_types[i].ToString();
  }
  return out + ") : " + result.ToString();
}

const CheckedFunction* CheckedModule::FindFunction(const std::string& name) const {
  auto it = std::lower_bound(functions.begin(), functions.end(), name,
                             [](const CheckedFunction& f, const std::string& n) { return f.ast->name < n; });
  return it != functions.end() && it->ast->name == name ? &*it : nullptr;
}

std::vector<const CheckedFunction*> CheckedModule::FunctionsReached(const std::vector<const CheckedFunction*>& calls) const {
  std::vector<const CheckedFunction*> out, todo(calls.begin(), calls.end());
  while (!todo.empty()) {
    const CheckedFunction* f = todo.back();
    todo.pop_back();
    if (std::find(out.begin(), out.end(), f) != out.end()) continue;
    out.push_back(f);
    for (const auto* g : f->scope.calls) todo.push_back(g);
  }
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->ast->name < b->ast->name; });
  return out;
}

namespace checking {

namespace {

// The declared type of a parameter or result; an unknown name is reported and is kError.
CheckedType DeclaredType(const ast::TypeRef& t, DiagnosticList& diagnostics) {
  auto type = ParseTypeName(t.name);
  if (!type) {
    diagnostics.Error("E-unknown-type", t.range, "unknown type `" + t.name + "`",
                      Suggest(t.name, {"int", "float", "bool", "string"}));
    return ErrorType();
  }
  type->nullable = t.nullable;
  return *type;
}

// Reports each cycle of calls once, at the call that closes it (a depth-first search; a
// back edge is a cycle). Functions nest boundedly only in the call graph's depth, which
// the number of functions bounds, so the search keeps its own stack.
void ReportRecursion(const CheckedModule& module, DiagnosticList& diagnostics) {
  const size_t n = module.functions.size();
  auto index_of = [&](const CheckedFunction* f) { return static_cast<size_t>(f - module.functions.data()); };
  enum class Mark : uint8_t { kNew, kOnPath, kDone };
  std::vector<Mark> mark(n, Mark::kNew);
  for (size_t root = 0; root < n; ++root) {
    if (mark[root] != Mark::kNew) continue;
    struct Frame { size_t fn; size_t next_call; };
    std::vector<Frame> path{{root, 0}};
    mark[root] = Mark::kOnPath;
    while (!path.empty()) {
      Frame& top = path.back();
      const CheckedFunction& f = module.functions[top.fn];
      if (top.next_call == f.scope.calls.size()) {
        mark[top.fn] = Mark::kDone;
        path.pop_back();
        continue;
      }
      size_t call = top.next_call++;
      size_t callee = index_of(f.scope.calls[call]);
      if (mark[callee] == Mark::kOnPath) {
        const SourceRange& at = f.call_ranges[call];
        if (callee == top.fn) {
          diagnostics.Error("E-recursion", at, "function `" + f.ast->name + "` calls itself",
                            "functions cannot be recursive");
        } else {
          std::string chain;
          bool in_cycle = false;
          for (const Frame& p : path) {
            in_cycle = in_cycle || p.fn == callee;
            if (in_cycle) chain += module.functions[p.fn].ast->name + " -> ";
          }
          diagnostics.Error("E-recursion", at, "functions call each other in a cycle: " + chain + module.functions[callee].ast->name,
                            "functions cannot be recursive");
        }
      } else if (mark[callee] == Mark::kNew) {
        mark[callee] = Mark::kOnPath;
        path.push_back({callee, 0});
      }
    }
  }
}

}  // namespace

void CheckFunctions(CheckedModule& module, const std::map<std::string, const ast::Definition*>& taken,
                    DiagnosticList& diagnostics) {
  std::map<std::string, const ast::Function*> by_name;
  std::vector<CheckedFunction> functions;
  for (const auto& file : module.files) {
    for (const auto& f : file->functions) {
      if (auto d = taken.find(f.name); d != taken.end()) {
        auto& diag = diagnostics.Error("E-duplicate-definition", f.name_range, "`" + f.name + "` is defined twice");
        diag.notes.push_back({d->second->name_range, "first defined here"});
        continue;
      }
      auto [it, inserted] = by_name.emplace(f.name, &f);
      if (!inserted) {
        auto& diag = diagnostics.Error("E-duplicate-definition", f.name_range, "`" + f.name + "` is defined twice");
        diag.notes.push_back({it->second->name_range, "first defined here"});
        continue;
      }
      if (FindFunction(f.name) != nullptr || FindAggregate(f.name) != nullptr) {
        diagnostics.Error("E-function-shadows-builtin", f.name_range,
                          "function `" + f.name + "` has the name of a built-in function",
                          "choose another name, or qualify it, e.g. `lib." + f.name + "`");
        continue;
      }
      CheckedFunction checked;
      checked.ast = &f;
      checked.file = file.get();
      checked.scope.ast = &f.block;
      checked.scope.file = file.get();
      for (const auto& p : f.params) checked.param_types.push_back(DeclaredType(p.type, diagnostics));
      checked.result = DeclaredType(f.result, diagnostics);
      functions.push_back(std::move(checked));
    }
  }
  std::sort(functions.begin(), functions.end(), [](const auto& a, const auto& b) { return a.ast->name < b.ast->name; });
  // From here on the vector is never resized: calls and symbols point into it.
  module.functions = std::move(functions);
  for (auto& f : module.functions) DefinitionChecker(f.scope, module, diagnostics).RunFunction(f);
  ReportRecursion(module, diagnostics);
}

void DefinitionChecker::RunFunction(CheckedFunction& fn) {
  function_ = &fn;
  is_metric_ = false;
  const ast::Function& f = *fn.ast;
  if (auto* v = Single(ast_.versions, "version", true)) {
    if (!ValidSemver(v->value)) {
      diagnostics_.Error("E-bad-version", v->range, "version `" + v->value + "` is not MAJOR.MINOR.PATCH",
                         "write a semantic version such as 1.0.0");
    }
  }
  Single(ast_.owners, "owner", true);
  Single(ast_.descriptions, "description", false);
  ReportMisplacedMembers();
  for (uint32_t i = 0; i < f.params.size(); ++i) {
    Symbol s;
    s.kind = Symbol::Kind::kFunctionParam;
    s.index = i;
    s.type = fn.param_types[i];
    Declare(f.params[i].name, f.params[i].name_range, s);
  }
  current_ = "";
  current_offset_ = f.body_range.begin;
  CheckedType t = CheckExpr(*f.body, Where::kRow);
  const CheckedType& declared = fn.result;
  if (t.kind != K::kError && declared.kind != K::kError) {
    if (!Assignable(t, declared)) {
      std::string hint;
      if (t.kind == K::kFloat && declared.kind == K::kInt) hint = "use round(), floor() or ceil() and declare float, or declare the function float";
      diagnostics_.Error("E-function-result-type", f.body->range,
                         "function `" + f.name + "` is declared to return " + declared.ToString() + " but its body is " +
                             t.ToString(),
                         hint);
    } else if (t.nullable && !declared.nullable) {
      std::string zero = declared.kind == K::kString ? "\"\"" : declared.kind == K::kBool ? "false" : "0";
      diagnostics_.Error("E-function-result-type", f.body->range,
                         "function `" + f.name + "` returns " + declared.ToString() + " but its body may be null",
                         "use coalesce(" + Excerpt(f.body->range) + ", " + zero + ") or declare `" + declared.ToString() + "?`");
    }
  }
  for (const auto& p : f.params) {
    auto it = def_.symbols.find(p.name);
    if (it != def_.symbols.end() && !it->second.used)
      diagnostics_.Warning("W-unused", p.name_range, "parameter `" + p.name + "` of `" + f.name + "` is never used");
  }
}

// A function is one expression of its parameters with version, owner and description:
// the other members of a definition have no meaning in it.
void DefinitionChecker::ReportMisplacedMembers() {
  auto report = [&](const SourceRange& range, const std::string& what) {
    diagnostics_.Error("E-function-member", range, "a function cannot have `" + what + "`",
                       "a function has `version`, `owner`, `description` and `= EXPR`; to name a part of it, "
                       "write another function");
  };
  const ast::Definition& b = ast_;
  for (const auto& x : b.keys) report(x.range, "key");
  for (const auto& x : b.tags) report(x.range, "tags");
  for (const auto& x : b.expires_after) report(x.range, "expires_after");
  if (b.has_group_by) report(b.group_by_range, "group by");
  for (const auto& x : b.inputs) report(x.name_range, "input");
  for (const auto& x : b.params) report(x.name_range, "param");
  for (const auto& x : b.lets) report(x.name_range, "let");
  for (const auto& x : b.outputs) report(x.name_range, "output");
  for (const auto& x : b.requirements) report(x.range, "require");
  for (const auto& x : b.tests) report(x.range, "test");
}

CheckedType DefinitionChecker::CheckFunctionCall(const ast::Expr& e, const CheckedFunction& fn, Where where) {
  if (std::find(def_.calls.begin(), def_.calls.end(), &fn) == def_.calls.end()) {
    def_.calls.push_back(&fn);
    if (function_ != nullptr) function_->call_ranges.push_back(e.name_range);
  }
  module_.info[&e].function = &fn;
  bool bad = false;
  for (size_t i = 0; i < e.arg_names.size(); ++i) {
    if (!e.arg_names[i].empty()) {
      diagnostics_.Error("E-named-argument", e.arg_name_ranges[i],
                         "`" + e.name + "` takes no named argument `" + e.arg_names[i] + "`",
                         "arguments of a function are given in order: " + fn.Signature());
      bad = true;
    }
  }
  std::vector<CheckedType> args;
  for (const auto& a : e.args) {
    args.push_back(CheckExpr(*a, where));
    bad = bad || args.back().kind == K::kError;
  }
  const auto& params = fn.ast->params;
  if (e.args.size() != params.size()) {
    diagnostics_.Error("E-arity", e.range,
                       "`" + e.name + "` takes " + std::to_string(params.size()) +
                           (params.size() == 1 ? " argument" : " arguments") + ", not " + std::to_string(e.args.size()),
                       "usage: " + fn.Signature());
    return Record(e, ErrorType());
  }
  for (size_t i = 0; i < args.size() && !bad; ++i) {
    const CheckedType& want = fn.param_types[i];
    if (want.kind == K::kError) continue;
    if (!Assignable(args[i], want)) {
      diagnostics_.Error("E-type-mismatch", e.args[i]->range,
                         "argument `" + params[i].name + "` of `" + e.name + "` is " + want.ToString() + ", not " +
                             args[i].ToString(),
                         "usage: " + fn.Signature());
      bad = true;
    } else if ((args[i].nullable || args[i].kind == K::kNull) && !want.nullable) {
      std::string zero = want.kind == K::kString ? "\"\"" : want.kind == K::kBool ? "false" : "0";
      diagnostics_.Error("E-nullable-argument", e.args[i]->range,
                         "argument `" + params[i].name + "` of `" + e.name + "` is " + want.ToString() + " but `" +
                             Excerpt(e.args[i]->range) + "` may be null",
                         "use coalesce(" + Excerpt(e.args[i]->range) + ", " + zero + ")");
      bad = true;
    }
  }
  if (bad || fn.result.kind == K::kError) return Record(e, ErrorType());
  return Record(e, fn.result);
}

}  // namespace checking
}  // namespace tally
