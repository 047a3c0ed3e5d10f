// ast::File -> outline: the parser's (possibly partial) tree, reduced to what tools outside
// the compiler need, with source text taken from the parser's own ranges.
#include "tally/compiler/outline.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <iterator>

#include "tally/compiler/parser.h"

namespace tally {

namespace {

std::string TextOf(const SourceFile& file, const SourceRange& range) {
  if (range.end <= range.begin || range.end > file.text().size()) return {};
  return file.text().substr(range.begin, range.end - range.begin);
}

// Each line trimmed; empty lines dropped.
std::string Tidy(const std::string& text, const char* joiner) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    size_t b = text.find_first_not_of(" \t\r", start);
    if (b != std::string::npos && b < end) {
      size_t e = text.find_last_not_of(" \t\r", end - 1);
      if (!out.empty()) out += joiner;
      out += text.substr(b, e + 1 - b);
    }
    start = end + 1;
  }
  return out;
}

// The text of `range` without the comments inside it: a comment never changes a member.
std::string TextWithoutComments(const SourceFile& file, const SourceRange& range, const std::vector<SourceRange>& comments) {
  std::string out;
  uint32_t at = range.begin;
  for (const auto& c : comments) {
    if (c.end <= at || c.begin >= range.end) continue;
    out += TextOf(file, {range.file, at, std::max(at, c.begin)});
    at = std::min(range.end, c.end);
  }
  return out + TextOf(file, {range.file, at, range.end});
}

std::string TypeText(const ast::TypeRef& t) { return t.name.empty() ? "" : t.name + (t.nullable ? "?" : ""); }

// The member whose range holds `r.begin` (members do not overlap and are in source order):
// a binary search, so naming the members of a 100,000-let definition is not quadratic.
MemberOutline* MemberAt(std::vector<MemberOutline>& members, const SourceRange& r) {
  auto after = std::upper_bound(members.begin(), members.end(), r.begin,
                                [](uint32_t offset, const MemberOutline& m) { return offset < m.range.begin; });
  if (after == members.begin()) return nullptr;
  MemberOutline& m = *std::prev(after);
  return r.begin < m.range.end ? &m : nullptr;
}

