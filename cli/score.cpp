// tally score NAME[@MAJOR] --input IN.csv --output OUT.csv: score a CSV with a definition.
// Wiring only: definitions come from the governed history (governance) or a plain folder
// (compiler), kernels from the JIT (codegen), the run from the runtime.
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "commands.h"
#include "definitions_source.h"
#include "jit.h"
#include "tally/governance/record_signing.h"
#include "tally/runtime/score_source.h"

namespace tally::cli {

namespace {

struct ScoreArgs {
  std::string name;
  std::string input;
  std::string output;
  std::string rejects;
  std::vector<std::string> maps;
  std::string as_of;
  int64_t max_rejects = -1;
  int threads = 2;
  int64_t batch_rows = 65536;
  std::string engine = "jit";
  std::string cache_dir;
  bool no_lineage = false;
  bool allow_all_rejected = false;
  std::string progress = "auto";
  std::string sign_key;
  // Inputs as they come: unset unless given (the definition's layout fills the rest).
  std::string format;
  std::string delimiter;
  std::string header;
  std::string columns;
  bool no_header = false;
  std::string lineage;
};

// The input flags as runtime settings; a usage error names the flag.
Result<runtime::InputSettings> InputSettingsOf(const ScoreArgs& args) {
  runtime::InputSettings in;
  if (!args.format.empty()) in.format = runtime::ParseInputFormat(args.format);  // checked by CLI11
  if (!args.delimiter.empty()) {
    auto d = runtime::ParseDelimiter(args.delimiter);
    if (!d) return Error{"--delimiter: " + d.error().message};
    in.delimiter = *d;
  }
  if (!args.header.empty()) in.header = runtime::ParseHeaderRule(args.header);
  if (args.no_header && !args.header.empty() && args.header != "none") {
    return Error{"--no-header and --header " + args.header + " contradict each other"};
  }
  if (args.no_header) in.header = runtime::HeaderRule::kNone;
  if (!args.columns.empty()) {
    auto c = runtime::ParseColumnList(args.columns);
    if (!c) return Error{"--columns: " + c.error().message};
    in.columns = *c;
  }
  return in;
}

// CLI11 reads "" as 0 and "-1" as a number; a count must be written out, digits only, and fit.
CLI::Validator WholeNumber(int64_t min, int64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        int64_t value = 0;
        const char* end = text.data() + text.size();
        auto [p, ec] = std::from_chars(text.data(), end, value);
        const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || ec != std::errc{} || p != end || value < min || value > max) {
          return "'" + text + "' is not a whole number from " + std::to_string(min) + " to " +
                 std::to_string(max);
        }
        return {};
      },
      "INT in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
}

int Run(const GlobalOptions& global, const ScoreArgs& args) {
  runtime::ScoreOptions paths;
  paths.input_path = args.input;
  paths.output_path = args.output;
  paths.rejects_path = args.rejects;
  paths.lineage_path = args.lineage;
  if (!args.no_lineage) paths.lineage.emplace();
  if (Status st = runtime::CheckPaths(paths); !st.ok()) {
    std::fprintf(stderr, "tally: %s\n", st.message().c_str());
    return 2;
  }
  auto input = InputSettingsOf(args);
  if (!input) {
    std::fprintf(stderr, "tally: %s\n", input.error().message.c_str());
    return 2;
  }
  auto source = LoadDefinitions(global, args.name, args.as_of);
  if (!source) {
    std::fprintf(stderr, "tally: %s\n", source.error().message.c_str());
    return 1;
  }
  runtime::ScoreOptions options;
  options.input_path = args.input;
  options.output_path = args.output;
  options.rejects_path = args.rejects;
  options.lineage_path = args.lineage;
  options.input = *input;
  for (const auto& spec : args.maps) {
    auto mapping = runtime::ParseColumnMapping(spec);
    if (!mapping) {
      std::fprintf(stderr, "tally: --map %s: %s\n", spec.c_str(), mapping.error().message.c_str());
      return 2;
    }
    options.mappings.push_back(*mapping);
  }
  if (args.max_rejects >= 0) options.max_rejects = args.max_rejects;
  options.allow_all_rejected = args.allow_all_rejected;
  options.threads = args.threads;
  options.batch_rows = args.batch_rows;
  options.progress = args.progress == "always" ? runtime::ProgressMode::kAlways
                     : args.progress == "never" ? runtime::ProgressMode::kNever
                                                : runtime::ProgressMode::kAuto;
  if (!args.no_lineage) {
    runtime::LineageFacts facts;
    facts.commit = source->commit.empty() ? "ungoverned" : source->commit;
    facts.freeze = source->freeze;
    facts.approvers = source->approvers;
    facts.mappings = options.mappings;
    if (args.engine == "jit") AddJitTargetFacts(facts);
    if (!args.sign_key.empty()) {
      auto signer = governance::LoadLineageSigner(args.sign_key);
      if (!signer) {
        std::fprintf(stderr, "tally: --sign-key: %s\n", signer.error().message.c_str());
        return 1;
      }
      facts.sign = *signer;
    }
    options.lineage = facts;
  }
  KernelFactory factory = args.engine == "jit" ? JitKernelFactory(args.cache_dir) : KernelFactory{};
  DiagnosticList diagnostics;
  auto summary = ScoreSource(source->files, args.name, factory, options, diagnostics);
  if (!summary) {
    if (diagnostics.HasErrors()) std::fputs(Render(diagnostics, StderrIsTerminal()).c_str(), stderr);
    std::fprintf(stderr, "tally: %s\n", summary.error().message.c_str());
    return 1;
  }
  // With --output -, standard output holds the scores and nothing else: the summary goes to
  // stderr.
  FILE* report = args.output == "-" ? stderr : stdout;
  if (global.json) {
    std::fprintf(report, "%s\n", summary->ToJson().c_str());
  } else {
    std::fprintf(report, "scored %s %s (%s, %s) in %.2f s\n", summary->definition.c_str(), summary->version.c_str(),
                summary->engine.c_str(), source->commit.empty() ? "ungoverned" : ("commit " + source->commit.substr(0, 12)).c_str(),
                summary->seconds);
    std::fprintf(report, "  rows read %lld = scored %lld + rejected %lld; %lld output rows\n",
                static_cast<long long>(summary->rows_read), static_cast<long long>(summary->rows_scored),
                static_cast<long long>(summary->rows_rejected), static_cast<long long>(summary->output_rows));
    std::fprintf(report, "  output  %s\n", summary->output_path.c_str());
    if (!summary->rejects_path.empty()) std::fprintf(report, "  rejects %s\n", summary->rejects_path.c_str());
    if (!summary->lineage_path.empty()) std::fprintf(report, "  lineage %s\n", summary->lineage_path.c_str());
    if (summary->rejects_path.empty()) {
      for (const auto& r : summary->first_rejects) {
        std::fprintf(report, "  rejected row %lld: %s%s%s\n", static_cast<long long>(r.row), r.column.c_str(),
                    r.column.empty() ? "" : ": ", r.reason.c_str());
      }
    }
  }
  return 0;
}

}  // namespace

