// A reference table's rows: the CSV bytes the caller handed over, parsed and typed against
// the table's schema. Every problem is an error located in the CSV itself (line:column of
// the field), so a bad value reads `segment_weights.csv:4:9: error: ...`.
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>

#include "checker_internal.h"
#include "source_text.h"
#include "tally/support/civil_date.h"
#include "tally/support/sha256.h"

namespace tally {

namespace {

using K = CheckedType::Kind;

// Bytes of CSV a table may hold, besides its row limit: what a kernel can reasonably bake in.
constexpr size_t kMaxTableBytes = 4 << 20;
// Value errors reported per table before stopping: one mistake repeated in every row should
// not bury the rest of the output.
constexpr size_t kMaxValueErrors = 20;

struct Field {
  uint32_t begin = 0;
  uint32_t end = 0;
  std::string value;
};
using Row = std::vector<Field>;

// RFC 4180: fields separated by commas, optionally quoted with `""` for a quote inside;
// rows end with LF, CRLF or CR; a final line ending is optional.
class CsvParser {
 public:
  CsvParser(const SourceFile& file, DiagnosticList& diagnostics) : file_(file), text_(file.text()), diagnostics_(diagnostics) {}

  bool Parse(std::vector<Row>& rows) {
    pos_ = HasUtf8Bom(text_) ? 3 : 0;
    while (pos_ < text_.size()) {
      if (rows.size() > kMaxTableRows) {  // the header and kMaxTableRows rows
        diagnostics_.Error("E-table-too-large", Range(pos_, pos_), "a table holds at most " + std::to_string(kMaxTableRows) + " rows",
                           "reference tables are baked into the kernels that read them; larger data is an input");
        return false;
      }
      Row row;
      if (!ParseRow(row)) return false;
      rows.push_back(std::move(row));
    }
    return true;
  }

  SourceRange Range(uint32_t begin, uint32_t end) const { return {&file_, begin, end}; }

 private:
  bool AtLineEnd() const { return pos_ >= text_.size() || text_[pos_] == '\n' || text_[pos_] == '\r'; }

  bool ParseRow(Row& row) {
    while (true) {
      Field f;
      f.begin = static_cast<uint32_t>(pos_);
      if (pos_ < text_.size() && text_[pos_] == '"') {
        ++pos_;
        while (true) {
          if (pos_ >= text_.size()) {
            diagnostics_.Error("E-table-csv", Range(f.begin, f.begin + 1), "unterminated quoted field");
            return false;
          }
          if (text_[pos_] == '"') {
            if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
              f.value += '"';
              pos_ += 2;
              continue;
            }
            ++pos_;
            break;
          }
          f.value += text_[pos_++];
        }
        if (!AtLineEnd() && text_[pos_] != ',') {
          diagnostics_.Error("E-table-csv", Range(static_cast<uint32_t>(pos_), static_cast<uint32_t>(pos_) + 1),
                             "unexpected character after a quoted field", "a quoted field ends at a comma or the end of the line");
          return false;
        }
      } else {
        while (!AtLineEnd() && text_[pos_] != ',') {
          if (text_[pos_] == '"') {
            diagnostics_.Error("E-table-csv", Range(static_cast<uint32_t>(pos_), static_cast<uint32_t>(pos_) + 1),
                               "a quote inside an unquoted field", "quote the whole field and double the quote: \"a \"\"b\"\"\"");
            return false;
          }
          f.value += text_[pos_++];
        }
      }
      f.end = static_cast<uint32_t>(pos_);
      row.push_back(std::move(f));
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      return true;
    }
  }

