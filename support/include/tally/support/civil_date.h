// Calendar dates as Tally stores them: int64 days since 1970-01-01 (numpy datetime64[D]),
// proleptic Gregorian, valid from 0001-01-01 to 9999-12-31. Integer arithmetic only
// (Howard Hinnant's days_from_civil / civil_from_days), so the interpreter, the runtime's
// CSV reader and writer, and the compiled kernels (which emit the same steps) agree exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tally::dates {

constexpr int64_t kMinDay = -719162;   // 0001-01-01
constexpr int64_t kMaxDay = 2932896;   // 9999-12-31

struct Civil {
  int64_t year;
  int64_t month;  // 1..12
  int64_t day;    // 1..31
};

inline bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

inline int64_t DaysInMonth(int64_t y, int64_t m) {
  static constexpr int64_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a valid date of years 1..9999 (every intermediate is >= 0 there).
inline int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = y / 400;
  const int64_t yoe = y - era * 400;                                     // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;   // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;             // [0, 146096]
  return era * 146097 + doe - 719468;
}

// The civil date of a day in [kMinDay, kMaxDay].
inline Civil CivilFromDays(int64_t z) {
  z += 719468;  // >= 306 in the valid range, so the divisions below truncate as floors
  const int64_t era = z / 146097;
  const int64_t doe = z - era * 146097;                                         // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;    // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                  // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                       // [0, 11]
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;                               // [1, 31]
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;                                  // [1, 12]
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

inline bool InRange(int64_t day) { return day >= kMinDay && day <= kMaxDay; }

// ISO weekday: Monday = 1 ... Sunday = 7 (1970-01-01 was a Thursday).
inline int64_t DayOfWeek(int64_t z) { return (z - kMinDay) % 7 + 1; }  // 0001-01-01 was a Monday

inline std::optional<int64_t> FromCivil(int64_t y, int64_t m, int64_t d) {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return std::nullopt;
  return DaysFromCivil(y, m, d);
}

// How a CSV input writes its dates (`input d : date format "YYYYMMDD"`).
enum class Format : uint8_t { kIso, kCompact, kDayMonthYear, kMonthDayYear };

// "YYYY-MM-DD", "YYYYMMDD", "DD/MM/YYYY", "MM/DD/YYYY"; nullopt for anything else.
inline std::optional<Format> FormatFromName(std::string_view name) {
  if (name == "YYYY-MM-DD") return Format::kIso;
  if (name == "YYYYMMDD") return Format::kCompact;
  if (name == "DD/MM/YYYY") return Format::kDayMonthYear;
  if (name == "MM/DD/YYYY") return Format::kMonthDayYear;
  return std::nullopt;
}

inline const char* FormatName(Format f) {
  switch (f) {
    case Format::kIso: return "YYYY-MM-DD";
    case Format::kCompact: return "YYYYMMDD";
    case Format::kDayMonthYear: return "DD/MM/YYYY";
    case Format::kMonthDayYear: return "MM/DD/YYYY";
  }
  return "YYYY-MM-DD";
}

namespace detail {
inline bool Digits(std::string_view s, size_t at, size_t n, int64_t& out) {
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    const unsigned d = static_cast<unsigned char>(s[i]) - unsigned{'0'};
    if (d > 9) return false;
    out = out * 10 + d;
  }
  return true;
}
}  // namespace detail

// Exactly the format's characters (no blanks, signs or missing leading zeros); nullopt for
// text that is not a real date in the valid range (1997-02-31, 1997-13-01, garbage).
inline std::optional<int64_t> Parse(std::string_view s, Format f) {
  int64_t y = 0, m = 0, d = 0;
  bool ok = false;
  switch (f) {
    case Format::kIso:
      ok = s.size() == 10 && s[4] == '-' && s[7] == '-' && detail::Digits(s, 0, 4, y) &&
           detail::Digits(s, 5, 2, m) && detail::Digits(s, 8, 2, d);
      break;
    case Format::kCompact:
      ok = s.size() == 8 && detail::Digits(s, 0, 4, y) && detail::Digits(s, 4, 2, m) && detail::Digits(s, 6, 2, d);
      break;
    case Format::kDayMonthYear:
    case Format::kMonthDayYear: {
      int64_t first = 0, second = 0;
      ok = s.size() == 10 && s[2] == '/' && s[5] == '/' && detail::Digits(s, 0, 2, first) &&
           detail::Digits(s, 3, 2, second) && detail::Digits(s, 6, 4, y);
      d = f == Format::kDayMonthYear ? first : second;
      m = f == Format::kDayMonthYear ? second : first;
      break;
    }
  }
  if (!ok) return std::nullopt;
  return FromCivil(y, m, d);
}

// Writes the ISO form YYYY-MM-DD of a day in range into out[0..10); returns out + 10.
inline char* WriteIso(char* out, int64_t day) {
  const Civil c = CivilFromDays(day);
  auto put = [&](int64_t v, int n) {
    for (int i = n - 1; i >= 0; --i, v /= 10) out[i] = static_cast<char>('0' + v % 10);
    out += n;
  };
  put(c.year, 4);
  *out++ = '-';
  put(c.month, 2);
  *out++ = '-';
  put(c.day, 2);
  return out;
}

inline std::string ToIso(int64_t day) {
  if (!InRange(day)) return "<date out of range: " + std::to_string(day) + ">";
  char buf[10];
  WriteIso(buf, day);
  return std::string(buf, 10);
}

}  // namespace tally::dates
