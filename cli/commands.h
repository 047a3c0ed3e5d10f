// Each subcommand registers itself on the app; its callback stores the exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

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

// The metrics folder to use when a command is given no paths: <repo>/metrics.
std::string DefaultMetricsPath(const GlobalOptions& global);
// The folder of the bundled example library (metrics/ of the source tree).
std::string BundledMetricsPath();
bool StderrIsTerminal();

}  // namespace tally::cli
