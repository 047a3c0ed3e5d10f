// Checks on raw definition text that must happen before ANTLR sees it (ANTLR's UTF-8
// decoder aborts the process on invalid input).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tally {

struct InvalidText {
  uint32_t offset;
  const char* code;
  std::string message;
};

// The first NUL byte or invalid UTF-8 sequence (overlong, surrogate, > U+10FFFF, truncated).
std::optional<InvalidText> FindInvalidText(std::string_view text);

inline bool HasUtf8Bom(std::string_view text) {
  return text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF";
}

}  // namespace tally
