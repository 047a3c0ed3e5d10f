// The boundary of every public governance entry point: an exception from a dependency
// (yaml-cpp, nlohmann, std::filesystem, the standard library, allocation) becomes an
// InternalError value instead of crossing the library boundary.
#pragma once

#include <exception>
#include <string>

#include "tally/support/json.h"
#include "tally/support/result.h"

namespace tally::governance {

template <typename Body>
auto Guarded(const char* what, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    return InternalError(std::string(what) + ": " + ValidUtf8(e.what()));
  } catch (...) {
    return InternalError(std::string(what) + ": unexpected exception");
  }
}

}  // namespace tally::governance
