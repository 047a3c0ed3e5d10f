#include "score_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tally/runtime/csv_writer.h"
#include "tally/runtime/lineage.h"
#include "tally/runtime/lineage_locate.h"

namespace tally::runtime {

namespace {

constexpr size_t kSampledRejects = 10;

void AppendRejectField(std::string& out, const std::string& text) {
  if (!text.empty()) AppendCsvText(out, text);
}

void AppendReject(std::string& out, const RejectRecord& r) {
  AppendInt(out, r.row);
  out += ',';
  AppendInt(out, r.line);
  out += ',';
  AppendRejectField(out, r.column);
  out += ',';
  AppendRejectField(out, r.reason);
  out += ',';
  AppendRejectField(out, r.rule);
  out += ',';
  AppendRejectField(out, r.location.ToString());
  out += '\n';
}

std::string Describe(const RejectRecord& r) {
  std::string s = "row " + std::to_string(r.row) + " (line " + std::to_string(r.line) + ")";
  if (!r.column.empty()) s += ", column " + r.column;
  s += ": " + r.reason;
  if (!r.rule.empty()) s += ": " + r.rule;
  return s;
}

bool ShowProgress(ProgressMode mode) {
  return mode == ProgressMode::kAlways ||
         (mode == ProgressMode::kAuto && ::isatty(STDERR_FILENO) == 1);
}

}  // namespace

ScoreWriter::ScoreWriter(const ScoreOptions& options, RunSummary started, StreamHashes& hashes,
                         int64_t input_size_hint)
    : options_(options),
      s_(std::move(started)),
      start_(std::chrono::steady_clock::now()),
      metric_(options.program->kind == ir::Program::Kind::kMetric),
      hashes_(hashes),
      progress_(ShowProgress(options.progress), input_size_hint) {}

Result<std::unique_ptr<ScoreWriter>> ScoreWriter::Open(const ScoreOptions& options, RunSummary started,
                                                       const std::vector<std::string>& columns,
                                                       StreamHashes& hashes, int64_t input_size_hint) {
  std::unique_ptr<ScoreWriter> w(new ScoreWriter(options, std::move(started), hashes, input_size_hint));
  ASSIGN_OR_RETURN(w->out_, AtomicOutputFile::Create(options.output_path));
  hashes.WatchOutput(*w->out_);
  if (!options.rejects_path.empty()) {
    ASSIGN_OR_RETURN(AtomicFile rejects, AtomicFile::Create(options.rejects_path));
    RETURN_IF_ERROR(rejects.Write("row,line,column,reason,rule,location\n"));
    w->rejects_.emplace(std::move(rejects));
  }
  RETURN_IF_ERROR(w->out_->Write(HeaderLine(columns)));
  return w;
}

Status ScoreWriter::Write(Scored& r, int64_t row_base) {
  std::string rejects_text;
  for (RejectRecord& rej : r.rejects) {
    rej.row += row_base;
    ++s_.rows_rejected;
    if (s_.first_rejects.size() < kSampledRejects) s_.first_rejects.push_back(rej);
    if (rejects_) AppendReject(rejects_text, rej);
    if (options_.max_rejects && s_.rows_rejected > *options_.max_rejects) {
      too_many_rejects_ = true;
      if (rejects_) RETURN_IF_ERROR(rejects_->Write(rejects_text));
      return Error{std::to_string(s_.rows_rejected) + " rows rejected by row " +
                   std::to_string(rej.row) + ", more than the maximum of " +
                   std::to_string(*options_.max_rejects) + " (--max-rejects); the first: " +
                   Describe(s_.first_rejects.front())};
    }
  }
  s_.rows_read += r.records;
  s_.rows_scored += r.scored;
  if (!metric_) s_.output_rows += r.scored;
  if (!r.text.empty()) {
    // Hashed inline, the buffer goes back to be refilled; otherwise the hasher keeps it.
    RETURN_IF_ERROR(hashes_.hashes_during_write() ? out_->WriteBytes(r.text)
                                                  : out_->Write(std::move(r.text)));
  }
  if (rejects_ && !rejects_text.empty()) RETURN_IF_ERROR(rejects_->Write(rejects_text));
  progress_.Update(s_.rows_read, r.bytes_read);
  return Status::Ok();
}

Status ScoreWriter::WriteTail(std::string text, int64_t rows) {
  if (metric_) s_.output_rows = rows;
  if (text.empty()) return Status::Ok();
  return out_->Write(std::move(text));
}

Error ScoreWriter::Abandon(const Status& failure) {
  progress_.Done();
  // The rejects found so far explain a --max-rejects failure, so they are kept.
  if (too_many_rejects_ && rejects_) {
    Status st = rejects_->Publish();
    if (!st.ok()) return Error{failure.message() + "; " + st.message(), failure.code()};
  }
  return failure.error();
}

Result<RunSummary> ScoreWriter::Publish(int64_t input_bytes) {
  if (s_.rows_read > 0 && s_.rows_scored == 0 && !s_.first_rejects.empty() &&
      !options_.allow_all_rejected) {
    // An empty output from a non-empty input is almost always a wrong declaration (say, a
    // Yes/No column declared bool); the rejects file, if asked for, says why.
    too_many_rejects_ = true;
    return Abandon(Error{"every one of the " + std::to_string(s_.rows_read) +
                         " rows was rejected; first reason: " + Describe(s_.first_rejects.front()) +
                         " (--allow-all-rejected accepts such a run)"});
  }
  progress_.Done();
  hashes_.Finish(s_);
  s_.input_bytes = input_bytes;
  s_.output_bytes = out_->bytes_written();
  // A device or pipe output (/dev/null) has no file to trace, so it gets no record.
  const bool regular_output = !out_->file().in_place();
  // Its record goes beside a regular output; one written in place (stdout, a pipe) gets one
  // only where --lineage names it (CheckPaths allows that only for such an output).
  const bool named_record = !options_.lineage_path.empty();
  std::optional<AtomicFile> record;
  if (options_.lineage && (regular_output || named_record)) {
    s_.lineage_path = named_record ? options_.lineage_path : LineagePath(s_.output_path);
    LineageFacts facts = *options_.lineage;
    if (facts.mappings.empty()) facts.mappings = options_.mappings;
    if (facts.tally_version.empty()) facts.tally_version = TALLY_VERSION;
    ASSIGN_OR_RETURN(std::string text, SignedLineageJson(MakeLineageRecord(*options_.program, facts, s_), facts.sign));
    ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(s_.lineage_path));
    RETURN_IF_ERROR(file.Write(text));
    record.emplace(std::move(file));
  }
  // Every fsync and check first, the renames last: the record staged under the output's
  // hash, the output, the rejects, the record over OUT.csv.lineage.json. Killed between the
  // output's rename and the record's, a reader (LocateLineageRecord) still finds the record
  // that matches the output, never the previous run's.
  RETURN_IF_ERROR(out_->file().Prepare());
  if (rejects_) RETURN_IF_ERROR(rejects_->Prepare());
  if (record) RETURN_IF_ERROR(record->Prepare());
  if (!options_.lineage && regular_output) {
    // A previous run's record beside the new output would describe the wrong file.
    const std::string stale = LineagePath(s_.output_path);
    if (::unlink(stale.c_str()) != 0 && errno != ENOENT) {
      return IoError(stale + ": cannot remove the previous run's lineage record (--no-lineage): " +
                     std::strerror(errno));
    }
  }
  // A record path that is a device (a link to /dev/null) is written in place: nothing to stage.
  if (record && !record->in_place() && !named_record) {
    RETURN_IF_ERROR(record->Stage(StagedLineagePath(s_.output_path, s_.output_sha256)));
  }
  RETURN_IF_ERROR(PublishAll({&out_->file(), rejects_ ? &*rejects_ : nullptr, record ? &*record : nullptr}));
  // Records staged by runs killed before their last rename describe no file now.
  if (regular_output) RemoveStagedLineageRecords(s_.output_path);
  s_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return s_;
}

}  // namespace tally::runtime
