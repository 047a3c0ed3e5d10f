// ScoreFile: check the options, open and bind the input, then an execution strategy
// (execution.h) scores it into a ScoreWriter (score_writer.h), which publishes last.
#include "tally/runtime/score_file.h"

#include <chrono>
#include <filesystem>

#include "execution.h"
#include "guarded.h"
#include "score_writer.h"
#include "stream_hashes.h"

namespace tally::runtime {

namespace {

Status CheckOptions(const ScoreOptions& o) {
  if (o.program == nullptr) return Error{"no definition to score with"};
  const ir::Program& program = *o.program;
  const bool metric = program.kind == ir::Program::Kind::kMetric;
  if (metric ? (!o.kernels.metric_rows || !o.kernels.metric_finalize) : !o.kernels.score) {
    return Error{program.name + ": no kernel to run it with"};
  }
  return CheckPaths(o);
}

}  // namespace

Status CheckPaths(const ScoreOptions& o) {
  if (o.output_path.empty()) return Error{"no output file given"};
  // The same file under two spellings ("in.csv", "./in.csv", a link) counts as the same.
  auto same_file = [](const std::string& a, const std::string& b) {
    if (a.empty() || b.empty()) return false;
    std::error_code ec;
    return a == b || std::filesystem::equivalent(a, b, ec);
  };
  if (same_file(o.output_path, o.input_path) || same_file(o.rejects_path, o.input_path)) {
    return Error{o.input_path + ": refusing to overwrite the input"};
  }
  if (same_file(o.rejects_path, o.output_path)) {
    return Error{"--rejects " + o.rejects_path + " and --output " + o.output_path +
                 " are the same file: the output and the rejects file must differ"};
  }
  if (o.lineage && same_file(o.rejects_path, LineagePath(o.output_path))) {
    return Error{"--rejects " + o.rejects_path + " is the lineage record of --output " + o.output_path +
                 ": the rejects file must differ (or pass --no-lineage)"};
  }
  return Status::Ok();
}

namespace {

// What is known of the run before it starts.
RunSummary Started(const ScoreOptions& o) {
  const ir::Program& program = *o.program;
  RunSummary s;
  s.definition = program.name;
  s.version = program.version;
  s.kind = program.kind == ir::Program::Kind::kMetric ? "metric" : "score";
  s.engine = o.kernels.engine;
  s.kernel_object_sha256 = o.kernels.object_sha256;
  s.input_path = o.input_path;
  s.output_path = o.output_path;
  s.rejects_path = o.rejects_path;
  const auto now = std::chrono::system_clock::now();
  s.started_at_unix = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  s.started_at = FormatUtc(s.started_at_unix);
  return s;
}

std::vector<std::string> OutputColumns(const ir::Program& program) {
  std::vector<std::string> names;
  const bool metric = program.kind == ir::Program::Kind::kMetric;
  if (metric) {
    for (const GroupKeyColumn& k : GroupKeyColumns(program)) names.push_back(k.name);
  } else {
    for (uint32_t k : program.key_inputs) names.push_back(program.inputs[k].name);
  }
  for (const ir::Output& o : program.outputs) names.push_back(o.name);
  return names;
}

Result<RunSummary> Run(const ScoreOptions& o) {
  RETURN_IF_ERROR(CheckOptions(o));
  RunSummary started = Started(o);
  // Everything that can be wrong with the command is found before any row is read.
  ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader, CsvReader::Open(o.input_path, o.csv));
  std::unique_ptr<Execution> execution = ChooseExecution(o);
  StreamHashes hashes(execution->hashing());
  hashes.WatchInput(*reader);
  auto header = reader->ReadHeader();
  if (!header.ok()) return Error{o.input_path + ": " + header.error().message, header.code()};
  ASSIGN_OR_RETURN(Binding binding, BindColumns(*o.program, std::move(*header), o.mappings, o.input_path));
  ASSIGN_OR_RETURN(std::unique_ptr<ScoreWriter> writer,
                   ScoreWriter::Open(o, std::move(started), OutputColumns(*o.program), hashes,
                                     reader->size_hint()));
  Status ran = execution->Run(*reader, binding, *writer);
  if (!ran.ok()) return writer->Abandon(ran);
  return writer->Publish(reader->bytes_read());
}

}  // namespace

Result<RunSummary> ScoreFile(const ScoreOptions& options) {
  // No exception crosses the library boundary: an allocation failure is a failed run.
  return Guarded([&] { return Run(options); });
}

}  // namespace tally::runtime
