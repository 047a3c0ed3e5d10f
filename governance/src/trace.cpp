#include "tally/governance/trace.h"

#include <filesystem>
#include <unistd.h>

#include "guard.h"
#include "tally/compiler/compiler.h"
#include "tally/governance/history.h"
#include "tally/runtime/lineage.h"
#include "tally/runtime/lineage_locate.h"
#include "tally/runtime/score_source.h"
#include "tally/runtime/sha256.h"
#include "tally/support/atomic_file.h"

namespace tally::governance {

namespace fs = std::filesystem;

namespace {

std::string FileSha256(const std::string& path, std::string& error) {
  auto sha = FileSha256Hex(path);
  if (!sha) {
    error = sha.error().message;
    return "";
  }
  return *sha;
}

}  // namespace

// Unguarded: Trace below is the entry point.
static Result<TraceResult> TraceUnguarded(const TraceOptions& options) {
  // The record that matches the output, even after a run was killed mid-publish.
  auto located = runtime::LocateLineageRecord(options.output);
  auto read = located ? runtime::ReadLineageRecord(*located) : Result<runtime::LineageRecord>(located.error());
  if (!read) {
    if (read.code() == ErrorCode::kNotFound) return NotFoundError("no lineage record: " + read.error().message);
    return read.error();
  }
  const runtime::LineageRecord& record = *read;
  TraceResult result;
  auto add = [&](std::string what, bool ok, std::string detail) {
    result.checks.push_back({std::move(what), ok, std::move(detail)});
    if (!ok) result.ok = false;
  };
  const std::string& name = record.definition;
  const std::string& version = record.version;
  const std::string& content = record.content_sha256;
  const std::string& commit = record.commit;
  const std::string& recorded_output = record.output.sha256;
  const std::string& recorded_input = record.input.sha256;

  std::string error;
  std::string output_sha = FileSha256(options.output, error);
  add("output unchanged", error.empty() && output_sha == recorded_output,
      error.empty() ? (output_sha == recorded_output ? "sha256 " + output_sha.substr(0, 16) + "…"
                                                     : "file hashes to " + output_sha + ", record says " + recorded_output)
                    : error);

  // The definitions the record names: at its commit, or the repository's metrics/ folder.
  bool governed = commit != "ungoverned";
  std::vector<SourceFilePtr> sources;
  if (governed) {
    auto provenance = VerifyProvenance({options.repo, commit, name, version});
    if (!provenance) {
      add("approvals", false, provenance.error().message);
    } else {
      std::string detail = provenance->cr.empty() ? "released in the root commit"
                                                  : provenance->cr + " approved by ";
      for (size_t i = 0; i < provenance->approvers.size(); ++i) detail += (i ? ", " : "") + provenance->approvers[i];
      for (const auto& p : provenance->problems) detail += "; " + p;
      add("approvals", provenance->ok && provenance->problems.empty(), detail);
    }
    // A recorded freeze must be one the gate made, and must have frozen that commit.
    if (!record.freeze.empty()) {
      auto frozen = ResolveAsOf(options.repo, record.freeze);
      if (!frozen) add("freeze", false, frozen.error().message);
      else
        add("freeze", frozen->freeze == record.freeze && frozen->commit == commit,
            frozen->commit == commit ? "freeze " + record.freeze + " froze " + commit.substr(0, 12)
                                     : "freeze " + record.freeze + " froze " + frozen->commit.substr(0, 12) +
                                           ", the record says " + commit.substr(0, 12));
    }
    auto files = DefinitionsAt(options.repo, commit);
    if (!files) {
      add("definition content", false, files.error().message);
      return result;
    }
    sources = std::move(*files);
  } else {
    auto files = CollectSources({(fs::path(options.repo) / "metrics").string()});
    if (!files) return files.error();
    sources = std::move(*files);
    add("governed", false, "the record says the definitions were ungoverned: no approvals to verify");
  }
  CompileResult compiled = Compile(sources);
  if (!compiled.library) {
    add("definition content", false, "the definitions at " + commit + " do not compile");
    return result;
  }
  const DefinitionInfo* info = compiled.library->Info(name);
  if (info == nullptr) {
    add("definition content", false, name + " is not defined at " + commit);
    return result;
  }
  add("definition content", info->content_sha256 == content && info->version == version,
      info->content_sha256 == content ? name + " " + info->version + " hashes to the recorded " + content.substr(0, 16) + "…"
                                      : "recorded " + content + ", the definition at that commit hashes to " + info->content_sha256);

  if (!options.input.empty()) {
    std::string input_sha = FileSha256(options.input, error);
    add("input matches the record", error.empty() && input_sha == recorded_input,
        error.empty() ? (input_sha == recorded_input ? "sha256 " + input_sha.substr(0, 16) + "…" : "input hashes to " + input_sha)
                      : error);
    runtime::ScoreOptions score;
    score.input_path = options.input;
    std::string tmp = (fs::temp_directory_path() / ("tally-trace-" + std::to_string(::getpid()) + ".csv")).string();
    score.output_path = tmp;
    score.progress = runtime::ProgressMode::kNever;
    score.mappings = record.column_mappings;
    // The recompute is compared byte for byte with the recorded output; whether a run that
    // rejected every row was acceptable was decided when it ran (--allow-all-rejected).
    score.allow_all_rejected = true;
    // The reference interpreter (no kernel factory): independent of the engine that ran.
    auto summary = ScoreDefinition(*compiled.library, name, KernelFactory{}, score);
    if (!summary) {
      add("recompute", false, summary.error().message);
    } else {
      std::string recomputed = FileSha256(tmp, error);
      add("recompute", recomputed == output_sha,
          recomputed == output_sha ? "the reference interpreter reproduces all " + std::to_string(summary->output_rows) +
                                         " rows bit for bit"
                                   : "recomputed scores differ from the file (sha256 " + recomputed + ")");
    }
    std::error_code ec;
    fs::remove(tmp, ec);
  }

  result.output = options.output;
  result.definition = name;
  result.version = version;
  result.commit = commit;
  result.governed = governed;
  return result;
}

Result<TraceResult> Trace(const TraceOptions& options) {
  return Guarded("tally trace", [&] { return TraceUnguarded(options); });
}

}  // namespace tally::governance
