// The runtime's library boundary: no exception gets out of a public entry point. Private.
#pragma once

#include <exception>
#include <string>

#include "tally/support/result.h"

namespace tally::runtime {

// Runs `fn` (which returns a Status or a Result) and turns any exception it lets out, an
// allocation failure say, into an InternalError "internal error: ...".
template <typename Fn>
auto Guarded(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return InternalError(std::string("internal error: ") + e.what());
  } catch (...) {
    return InternalError("internal error: an unknown exception");
  }
}

}  // namespace tally::runtime
