#include "tally/support/diagnostic.h"

#include <algorithm>

namespace tally {

Diagnostic& DiagnosticList::Error(std::string code, SourceRange range, std::string message,
                                  std::string hint) {
  items_.push_back({Severity::kError, std::move(code), range, std::move(message), std::move(hint), {}});
  return items_.back();
}

Diagnostic& DiagnosticList::Warning(std::string code, SourceRange range, std::string message,
                                    std::string hint) {
  items_.push_back({Severity::kWarning, std::move(code), range, std::move(message), std::move(hint), {}});
  return items_.back();
}

void DiagnosticList::Append(const DiagnosticList& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
  retained_.insert(retained_.end(), other.retained_.begin(), other.retained_.end());
}

bool DiagnosticList::HasErrors() const { return ErrorCount() > 0; }

size_t DiagnosticList::ErrorCount() const {
  return std::count_if(items_.begin(), items_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

size_t DiagnosticList::WarningCount() const {
  return std::count_if(items_.begin(), items_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::kWarning; });
}

void DiagnosticList::SortByLocation() {
  // Sort positions, ties broken by insertion order, so the result is the same everywhere.
  std::vector<size_t> order(items_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const Diagnostic& a = items_[x];
    const Diagnostic& b = items_[y];
    std::string_view pa = a.range.file ? std::string_view(a.range.file->path()) : "";
    std::string_view pb = b.range.file ? std::string_view(b.range.file->path()) : "";
    if (pa != pb) return pa < pb;
    if (a.range.begin != b.range.begin) return a.range.begin < b.range.begin;
    return x < y;
  });
  std::vector<Diagnostic> sorted;
  sorted.reserve(items_.size());
  for (size_t i : order) sorted.push_back(std::move(items_[i]));
  items_ = std::move(sorted);
}

namespace {

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kNote: return "note";
  }
  return "error";
}

const char* SeverityColor(Severity s) {
  switch (s) {
    case Severity::kError: return "\033[1;31m";
    case Severity::kWarning: return "\033[1;35m";
    case Severity::kNote: return "\033[1;36m";
  }
  return "";
}

// Replaces bytes a terminal would interpret (control characters) so a hostile file cannot
// rewrite the user's screen through a diagnostic.
std::string Printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\t') out += ' ';
    else if (u < 0x20 || u == 0x7F) out += '?';
    else out += c;
  }
  return out;
}

void RenderLocated(std::string& out, Severity severity, const SourceRange& range,
                   const std::string& message, bool color) {
  const char* bold = color ? "\033[1m" : "";
  const char* reset = color ? "\033[0m" : "";
  if (range.file == nullptr) {
    out += bold;
    out += "tally: ";
    out += reset;
  } else {
    auto pos = range.file->PositionOf(range.begin);
    out += bold + range.file->path() + ":" + std::to_string(pos.line) + ":" +
           std::to_string(pos.column) + ": " + reset;
  }
  out += color ? SeverityColor(severity) : "";
  out += SeverityName(severity);
  out += ": ";
  out += reset;
  out += Printable(message);
  out += "\n";
  if (range.file == nullptr) return;

  auto begin = range.file->PositionOf(range.begin);
  std::string_view line = range.file->Line(begin.line);
  // Very long lines (minified or generated files) are cut so the caret stays readable.
  constexpr size_t kMaxShown = 200;
  size_t caret_col = begin.column - 1;
  size_t shown_from = caret_col > kMaxShown - 40 ? caret_col - (kMaxShown - 40) : 0;
  // Convert code-point columns to a byte window of the line.
  std::string printable;
  size_t cp = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    bool starts = (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80;
    if (starts && cp >= shown_from + kMaxShown) break;
    if (cp >= shown_from) printable += line[i];
    if (starts) ++cp;
  }
  out += "  " + Printable(printable) + "\n";
  size_t width = 1;
  auto end = range.file->PositionOf(range.end > range.begin ? range.end : range.begin);
  if (end.line == begin.line && end.column > begin.column) width = end.column - begin.column;
  width = std::min(width, kMaxShown);
  out += "  " + std::string(caret_col - shown_from, ' ');
  out += color ? "\033[1;32m" : "";
  out += "^" + std::string(width - 1, '~');
  out += reset;
  out += "\n";
}

}  // namespace

std::string Render(const Diagnostic& d, bool color) {
  std::string out;
  RenderLocated(out, d.severity, d.range, d.message, color);
  if (!d.hint.empty()) out += "  hint: " + Printable(d.hint) + "\n";
  for (const auto& [range, message] : d.notes) RenderLocated(out, Severity::kNote, range, message, color);
  return out;
}

std::string Render(const DiagnosticList& list, bool color) {
  std::string out;
  for (const auto& d : list.items()) out += Render(d, color);
  return out;
}

}  // namespace tally
