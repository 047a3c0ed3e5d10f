#include "tally/runtime/csv_writer.h"

#include "tally/support/civil_date.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace tally::runtime {

namespace {

// Digits of v, most significant first.
inline char* WriteDigits(char* out, uint64_t v) {
  char tmp[20];
  char* t = tmp + sizeof tmp;
  do {
    *--t = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  const size_t n = static_cast<size_t>(tmp + sizeof tmp - t);
  std::memcpy(out, t, n);
  return out + n;
}

bool NeedsQuotes(std::string_view text) {
  if (text.empty()) return true;
  for (char c : text) {
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
  }
  return false;
}

// The fast path of WriteFloat. Why its text is std::to_chars's (shortest round trip, fixed
// or scientific, whichever is shorter, fixed on a tie):
//  - value is the double nearest to k / 10^s (IEEE division is correctly rounded and k is
//    exact), k / 10^s has at most 8 significant digits, and two different decimals of at
//    most 15 significant digits never round to the same double (DBL_DIG), so the shortest
//    digits that read back to value are exactly those of k / 10^s;
//  - the smallest s that works is taken and k is then not a multiple of 10, so the text
//    has exactly s decimals and no trailing zero;
//  - below 1e5 fixed notation is never longer than scientific: an integer has at most 5
//    digits ("10000" ties with "1e+04"), a fraction >= 0.001 at most 5 characters before
//    its first nonzero digit plus its digits ("0.001" ties with "1e-03"), and a number
//    with digits on both sides of the point is always shorter in fixed notation.
char* WriteDecimalFloat(char* out, double value) {
  static constexpr double kScale[] = {1.0, 10.0, 100.0, 1000.0};
  static constexpr uint64_t kPow10[] = {1, 10, 100, 1000};
  const double a = std::fabs(value);
  if (!(a < 1e5)) return nullptr;
  // The common cases first, with one division: an integer, or one decimal (round(x, 1)).
  // Below 1e5, a * 10 is exact for an integer, so k1 is then a multiple of 10; and a value
  // with one decimal is never an integer, so s = 1 is then the smallest s.
  const uint64_t k1 = static_cast<uint64_t>(a * 10.0 + 0.5);
  int first = 0;
  if (k1 % 10 == 0) {
    if (static_cast<double>(k1 / 10) == a) first = 0;
  } else if (static_cast<double>(k1) / 10.0 == a) {
    first = 1;
  }
  for (int s = first; s <= 3; ++s) {
    const uint64_t k = static_cast<uint64_t>(a * kScale[s] + 0.5);
    if (static_cast<double>(k) / kScale[s] != a) continue;
    if (s > 0 && k % 10 == 0) return nullptr;  // cannot happen (s - 1 would have matched)
    if (a < 0.001 && k != 0) return nullptr;  // scientific may be shorter there
    if (value < 0) *out++ = '-';
    out = WriteDigits(out, k / kPow10[s]);
    if (s > 0) {
      *out++ = '.';
      uint64_t frac = k % kPow10[s];
      for (int i = s - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + frac % 10);
        frac /= 10;
      }
      out += s;
    }
    return out;
  }
  return nullptr;
}

}  // namespace

char* WriteFloat(char* out, double value) {
  if (!std::isfinite(value)) return nullptr;
  if (value == 0.0) value = 0.0;  // -0.0 prints as 0
  if (char* end = WriteDecimalFloat(out, value)) return end;
  return std::to_chars(out, out + kMaxNumberChars, value).ptr;
}

char* WriteInt(char* out, int64_t value) {
  uint64_t v = static_cast<uint64_t>(value);
  if (value < 0) {
    *out++ = '-';
    v = ~v + 1;  // the magnitude, INT64_MIN included
  }
  return WriteDigits(out, v);
}

char* WriteCsvText(char* out, std::string_view text) {
  if (!NeedsQuotes(text)) {
    std::memcpy(out, text.data(), text.size());
    return out + text.size();
  }
  *out++ = '"';
  for (char c : text) {
    if (c == '"') *out++ = '"';
    *out++ = c;
  }
  *out++ = '"';
  return out;
}

void AppendCsvText(std::string& out, std::string_view text) {
  bool quote = text.empty() || text.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out.append(text);
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

bool AppendFloat(std::string& out, double value) {
  char buf[kMaxNumberChars];
  char* end = WriteFloat(buf, value);
  if (end == nullptr) return false;
  out.append(buf, end);
  return true;
}

void AppendInt(std::string& out, int64_t value) {
  char buf[kMaxNumberChars];
  out.append(buf, WriteInt(buf, value));
}

bool AppendValue(std::string& out, ir::Type type, const TallyColumnView& column, int64_t row,
                 const StringDictionary& strings) {
  if (column.valid != nullptr && column.valid[row] == 0) return true;
  switch (type) {
    case ir::Type::kBool:
      out += static_cast<const uint8_t*>(column.values)[row] ? "true" : "false";
      return true;
    case ir::Type::kInt:
      AppendInt(out, static_cast<const int64_t*>(column.values)[row]);
      return true;
    case ir::Type::kFloat:
      return AppendFloat(out, static_cast<const double*>(column.values)[row]);
    case ir::Type::kDate: {
      // ISO YYYY-MM-DD; a day outside the range (only a kernel bug could make one) fails.
      const int64_t day = static_cast<const int64_t*>(column.values)[row];
      if (!dates::InRange(day)) return false;
      char buf[10];
      out.append(buf, dates::WriteIso(buf, day));
      return true;
    }
    case ir::Type::kString: {
      int32_t code = static_cast<const int32_t*>(column.values)[row];
      if (code < 0 || static_cast<size_t>(code) >= strings.size()) return false;
      AppendCsvText(out, strings.Get(code));
      return true;
    }
  }
  return false;
}

std::string HeaderLine(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ',';
    AppendCsvText(out, names[i]);
  }
  out += '\n';
  return out;
}

}  // namespace tally::runtime
