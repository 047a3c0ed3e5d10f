// The process's ORC JIT: one LLJIT per target CPU, created on first use and kept for the
// life of the process. Each kernel gets its own JITDylib and ResourceTracker, so kernels
// can be loaded and unloaded independently and use fixed symbol names.
//
// Pipeline for IR: IRTransformLayer (OptimizeModule) -> IRCompileLayer (machine code; the
// object file is captured for the disk cache) -> object linking layer. A cached object
// goes straight to the object layer: no optimizer, no code generator.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "tally/codegen/kernel.h"
#include "tally/support/result.h"

namespace llvm::orc { class LLJIT; }

namespace tally::codegen {

// Code loaded into the JIT: its JITDylib, tracker, and the addresses of the requested symbols.
struct LoadedCode {
  llvm::orc::JITDylib* dylib = nullptr;
  llvm::orc::ResourceTrackerSP tracker;
  std::vector<void*> symbols;  // same order as the names asked for
};

class Jit {
 public:
  // The JIT for `target` (created on first use; never destroyed).
  static Result<Jit*> ForTarget(const TargetInfo& target);

  const llvm::DataLayout& data_layout() const;
  const std::string& triple() const;

  // Optimizes at `opt_level`, compiles and links `module`; `object` receives the object file.
  Result<LoadedCode> AddModule(std::unique_ptr<llvm::LLVMContext> context,
                               std::unique_ptr<llvm::Module> module, int opt_level,
                               const std::vector<std::string>& symbols, std::string* object);
  // Links an object file produced by AddModule (for the same target), if it says it was
  // compiled from the program with cache key `key` (kKernelKeySymbol).
  Result<LoadedCode> AddObject(std::string_view object, const std::string& key,
                               const std::vector<std::string>& symbols);
  // Unloads code; `code` is empty afterwards.
  void Remove(LoadedCode& code);

  // Runs the same optimizer the JIT runs (for KernelIR).
  void Optimize(llvm::Module& module, int opt_level);

  struct Impl;
  explicit Jit(std::unique_ptr<Impl> impl);
  ~Jit();

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tally::codegen
