#include "tally/governance/trace.h"

#include <filesystem>
#include <unistd.h>

#include "guard.h"
#include "store.h"
#include "workspace.h"
#include "tally/compiler/compiler.h"
#include "tally/governance/history.h"
#include "tally/governance/record_signing.h"
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

class Checks {
 public:
  explicit Checks(TraceResult& result) : result_(result) {}
  void Add(std::string what, bool ok, std::string detail) {
    result_.checks.push_back({std::move(what), ok, std::move(detail)});
    if (!ok) result_.ok = false;
  }

 private:
  TraceResult& result_;
};

// The fields of `record` that come from the definition itself, derived from the program
// and its DefinitionInfo at the record's commit (MakeLineageRecord's own rules).
void DeriveDefinitionFields(const ir::Program& program, const DefinitionInfo& info,
                            runtime::LineageRecord& derived) {
  runtime::LineageFacts facts;
  facts.expires_after_seconds = info.expires_after_seconds;
  runtime::LineageRecord from_program = runtime::MakeLineageRecord(program, facts, runtime::RunSummary{});
  derived.definition = from_program.definition;
  derived.kind = from_program.kind;
  derived.version = from_program.version;
  derived.params = from_program.params;
  derived.regional_overrides = from_program.regional_overrides;
  // Older records do not list the output's columns; a newer one's list is derived.
  if (derived.output_columns) derived.output_columns = from_program.output_columns;
  derived.content_sha256 = info.content_sha256;
  derived.definition_file = info.file;
  derived.owner = info.owner;
  derived.expires_after_seconds = info.expires_after_seconds;
  // valid_until follows from run_at (not derivable) and the definition's expiry.
  derived.valid_until.clear();
  if (info.expires_after_seconds) {
    auto run_at = runtime::ParseUtc(derived.run_at);
    derived.valid_until = run_at ? runtime::FormatUtc(*run_at + *info.expires_after_seconds)
                                 : "(run_at is not a UTC time)";
  }
}

// The engine cannot be re-derived; only its agreement with the fields the JIT records: an
// interpreter run records no LLVM version.
void DeriveEngine(runtime::LineageRecord& derived) {
  if (!derived.llvm_version.empty()) {
    derived.engine = "jit";
  } else if (derived.engine != "jit" && derived.engine != "interpreter") {
    derived.engine = "jit or interpreter";
  }
}

// The counts a record must reconcile on its own: every row read was scored or rejected,
// and a score writes one output row per scored row.
void DeriveReconciledCounts(runtime::LineageRecord& derived) {
  derived.rows_read = derived.rows_scored + derived.rows_rejected;
  if (derived.kind == "score") derived.output_rows = derived.rows_scored;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

void ListUnverified(const TraceOptions& options, const runtime::LineageRecord& record, TraceResult& result) {
  auto& u = result.unverified;
  u.push_back("run_at, tally_version, llvm_version, target_triple, target_cpu, target_features and the paths "
              "(input.path, output.path, rejects.path): stated by the run, nothing to derive them from");
  u.push_back("engine: only its agreement with llvm_version is checked");
  if (!record.kernel_object_sha256.empty())
    u.push_back("kernel_object_sha256: the hash of the machine code the run linked, stated by the run (the kernel "
                "cache checks an object's embedded key when it loads it)");
  if (record.freeze.empty()) u.push_back("freeze: a record may omit the freeze a run was pinned to; its commit is checked");
  if (options.input.empty()) {
    u.push_back("input.sha256, input.bytes, rows_read, rows_scored, rows_rejected, output.rows: without --input only "
                "reconciled with each other");
    u.push_back("output.sha256: proves only that the file matches the record, not that the record is true; "
                "pass --input to recompute it");
    u.push_back("column_mappings: used by a recompute (--input), not derived");
    u.push_back("input_format: used by a recompute (--input), not derived");
  }
  if (!result.signed_by.empty()) {
    u.push_back("the fields above are attested by the signature of " + result.signed_by + ", not re-derived");
  } else {
    u.push_back("the record is not signed by a trusted key: any of the fields above may have been edited");
  }
}

}  // namespace

