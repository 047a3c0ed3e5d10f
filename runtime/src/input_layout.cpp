#include "tally/runtime/input_layout.h"

#include <set>

namespace tally::runtime {

const char* FormatName(InputFormat format) {
  return format == InputFormat::kWhitespace ? "whitespace" : "csv";
}

const char* HeaderRuleName(HeaderRule rule) {
  switch (rule) {
    case HeaderRule::kNames: return "names";
    case HeaderRule::kNone: return "none";
    case HeaderRule::kSkip: return "skip";
  }
  return "names";
}

std::optional<InputFormat> ParseInputFormat(std::string_view text) {
  if (text == "csv") return InputFormat::kCsv;
  if (text == "whitespace") return InputFormat::kWhitespace;
  return std::nullopt;
}

std::optional<HeaderRule> ParseHeaderRule(std::string_view text) {
  if (text == "names") return HeaderRule::kNames;
  if (text == "none") return HeaderRule::kNone;
  if (text == "skip") return HeaderRule::kSkip;
  return std::nullopt;
}

Result<char> ParseDelimiter(std::string_view text) {
  if (text == "tab" || text == "\\t") return '\t';
  const bool one = text.size() == 1;
  const unsigned char c = one ? static_cast<unsigned char>(text[0]) : 0;
  const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (one && (c == '\t' || c == ' ' || (c >= 0x21 && c <= 0x7E && c != '"' && !alnum))) {
    return static_cast<char>(c);
  }
  return Error{"a delimiter is one tab (\"tab\" or \"\\t\"), space or ASCII punctuation byte other than '\"', got \"" +
               std::string(text) + "\""};
}

Result<std::vector<std::string>> ParseColumnList(std::string_view text) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  size_t begin = 0;
  for (;;) {
    const size_t comma = text.find(',', begin);
    const std::string name(text.substr(begin, comma == std::string_view::npos ? std::string_view::npos : comma - begin));
    if (name.empty()) return Error{"an empty column name in \"" + std::string(text) + "\""};
    if (!seen.insert(name).second) return Error{"column \"" + name + "\" is named twice"};
    names.push_back(name);
    if (comma == std::string_view::npos) break;
    begin = comma + 1;
  }
  return names;
}

std::string DelimiterText(char delimiter) { return std::string(1, delimiter); }

Result<InputLayout> ResolveInputLayout(const ir::Program& program, const InputSettings& asked,
                                       char default_delimiter, bool has_mappings) {
  const ir::Program::InputLayout& fixed = program.layout;
  std::string problems;
  auto conflict = [&](const std::string& flag, const std::string& given, const std::string& fixed_text) {
    problems += (problems.empty() ? "" : "\n") + flag + " " + given + ": " + program.name +
                " fixes how its input is read (" + fixed_text + "); the command line may repeat it, not change it";
  };
  InputLayout layout;
  layout.delimiter = default_delimiter;

  if (!fixed.format.empty()) {
    layout.format = ParseInputFormat(fixed.format).value_or(InputFormat::kCsv);
    if (asked.format && *asked.format != layout.format) {
      conflict("--format", FormatName(*asked.format), "format " + fixed.format);
    }
  } else if (asked.format) {
    layout.format = *asked.format;
  }

  if (!fixed.delimiter.empty()) {
    layout.delimiter = fixed.delimiter[0];
    if (asked.delimiter && *asked.delimiter != layout.delimiter) {
      conflict("--delimiter", DelimiterText(*asked.delimiter), "delimiter \"" + fixed.delimiter + "\"");
    }
  } else if (asked.delimiter) {
    layout.delimiter = *asked.delimiter;
  }
  if (layout.format == InputFormat::kWhitespace && asked.delimiter) {
    problems += std::string(problems.empty() ? "" : "\n") +
                "--delimiter: the whitespace format splits fields at runs of blanks and takes no delimiter";
  }

  if (!fixed.columns.empty()) {
    layout.columns = fixed.columns;
    if (asked.columns && *asked.columns != fixed.columns) {
      std::string list;
      for (const auto& c : fixed.columns) list += (list.empty() ? "" : ", ") + c;
      std::string given;
      for (const auto& c : *asked.columns) given += (given.empty() ? "" : ",") + c;
      conflict("--columns", given, "columns " + list);
    }
    if (has_mappings) {
      problems += std::string(problems.empty() ? "" : "\n") + "--map: " + program.name +
                  " names its columns itself (`columns`), so its inputs read the columns of their names";
    }
  } else if (asked.columns) {
    layout.columns = *asked.columns;
  }

  if (!fixed.header.empty()) {
    layout.header = ParseHeaderRule(fixed.header).value_or(HeaderRule::kNames);
    if (asked.header && *asked.header != layout.header) {
      conflict("--header", HeaderRuleName(*asked.header), "header " + fixed.header);
    }
  } else if (asked.header) {
    layout.header = *asked.header;
  } else if (!layout.columns.empty()) {
    layout.header = HeaderRule::kNone;  // a column list alone: the file has no header line
  }

  if (layout.header != HeaderRule::kNames && layout.columns.empty()) {
    problems += std::string(problems.empty() ? "" : "\n") + "--header " + HeaderRuleName(layout.header) +
                ": name the columns with --columns a,b,c";
  }
  if (layout.header == HeaderRule::kNames && !layout.columns.empty()) {
    problems += std::string(problems.empty() ? "" : "\n") +
                "--header names takes the column names from the file; with a column list use --header none or skip";
  }
  if (!problems.empty()) return Error{problems};
  return layout;
}

Result<std::vector<std::string>> ReadColumnNames(CsvReader& reader, const InputLayout& layout) {
  if (layout.header == HeaderRule::kNames) return reader.ReadHeader();
  if (layout.header == HeaderRule::kSkip) {
    auto skipped = reader.ReadHeader();
    if (!skipped.ok()) return skipped.error();
  }
  reader.SetHeaderFields(layout.columns.size());
  return layout.columns;
}

}  // namespace tally::runtime
