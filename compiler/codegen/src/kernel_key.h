// What a kernel object says it was compiled from: its cache key, as a constant symbol the
// code generator emits (llvm/emit.cpp) and both linkers check (object_loader.cpp, llvm/jit.cpp).
// Without LLVM or compiler headers, so the object loader's fuzzer builds it alone.
#pragma once

#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "tally/support/result.h"

namespace tally::codegen {

// A constant in every kernel object: the cache key (64 hex digits) of what it was compiled
// from. Both linkers refuse an object whose key is not the one of the program being loaded,
// so an entry holding another program's code is never linked, whatever its header says.
inline constexpr const char* kKernelKeySymbol = "tally_kernel_key";

// Each linker finds the bytes of kKernelKeySymbol its own way (nullopt: no such symbol); this
// judges them, so both refuse with the same words.
inline Status CheckKernelKey(std::optional<std::string_view> embedded, std::string_view expected) {
  if (!embedded) {
    return Error{"the object does not record what it was compiled from (no " + std::string(kKernelKeySymbol) + ")"};
  }
  if (*embedded != expected) {
    std::string shown(embedded->substr(0, 64));
    for (char& c : shown) c = std::isxdigit(static_cast<unsigned char>(c)) ? c : '?';
    return Error{"the object was compiled from another program (its key is " + shown + ")"};
  }
  return Status::Ok();
}

}  // namespace tally::codegen