// Every name called in `roots`, sorted, each once. Expressions nest boundedly (the parser's
// limits), and an explicit stack keeps deep ones off the call stack anyway.
std::vector<std::string> CallsIn(const std::vector<const ast::Expr*>& roots) {
  std::vector<std::string> out;
  std::vector<const ast::Expr*> todo(roots.begin(), roots.end());
  while (!todo.empty()) {
    const ast::Expr* e = todo.back();
    todo.pop_back();
    if (e == nullptr) continue;
    if (e->kind == ast::Expr::Kind::kCall) out.push_back(e->name);
    for (const auto& a : e->args) todo.push_back(a.get());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<const ast::Expr*> ExpressionsOf(const ast::Definition& d) {
  std::vector<const ast::Expr*> out;
  for (const auto& l : d.lets) out.push_back(l.value.get());
  for (const auto& o : d.outputs) out.push_back(o.value.get());
  for (const auto& r : d.requirements) out.push_back(r.condition.get());
  return out;
}

DefinitionOutline OutlineDefinition(const SourceFilePtr& source, const ast::Definition& d,
                                    const std::vector<SourceRange>& comments) {
  DefinitionOutline out;
  out.source = source;
  out.file = source->path();
  out.name = d.name;
  out.kind = d.kind == ast::Definition::Kind::kMetric ? "metric" : "score";
  if (!d.versions.empty()) out.version = d.versions.front().value;
  if (!d.owners.empty()) {
    out.owner = d.owners.front().value;
    out.owner_range = d.owners.front().range;
  }
  out.range = d.range;
  out.text = TextOf(*source, d.range);
  for (const auto& range : d.members) {
    MemberOutline m;
    m.range = range;
    std::string raw = TextWithoutComments(*source, range, comments);
    // A member's range starts at its keyword token (grammar/Tally.g4 `member`).
    m.kind = raw.substr(0, raw.find_first_of(" \t\r\n\"[{"));
    m.text = Tidy(raw, m.kind == "test" ? "\n" : " ");
    out.members.push_back(std::move(m));
  }
  auto name_member = [&](const SourceRange& at, const std::string& name) -> SourceRange {
    MemberOutline* m = MemberAt(out.members, at);
    if (m == nullptr) return at;
    m->name = name;
    return m->range;
  };
  for (const auto& i : d.inputs)
    out.inputs.push_back({i.name, TypeText(i.type), i.type.nullable, name_member(i.name_range, i.name)});
  for (const auto& o : d.outputs)
    out.outputs.push_back({o.name, TypeText(o.type), o.type.nullable, name_member(o.name_range, o.name)});
  for (const auto& p : d.params)
    out.params.push_back({p.name, p.type ? TypeText(*p.type) : "", p.regional, name_member(p.name_range, p.name)});
  for (const auto& l : d.lets) name_member(l.name_range, l.name);
  for (const auto& t : d.tests) {
    name_member(t.range, t.name);
    out.tests.push_back(t.name);
  }
  for (const auto& k : d.keys) out.key.push_back(k.value);
  for (const auto& g : d.group_by) out.group_by.push_back(g.value);
  out.calls = CallsIn(ExpressionsOf(d));
  return out;
}

DefinitionOutline OutlineFunction(const SourceFilePtr& source, const ast::Function& f,
                                  const std::vector<SourceRange>& comments) {
  DefinitionOutline out;
  out.source = source;
  out.file = source->path();
  out.name = f.name;
  out.kind = "function";
  const ast::Definition& b = f.block;
  if (!b.versions.empty()) out.version = b.versions.front().value;
  if (!b.owners.empty()) {
    out.owner = b.owners.front().value;
    out.owner_range = b.owners.front().range;
  }
  out.range = f.range;
  out.text = TextOf(*source, f.range);
  auto member = [&](const std::string& kind, const std::string& name, const SourceRange& range) {
    MemberOutline m;
    m.kind = kind;
    m.name = name;
    m.range = range;
    m.text = Tidy(TextWithoutComments(*source, range, comments), " ");
    out.members.push_back(std::move(m));
  };
  for (const auto& p : f.params) {
    member("parameter", p.name, p.range);
    out.inputs.push_back({p.name, TypeText(p.type), p.type.nullable, p.range});
  }
  member("returns", "", f.result.range);
  out.outputs.push_back({"result", TypeText(f.result), f.result.nullable, f.result.range});
  for (const auto& range : b.members) {
    std::string raw = TextWithoutComments(*source, range, comments);
    member(raw.substr(0, raw.find_first_of(" \t\r\n\"[{")), "", range);
  }
  member("body", "", f.body_range);
  out.calls = CallsIn({f.body.get()});
  return out;
}

OverrideOutline OutlineOverride(const SourceFilePtr& source, const ast::Override& o) {
  OverrideOutline out;
  out.source = source;
  out.file = source->path();
  out.target = o.target;
  out.region = o.region;
  out.range = o.range;
  out.text = TextOf(*source, o.range);
  for (const auto& item : o.items) {
    SourceRange whole{item.name_range.file, item.name_range.begin, std::max(item.name_range.end, item.value.range.end)};
    out.items.push_back({item.name, TextOf(*source, item.value.range), whole});
  }
  return out;
}

TableOutline OutlineTable(const SourceFilePtr& source, const ast::Table& t) {
  TableOutline out;
  out.source = source;
  out.file = source->path();
  out.name = t.name;
  if (!t.versions.empty()) out.version = t.versions.front().value;
  if (!t.owners.empty()) out.owner = t.owners.front().value;
  if (!t.sources.empty()) {
    out.source_file = t.sources.front().value;
    out.data_file = ResolveTableSource(out.file, out.source_file);
  }
  out.range = t.range;
  out.text = TextOf(*source, t.range);
  if (!t.keys.empty()) out.key = t.keys.front().name + " : " + TypeText(t.keys.front().type);
  for (const auto& c : t.columns) out.columns.push_back({c.name, TypeText(c.type), c.type.nullable, c.name_range});
  return out;
}

}  // namespace

std::string ResolveTableSource(const std::string& tally_file, const std::string& source) {
  namespace fs = std::filesystem;
  fs::path relative(source);
  if (source.empty() || relative.is_absolute() || relative.extension() != ".csv") return "";
  for (const auto& part : relative) {
    if (part == "..") return "";
  }
  return (fs::path(tally_file).parent_path() / relative).lexically_normal().string();
}

FileOutline OutlineFile(const SourceFilePtr& source) {
  FileOutline out;
  out.source = source;
  out.diagnostics.Retain(source);
  try {
    ast::File file = Parse(source, out.diagnostics);
    for (const auto& d : file.definitions) out.definitions.push_back(OutlineDefinition(source, d, file.comments));
    for (const auto& o : file.overrides) out.overrides.push_back(OutlineOverride(source, o));
    for (const auto& f : file.functions) out.functions.push_back(OutlineFunction(source, f, file.comments));
    for (const auto& t : file.tables) out.tables.push_back(OutlineTable(source, t));
  } catch (const std::exception& e) {
    out.diagnostics.Error("E-internal", {source.get(), 0, 0}, std::string("outline failed: ") + e.what());
  }
  return out;
}

}  // namespace tally
