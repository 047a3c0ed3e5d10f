// The code generation pipeline, top to bottom:
//   ir::Verify -> cache directory trusted? -> cache lookup
//                    -> (hit) object_loader: link the cached object, no LLVM
//                    -> (miss) the LLVM plugin (backend.h): emit, optimize,
//                       compile into the JIT -> cache write
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>

#include "backend.h"
#include "cache_trust.h"
#include "fingerprint.h"
#include "kernel_cache.h"
#include "object_loader.h"
#include "tally/support/sha256.h"
#include "tally/codegen/kernel.h"
#include "tally/compiler/ir_verify.h"
#include "tally_codegen_source_hash.h"
#include "target.h"

#ifndef TALLY_VERSION
#error "TALLY_VERSION must be defined by the build"
#endif

namespace tally::codegen {
namespace {

// A kernel whose code lives in `Code` (a LoadedObject or the plugin's JitCode), which must
// outlive every call through the function pointers.
template <typename Code>
class CodeKernel final : public Kernel {
 public:
  CodeKernel(std::unique_ptr<Code> code, KernelInfo info, bool is_score) : code_(std::move(code)), info_(std::move(info)) {
    const std::vector<void*>& symbols = code_->symbols();
    if (is_score) {
      score_ = reinterpret_cast<TallyScoreKernelFn>(symbols[0]);
    } else {
      row_ = reinterpret_cast<TallyMetricRowKernelFn>(symbols[0]);
      finalize_ = reinterpret_cast<TallyMetricFinalizeKernelFn>(symbols[1]);
    }
  }

  TallyScoreKernelFn score() const override { return score_; }
  TallyMetricRowKernelFn metric_row() const override { return row_; }
  TallyMetricFinalizeKernelFn metric_finalize() const override { return finalize_; }
  const KernelInfo& info() const override { return info_; }

