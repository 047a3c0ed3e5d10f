// The code generation pipeline, top to bottom:
//   ValidateProgram -> cache lookup -> (hit) load object
//                                   -> (miss) EmitKernelModule -> JIT (optimize, compile) -> cache write
#include <algorithm>
#include <chrono>
#include <mutex>

#include "emit.h"
#include "fingerprint.h"
#include "jit.h"
#include "kernel_cache.h"
#include "llvm/Support/raw_ostream.h"
#include "sha256.h"
#include "tally/codegen/kernel.h"
#include "tally_codegen_source_hash.h"
#include "target.h"
#include "validate.h"

#ifndef TALLY_VERSION
#error "TALLY_VERSION must be defined by the build"
#endif

namespace tally::codegen {
namespace {

class JitKernel final : public Kernel {
 public:
  JitKernel(Jit* jit, LoadedCode code, KernelInfo info, bool is_score)
      : jit_(jit), code_(std::move(code)), info_(std::move(info)) {
    if (is_score) {
      score_ = reinterpret_cast<TallyScoreKernelFn>(code_.symbols[0]);
    } else {
      row_ = reinterpret_cast<TallyMetricRowKernelFn>(code_.symbols[0]);
      finalize_ = reinterpret_cast<TallyMetricFinalizeKernelFn>(code_.symbols[1]);
    }
  }
  ~JitKernel() override { jit_->Remove(code_); }

  TallyScoreKernelFn score() const override { return score_; }
  TallyMetricRowKernelFn metric_row() const override { return row_; }
  TallyMetricFinalizeKernelFn metric_finalize() const override { return finalize_; }
  const KernelInfo& info() const override { return info_; }

 private:
  Jit* jit_;
  LoadedCode code_;
  KernelInfo info_;
  TallyScoreKernelFn score_ = nullptr;
  TallyMetricRowKernelFn row_ = nullptr;
  TallyMetricFinalizeKernelFn finalize_ = nullptr;
};

std::vector<std::string> EntrySymbols(const ir::Program& program) {
  if (program.kind == ir::Program::Kind::kScore) return {kScoreSymbol};
  return {kMetricRowSymbol, kMetricFinalizeSymbol};
}

int OptLevel(const KernelOptions& options) { return std::clamp(options.opt_level, 1, 3); }

std::string KeyFor(const ir::Program& program, const TargetInfo& target, const KernelOptions& options) {
  std::string material = "tally-kernel-cache 1\n";
  material += "tally " TALLY_VERSION "\n";
  material += "codegen " TALLY_CODEGEN_SOURCE_HASH "\n";  // any change to this library's code
  material += "llvm " + target.llvm_version + "\n";
  material += "triple " + target.triple + "\ncpu " + target.cpu + "\nfeatures " + target.features + "\n";
  material += "opt " + std::to_string(OptLevel(options)) + "\n";
  material += Fingerprint(program);
  return Sha256Hex(material);
}

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::string CacheKey(const ir::Program& program, const KernelOptions& options) {
  Result<TargetInfo> target = options.cpu.empty() ? Result<TargetInfo>(DefaultTarget()) : ResolveTarget(options.cpu);
  return target.ok() ? KeyFor(program, *target, options) : std::string();
}

Result<std::shared_ptr<const Kernel>> CompileKernel(const ir::Program& program, const KernelOptions& options) {
  auto start = std::chrono::steady_clock::now();
  if (Status s = ValidateProgram(program); !s.ok()) return Error{s.message()};
  Result<TargetInfo> target = options.cpu.empty() ? Result<TargetInfo>(DefaultTarget()) : ResolveTarget(options.cpu);
  if (!target.ok()) return target.error();
  Result<Jit*> jit = Jit::ForTarget(*target);
  if (!jit.ok()) return jit.error();

  KernelInfo info;
  info.target = *target;
  info.opt_level = OptLevel(options);
  info.cache_key = KeyFor(program, *target, options);
  const std::string dir = options.cache_dir.empty() ? DefaultCacheDir() : options.cache_dir;
  if (options.use_cache) info.cache_path = CacheEntryPath(dir, info.cache_key);
  const std::vector<std::string> symbols = EntrySymbols(program);
  const bool is_score = program.kind == ir::Program::Kind::kScore;

  // One compilation at a time: the JIT's compile layer and LLVM contexts are not shared
  // across threads here, and two threads compiling the same program would only race.
  static std::mutex compile_mutex;
  std::lock_guard<std::mutex> lock(compile_mutex);

  if (options.use_cache) {
    CacheLookup entry = ReadCacheEntry(info.cache_path, info.cache_key);
    if (entry.state == CacheLookup::State::kHit) {
      Result<LoadedCode> code = (*jit)->AddObject(entry.object, symbols);
      if (code.ok()) {
        info.from_cache = true;
        info.compile_ms = MillisecondsSince(start);
        return std::shared_ptr<const Kernel>(std::make_shared<JitKernel>(*jit, std::move(*code), info, is_score));
      }
      info.cache_warning = "kernel cache entry " + info.cache_path + " could not be loaded (" +
                           code.error().message + "); rebuilt it";
    } else if (entry.state == CacheLookup::State::kCorrupt) {
      info.cache_warning = "kernel cache entry " + info.cache_path + " was corrupt (" + entry.why + "); rebuilt it";
    }
  }

  auto context = std::make_unique<llvm::LLVMContext>();
  Result<std::unique_ptr<llvm::Module>> module = EmitKernelModule(program, *context);
  if (!module.ok()) return module.error();
  std::string object;
  Result<LoadedCode> code = (*jit)->AddModule(std::move(context), std::move(*module), info.opt_level, symbols,
                                              options.use_cache ? &object : nullptr);
  if (!code.ok()) return code.error();
  if (options.use_cache) {
    if (object.empty()) {
      info.cache_warning = "the JIT produced no object file to cache";
    } else if (Status s = WriteCacheEntry(dir, info.cache_key, object); !s.ok()) {
      info.cache_warning = "kernel not cached: " + s.message();
    }
  }
  info.compile_ms = MillisecondsSince(start);
  return std::shared_ptr<const Kernel>(std::make_shared<JitKernel>(*jit, std::move(*code), info, is_score));
}

Result<std::string> KernelIR(const ir::Program& program, bool optimized, const KernelOptions& options) {
  Result<TargetInfo> target = options.cpu.empty() ? Result<TargetInfo>(DefaultTarget()) : ResolveTarget(options.cpu);
  if (!target.ok()) return target.error();
  Result<Jit*> jit = Jit::ForTarget(*target);
  if (!jit.ok()) return jit.error();
  llvm::LLVMContext context;
  Result<std::unique_ptr<llvm::Module>> module = EmitKernelModule(program, context);
  if (!module.ok()) return module.error();
  (*module)->setDataLayout((*jit)->data_layout());
  (*module)->setTargetTriple((*jit)->triple());
  if (optimized) (*jit)->Optimize(**module, OptLevel(options));
  std::string text;
  llvm::raw_string_ostream os(text);
  (*module)->print(os, nullptr);
  return text;
}

}  // namespace tally::codegen
