#include "source_text.h"

#include <cstdio>

namespace tally {

namespace {
std::string Hex(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", c);
  return buf;
}
}  // namespace

std::optional<InvalidText> FindInvalidText(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0) return InvalidText{static_cast<uint32_t>(i), "E-nul-byte", "NUL byte in source file"};
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    uint32_t min = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) length = 2, min = 0x80, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) length = 3, min = 0x800, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) length = 4, min = 0x10000, cp = c & 0x07;
    bool ok = length != 0 && i + length <= text.size();
    for (size_t k = 1; ok && k < length; ++k) {
      unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (ok && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
    if (!ok) {
      return InvalidText{static_cast<uint32_t>(i), "E-invalid-utf8",
                         "invalid UTF-8 (byte " + Hex(c) + "); definition files must be UTF-8"};
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace tally
