#include "tally/runtime/value_parse.h"

#include <charconv>
#include <cmath>

#include <fast_float/fast_float.h>

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

}  // namespace tally::runtime
