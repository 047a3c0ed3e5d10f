// The checker, inputs as they come: how a definition says its raw file is read (`format`,
// `delimiter`, `header`, `columns`) and which columns it copies through unchanged (`carry`).
// A definition that says all of it fully describes its file; what it leaves out the command
// line may give (docs/language.md, "Inputs as they come").
#include <set>

#include "checker_internal.h"

namespace tally::checking {

namespace {

// The bytes that may separate CSV fields: a tab, a space or ASCII punctuation other than the
// quote (letters and digits would split values; CR and LF end records; other bytes are not
// text on their own). The runtime applies the same rule to --delimiter (input_layout.cpp).
bool DelimiterByte(unsigned char c) {
  if (c == '\t' || c == ' ') return true;
  if (c < 0x21 || c > 0x7E || c == '"') return false;
  return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

}  // namespace

void DefinitionChecker::CheckInputLayout() {
  // Each layout member at most once: two `format`s would leave the reader to pick one.
  auto single = [&](const auto& items, const char* what) {
    for (size_t i = 1; i < items.size(); ++i) {
      auto& d = diagnostics_.Error("E-duplicate-member", items[i].range,
                                   std::string("`") + what + "` is given more than once");
      d.notes.push_back({items[0].range, "first given here"});
    }
    return items.empty() ? nullptr : &items[0];
  };
  const auto* format = single(ast_.formats, "format");
  const auto* delimiter = single(ast_.delimiters, "delimiter");
  const auto* header = single(ast_.headers, "header");
  const auto* columns = single(ast_.column_lists, "columns");

  if (format && format->value != "csv" && format->value != "whitespace") {
    diagnostics_.Error("E-bad-format", format->range, "unknown input format `" + format->value + "`",
                       "write `format csv` (the default) or `format whitespace`");
  }
  if (delimiter) {
    const std::string& d = delimiter->value;
    if (d.size() != 1 || !DelimiterByte(static_cast<unsigned char>(d[0]))) {
      diagnostics_.Error("E-bad-delimiter", delimiter->range,
                         "a delimiter is one tab, space or ASCII punctuation byte other than `\"`",
                         "for example `delimiter \";\"` or `delimiter \"\\t\"`");
    } else if (format && format->value == "whitespace") {
      diagnostics_.Error("E-bad-delimiter", delimiter->range,
                         "`format whitespace` splits fields at runs of blanks: it takes no delimiter",
                         "remove the `delimiter`, or write `format csv`");
    }
  }
  if (header) {
    const std::string& h = header->value;
    if (h != "names" && h != "none" && h != "skip") {
      diagnostics_.Error("E-bad-header", header->range, "unknown header rule `" + h + "`",
                         "write `header names` (the first line names the columns), `header none` (there is "
                         "no header line) or `header skip` (a header line that `columns` replaces)");
    } else if (h != "names" && !columns) {
      diagnostics_.Error("E-bad-header", header->range,
                         "`header " + h + "` needs `columns` to name the columns",
                         "add `columns NAME, ...` listing the file's columns in order");
    } else if (h == "names" && columns) {
      diagnostics_.Error("E-bad-header", header->range,
                         "`header names` takes the names from the file, but `columns` names them",
                         "write `header none` (no header line) or `header skip` (one to replace)");
    }
  }

  std::set<std::string> column_names;
  if (columns) {
    for (const auto& c : columns->value) {
      if (!column_names.insert(c.value).second) {
        diagnostics_.Error("E-duplicate-name", c.range, "column `" + c.value + "` is listed twice in `columns`");
      }
    }
  }
  // With `columns`, every input and carried column must be one of them: the definition says
  // how the whole file is read, so nothing is left for --map to bind.
  auto known_column = [&](const std::string& name, SourceRange range, const char* what) {
    if (!columns || column_names.count(name) > 0) return;
    std::vector<std::string> candidates(column_names.begin(), column_names.end());
    diagnostics_.Error("E-unknown-column", range,
                       std::string(what) + " `" + name + "` is not one of the `columns`",
                       Suggest(name, candidates));
  };
  for (const auto& in : ast_.inputs) known_column(in.name, in.name_range, "input");

  std::set<std::string> keys;
  for (const auto& k : ast_.keys) {
    if (!keys.insert(k.value).second) {
      diagnostics_.Error("E-duplicate-name", k.range, "`" + k.value + "` is a key twice");
    }
  }

  if (!ast_.carried.empty() && is_metric_) {
    diagnostics_.Error("E-carry-in-metric", ast_.carried[0].range,
                       "a metric writes one row per group: there is no row to carry a column into",
                       "carry columns in a score, or `group by` them");
    return;
  }
  std::set<std::string> carried;
  for (const auto& c : ast_.carried) {
    if (!carried.insert(c.value).second) {
      diagnostics_.Error("E-duplicate-name", c.range, "column `" + c.value + "` is carried twice");
      continue;
    }
    auto it = def_.symbols.find(c.value);
    if (it != def_.symbols.end() && it->second.kind == Symbol::Kind::kInput) {
      diagnostics_.Error("E-carry-is-input", c.range,
                         "`" + c.value + "` is an input: `carry` copies columns the definition does not read",
                         "list it in `key` to copy its value to the output");
    } else if (it != def_.symbols.end() && it->second.kind == Symbol::Kind::kOutput) {
      diagnostics_.Error("E-duplicate-name", c.range,
                         "carried column `" + c.value + "` has the name of an output: the output file would hold two `" +
                             c.value + "` columns");
    } else {
      known_column(c.value, c.range, "carried column");
    }
  }
}

}  // namespace tally::checking
