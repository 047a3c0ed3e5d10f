#include "tally/support/result.h"

namespace tally {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadInput: return "bad input";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kIo: return "I/O";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace tally
