// tally check [PATH...]: parse and type-check definitions; print every diagnostic.
#include <cstdio>

#include "commands.h"
#include "tally/compiler/compiler.h"
#include "tally/governance/policy.h"
#include "tally/governance/sources.h"
#include "tally/support/atomic_file.h"
#include "tally/support/json.h"

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

// Validates the policy (every problem, file:line:col, printed as ParsePolicy renders them)
// and that each definition's owner is one of its councils (located diagnostics, added to
// `diagnostics`). Returns the number of policy errors printed.
size_t CheckPolicy(const std::string& policy_path, const std::vector<SourceFilePtr>& files, DiagnosticList& diagnostics) {
  auto text = ReadFile(policy_path);
  if (!text) {
    std::fprintf(stderr, "tally: %s\n", text.error().message.c_str());
    return 1;
  }
  auto policy = governance::ParsePolicy(*text, policy_path);
  if (!policy) {
    std::fprintf(stderr, "%s\n", policy.error().message.c_str());
    return 1;
  }
  diagnostics.Append(governance::CheckOwners(*policy, policy_path, files));
  return 0;
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
    size_t file_count = 0;
    std::vector<SourceFilePtr> sources;
    auto compiled = CompilePaths(global, *paths, &file_count, &sources);
    if (!compiled) {
      exit_code = 1;
      return;
    }
    CompileResult& result = *compiled;
    size_t definitions = result.library ? result.library->Names().size() : 0;
    size_t policy_errors = 0;
    for (const auto& path : *paths) {
      std::string policy = governance::PolicyPathFor(path);
      if (!policy.empty()) policy_errors += CheckPolicy(policy, sources, result.diagnostics);
    }
    if (global.json) {
      nlohmann::json j;
      j["files"] = file_count;
      j["definitions"] = definitions;
      j["errors"] = result.diagnostics.ErrorCount();
      j["warnings"] = result.diagnostics.WarningCount();
      j["diagnostics"] = ToJson(result.diagnostics);
      std::printf("%s\n", DumpJson(j, 2).c_str());
    } else {
      std::fputs(Render(result.diagnostics, StderrIsTerminal()).c_str(), stderr);
      if (*dump_ir && result.library) {
        for (const auto& name : result.library->Names()) {
          if (IsNamedFile(*paths, result.library->Info(name)->file))
            std::printf("%s\n", result.library->Find(name)->ToString().c_str());
        }
      }
      size_t errors = result.diagnostics.ErrorCount() + policy_errors;
      std::fprintf(stderr, "checked %zu file%s: %zu error%s, %zu warning%s\n", file_count,
                   file_count == 1 ? "" : "s", errors, errors == 1 ? "" : "s", result.diagnostics.WarningCount(),
                   result.diagnostics.WarningCount() == 1 ? "" : "s");
    }
    exit_code = result.diagnostics.HasErrors() || policy_errors > 0 ? 1 : 0;
  });
}

}  // namespace tally::cli
