// The gate's rules for reference tables (docs/governance.md, "Reference tables"): a table's
// declaration and the CSV file it names are owned by the table's owner, and a change to
// either is a new version of the table.
#include "gate_tables.h"

#include <set>

namespace tally::governance {

namespace {

const std::string* DataOf(const FileMap& files, const TableOutline* t) {
  if (t == nullptr || t->data_file.empty()) return nullptr;
  auto it = files.find(t->data_file);
  return it == files.end() ? nullptr : &it->second;
}

// The smallest truthful bump: the schema losing or retyping a key or column breaks
// readers (major); new columns or other rows change what lookups return (minor); anything
// else (a description, spacing) is a patch.
Bump RequiredTableBump(const TableOutline& o, const TableOutline& n, bool data_changed, std::vector<std::string>& why) {
  Bump bump = Bump::kPatch;
  if (o.key != n.key) {
    why.push_back("the key changed (" + o.key + " -> " + n.key + ")");
    bump = Bump::kMajor;
  }
  for (const auto& c : o.columns) {
    const FieldOutline* now = nullptr;
    for (const auto& d : n.columns) now = d.name == c.name ? &d : now;
    if (now == nullptr) why.push_back("column " + c.name + " removed"), bump = Bump::kMajor;
    else if (now->type != c.type) why.push_back("column " + c.name + " : " + c.type + " -> " + now->type), bump = Bump::kMajor;
  }
  for (const auto& c : n.columns) {
    bool existed = false;
    for (const auto& d : o.columns) existed = existed || d.name == c.name;
    if (!existed) why.push_back("column " + c.name + " added"), bump = std::max(bump, Bump::kMinor);
  }
  if (data_changed) why.push_back("its data (" + n.data_file + ") changed"), bump = std::max(bump, Bump::kMinor);
  return bump;
}

}  // namespace

void GateTables(const FileMap& base_files, const FileMap& head_files, const DefinitionIndex& old_index,
                const DefinitionIndex& new_index, const RequireFn& require, std::set<std::string>& covered,
                GateVerdict& v) {
  std::set<std::string> names;
  for (const auto& [n, t] : old_index.tables) names.insert(n);
  for (const auto& [n, t] : new_index.tables) names.insert(n);
  for (const auto& name : names) {
    auto o = old_index.tables.find(name);
    auto n = new_index.tables.find(name);
    const TableOutline* ot = o == old_index.tables.end() ? nullptr : &o->second;
    const TableOutline* nt = n == new_index.tables.end() ? nullptr : &n->second;
    const std::string* old_data = DataOf(base_files, ot);
    const std::string* new_data = DataOf(head_files, nt);
    bool data_changed = (old_data == nullptr) != (new_data == nullptr) || (old_data && *old_data != *new_data);
    bool moved = ot && nt && (ot->data_file != nt->data_file || ot->file != nt->file);
    if (ot && nt && ot->text == nt->text && !data_changed && !moved) continue;
    for (const TableOutline* t : {ot, nt}) {
      if (t == nullptr) continue;
      covered.insert(t->file);
      if (!t->data_file.empty()) covered.insert(t->data_file);
    }
    if (ot) require(ot->owner, "table " + name);
    if (nt && (!ot || nt->owner != ot->owner)) require(nt->owner, "table " + name + (ot ? " (new owner)" : ""));

    DefinitionChange ch;
    ch.name = name;
    ch.is_table = true;
    ch.from_version = ot ? ot->version : "";
    ch.to_version = nt ? nt->version : "";
    if (!nt) {
      ch.declared = ch.required = "removed";
    } else if (!ot) {
      ch.declared = ch.required = "new";
      if (!ParseSemVer(nt->version)) v.reasons.push_back("[version] table " + name + ": version '" + nt->version + "' is not MAJOR.MINOR.PATCH");
    } else {
      Bump required = RequiredTableBump(*ot, *nt, data_changed, ch.why);
      ch.required = BumpName(required);
      auto ov = ParseSemVer(ot->version), nv = ParseSemVer(nt->version);
      if (!nv) {
        v.reasons.push_back("[version] table " + name + ": version '" + nt->version + "' is not MAJOR.MINOR.PATCH");
      } else if (ov) {
        auto declared = DeclaredBump(*ov, *nv);
        if (!declared) {
          v.reasons.push_back("[version] table " + name + ": version goes down (" + ot->version + " -> " + nt->version + ")");
        } else if (*declared == Bump::kNone) {
          ch.declared = "none";
          v.reasons.push_back("[released] table " + name + " " + ot->version +
                              " is a released version and cannot change in place; declare a new version (this change needs " +
                              BumpName(required) + ")");
        } else {
          ch.declared = BumpName(*declared);
          if (*declared < required) {
            std::string reasons;
            for (const auto& w : ch.why) reasons += (reasons.empty() ? "" : "; ") + w;
            v.reasons.push_back("[version] table " + name + ": declared a " + BumpName(*declared) + " bump (" + ot->version +
                                " -> " + nt->version + ") but the change needs " + BumpName(required) + ": " + reasons);
          }
        }
      }
    }
    v.changes.push_back(std::move(ch));
  }
}

}  // namespace tally::governance
