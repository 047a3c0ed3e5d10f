// The checker, part 6: reference tables. `table` declarations (their schema and metadata) are
// checked before any definition, so that `lookup(TABLE, key).column` is typed from them. The
// rows come later, from the CSV bytes (table_data.cpp).
#include "checker_internal.h"
#include "tally/compiler/outline.h"

#include <algorithm>
#include <map>
#include <set>

namespace tally::checking {

namespace {

template <typename T>
const ast::Located<T>* SingleMember(const ast::Table& t, const std::vector<ast::Located<T>>& items, const char* what,
                                    bool required, DiagnosticList& diagnostics) {
  if (items.empty()) {
    if (required)
      diagnostics.Error(std::string("E-missing-") + what, t.name_range, "table `" + t.name + "` has no `" + what + "`");
    return nullptr;
  }
  for (size_t i = 1; i < items.size(); ++i) {
    auto& d = diagnostics.Error("E-duplicate-member", items[i].range, std::string("`") + what + "` is given more than once");
    d.notes.push_back({items[0].range, "first given here"});
  }
  return &items[0];
}

// The CSV path a table names (outline.h ResolveTableSource); "" (with an error) when it
// is not a .csv path below the declaring file's folder.
std::string ResolveSource(const ast::Table& t, const ast::File& file, const ast::Located<std::string>& source,
                          DiagnosticList& diagnostics) {
  std::string path = ResolveTableSource(file.source->path(), source.value);
  if (path.empty()) {
    diagnostics.Error("E-table-source", source.range, "the source of `" + t.name + "` must be a .csv file below this file's folder",
                      "name the CSV file relative to this .tally file, without `..`");
  }
  return path;
}

void CheckTableField(const ast::TableField& f, const char* what, std::set<std::string>& names,
                std::map<std::string, SourceRange>& first, DiagnosticList& diagnostics, CheckedType& out) {
  auto type = ParseTypeName(f.type.name);
  if (!type) {
    diagnostics.Error("E-unknown-type", f.type.range, "unknown type `" + f.type.name + "`",
                      "the types are int, float, bool and string");
    type = ErrorType();
  }
  type->nullable = f.type.nullable;
  out = *type;
  if (!names.insert(f.name).second) {
    auto& d = diagnostics.Error("E-duplicate-name", f.name_range, std::string("`") + f.name + "` is already a " + what + " of this table");
    d.notes.push_back({first[f.name], "first declared here"});
  }
  first.emplace(f.name, f.name_range);
}

}  // namespace

void CheckTables(CheckedModule& module, DiagnosticList& diagnostics) {
  std::map<std::string, SourceRange> definitions;
  for (const auto& d : module.definitions) definitions.emplace(d.ast->name, d.ast->name_range);
  std::map<std::string, SourceRange> seen;
  for (const auto& file : module.files) {
    for (const auto& t : file->tables) {
      // One namespace with definitions, so that a name owns one thing in review and the gate.
      auto clash = definitions.find(t.name);
      auto [it, inserted] = seen.emplace(t.name, t.name_range);
      if (!inserted || clash != definitions.end()) {
        auto& d = diagnostics.Error("E-duplicate-definition", t.name_range, "`" + t.name + "` is defined twice");
        d.notes.push_back({inserted ? clash->second : it->second, "first defined here"});
        continue;
      }
      CheckedTable checked;
      checked.ast = &t;
      checked.file = file.get();
      checked.name = t.name;
      if (auto* v = SingleMember(t, t.versions, "version", true, diagnostics)) {
        checked.version = v->value;
        if (!ValidSemver(v->value))
          diagnostics.Error("E-bad-version", v->range, "version `" + v->value + "` is not MAJOR.MINOR.PATCH",
                            "write a semantic version such as 1.0.0");
      }
      if (auto* o = SingleMember(t, t.owners, "owner", true, diagnostics)) checked.owner = o->value;
      SingleMember(t, t.descriptions, "description", false, diagnostics);
      if (auto* s = SingleMember(t, t.sources, "source", true, diagnostics))
        checked.source_path = ResolveSource(t, *file, *s, diagnostics);
      std::set<std::string> names;
      std::map<std::string, SourceRange> first;
      if (t.keys.empty()) {
        diagnostics.Error("E-missing-key", t.name_range, "table `" + t.name + "` has no `key`",
                          "add `key NAME : string` (or int) naming the column it is looked up by");
      }
      for (size_t i = 0; i < t.keys.size(); ++i) {
        if (i > 0) {
          auto& d = diagnostics.Error("E-duplicate-member", t.keys[i].name_range, "a table has one `key`");
          d.notes.push_back({t.keys[0].name_range, "first given here"});
          continue;
        }
        CheckTableField(t.keys[i], "key", names, first, diagnostics, checked.key_type);
        const CheckedType& k = checked.key_type;
        if (k.kind != K::kError && (k.nullable || (k.kind != K::kInt && k.kind != K::kString))) {
          diagnostics.Error("E-table-key-type", t.keys[i].type.range,
                            "the key of a table is an int or a string, never null, not " + k.ToString());
        }
      }
      if (t.columns.empty()) diagnostics.Error("E-missing-column", t.name_range, "table `" + t.name + "` has no `column`");
      for (const auto& c : t.columns) {
        CheckedType type;
        CheckTableField(c, "column", names, first, diagnostics, type);
        checked.column_names.push_back(c.name);
        checked.column_types.push_back(type);
      }
      module.tables.push_back(std::move(checked));
    }
  }
  std::sort(module.tables.begin(), module.tables.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
}

CheckedType DefinitionChecker::CheckLookup(const ast::Expr& e, Where where) {
  CheckedType key = CheckExpr(*e.args[0], where);
  const CheckedTable* table = module_.FindTable(e.name);
  if (table == nullptr) {
    std::vector<std::string> names;
    for (const auto& t : module_.tables) names.push_back(t.name);
    std::string hint = Suggest(e.name, names);
    diagnostics_.Error("E-unknown-table", e.name_range, "unknown table `" + e.name + "`",
                       hint.empty() ? "declare it with `table " + e.name + " { ... }`" : hint);
    return Record(e, ErrorType());
  }
  auto column = std::find(table->column_names.begin(), table->column_names.end(), e.column);
  if (column == table->column_names.end()) {
    std::string hint = Suggest(e.column, table->column_names);
    if (!table->ast->keys.empty() && e.column == table->ast->keys[0].name)
      hint = "`" + e.column + "` is the key, which the lookup is given";
    diagnostics_.Error("E-unknown-column", e.column_range, "table `" + table->name + "` has no column `" + e.column + "`", hint);
    return Record(e, ErrorType());
  }
  if (key.kind != K::kError && key.kind != K::kNull && table->key_type.kind != K::kError &&
      key.kind != table->key_type.kind) {
    diagnostics_.Error("E-type-mismatch", e.args[0]->range,
                       "the key of `" + table->name + "` is " + table->key_type.ToString() + ", not " + key.ToString());
    return Record(e, ErrorType());
  }
  CheckedType column_type = table->column_types[column - table->column_names.begin()];
  if (column_type.kind == K::kError || key.kind == K::kError) return Record(e, ErrorType());
  auto& info = module_.info[&e];
  info.table = static_cast<int32_t>(table - module_.tables.data());
  info.column = static_cast<uint32_t>(column - table->column_names.begin());
  // Null when the key is null or absent, whatever the column's own nullability.
  return Record(e, Make(column_type.kind, true));
}

CheckedType DefinitionChecker::CheckField(const ast::Expr& e) {
  diagnostics_.Error("E-no-field", e.name_range, "`." + e.name + "`: only a table lookup has columns",
                     "write lookup(TABLE, key)." + e.name);
  return Record(e, ErrorType());
}

}  // namespace tally::checking
