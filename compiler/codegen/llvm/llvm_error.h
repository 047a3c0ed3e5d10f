// The one place an llvm::Error becomes a tally::Error (LLVM errors never cross our API).
#pragma once

#include <string>

#include "llvm/Support/Error.h"
#include "tally/support/result.h"

namespace tally::codegen {

inline Error FromLlvm(llvm::Error err, const std::string& context) {
  return Error{context + ": " + llvm::toString(std::move(err))};
}

// Unwraps an llvm::Expected<T> into a Result<T>.
template <typename T>
Result<T> FromLlvm(llvm::Expected<T> value, const std::string& context) {
  if (!value) return FromLlvm(value.takeError(), context);
  return std::move(*value);
}

}  // namespace tally::codegen
