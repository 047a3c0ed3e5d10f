// Name resolution, typing with nullability, the divisor rule, metadata, overrides and tests:
// the entry point, which runs the parts declared in checker_internal.h, one file each.
// Every rule reports into the DiagnosticList and checking goes on, so a file's problems are
// all reported at once; kError types keep one mistake from cascading into many messages.
#include "tally/compiler/checker.h"

#include <algorithm>
#include <functional>
#include <map>

#include "checker_internal.h"

namespace tally {

ir::Type CheckedType::ToIr() const {
  switch (kind) {
    case Kind::kBool: return ir::Type::kBool;
    case Kind::kInt: return ir::Type::kInt;
    case Kind::kString: return ir::Type::kString;
    case Kind::kDate: return ir::Type::kDate;
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
    case Kind::kDate: base = "date"; break;
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

const CheckedTable* CheckedModule::FindTable(const std::string& name) const {
  auto it = std::lower_bound(tables.begin(), tables.end(), name,
                             [](const CheckedTable& t, const std::string& n) { return t.name < n; });
  return it != tables.end() && it->name == name ? &*it : nullptr;
}

namespace checking {

void DefinitionChecker::Run() {
  is_metric_ = ast_.kind == ast::Definition::Kind::kMetric;
  CheckMetadata();
  DeclareNames();
  CollectReferences();
  for (size_t i = 0; i < ast_.params.size(); ++i) CheckParam(i);
  CheckKeysAndGroups();
  CheckInputLayout();
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
  if (is_metric_) CheckComputedGroupKeys();
  if (ast_.outputs.empty()) {
    diagnostics_.Error("E-no-outputs", ast_.name_range,
                       "`" + ast_.name + "` has no outputs", "add `output NAME : TYPE = EXPR`");
  }
  WarnUnused();
  for (const auto& test : ast_.tests) CheckTest(test);
}

}  // namespace checking

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
  checking::CheckTables(module, diagnostics);
  checking::CheckFunctions(module, by_name, diagnostics);
  for (auto& d : module.definitions) checking::DefinitionChecker(d, module, diagnostics).Run();
  checking::CheckOverrides(module, diagnostics);
  return module;
}

}  // namespace tally