 private:
  std::unique_ptr<Code> code_;
  KernelInfo info_;
  TallyScoreKernelFn score_ = nullptr;
  TallyMetricRowKernelFn row_ = nullptr;
  TallyMetricFinalizeKernelFn finalize_ = nullptr;
};

template <typename Code>
std::shared_ptr<const Kernel> MakeKernel(std::unique_ptr<Code> code, const KernelInfo& info, bool is_score) {
  return std::make_shared<CodeKernel<Code>>(std::move(code), info, is_score);
}

std::vector<std::string> EntrySymbols(const ir::Program& program) {
  if (program.kind == ir::Program::Kind::kScore) return {kScoreSymbol};
  return {kMetricRowSymbol, kMetricFinalizeSymbol};
}

size_t InstructionCount(const ir::Program& program) { return program.row_code.size() + program.post_code.size(); }

// Beyond kMaxKernelInstructions the JIT is not tried at all: its time and memory would be
// unbounded in practice, and the interpreter runs any size.
Status CheckKernelSize(const ir::Program& program) {
  const size_t n = InstructionCount(program);
  if (n <= kMaxKernelInstructions) return Status::Ok();
  return Error{program.name + ": " + std::to_string(n) + " IR instructions, more than the JIT compiles (" +
               std::to_string(kMaxKernelInstructions) + "); score it with --engine interpreter"};
}

// Warnings add up: "entry corrupt; rebuilt it" and then "kernel not cached" are both news.
void Warn(KernelInfo& info, const std::string& warning) {
  if (warning.empty()) return;
  info.cache_warning += (info.cache_warning.empty() ? "" : "; ") + warning;
}

// 0 (no IR passes, fast code generator: kernel.h) above kLargeKernelInstructions, else the
// level asked for.
int OptLevel(const ir::Program& program, const KernelOptions& options) {
  if (InstructionCount(program) > kLargeKernelInstructions) return 0;
  return std::clamp(options.opt_level, 1, 3);
}

std::string KeyFor(const ir::Program& program, const TargetInfo& target, const KernelOptions& options) {
  std::string material = "tally-kernel-cache 2\n";  // 2: position-independent objects
  material += "tally " TALLY_VERSION "\n";
  material += "codegen " TALLY_CODEGEN_SOURCE_HASH "\n";  // any change to the code generator's code
  material += "llvm " + target.llvm_version + "\n";
  material += "triple " + target.triple + "\ncpu " + target.cpu + "\nfeatures " + target.features + "\n";
  material += "opt " + std::to_string(OptLevel(program, options)) + "\n";
  material += Fingerprint(program);
  return Sha256Hex(material);
}

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

Result<TargetInfo> TargetFor(const KernelOptions& options) {
  return options.cpu.empty() ? Result<TargetInfo>(DefaultTarget()) : ResolveTarget(options.cpu);
}

// Links a verified cache entry: with the built-in loader, else (an object it cannot link)
// with LLVM's. Sets `warning` when the entry could not be used at all.
std::shared_ptr<const Kernel> LoadCached(const std::string& object, KernelInfo info,
                                         const std::vector<std::string>& symbols, bool is_score,
                                         std::chrono::steady_clock::time_point start, std::string& warning) {
  info.from_cache = true;
  Result<std::unique_ptr<LoadedObject>> linked = LoadedObject::Load(object, symbols, info.cache_key);
  if (linked.ok()) {
    info.linked_by = "tally";
    info.compile_ms = MillisecondsSince(start);
    return MakeKernel(std::move(*linked), info, is_score);
  }
  std::string why = linked.error().message;
  Result<Backend*> backend = LoadBackend();
  if (backend.ok()) {
    Result<std::unique_ptr<JitCode>> code = (*backend)->Load(object, info.cache_key, info.target, symbols);
    if (code.ok()) {
      info.linked_by = "llvm";
      info.compile_ms = MillisecondsSince(start);
      return MakeKernel(std::move(*code), info, is_score);
    }
    why += "; LLVM: " + code.error().message;
  }
  warning = "kernel cache entry " + info.cache_path + " could not be loaded (" + why + "); rebuilt it";
  return nullptr;
}

// Whether the cache in `dir` may be used: created if missing, and trusted (cache_trust.h).
// When not, `warning` says why — once per directory and process, since every kernel of a
// run would say the same.
bool UsableCacheDir(const std::string& dir, KernelInfo& info) {
  if (Status s = CreateCacheDir(dir); !s.ok()) {
    Warn(info, "kernel not cached: " + s.message());
    return false;
  }
  std::string why = UntrustedCacheDirReason(dir, ::geteuid());
  if (why.empty()) return true;
  static std::set<std::string> warned;  // guarded by CompileKernel's mutex
  if (warned.insert(dir).second) {
    Warn(info, "not using the kernel cache in " + dir + ": " + why +
                   ", so another user could put machine code there; compiling without the cache");
  }
  return false;
}

}  // namespace

std::string CacheKey(const ir::Program& program, const KernelOptions& options) {
  Result<TargetInfo> target = TargetFor(options);
  return target.ok() ? KeyFor(program, *target, options) : std::string();
}

Result<std::shared_ptr<const Kernel>> CompileKernel(const ir::Program& program, const KernelOptions& options) {
  auto start = std::chrono::steady_clock::now();
  if (Status s = ir::Verify(program); !s.ok()) return Error{s.message()};
  RETURN_IF_ERROR(CheckKernelSize(program));
  Result<TargetInfo> target = TargetFor(options);
  if (!target.ok()) return target.error();

  KernelInfo info;
  info.target = *target;
  info.opt_level = OptLevel(program, options);
  info.cache_key = KeyFor(program, *target, options);
  const std::string dir = options.cache_dir.empty() ? DefaultCacheDir() : options.cache_dir;
  const std::vector<std::string> symbols = EntrySymbols(program);
  const bool is_score = program.kind == ir::Program::Kind::kScore;

  // One compilation at a time: two threads compiling the same program would only race.
  static std::mutex compile_mutex;
  std::lock_guard<std::mutex> lock(compile_mutex);

  const bool use_cache = options.use_cache && UsableCacheDir(dir, info);
  if (use_cache) {
    info.cache_path = CacheEntryPath(dir, info.cache_key);
    CacheLookup entry = ReadCacheEntry(info.cache_path, info.cache_key);
    if (entry.state == CacheLookup::State::kHit) {
      std::string warning;
      info.object_sha256 = entry.object_sha256;
      std::shared_ptr<const Kernel> kernel = LoadCached(entry.object, info, symbols, is_score, start, warning);
      if (kernel) return kernel;
      info.object_sha256.clear();
      Warn(info, warning);
    } else if (entry.state == CacheLookup::State::kCorrupt) {
      Warn(info, "kernel cache entry " + info.cache_path + " was corrupt (" + entry.why + "); rebuilt it");
    }
  }

  Result<Backend*> backend = LoadBackend();
  if (!backend.ok()) return backend.error();
  // The object is captured even without a cache: its sha256 names the code that runs.
  std::string object;
  Result<std::unique_ptr<JitCode>> code =
      (*backend)->Compile(program, info.cache_key, *target, info.opt_level, symbols, &object);
  if (!code.ok()) return code.error();
  if (!object.empty()) info.object_sha256 = Sha256Hex(object);
  if (use_cache) {
    if (object.empty()) {
      Warn(info, "the JIT produced no object file to cache");
    } else if (Status s = WriteCacheEntry(dir, info.cache_key, object); !s.ok()) {
      Warn(info, "kernel not cached: " + s.message());
    }
  }
  info.linked_by = "llvm";
  info.compile_ms = MillisecondsSince(start);
  return MakeKernel(std::move(*code), info, is_score);
}

Result<std::string> KernelIR(const ir::Program& program, bool optimized, const KernelOptions& options) {
  if (Status s = ir::Verify(program); !s.ok()) return Error{s.message()};
  RETURN_IF_ERROR(CheckKernelSize(program));
  Result<TargetInfo> target = TargetFor(options);
  if (!target.ok()) return target.error();
  Result<Backend*> backend = LoadBackend();
  if (!backend.ok()) return backend.error();
  return (*backend)->ModuleText(program, KeyFor(program, *target, options), *target, OptLevel(program, options),
                                optimized);
}

}  // namespace tally::codegen
