// The LLVM half of code generation, as a plugin (libtally_codegen_llvm.so, built from
// compiler/codegen/llvm/) that the facade loads with dlopen only when it must run LLVM: a
// kernel cache miss, the cache turned off, or IR inspection. A process whose kernels all
// come from the cache never maps LLVM (tens of milliseconds and ~50 MiB saved per run).
//
// Both sides are built from the same tree by the same compiler, so C++ types cross the
// boundary; the plugin refuses a facade whose build id (the code generator's source hash)
// is not its own, so a stale plugin can never produce objects under the wrong cache key.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernel_key.h"  // kKernelKeySymbol, which every kernel object defines
#include "tally/codegen/kernel.h"
#include "tally/compiler/ir.h"
#include "tally/support/result.h"

namespace tally::codegen {

inline constexpr const char* kScoreSymbol = "tally_score";
inline constexpr const char* kMetricRowSymbol = "tally_metric_row";
inline constexpr const char* kMetricFinalizeSymbol = "tally_metric_finalize";

// Code loaded into the in-process JIT; unloaded when this object is destroyed.
class JitCode {
 public:
  virtual ~JitCode() = default;
  // The addresses of the symbols asked for, in that order.
  virtual const std::vector<void*>& symbols() const = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // Generates, optimizes at `opt_level` and compiles `program` for `target`, and loads it
  // into the JIT. `key` (the cache key) is embedded as kKernelKeySymbol. `object`, when not
  // null, receives the relocatable object file (ELF, position-independent) for the disk cache.
  virtual Result<std::unique_ptr<JitCode>> Compile(const ir::Program& program, const std::string& key,
                                                   const TargetInfo& target, int opt_level,
                                                   const std::vector<std::string>& symbols, std::string* object) = 0;
  // Loads an object file that Compile produced into the JIT (where object_loader.h cannot),
  // refusing it unless its kKernelKeySymbol is `key`.
  virtual Result<std::unique_ptr<JitCode>> Load(std::string_view object, const std::string& key,
                                                const TargetInfo& target, const std::vector<std::string>& symbols) = 0;
  // The kernel module as LLVM IR text, before or after the optimizer.
  virtual Result<std::string> ModuleText(const ir::Program& program, const std::string& key, const TargetInfo& target,
                                         int opt_level, bool optimized) = 0;
  // Every feature LLVM says `cpu` implies, "+a,+b,..." sorted (for tests/codegen/plugin_test.cpp).
  virtual Result<std::string> ImpliedFeatures(const std::string& triple, const std::string& cpu) = 0;
  // LLVM's version string, "19.1.7".
  virtual std::string LlvmVersion() const = 0;
};

// The plugin's one exported symbol: returns the process's backend, or null with `why` set
// when `build_id` is not the plugin's own.
inline constexpr const char* kBackendEntrySymbol = "tally_codegen_backend_v1";
using BackendEntryFn = Backend* (*)(const char* build_id, std::string* why);

// The backend, loading the plugin on first use (thread-safe; never unloaded). The plugin is
// looked for at $TALLY_CODEGEN_PLUGIN, at the path the build put it, then beside the
// executable and in ../lib/tally/ from it.
Result<Backend*> LoadBackend();

// True once LoadBackend has loaded the plugin in this process (tests and benchmarks check
// that cache hits never do).
bool BackendLoaded();

}  // namespace tally::codegen
