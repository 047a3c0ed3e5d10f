// tally test [PATH...]: run every `test` block with the reference interpreter.
#include <cstdio>

#include "commands.h"
#include "tally/compiler/compiler.h"

namespace tally::cli {

void AddTest(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto* cmd = app.add_subcommand("test", "Run every test block");
  auto paths = std::make_shared<std::vector<std::string>>();
  auto verbose = std::make_shared<bool>(false);
  cmd->add_option("paths", *paths, "Files or folders of *.tally definitions (default: <repo>/metrics)");
  cmd->add_option("--repo", global.repo, "Repository (default: the one around the current directory)");
  cmd->add_flag("-v,--verbose", *verbose, "List passing tests too");
  cmd->callback([&global, &exit_code, paths, verbose] {
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
    size_t passed = 0, failed = 0;
    for (const auto& outcome : result.library->RunTests()) {
      if (!IsNamedFile(*paths, outcome.location.substr(0, outcome.location.find(':')))) continue;
      if (outcome.passed) {
        ++passed;
        if (*verbose) std::printf("PASS %s: %s \"%s\"\n", outcome.location.c_str(), outcome.definition.c_str(), outcome.test_name.c_str());
        continue;
      }
      ++failed;
      std::printf("FAIL %s: %s \"%s\"\n", outcome.location.c_str(), outcome.definition.c_str(), outcome.test_name.c_str());
      for (const auto& f : outcome.failures) std::printf("  %s\n", f.c_str());
    }
    std::printf("%zu passed, %zu failed\n", passed, failed);
    exit_code = failed == 0 ? 0 : 1;
  });
}

}  // namespace tally::cli
