#include "tally/runtime/csv_writer.h"

#include <charconv>
#include <cmath>

namespace tally::runtime {

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
  if (!std::isfinite(value)) return false;
  if (value == 0.0) value = 0.0;  // -0.0 prints as 0
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, ptr);
  return ec == std::errc();
}

void AppendInt(std::string& out, int64_t value) {
  char buf[24];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, ptr);
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
