// Each subcommand registers itself on the app; its callback stores the exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "tally/compiler/compiler.h"
#include "tally/governance/render.h"
#include "tally/support/result.h"

namespace tally::cli {

// Options every command takes.
struct GlobalOptions {
  std::string repo;  // --repo DIR; empty = the repository around the current directory
  bool json = false;
};

void AddCheck(CLI::App& app, GlobalOptions& global, int& exit_code);
void AddTest(CLI::App& app, GlobalOptions& global, int& exit_code);
void AddDemo(CLI::App& app, GlobalOptions& global, int& exit_code);
void AddScore(CLI::App& app, GlobalOptions& global, int& exit_code);
void AddGovernance(CLI::App& app, GlobalOptions& global, int& exit_code);

// Prints a governance result through governance's one renderer and returns the exit code:
// 0 done, 1 refused, problems found, or the command could not run. Anything that is not
// success goes to stderr, so `CR=$(tally propose ...)` never captures an error: with exit 1
// stdout stays empty in text mode. With --json stdout always holds the one JSON document
// ({"ok": false, ...} on failure, with "code" when the command could not run) and the
// human message still goes to stderr. See docs/cli.md.
template <typename Report>
int EmitReport(const Result<Report>& result, bool json) {
  if (!result.ok()) {
    std::fputs(governance::RenderErrorText(result.error()).c_str(), stderr);
    if (json) std::printf("%s\n", governance::RenderErrorJson(result.error()).c_str());
    return 1;
  }
  const Report& r = result.value();
  auto print = [](const std::string& text, FILE* stream) {
    std::fputs(text.c_str(), stream);
    if (!text.empty() && text.back() != '\n') std::fputs("\n", stream);
  };
  if (json) print(governance::RenderJson(r), stdout);
  if (!r.ok) print(governance::RenderText(r), stderr);
  else if (!json) print(governance::RenderText(r), stdout);
  return r.ok ? 0 : 1;
}

// Collects and compiles `paths` (default: <repo>/metrics, written back into `paths`);
// `sources`, when given, receives every file compiled. nullopt, with the message printed,
// when the files cannot be read.
std::optional<CompileResult> CompilePaths(const GlobalOptions& global, std::vector<std::string>& paths,
                                          size_t* file_count, std::vector<SourceFilePtr>* sources = nullptr);

// True when `file` is one the user named (or a folder was named, so every file counts).
bool IsNamedFile(const std::vector<std::string>& paths, const std::string& file);

// The repository a command works on: governance::FindRepository over --repo and the
// working directory (the one rule, docs/cli.md).
std::string RepositoryOf(const GlobalOptions& global);
// The metrics folder to use when a command is given no paths: <repo>/metrics.
std::string DefaultMetricsPath(const GlobalOptions& global);
// The folder of the bundled example library (metrics/ of the source tree).
std::string BundledMetricsPath();
bool StderrIsTerminal();

}  // namespace tally::cli
