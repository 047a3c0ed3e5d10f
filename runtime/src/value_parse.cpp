#include "tally/runtime/value_parse.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include <fast_float/fast_float.h>

#include "tally/support/civil_date.h"
#include "tally/support/json.h"

namespace tally::runtime {

std::string_view TrimBlanks(std::string_view text) {
  size_t b = 0;
  size_t e = text.size();
  while (b < e && (text[b] == ' ' || text[b] == '\t')) ++b;
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
  return text.substr(b, e - b);
}

std::string QuoteForMessage(std::string_view text) {
  constexpr size_t kMax = 40;
  std::string out = "\"";
  out.append(text.substr(0, kMax));
  if (text.size() > kMax) out += "...";
  out += '"';
  return out;
}

bool ParseInt(std::string_view text, int64_t& out, std::string& reason) {
  std::string_view t = TrimBlanks(text);
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), out, 10);
  if (ec == std::errc::result_out_of_range) {
    reason = "integer out of range: " + QuoteForMessage(text);
    return false;
  }
  if (ec != std::errc() || ptr != t.data() + t.size() || t.empty()) {
    reason = "not an integer: " + QuoteForMessage(text);
    return false;
  }
  return true;
}

bool ParseDate(std::string_view text, uint8_t format, int64_t& out, std::string& reason) {
  const auto f = static_cast<dates::Format>(format);
  if (auto day = dates::Parse(TrimBlanks(text), f)) {
    out = *day;
    return true;
  }
  reason = std::string("not a date in ") + dates::FormatName(f) + " form: " + QuoteForMessage(text);
  return false;
}

bool ParseFloat(std::string_view text, double& out, std::string& reason) {
  std::string_view t = TrimBlanks(text);
  auto [ptr, ec] = fast_float::from_chars(t.data(), t.data() + t.size(), out);
  if (ec != std::errc() || ptr != t.data() + t.size() || t.empty()) {
    reason = "not a number: " + QuoteForMessage(text);
    return false;
  }
  // fast_float accepts "inf" and "nan" and rounds 1e999 to infinity: none may reach a kernel.
  if (!std::isfinite(out)) {
    reason = "not a finite number: " + QuoteForMessage(text);
    return false;
  }
  return true;
}

namespace {
bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}
}  // namespace

bool ParseBool(std::string_view text, uint8_t& out, std::string& reason) {
  std::string_view t = TrimBlanks(text);
  if (t == "1" || EqualsIgnoreCase(t, "true")) {
    out = 1;
    return true;
  }
  if (t == "0" || EqualsIgnoreCase(t, "false")) {
    out = 0;
    return true;
  }
  reason = "not a bool (true, false, 1 or 0): " + QuoteForMessage(text);
  return false;
}

namespace {
// True when no byte of `text` is 0 or above 0x7F: plain ASCII, nothing more to check.
bool PlainAscii(std::string_view text) {
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    // A high bit set, or a zero byte (the classic "has zero byte" test).
    if (((w | ((w - kOnes) & ~w)) & kHigh) != 0) return false;
  }
  for (; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0 || c >= 0x80) return false;
  }
  return true;
}
}  // namespace

bool CheckText(std::string_view text, std::string& reason) {
  if (PlainAscii(text)) return true;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '\0') {
      reason = "NUL byte at byte " + std::to_string(i + 1);
      return false;
    }
    const size_t len = Utf8SequenceAt(text, i);
    if (len == 0) {
      reason = "not valid UTF-8 at byte " + std::to_string(i + 1);
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace tally::runtime
