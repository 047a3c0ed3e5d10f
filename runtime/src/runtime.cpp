#include "tally/runtime/runtime.h"

#include <charconv>

#include "guarded.h"
#include "tally/runtime/string_calls.h"

namespace tally {

using runtime::Guarded;

Result<Runtime> Runtime::Load(const std::string& metrics_dir) {
  return Guarded([&]() -> Result<Runtime> {
    auto files = CollectSources({metrics_dir});
    if (!files.ok()) return files.error();
    CompileResult compiled = Compile(*files);
    if (!compiled.library) {
      return Error{metrics_dir + ": the definitions do not compile:\n" + Render(compiled.diagnostics)};
    }
    return Runtime(std::move(*compiled.library));
  });
}

Runtime::Runtime(Library library) : library_(std::make_shared<const Library>(std::move(library))) {}

Result<ScoreKernel> Runtime::Kernel(std::string_view name_at_major) const {
  // The factory may be anyone's code: what it throws stays here.
  return Guarded([&] { return BuildKernel(name_at_major); });
}

Result<ScoreKernel> Runtime::BuildKernel(std::string_view name_at_major) const {
  std::string_view name = name_at_major;
  std::string_view major;
  if (size_t at = name_at_major.find('@'); at != std::string_view::npos) {
    name = name_at_major.substr(0, at);
    major = name_at_major.substr(at + 1);
  }
  const ir::Program* program = library_->Find(std::string(name));
  const DefinitionInfo* info = library_->Info(std::string(name));
  if (program == nullptr || info == nullptr) {
    return Error{"no definition named " + std::string(name)};
  }
  if (!major.empty()) {
    int64_t wanted = 0;
    auto [ptr, ec] = std::from_chars(major.data(), major.data() + major.size(), wanted);
    if (ec != std::errc() || ptr != major.data() + major.size() || wanted < 0) {
      return Error{"\"" + std::string(name_at_major) + "\": expected NAME@MAJOR, e.g. " +
                   std::string(name) + "@1"};
    }
    const std::string& version = program->version;
    std::string have = version.substr(0, version.find('.'));
    if (have != std::to_string(wanted)) {
      return Error{std::string(name) + "@" + std::to_string(wanted) + ": the loaded definition is version " +
                   version};
    }
  }
  ScoreKernel k;
  k.library_ = library_;
  k.program_ = program;
  k.info_ = info;
  if (factory_) {
    auto built = factory_(*program);
    if (!built.ok()) return built.error();
    k.kernels_ = std::move(*built);
  } else {
    k.kernels_ = runtime::InterpreterKernels(*program);
  }
  return k;
}

std::unique_ptr<runtime::StringDictionary> ScoreKernel::NewDictionary() const {
  return std::make_unique<runtime::StringDictionary>(program_->string_constants);
}

uint16_t ScoreKernel::VariantOf(std::string_view region) const {
  for (size_t v = 1; v < program_->variants.size(); ++v) {
    if (program_->variants[v] == region) return static_cast<uint16_t>(v);
  }
  return 0;
}

Status ScoreKernel::ScoreBatch(int64_t rows, const TallyColumnView* inputs,
                               const uint16_t* variants, TallyColumnView* outputs,
                               uint32_t* status) const {
  if (program_->kind != ir::Program::Kind::kScore) {
    return Error{program_->name + " is a metric: score it with ScoreFile"};
  }
  if (!program_->windows.empty()) {
    return Error{program_->name + " has window aggregates, which need its whole input: score it with ScoreFile"};
  }
  if (!kernels_.score) return Error{program_->name + ": no kernel"};
  if (rows < 0) return Error{"negative row count"};
  if (ir::UsesStringCalls(program_->row_code)) {
    return Error{program_->name + " computes strings: pass the dictionary its string codes come from"};
  }
  if (rows <= 0) return Status::Ok();
  return Guarded([&] {
    kernels_.score(rows, inputs, variants, outputs, status);
    return Status::Ok();
  });
}

Status ScoreKernel::ScoreBatch(int64_t rows, const TallyColumnView* inputs, const uint16_t* variants,
                               TallyColumnView* outputs, uint32_t* status,
                               runtime::StringDictionary* strings) const {
  if (!ir::UsesStringCalls(program_->row_code)) return ScoreBatch(rows, inputs, variants, outputs, status);
  if (program_->kind != ir::Program::Kind::kScore) {
    return Error{program_->name + " is a metric: score it with ScoreFile"};
  }
  if (!kernels_.score) return Error{program_->name + ": no kernel"};
  if (rows < 0) return Error{"negative row count"};
  if (strings == nullptr) return Error{program_->name + " computes strings: no dictionary given"};
  if (rows <= 0) return Status::Ok();
  // The string helper one past the inputs (kernel_abi.h), over the caller's dictionary.
  std::vector<TallyColumnView> with_strings(inputs, inputs + program_->inputs.size());
  runtime::KernelStrings calls;
  calls.Reset(strings);
  with_strings.push_back(calls.View());
  return Guarded([&] {
    kernels_.score(rows, with_strings.data(), variants, outputs, status);
    return Status::Ok();
  });
}

std::string ScoreKernel::ReasonText(uint32_t status) const {
  if (status == 0) return "";
  if (status - 1 >= program_->reasons.size()) return "unknown status " + std::to_string(status);
  const ir::Reason& r = program_->reasons[status - 1];
  return r.message + (r.location.empty() ? "" : " (" + r.location.ToString() + ")");
}

Result<runtime::RunSummary> ScoreKernel::ScoreFile(runtime::ScoreOptions options) const {
  return Guarded([&] { return ScoreFileWith(std::move(options)); });
}

Result<runtime::RunSummary> ScoreKernel::ScoreFileWith(runtime::ScoreOptions options) const {
  options.program = program_;
  options.kernels = kernels_;
  if (options.lineage) {
    runtime::LineageFacts& f = *options.lineage;
    if (f.content_sha256.empty()) f.content_sha256 = info_->content_sha256;
    if (f.definition_file.empty()) f.definition_file = info_->file;
    if (f.owner.empty()) f.owner = info_->owner;
    if (!f.expires_after_seconds) f.expires_after_seconds = info_->expires_after_seconds;
  }
  return runtime::ScoreFile(options);
}

}  // namespace tally
