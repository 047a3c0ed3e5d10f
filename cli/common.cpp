#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "commands.h"

namespace tally::cli {

namespace fs = std::filesystem;

std::string DefaultMetricsPath(const GlobalOptions& global) {
  if (!global.repo.empty()) return (fs::path(global.repo) / "metrics").string();
  // The repository around the current directory: the nearest ancestor with a metrics/ folder.
  std::error_code ec;
  for (fs::path dir = fs::current_path(ec); !ec && !dir.empty(); dir = dir.parent_path()) {
    if (fs::is_directory(dir / "metrics", ec)) return (dir / "metrics").string();
    if (dir == dir.parent_path()) break;
  }
  return "metrics";
}

std::string BundledMetricsPath() {
  if (const char* env = std::getenv("TALLY_METRICS_DIR")) return env;
  return std::string(TALLY_SOURCE_DIR) + "/metrics";
}

std::optional<CompileResult> CompilePaths(const GlobalOptions& global, std::vector<std::string>& paths,
                                          size_t* file_count) {
  if (paths.empty()) paths.push_back(DefaultMetricsPath(global));
  auto sources = CollectSources(paths);
  if (!sources) {
    std::fprintf(stderr, "tally: %s\n", sources.error().message.c_str());
    return std::nullopt;
  }
  if (file_count != nullptr) *file_count = sources->size();
  return Compile(*sources);
}

bool StderrIsTerminal() { return ::isatty(2) && std::getenv("NO_COLOR") == nullptr; }

}  // namespace tally::cli