void AddScore(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto* cmd = app.add_subcommand("score", "Score a CSV file with a definition");
  auto args = std::make_shared<ScoreArgs>();
  cmd->add_option("name", args->name, "Definition, NAME or NAME@MAJOR")->required();
  cmd->add_option("--input", args->input, "Input CSV (- reads standard input)")->required();
  cmd->add_option("--output", args->output, "Output CSV (written atomically; a device or FIFO such as /dev/null in place; - writes standard output)")->required();
  cmd->add_option("--map", args->maps, "Bind an input to a differently named column: input=column");
  cmd->add_option("--format", args->format, "csv (default) or whitespace (fields separated by runs of blanks, no quoting)")
      ->check(CLI::IsMember({"csv", "whitespace"}));
  cmd->add_option("--delimiter", args->delimiter, "The byte between CSV fields (default ','): ';', '|', tab (\"tab\" or \"\\t\"), ...");
  cmd->add_option("--columns", args->columns, "Name the input's columns in order: a,b,c (then the file has no header line, unless --header skip)");
  cmd->add_option("--header", args->header, "names (the first line names the columns), none (no header line) or skip (drop it; --columns names them)")
      ->check(CLI::IsMember({"names", "none", "skip"}));
  cmd->add_flag("--no-header", args->no_header, "The input has no header line (--header none)");
  cmd->add_option("--lineage", args->lineage, "Write the lineage record here: for --output - (standard output), which has no file to put it beside");
  cmd->add_option("--rejects", args->rejects, "Write rows that could not be scored here, with row, column and reason");
  cmd->add_option("--max-rejects", args->max_rejects, "Fail the run when more rows than this are rejected (default: unlimited)")
      ->check(WholeNumber(0, std::numeric_limits<int64_t>::max()));
  cmd->add_flag("--allow-all-rejected", args->allow_all_rejected,
                "Succeed even when every input row is rejected (by default such a run fails)");
  cmd->add_option("--as-of", args->as_of, "Score with the definitions as they were at a freeze or commit");
  cmd->add_option("--repo", global.repo, "Repository (default: the one around the current directory)");
  cmd->add_option("--threads", args->threads, "1: one thread reads and scores (another hashes); 2 (default): both read, score and write spans")
      ->check(WholeNumber(1, 2));
  cmd->add_option("--batch-rows", args->batch_rows, "Rows per batch")->check(WholeNumber(1, int64_t{1} << 24));
  cmd->add_option("--engine", args->engine, "jit (default) or interpreter")->check(CLI::IsMember({"jit", "interpreter"}));
  cmd->add_option("--cache-dir", args->cache_dir, "Kernel cache (default: $XDG_CACHE_HOME/tally)");
  cmd->add_option("--progress", args->progress, "auto (on a terminal), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  auto* no_lineage = cmd->add_flag("--no-lineage", args->no_lineage, "Do not write OUT.csv.lineage.json");
  cmd->add_option("--sign-key", args->sign_key, "Sign the lineage record with this SSH ed25519 private key (tally trace names the signer)")
      ->excludes(no_lineage);
  cmd->add_flag("--json", global.json, "Print the run summary as JSON");
  cmd->callback([&global, &exit_code, args] { exit_code = Run(global, *args); });
}

}  // namespace tally::cli
