// ScoreFile: check the options, open and bind the input, then an execution strategy
// (execution.h) scores it into a ScoreWriter (score_writer.h), which publishes last.
#include "tally/runtime/score_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <chrono>
#include <filesystem>

#include "execution.h"
#include "guarded.h"
#include "score_writer.h"
#include "stream_hashes.h"
#include "window_pass.h"

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

namespace {

// "-" (a standard stream), a device or a FIFO: written in place, with no record beside it.
bool InPlaceOutput(const std::string& path) {
  if (path == "-") return true;
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode));
}

}  // namespace

Status CheckPaths(const ScoreOptions& o) {
  if (o.output_path.empty()) return Error{"no output file given"};
  if (o.rejects_path == "-") {
    return Error{"--rejects -: the rejects go to a file (standard output is for --output -)"};
  }
  if (o.lineage_path == "-") return Error{"--lineage -: the lineage record goes to a file"};
  if (!o.lineage_path.empty()) {
    if (!o.lineage) return Error{"--lineage " + o.lineage_path + " and --no-lineage contradict each other"};
    if (!InPlaceOutput(o.output_path)) {
      return Error{"--lineage " + o.lineage_path + ": the record of --output " + o.output_path +
                   " is its own " + LineagePath(o.output_path) + ", where tally trace finds it; --lineage "
                   "is for --output - (or a device or FIFO)"};
    }
  } else if (o.lineage && o.output_path == "-") {
    return Error{"--output - writes to standard output, where no lineage record can sit beside the scores: "
                 "name one with --lineage FILE (tally trace SAVED.csv --lineage FILE reads it), or pass --no-lineage"};
  }
  // The same file under two spellings ("in.csv", "./in.csv", a link) counts as the same;
  // "-" is a stream, not a file.
  auto same_file = [](const std::string& a, const std::string& b) {
    if (a.empty() || b.empty() || a == "-" || b == "-") return false;
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
  if (o.lineage && o.lineage_path.empty() && same_file(o.rejects_path, LineagePath(o.output_path))) {
    return Error{"--rejects " + o.rejects_path + " is the lineage record of --output " + o.output_path +
                 ": the rejects file must differ (or pass --no-lineage)"};
  }
  if (!o.lineage_path.empty()) {
    const std::pair<const char*, const std::string*> others[] = {
        {"--input", &o.input_path}, {"--output", &o.output_path}, {"--rejects", &o.rejects_path}};
    for (const auto& [flag, path] : others) {
      if (same_file(o.lineage_path, *path)) {
        return Error{"--lineage " + o.lineage_path + " and " + flag + " " + *path +
                     " are the same file: the lineage record must differ"};
      }
    }
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
  for (uint32_t c : program.carried_inputs) names.push_back(program.inputs[c].name);
  for (const ir::Output& o : program.outputs) names.push_back(o.name);
  return names;
}

// The options with the input layout decided (the definition's, completed by the caller's):
// the reader's format and delimiter, and the lineage record's account of them.
Result<ScoreOptions> WithLayout(const ScoreOptions& asked, InputLayout& layout) {
  ASSIGN_OR_RETURN(layout, ResolveInputLayout(*asked.program, asked.input, asked.csv.delimiter,
                                              !asked.mappings.empty()));
  ScoreOptions o = asked;
  o.csv.format = layout.format;
  o.csv.delimiter = layout.delimiter;
  if (o.lineage) o.lineage->input_layout = layout;
  return o;
}

// Standard input copied to a temporary file, removed when this goes: a score with window
// aggregates reads its input twice.
class SpooledInput {
 public:
  ~SpooledInput() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  Result<std::string> Spool() {
    const char* dir = std::getenv("TMPDIR");
    std::string path = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/tally-stdin-XXXXXX";
    const int fd = ::mkstemp(path.data());
    if (fd < 0) return Error{"--input -: cannot create a temporary file in " + path + ": " + std::strerror(errno)};
    path_ = path;
    std::vector<char> buffer(1 << 20);
    for (;;) {
      const ssize_t got = ::read(STDIN_FILENO, buffer.data(), buffer.size());
      if (got == 0) break;
      if (got < 0) {
        if (errno == EINTR) continue;
        ::close(fd);
        return Error{std::string("--input -: cannot read standard input: ") + std::strerror(errno)};
      }
      for (ssize_t done = 0; done < got;) {
        const ssize_t put = ::write(fd, buffer.data() + done, static_cast<size_t>(got - done));
        if (put < 0 && errno == EINTR) continue;
        if (put <= 0) {
          ::close(fd);
          return Error{"--input -: cannot write " + path + ": " + std::strerror(errno)};
        }
        done += put;
      }
    }
    if (::close(fd) != 0) return Error{"--input -: cannot write " + path + ": " + std::strerror(errno)};
    return path;
  }

 private:
  std::string path_;
};

Result<RunSummary> Run(const ScoreOptions& asked) {
  RETURN_IF_ERROR(CheckOptions(asked));
  InputLayout layout;
  ASSIGN_OR_RETURN(ScoreOptions o, WithLayout(asked, layout));
  RunSummary started = Started(o);
  // Window aggregates: a first pass over the whole input before any row is scored.
  SpooledInput spooled;
  if (!o.program->windows.empty()) {
    if (o.kernels.windows.size() != o.program->windows.size()) {
      return Error{o.program->name + ": no kernels for its window aggregates"};
    }
    if (o.input_path == "-") {
      ASSIGN_OR_RETURN(o.input_path, spooled.Spool());
    }
    ASSIGN_OR_RETURN(o.window_populations, RunFirstPass(o, layout));
  }
  // Everything that can be wrong with the command is found before any row is read.
  ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader, CsvReader::Open(o.input_path, o.csv));
  std::unique_ptr<Execution> execution = ChooseExecution(o);
  StreamHashes hashes(execution->hashing());
  hashes.WatchInput(*reader);
  auto header = ReadColumnNames(*reader, layout);
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
