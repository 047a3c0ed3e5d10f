// Loads a kernel's relocatable object file (ELF, x86-64, position-independent, as the JIT
// compiled it and the disk cache stores it) into executable memory without LLVM, so a
// process whose kernels all come from the cache never loads LLVM.
//
// It is a deliberately small linker for what the code generator emits: code and read-only
// data sections (constant pools) placed in one mapping, PC-relative references between
// them, and calls to a few outside functions (the tally_rt_* libm bindings of emit.h and
// C library routines such as memset) through stubs in the same mapping. Anything else — a
// writable or thread-local section, an absolute 32-bit relocation, an unknown relocation
// type, a malformed header — is refused with a reason, and the caller falls back to LLVM's
// own linker. So is an object whose kKernelKeySymbol (backend.h) is not the expected cache
// key: another program's code under this program's name. The memory is writable only while
// being relocated, then read + execute.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tally/support/result.h"

namespace tally::codegen {

class LoadedObject {
 public:
  // Links `object` and looks up `symbols` (global functions defined in it), if the object
  // says it was compiled from the program with cache key `key`.
  static Result<std::unique_ptr<LoadedObject>> Load(std::string_view object, const std::vector<std::string>& symbols,
                                                    std::string_view key);

  LoadedObject(const LoadedObject&) = delete;
  LoadedObject& operator=(const LoadedObject&) = delete;
  ~LoadedObject();

  // The addresses of the symbols asked for, in that order.
  const std::vector<void*>& symbols() const { return symbols_; }

 private:
  LoadedObject(void* memory, size_t size) : memory_(memory), size_(size) {}
  void* memory_;
  size_t size_;
  std::vector<void*> symbols_;
};

}  // namespace tally::codegen
