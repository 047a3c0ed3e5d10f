// tally test [PATH...] [--engine jit|interpreter|both]: run every `test` block on the chosen
// engines (tally/runtime/test_runner.h).
#include <cstdio>

#include "commands.h"
#include "jit.h"
#include "tally/compiler/compiler.h"
#include "tally/runtime/test_runner.h"

namespace tally::cli {

void AddTest(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto* cmd = app.add_subcommand("test", "Run every test block");
  auto paths = std::make_shared<std::vector<std::string>>();
  auto verbose = std::make_shared<bool>(false);
  auto engine = std::make_shared<std::string>("both");
  auto cache_dir = std::make_shared<std::string>();
  cmd->add_option("paths", *paths, "Files or folders of *.tally definitions (default: <repo>/metrics)");
  cmd->add_option("--repo", global.repo, "Repository (default: the one around the current directory)");
  cmd->add_flag("-v,--verbose", *verbose, "List passing tests too");
  cmd->add_option("--engine", *engine, "both (default: each test on both, disagreements fail), jit or interpreter")
      ->check(CLI::IsMember({"both", "jit", "interpreter"}));
  cmd->add_option("--cache-dir", *cache_dir, "Kernel cache (default: $XDG_CACHE_HOME/tally)");
  cmd->callback([&global, &exit_code, paths, verbose, engine, cache_dir] {
    size_t file_count = 0;
    auto compiled = CompilePaths(global, *paths, &file_count);
    if (!compiled) {
      exit_code = 1;
      return;
    }
    CompileResult& result = *compiled;
    std::fputs(Render(result.diagnostics, StderrIsTerminal()).c_str(), stderr);
    if (!result.library) {
      std::printf("0 passed, 0 failed (definitions have errors)\n");
      exit_code = 1;
      return;
    }
    std::vector<runtime::TestEngine> engines;
    if (*engine != "jit") engines.push_back(runtime::InterpreterEngine());
    if (*engine != "interpreter") engines.push_back({"jit", JitKernelFactory(*cache_dir)});
    auto outcomes = runtime::RunTests(*result.library, engines,
                                      [&](const std::string& file) { return IsNamedFile(*paths, file); });
    if (!outcomes) {
      std::fprintf(stderr, "tally: %s\n", outcomes.error().message.c_str());
      std::printf("0 passed, 0 failed (the tests could not run)\n");
      exit_code = 1;
      return;
    }
    std::fputs(runtime::RenderTestOutcomes(*outcomes, *verbose).c_str(), stdout);
    size_t failed = 0;
    for (const auto& outcome : *outcomes) failed += outcome.passed ? 0 : 1;
    exit_code = failed == 0 ? 0 : 1;
  });
}

}  // namespace tally::cli
