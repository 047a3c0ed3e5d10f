// The pipeline, top to bottom: collect -> parse -> check -> lower -> optimize (verified IR
// passes). Nothing clever here; each stage is its own file.
#include "tally/compiler/compiler.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>
#include <utility>

#include <sys/stat.h>

#include "constant_traps.h"
#include "library_impl.h"
#include "tally/compiler/checker.h"
#include "tally/compiler/lower.h"
#include "tally/compiler/parser.h"
#include "tally/compiler/passes.h"
#include "tally/support/sha256.h"

namespace tally {

namespace fs = std::filesystem;

bool IsDataFile(const std::string& path) { return fs::path(path).extension() == ".csv"; }

Result<std::vector<SourceFilePtr>> CollectSources(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) return Error{path + ": no such file or directory"};
    if (fs::is_directory(status)) {
      fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
      if (ec) return Error{path + ": " + ec.message()};
      for (; it != end; it.increment(ec)) {
        if (ec) return Error{path + ": " + ec.message()};
        // Definitions, and the CSV files reference tables may name (docs/language.md).
        if (it->is_regular_file(ec) && (it->path().extension() == ".tally" || IsDataFile(it->path().string())))
          files.push_back(it->path().string());
      }
    } else {
      files.push_back(path);
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  std::vector<SourceFilePtr> sources;
  // One file named twice (by itself and inside a folder, as `a/x` and `./a/x`, or by a hard
  // link) is read once, under its first path in sorted order: one stat per file and a set of
  // (device, inode), where comparing every pair took 44 s for 10,000 files (issue 9).
  std::set<std::pair<dev_t, ino_t>> identities;
  for (const auto& f : files) {
    struct stat st {};
    if (::stat(f.c_str(), &st) == 0 && !identities.insert({st.st_dev, st.st_ino}).second) continue;
    auto source = SourceFile::Load(f);
    if (!source) return source.error();
    sources.push_back(*source);
  }
  return sources;
}


namespace {

std::string SliceText(const SourceRange& r) { return r.file->text().substr(r.begin, r.end - r.begin); }

DefinitionInfo MakeInfo(const CheckedModule& module, const CheckedDefinition& d, const ir::Program& program) {
  const ast::Definition& a = *d.ast;
  DefinitionInfo info;
  info.name = a.name;
  info.kind = a.kind == ast::Definition::Kind::kMetric ? ir::Program::Kind::kMetric : ir::Program::Kind::kScore;
  if (!a.versions.empty()) info.version = a.versions[0].value;
  if (!a.owners.empty()) info.owner = a.owners[0].value;
  if (!a.descriptions.empty()) info.description = a.descriptions[0].value;
  for (const auto& t : a.tags) info.tags.push_back(t.value);
  if (d.expires_after_seconds > 0) info.expires_after_seconds = d.expires_after_seconds;
  info.file = d.file->source->path();
  // The hash covers the definition's own text and each override's text, in file order, each
  // with its length so that no two different sequences hash the same.
  std::string material = "tally-definition-v1\n" + std::to_string(a.range.end - a.range.begin) + "\n" + SliceText(a.range);
  for (size_t i = 0; i < d.overrides.size(); ++i) {
    const auto* o = d.overrides[i];
    material += "\n" + std::to_string(o->range.end - o->range.begin) + "\n" + SliceText(o->range);
    info.override_files.push_back(d.override_files[i]->source->path());
  }
  // Then every function it calls, by name: inlined, they are part of what it computes. A
  // definition that calls none hashes as it always did.
  for (const CheckedFunction* f : module.FunctionsReached(d.calls)) {
    const ast::Function& a_fn = *f->ast;
    material += "\nfunction " + std::to_string(a_fn.range.end - a_fn.range.begin) + "\n" + SliceText(a_fn.range);
    info.functions.push_back(a_fn.name);
  }
  // A definition that reads tables is also their declarations and their data: the same
  // text with other weights is not the same definition. (Without tables: unchanged.)
  for (const ir::Table& t : program.tables) {
    const CheckedTable* table = module.FindTable(t.name);
    if (table == nullptr) continue;
    std::string declaration = SliceText(table->ast->range);
    material += "\ntable " + std::to_string(declaration.size()) + "\n" + declaration + "\n" + table->data_sha256;
    info.tables.push_back({table->name, table->version, table->owner, table->file->source->path(), table->source_path,
                           table->data_sha256});
  }
  info.content_sha256 = Sha256Hex(material);
  return info;
}

// An error where the trap rejects every row (or group), a warning where only the rows that
// take an `if` branch (or reach a later coalesce operand) are rejected.
void ReportConstantTraps(const ir::Program& program, const std::vector<SourceRange>& reason_ranges,
                         DiagnosticList& diagnostics) {
  for (const ir::ConstantTrap& t : ir::FindConstantTraps(program)) {
    const std::string& what = program.reasons[t.reason].message;
    const SourceRange& range = reason_ranges[t.reason];
    if (t.every_row) {
      diagnostics.Error("E-constant-trap", range, what + " on every row",
                        "these operands are constants, so every row would be rejected");
    } else {
      diagnostics.Warning("W-constant-trap", range, what + " on every row that takes this branch",
                          "these operands are constants, so those rows would be rejected");
    }
  }
}

}  // namespace

CompileResult Compile(const std::vector<SourceFilePtr>& files) {
  CompileResult result;
  for (const auto& f : files) result.diagnostics.Retain(f);
  std::vector<std::shared_ptr<const ast::File>> parsed;
  std::vector<SourceFilePtr> data_files;
  for (const auto& f : files) {
    if (IsDataFile(f->path())) {
      data_files.push_back(f);
      continue;
    }
    size_t errors_before = result.diagnostics.ErrorCount();
    auto file = std::make_shared<const ast::File>(Parse(f, result.diagnostics));
    // A file that did not parse is left out of checking: its holes would only come back as
    // name errors. The other files are still checked, so all their problems are reported.
    if (result.diagnostics.ErrorCount() == errors_before) parsed.push_back(std::move(file));
  }
  auto impl = std::make_shared<Library::Impl>();
  impl->files = files;
  impl->module = std::make_unique<CheckedModule>(Check(std::move(parsed), result.diagnostics));
  LoadTableData(*impl->module, data_files, result.diagnostics);
  result.diagnostics.SortByLocation();
  if (result.diagnostics.HasErrors()) return result;
  for (const auto& d : impl->module->definitions) {
    std::vector<SourceRange> reason_ranges;
    ir::Program program = Lower(*impl->module, d, &reason_ranges);
    // Verified after lowering and after each pass, in every build: it is cheap, and a
    // malformed program must never reach an engine.
    if (Status s = ir::Optimize(program); !s.ok()) {
      result.diagnostics.Error("E-internal", d.ast->name_range, "internal error: " + s.message());
      continue;
    }
    ReportConstantTraps(program, reason_ranges, result.diagnostics);
    impl->infos.emplace(d.ast->name, MakeInfo(*impl->module, d, program));
    impl->programs.emplace(d.ast->name, std::move(program));
  }
  for (const auto& f : impl->module->functions) {
    ir::Program program = LowerFunction(*impl->module, f);
    if (Status s = ir::Optimize(program); !s.ok()) {
      result.diagnostics.Error("E-internal", f.ast->name_range, "internal error: " + s.message());
      continue;
    }
    impl->function_programs.emplace(f.ast->name, std::move(program));
  }
  result.diagnostics.SortByLocation();
  if (result.diagnostics.HasErrors()) return result;
  result.library.emplace(impl);
  return result;
}

const ir::Program* Library::Find(const std::string& name) const {
  auto it = impl_->programs.find(name);
  return it == impl_->programs.end() ? nullptr : &it->second;
}

const DefinitionInfo* Library::Info(const std::string& name) const {
  auto it = impl_->infos.find(name);
  return it == impl_->infos.end() ? nullptr : &it->second;
}

const ir::Program* Library::FindFunction(const std::string& name) const {
  auto it = impl_->function_programs.find(name);
  return it == impl_->function_programs.end() ? nullptr : &it->second;
}

std::vector<std::string> Library::FunctionNames() const {
  std::vector<std::string> names;
  for (const auto& [name, p] : impl_->function_programs) names.push_back(name);
  return names;
}

std::vector<std::string> Library::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, p] : impl_->programs) names.push_back(name);
  return names;
}

}  // namespace tally
