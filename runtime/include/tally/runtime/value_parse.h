// Text -> typed values for input columns. The rules (docs/scoring.md):
//   int    optional '-', decimal digits, fits int64 (leading zeros allowed; no '+', no '1.0');
//   float  decimal or scientific notation (fast_float); inf, nan, and values that overflow
//          a double are rejected, so no non-finite number enters a kernel;
//   bool   true / false / 1 / 0 (true and false in any letter case);
// each after trimming surrounding spaces and tabs. A field that is empty after trimming is
// "blank": null in a nullable column, a "missing value" reject otherwise.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tally::runtime {

std::string_view TrimBlanks(std::string_view text);
inline bool IsBlank(std::string_view text) { return TrimBlanks(text).empty(); }

// Each returns true on success; otherwise sets `reason` (naming the offending text).
bool ParseInt(std::string_view text, int64_t& out, std::string& reason);
bool ParseFloat(std::string_view text, double& out, std::string& reason);
bool ParseBool(std::string_view text, uint8_t& out, std::string& reason);
// date: after trimming, exactly the input's format (dates::Format; ISO YYYY-MM-DD by
// default) naming a real day in 0001-01-01 .. 9999-12-31: 19970231 is a reject, never a day.
bool ParseDate(std::string_view text, uint8_t format, int64_t& out, std::string& reason);

// A string value must be valid UTF-8 without NUL bytes (output CSV, JSON and terminals take
// it as text). True when it is; otherwise sets `reason` ("not valid UTF-8 at byte 3",
// counting from 1). All-ASCII text, the common case, is checked eight bytes at a time.
bool CheckText(std::string_view text, std::string& reason);

// `text` in double quotes, shortened for messages.
std::string QuoteForMessage(std::string_view text);

}  // namespace tally::runtime
