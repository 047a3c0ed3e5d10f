#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "commands.h"
#include "tally/compiler/outline.h"
#include "tally/governance/sources.h"

namespace tally::cli {

namespace fs = std::filesystem;

std::string RepositoryOf(const GlobalOptions& global) {
  std::error_code ec;
  fs::path cwd = fs::current_path(ec);
  return governance::FindRepository(global.repo, ec ? "." : cwd.string());
}

std::string DefaultMetricsPath(const GlobalOptions& global) { return (fs::path(RepositoryOf(global)) / "metrics").string(); }

std::string BundledMetricsPath() {
  if (const char* env = std::getenv("TALLY_METRICS_DIR")) return env;
  return std::string(TALLY_SOURCE_DIR) + "/metrics";
}

namespace {

// A file named on its own is checked in the context of the library it belongs to (the
// nearest enclosing `metrics/` folder), so that overrides in other files apply to it; only
// the named files' diagnostics and tests are reported.
std::vector<std::string> WithLibraryContext(const std::vector<std::string>& paths) {
  std::vector<std::string> out = paths;
  std::error_code ec;
  for (const auto& p : paths) {
    if (!fs::is_regular_file(p, ec)) continue;
    for (fs::path dir = fs::absolute(p, ec).parent_path(); !dir.empty(); dir = dir.parent_path()) {
      if (dir.filename() == "metrics") {
        out.push_back(dir.string());
        break;
      }
      if (dir == dir.parent_path()) break;
    }
  }
  return out;
}

// The CSV files the tables of the named .tally files read: named too, so that they are
// compiled with them and their errors are reported (docs/language.md, "Reference tables").
std::vector<std::string> NamedTableData(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& p : paths) {
    if (!fs::is_regular_file(p, ec) || fs::path(p).extension() != ".tally") continue;
    auto source = SourceFile::Load(p);
    if (!source) continue;  // CollectSources reports it
    for (const auto& t : OutlineFile(*source).tables) {
      if (!t.data_file.empty() && fs::is_regular_file(t.data_file, ec)) out.push_back(t.data_file);
    }
  }
  return out;
}

}  // namespace

bool IsNamedFile(const std::vector<std::string>& paths, const std::string& file) {
  std::error_code ec;
  bool any_file = false;
  for (const auto& p : paths) {
    if (!fs::is_regular_file(p, ec)) return true;  // a folder was named: everything counts
    any_file = true;
    if (fs::equivalent(p, file, ec)) return true;
  }
  return !any_file;
}

std::optional<CompileResult> CompilePaths(const GlobalOptions& global, std::vector<std::string>& paths,
                                          size_t* file_count, std::vector<SourceFilePtr>* sources) {
  if (paths.empty()) paths.push_back(DefaultMetricsPath(global));
  for (auto& data : NamedTableData(paths)) paths.push_back(std::move(data));
  auto collected = CollectSources(WithLibraryContext(paths));
  if (!collected) {
    std::fprintf(stderr, "tally: %s\n", collected.error().message.c_str());
    return std::nullopt;
  }
  // CollectSources reads a file named twice (named, and inside its library) once.
  const std::vector<SourceFilePtr>& unique = *collected;
  size_t named = 0;
  for (const auto& f : unique) named += !IsDataFile(f->path()) && IsNamedFile(paths, f->path()) ? 1 : 0;
  if (file_count != nullptr) *file_count = named;
  if (sources != nullptr) *sources = unique;
  CompileResult result = Compile(unique);
  // Report only what concerns the files the user named.
  DiagnosticList kept;
  for (const auto& f : unique) kept.Retain(f);
  for (const auto& d : result.diagnostics.items()) {
    if (d.range.file == nullptr || IsNamedFile(paths, d.range.file->path())) kept.Add(d);
  }
  result.diagnostics = std::move(kept);
  return result;
}

bool StderrIsTerminal() { return ::isatty(2) && std::getenv("NO_COLOR") == nullptr; }

}  // namespace tally::cli