  const SourceFile& file_;
  const std::string& text_;
  DiagnosticList& diagnostics_;
  size_t pos_ = 0;
};

// `field` typed as `type`; false (the caller reports) when it is not a value of that type.
bool ParseCell(const std::string& s, CheckedType type, TableCell& out) {
  if (s.empty()) {
    out.valid = false;
    return type.nullable;
  }
  out.valid = true;
  const char* end = s.data() + s.size();
  switch (type.kind) {
    case K::kInt: {
      auto [p, ec] = std::from_chars(s.data(), end, out.int_value);
      return ec == std::errc() && p == end;
    }
    case K::kFloat: {
      auto [p, ec] = std::from_chars(s.data(), end, out.float_value, std::chars_format::general);
      return ec == std::errc() && p == end && std::isfinite(out.float_value);
    }
    case K::kBool:
      out.int_value = s == "true" ? 1 : 0;
      return s == "true" || s == "false";
    case K::kString: out.string_value = s; return true;
    case K::kDate: {  // ISO, as a date column of an input reads by default
      std::optional<int64_t> day = dates::Parse(s, dates::Format::kIso);
      if (day) out.int_value = *day;
      return day.has_value();
    }
    default: return false;
  }
}

std::string Shown(const std::string& s) { return s.size() > 40 ? s.substr(0, 37) + "..." : s; }

void LoadTable(CheckedTable& table, const SourceFile& csv, DiagnosticList& diagnostics) {
  const std::string& text = csv.text();
  table.data_sha256 = Sha256Hex(text);
  if (text.size() > kMaxTableBytes) {
    diagnostics.Error("E-table-too-large", {&csv, 0, 0},
                      "the file is " + std::to_string(text.size()) + " bytes; a table holds at most " + std::to_string(kMaxTableBytes));
    return;
  }
  if (auto bad = FindInvalidText(text)) {
    diagnostics.Error(bad->code, {&csv, bad->offset, bad->offset + 1}, bad->message);
    return;
  }
  CsvParser parser(csv, diagnostics);
  std::vector<Row> rows;
  if (!parser.Parse(rows)) return;
  if (rows.empty()) {
    diagnostics.Error("E-table-header", {&csv, 0, 0}, "the file is empty: its first line names the key and the columns");
    return;
  }
  // The header: the key and every column, each once, in any order.
  const Row& header = rows[0];
  const std::string key_name = table.ast->keys.empty() ? "" : table.ast->keys[0].name;
  std::vector<int> slot_of_field(header.size(), -1);  // 0: key, 1 + c: column c
  std::map<std::string, size_t> field_of_name;
  bool header_ok = true;
  for (size_t i = 0; i < header.size(); ++i) {
    const Field& h = header[i];
    if (!field_of_name.emplace(h.value, i).second) {
      auto& d = diagnostics.Error("E-table-header", parser.Range(h.begin, h.end), "column `" + h.value + "` is named twice in the header");
      d.notes.push_back({parser.Range(header[field_of_name[h.value]].begin, header[field_of_name[h.value]].end), "first named here"});
      header_ok = false;
      continue;
    }
    if (h.value == key_name) {
      slot_of_field[i] = 0;
      continue;
    }
    for (size_t c = 0; c < table.column_names.size(); ++c) {
      if (table.column_names[c] == h.value) slot_of_field[i] = static_cast<int>(1 + c);
    }
    if (slot_of_field[i] < 0) {
      std::vector<std::string> names = table.column_names;
      names.push_back(key_name);
      diagnostics.Error("E-table-header", parser.Range(h.begin, h.end),
                        "column `" + h.value + "` is not in the schema of `" + table.name + "`",
                        checking::Suggest(h.value, names).empty() ? "declare it with `column " + h.value + " : TYPE`, or remove it"
                                                                  : checking::Suggest(h.value, names));
      header_ok = false;
    }
  }
  SourceRange header_line{&csv, header.front().begin, header.back().end};
  if (!field_of_name.count(key_name)) {
    diagnostics.Error("E-table-header", header_line, "the header has no key column `" + key_name + "`");
    header_ok = false;
  }
  for (const auto& c : table.column_names) {
    if (!field_of_name.count(c)) {
      diagnostics.Error("E-table-header", header_line, "the header has no column `" + c + "` of `" + table.name + "`");
      header_ok = false;
    }
  }
  if (!header_ok) return;

  std::vector<CheckedType> slot_types{table.key_type};
  slot_types.insert(slot_types.end(), table.column_types.begin(), table.column_types.end());
  std::map<int64_t, size_t> int_keys;
  std::map<std::string, size_t> string_keys;
  std::vector<uint32_t> key_begins;
  size_t errors = 0;
  for (size_t r = 1; r < rows.size() && errors < kMaxValueErrors; ++r) {
    const Row& row = rows[r];
    if (row.size() != header.size()) {
      diagnostics.Error("E-table-csv", parser.Range(row.front().begin, row.back().end),
                        "this row has " + std::to_string(row.size()) + " fields; the header has " + std::to_string(header.size()));
      ++errors;
      continue;
    }
    std::vector<TableCell> cells(slot_types.size());
    bool ok = true;
    for (size_t i = 0; i < row.size(); ++i) {
      int slot = slot_of_field[i];
      const Field& f = row[i];
      SourceRange at = parser.Range(f.begin, std::max(f.end, f.begin + 1));
      if (slot == 0 && f.value.empty()) {
        diagnostics.Error("E-table-empty-key", at, "empty key `" + key_name + "`", "every row of a table has a key");
        ok = false;
        continue;
      }
      if (!ParseCell(f.value, slot_types[slot], cells[slot])) {
        const std::string& name = slot == 0 ? key_name : table.column_names[slot - 1];
        if (f.value.empty()) {
          diagnostics.Error("E-table-value", at, "empty value in column `" + name + "`, which is " + slot_types[slot].ToString(),
                            "declare it `" + name + " : " + slot_types[slot].ToString() + "?` if it may be missing");
        } else {
          CheckedType base = slot_types[slot];
          base.nullable = false;
          diagnostics.Error("E-table-value", at, "`" + Shown(f.value) + "` is not " + (base.kind == K::kInt ? "an " : "a ") +
                                                     base.ToString() + " (column `" + name + "`)");
        }
        ok = false;
      }
    }
    if (!ok) {
      ++errors;
      continue;
    }
    const Field& key_field = row[field_of_name[key_name]];
    size_t first = table.rows.size();
    bool inserted = true;
    if (table.key_type.kind == K::kInt) {
      auto [at, added] = int_keys.emplace(cells[0].int_value, first);
      inserted = added, first = at->second;
    } else {
      auto [at, added] = string_keys.emplace(cells[0].string_value, first);
      inserted = added, first = at->second;
    }
    if (!inserted) {
      auto& d = diagnostics.Error("E-table-duplicate-key", parser.Range(key_field.begin, key_field.end),
                                  "key `" + Shown(key_field.value) + "` is in the table twice");
      d.notes.push_back({parser.Range(key_begins[first], key_begins[first]), "first here"});
      ++errors;
      continue;
    }
    key_begins.push_back(key_field.begin);
    table.rows.push_back(std::move(cells));
  }
  if (errors >= kMaxValueErrors) {
    diagnostics.Error("E-too-many-errors", {&csv, static_cast<uint32_t>(text.size()), static_cast<uint32_t>(text.size())},
                      "too many errors in this table (" + std::to_string(kMaxValueErrors) + "); stopped reading it");
  }
  table.loaded = errors == 0;
}

}  // namespace

void LoadTableData(CheckedModule& module, const std::vector<SourceFilePtr>& data_files, DiagnosticList& diagnostics) {
  namespace fs = std::filesystem;
  std::map<std::string, const SourceFile*> by_path;
  for (const auto& f : data_files) by_path.emplace(fs::path(f->path()).lexically_normal().string(), f.get());
  for (auto& table : module.tables) {
    if (table.source_path.empty() || table.ast->sources.empty()) continue;  // already reported
    auto it = by_path.find(table.source_path);
    if (it == by_path.end()) {
      diagnostics.Error("E-table-source", table.ast->sources[0].range,
                        "no file `" + table.ast->sources[0].value + "` for table `" + table.name + "` (looked for " + table.source_path + ")",
                        "put the CSV next to this .tally file, in the library");
      continue;
    }
    LoadTable(table, *it->second, diagnostics);
  }
}

}  // namespace tally
