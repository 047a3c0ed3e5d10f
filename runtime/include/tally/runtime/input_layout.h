// How a run reads its input file: the format (CSV around a delimiter, or whitespace-aligned),
// and where the column names come from (the header line, or a list given by the definition
// or the command line). A definition may fix any of it (ir::Program::layout); the command
// line gives the rest and may repeat what the definition fixes, never change it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tally/compiler/ir.h"
#include "tally/runtime/csv_reader.h"
#include "tally/support/result.h"

namespace tally::runtime {

enum class HeaderRule : uint8_t {
  kNames,  // the first line names the columns (the default without a column list)
  kNone,   // there is no header line: the first line is row 1 (the default with a list)
  kSkip,   // the first line is a header the column list replaces
};

// What the command line asks for; unset is "whatever the definition says, else the default".
struct InputSettings {
  std::optional<InputFormat> format;
  std::optional<char> delimiter;
  std::optional<HeaderRule> header;
  std::optional<std::vector<std::string>> columns;
};

// How the input is read, everything decided. The lineage record holds it, and `tally trace`
// reads the input again with it.
struct InputLayout {
  InputFormat format = InputFormat::kCsv;
  char delimiter = ',';  // kCsv only
  HeaderRule header = HeaderRule::kNames;
  std::vector<std::string> columns;  // kNone / kSkip: the columns by position
  bool operator==(const InputLayout&) const = default;
};

const char* FormatName(InputFormat format);  // "csv", "whitespace"
const char* HeaderRuleName(HeaderRule rule);  // "names", "none", "skip"
std::optional<InputFormat> ParseInputFormat(std::string_view text);
std::optional<HeaderRule> ParseHeaderRule(std::string_view text);
// One byte: a tab, a space or ASCII punctuation other than the quote (the compiler's rule
// for `delimiter`). "tab" and "\t" (backslash, t) spell a tab out.
Result<char> ParseDelimiter(std::string_view text);
// "a,b,c" -> {"a", "b", "c"}: names must be non-empty and distinct.
Result<std::vector<std::string>> ParseColumnList(std::string_view text);
// The delimiter as the lineage record writes it: the byte itself ("\t" for a tab).
std::string DelimiterText(char delimiter);

// The definition's layout completed by the command line. Fails, naming the flag, when the
// command line contradicts what the definition fixes, or binds inputs with --map
// (`has_mappings`) although the definition names the columns itself.
Result<InputLayout> ResolveInputLayout(const ir::Program& program, const InputSettings& asked,
                                       char default_delimiter, bool has_mappings);

// The column names of `reader`'s input under `layout`: the header line (kNames), the list
// (kNone), or the list after reading and dropping the header line (kSkip). Afterwards every
// data record must have as many fields.
Result<std::vector<std::string>> ReadColumnNames(CsvReader& reader, const InputLayout& layout);

}  // namespace tally::runtime
