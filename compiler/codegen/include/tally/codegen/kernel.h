// Code generation: ir::Program -> a native kernel with the kernel_abi.h calling convention.
//
//   CompileKernel(program, options) -> Kernel
//
// The kernel computes exactly what the reference interpreter (interpreter.h) computes, bit
// for bit: no fast-math, no FMA contraction, the C library's exp/log/pow, and a fixed target
// feature set (never "native"), so the same program gives the same machine code and the same
// numbers everywhere that target runs. Compiled objects are cached on disk by content
// (see docs/codegen.md); a cache hit links the object without LLVM, which is loaded (as a
// plugin) only when something must be compiled.
//
// Thread safety: CompileKernel may be called from any thread (compilation is serialized).
// A Kernel's functions may be called concurrently on disjoint output buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "tally/compiler/ir.h"
#include "tally/compiler/kernel_abi.h"
#include "tally/support/result.h"

namespace tally::codegen {

// The machine code's target: part of every cache key and of every lineage record.
struct TargetInfo {
  std::string triple;    // "x86_64-pc-linux-gnu"
  std::string cpu;       // a fixed baseline, e.g. "x86-64-v3", never the host's own name
  std::string features;  // every feature that cpu implies, "+avx,+avx2,..." (sorted)
  std::string llvm_version;  // "19.1.7"
};

// The target kernels are built for on this machine: the highest of x86-64-v3, -v2, and
// x86-64 that the host supports (other architectures: "generic").
const TargetInfo& DefaultTarget();

// Kernels of more IR instructions than this (row + post code) skip the IR optimizer and use
// LLVM's fast code generator (opt level 0): compile time then grows with the size, where the
// loop vectorizer's grows about as its cube (a 10,000-let chain did not finish in 25 minutes). Same results,
// bit for bit; slower code per row. docs/codegen.md has the figures.
inline constexpr size_t kLargeKernelInstructions = 1000;
// CompileKernel refuses a program larger than this (an error naming it; the interpreter runs it).
inline constexpr size_t kMaxKernelInstructions = 100000;

struct KernelOptions {
  // Where compiled objects are cached. Empty: $XDG_CACHE_HOME/tally, else ~/.cache/tally.
  std::string cache_dir;
  bool use_cache = true;
  // 1: the kernel pipeline (a short list of LLVM passes that vectorizes the row loop),
  // 2: LLVM's O2, 3: LLVM's O3. docs/performance.md compares them. Ignored (0 is used) for
  // kernels over kLargeKernelInstructions.
  int opt_level = 1;
  // Overrides DefaultTarget().cpu, e.g. "x86-64-v2" (must be supported by this host).
  std::string cpu;
};

// Where a kernel came from and what it cost; recorded in lineage and shown by benchmarks.
struct KernelInfo {
  TargetInfo target;
  std::string cache_key;   // sha256 hex of everything that can change the machine code
  std::string cache_path;  // the entry's file ("" when the cache is off or not trusted)
  bool from_cache = false; // true: object loaded from disk, the optimizer did not run
  // Who linked the code: "llvm" (compiled by the JIT, or a cached object LLVM had to link)
  // or "tally" (a cached object linked by the built-in loader: LLVM was not needed).
  std::string linked_by;
  double compile_ms = 0;   // wall time of CompileKernel (generate + optimize + codegen + link, or load)
  int opt_level = 1;       // what was used: 0 for a very large kernel (see kLargeKernelInstructions)
  // sha256 hex of the object file (the machine code) this kernel runs, cached or not: what
  // the lineage record names as the code that ran. Empty only if the JIT gave no object.
  std::string object_sha256;
  // Set when a cache entry was refused and rebuilt, the cache directory is not trusted, or
  // the cache could not be written (the kernel still works): show it as a warning.
  std::string cache_warning;
};

// A compiled definition. Holds its JIT code alive: function pointers are valid as long as
// the Kernel (a shared_ptr) lives.
class Kernel {
 public:
  virtual ~Kernel() = default;
  // Scores: score() is set, the metric functions are null; metrics: the other way round.
  virtual TallyScoreKernelFn score() const = 0;
  virtual TallyMetricRowKernelFn metric_row() const = 0;
  virtual TallyMetricFinalizeKernelFn metric_finalize() const = 0;
  virtual const KernelInfo& info() const = 0;
};

// Compiles `program` (or loads it from the cache). Fails, with a message for the user, when
// LLVM cannot be set up, the program is malformed, or the target is not supported here.
Result<std::shared_ptr<const Kernel>> CompileKernel(const ir::Program& program,
                                                    const KernelOptions& options = {});

// The kernel's LLVM IR as text, before (optimized=false) or after the optimizer: for
// `--dump-ir`-style inspection and for tests that check the row loop is vectorized.
Result<std::string> KernelIR(const ir::Program& program, bool optimized,
                             const KernelOptions& options = {});

// The cache key CompileKernel would use (sha256 hex), without compiling.
std::string CacheKey(const ir::Program& program, const KernelOptions& options = {});

}  // namespace tally::codegen
