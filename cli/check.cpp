// tally check [PATH...]: parse and type-check definitions; print every diagnostic.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "tally/compiler/compiler.h"

namespace tally::cli {

namespace {

nlohmann::json ToJson(const DiagnosticList& list) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : list.items()) {
    nlohmann::json j;
    j["severity"] = d.severity == Severity::kError ? "error" : d.severity == Severity::kWarning ? "warning" : "note";
    j["code"] = d.code;
    if (d.range.file) {
      auto p = d.range.file->PositionOf(d.range.begin);
      j["file"] = d.range.file->path();
      j["line"] = p.line;
      j["column"] = p.column;
    }
    j["message"] = d.message;
    if (!d.hint.empty()) j["hint"] = d.hint;
    out.push_back(j);
  }
  return out;
}

}  // namespace

void AddCheck(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto* cmd = app.add_subcommand("check", "Parse and type-check definitions");
  auto paths = std::make_shared<std::vector<std::string>>();
  auto dump_ir = std::make_shared<bool>(false);
  cmd->add_option("paths", *paths, "Files or folders of *.tally definitions (default: <repo>/metrics)");
  cmd->add_option("--repo", global.repo, "Repository (default: the one around the current directory)");
  cmd->add_flag("--json", global.json, "Print diagnostics as JSON");
  cmd->add_flag("--dump-ir", *dump_ir, "Print the IR of every definition that checks");
  cmd->callback([&global, &exit_code, paths, dump_ir] {
    if (paths->empty()) paths->push_back(DefaultMetricsPath(global));
    auto sources = CollectSources(*paths);
    if (!sources) {
      std::fprintf(stderr, "tally: %s\n", sources.error().message.c_str());
      exit_code = 1;
      return;
    }
    CompileResult result = Compile(*sources);
    size_t definitions = result.library ? result.library->Names().size() : 0;
    if (global.json) {
      nlohmann::json j;
      j["files"] = sources->size();
      j["definitions"] = definitions;
      j["errors"] = result.diagnostics.ErrorCount();
      j["warnings"] = result.diagnostics.WarningCount();
      j["diagnostics"] = ToJson(result.diagnostics);
      std::printf("%s\n", j.dump(2).c_str());
    } else {
      std::fputs(Render(result.diagnostics, StderrIsTerminal()).c_str(), stderr);
      if (*dump_ir && result.library) {
        for (const auto& name : result.library->Names()) std::printf("%s\n", result.library->Find(name)->ToString().c_str());
      }
      std::fprintf(stderr, "checked %zu file%s: %zu error%s, %zu warning%s\n", sources->size(),
                   sources->size() == 1 ? "" : "s", result.diagnostics.ErrorCount(),
                   result.diagnostics.ErrorCount() == 1 ? "" : "s", result.diagnostics.WarningCount(),
                   result.diagnostics.WarningCount() == 1 ? "" : "s");
    }
    exit_code = result.diagnostics.HasErrors() ? 1 : 0;
  });
}

}  // namespace tally::cli
