// tally demo: the main job end to end on bundled sample data.
#include <cstdio>

#include "commands.h"
#include "tally/compiler/compiler.h"
#include "tally/compiler/interpreter.h"

namespace tally::cli {

void AddDemo(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto* cmd = app.add_subcommand("demo", "Run the main job end to end on bundled sample data");
  cmd->callback([&global, &exit_code] {
    (void)global;
    std::string metrics = BundledMetricsPath();
    std::printf("== 1. tally check %s\n", metrics.c_str());
    auto sources = CollectSources({metrics});
    if (!sources) {
      std::fprintf(stderr, "tally: %s\n", sources.error().message.c_str());
      exit_code = 1;
      return;
    }
    CompileResult result = Compile(*sources);
    std::fputs(Render(result.diagnostics, StderrIsTerminal()).c_str(), stderr);
    if (!result.library) {
      exit_code = 1;
      return;
    }
    std::printf("   %zu definitions in %zu files, %zu warnings\n", result.library->Names().size(), sources->size(),
                result.diagnostics.WarningCount());
    std::printf("== 2. tally test %s\n", metrics.c_str());
    size_t passed = 0, failed = 0;
    for (const auto& o : result.library->RunTests()) (o.passed ? passed : failed)++;
    std::printf("   %zu passed, %zu failed\n", passed, failed);
    exit_code = failed == 0 ? 0 : 1;
  });
}

}  // namespace tally::cli