// Unguarded: Trace below is the entry point.
static Result<TraceResult> TraceUnguarded(const TraceOptions& options) {
  // The record that matches the output, even after a run was killed mid-publish.
  std::string located_output_sha;
  auto located = options.lineage.empty() ? runtime::LocateLineageRecord(options.output, &located_output_sha)
                                         : Result<std::string>(options.lineage);
  auto read = located ? runtime::ReadLineageRecord(*located) : Result<runtime::LineageRecord>(located.error());
  if (!read) {
    if (read.code() == ErrorCode::kNotFound) return NotFoundError("no lineage record: " + read.error().message);
    return read.error();
  }
  const runtime::LineageRecord& record = *read;
  TraceResult result;
  Checks checks(result);
  result.output = options.output;
  result.definition = record.definition;
  result.version = record.version;
  result.commit = record.commit;
  const std::string& name = record.definition;
  const std::string& commit = record.commit;
  const std::string& recorded_output = record.output.sha256;

  std::vector<TrustedKey> trusted;
  for (const std::string& path : options.trusted_keys) {
    ASSIGN_OR_RETURN(std::vector<TrustedKey> keys, ReadTrustedKeys(path));
    trusted.insert(trusted.end(), keys.begin(), keys.end());
  }

  std::string error;
  // Already hashed to find the record; hashed again only if that failed, for its message.
  std::string output_sha = located_output_sha.empty() ? FileSha256(options.output, error) : located_output_sha;
  checks.Add("output unchanged", error.empty() && output_sha == recorded_output,
             error.empty() ? (output_sha == recorded_output ? "sha256 " + output_sha.substr(0, 16) + "…"
                                                            : "file hashes to " + output_sha + ", record says " + recorded_output)
                           : error);

  // What the record should say, field by field: it starts as the record and every field
  // that can be derived is replaced by its derived value.
  runtime::LineageRecord derived = record;
  {
    std::error_code ec;
    auto size = fs::file_size(options.output, ec);
    if (!ec) derived.output.bytes = static_cast<int64_t>(size);
  }

  // The definitions the record names: at its commit, or the repository's metrics/ folder.
  result.governed = commit != "ungoverned";
  std::vector<SourceFilePtr> sources;
  if (result.governed) {
    auto provenance = VerifyProvenance({options.repo, commit, name, record.version});
    if (!provenance) {
      checks.Add("approvals", false, provenance.error().message);
    } else {
      std::string detail = provenance->cr.empty() ? "released in the root commit"
                                                  : provenance->cr + " approved by " + Join(provenance->approvers);
      for (const auto& p : provenance->problems) detail += "; " + p;
      checks.Add("approvals", provenance->ok && provenance->problems.empty(), detail);
      derived.approvers = provenance->approvers;
    }
    // The commit as the governed branch names it (a record holds the full id).
    auto resolved = ResolveAsOf(options.repo, commit);
    if (!resolved) {
      checks.Add("commit", false, resolved.error().message);
      return result;
    }
    derived.commit = resolved->commit;
    // A recorded freeze must be one the gate made, and must have frozen that commit.
    if (!record.freeze.empty()) {
      auto frozen = ResolveAsOf(options.repo, record.freeze);
      if (!frozen) checks.Add("freeze", false, frozen.error().message);
      else
        checks.Add("freeze", frozen->freeze == record.freeze && frozen->commit == resolved->commit,
                   frozen->commit == resolved->commit
                       ? "freeze " + record.freeze + " froze " + resolved->commit.substr(0, 12)
                       : "freeze " + record.freeze + " froze " + frozen->commit.substr(0, 12) +
                             ", the record says " + commit.substr(0, 12));
    }
    // Signers the policy at that commit knows: its people and the gate.
    ASSIGN_OR_RETURN(Workspace ws, OpenWorkspace(options.repo));
    auto id = git::FromHex(resolved->commit);
    if (!id) return Error{"not a commit id: " + resolved->commit};
    ASSIGN_OR_RETURN(Policy policy, store::PolicyAt(ws.repo, *id));
    std::vector<TrustedKey> policy_keys = PolicyKeys(policy);
    trusted.insert(trusted.end(), policy_keys.begin(), policy_keys.end());
    auto files = DefinitionsAt(options.repo, resolved->commit);
    if (!files) {
      checks.Add("definition", false, files.error().message);
      return result;
    }
    sources = std::move(*files);
  } else {
    auto files = CollectSources({(fs::path(options.repo) / "metrics").string()});
    if (!files) return files.error();
    sources = std::move(*files);
    checks.Add("governed", false, "the record says the definitions were ungoverned: no approvals to verify");
    // An ungoverned run has no approvals and cannot be pinned to a freeze.
    derived.approvers.clear();
    derived.freeze.clear();
  }

  RecordSignature signature = VerifyRecordSignature(record, trusted);
  if (signature.is_signed) checks.Add("signature", signature.ok, signature.detail);
  if (signature.ok) result.signed_by = signature.who;

  CompileResult compiled = Compile(sources);
  if (!compiled.library) {
    checks.Add("definition", false, "the definitions at " + commit + " do not compile");
    return result;
  }
  const DefinitionInfo* info = compiled.library->Info(name);
  const ir::Program* program = compiled.library->Find(name);
  if (info == nullptr || program == nullptr) {
    checks.Add("definition", false, name + " is not defined at " + commit);
    return result;
  }
  DeriveDefinitionFields(*program, *info, derived);
  DeriveEngine(derived);
  DeriveReconciledCounts(derived);

  if (!options.input.empty()) {
    runtime::ScoreOptions score;
    score.input_path = options.input;
    std::string tmp = (fs::temp_directory_path() / ("tally-trace-" + std::to_string(::getpid()) + ".csv")).string();
    score.output_path = tmp;
    score.progress = runtime::ProgressMode::kNever;
    score.mappings = record.column_mappings;
    // Read as the run read it (a record from before input formats: CSV with a header). The
    // definition's own layout must agree, or the recompute fails saying which flag differs.
    const runtime::InputLayout layout = record.input_layout.value_or(runtime::InputLayout{});
    score.input.format = layout.format;
    if (layout.format == runtime::InputFormat::kCsv) score.input.delimiter = layout.delimiter;
    score.input.header = layout.header;
    if (!layout.columns.empty()) score.input.columns = layout.columns;
    // The recompute is compared byte for byte with the recorded output; whether a run that
    // rejected every row was acceptable was decided when it ran (--allow-all-rejected).
    score.allow_all_rejected = true;
    // The reference interpreter (no kernel factory): independent of the engine that ran.
    auto summary = ScoreDefinition(*compiled.library, name, KernelFactory{}, score);
    if (!summary) {
      checks.Add("recompute", false, summary.error().message);
    } else {
      std::string recomputed = FileSha256(tmp, error);
      checks.Add("recompute", recomputed == output_sha,
                 recomputed == output_sha ? "the reference interpreter reproduces all " +
                                                std::to_string(summary->output_rows) + " rows bit for bit"
                                          : "recomputed scores differ from the file (sha256 " + recomputed + ")");
      // What the run read and wrote, as the recompute finds it.
      derived.input.sha256 = summary->input_sha256;
      derived.input.bytes = summary->input_bytes;
      derived.output.sha256 = summary->output_sha256;
      derived.output.bytes = summary->output_bytes;
      derived.output_rows = summary->output_rows;
      derived.rows_read = summary->rows_read;
      derived.rows_scored = summary->rows_scored;
      derived.rows_rejected = summary->rows_rejected;
    }
    std::error_code ec;
    fs::remove(tmp, ec);
  }

  std::vector<runtime::LineageDifference> differences = runtime::CompareLineageRecords(record, derived);
  for (const auto& d : differences) {
    checks.Add("field " + d.field, false, "recorded " + d.recorded + ", derived " + d.derived);
  }
  if (differences.empty()) {
    checks.Add("record fields", true,
               std::string("definition, kind, version, content_sha256, definition_file, owner, commit, approvers, "
                           "params, regional_overrides, expires_after_seconds, valid_until, output.bytes") +
                   (options.input.empty() ? " re-derived; row counts reconcile"
                                          : ", input, output and row counts re-derived"));
  }
  ListUnverified(options, record, result);
  return result;
}

Result<TraceResult> Trace(const TraceOptions& options) {
  return Guarded("tally trace", [&] { return TraceUnguarded(options); });
}

}  // namespace tally::governance
