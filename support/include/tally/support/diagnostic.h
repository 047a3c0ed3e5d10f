// Diagnostics: what a user did wrong in a definition, located in its source.
// Every stage reports all it finds into a DiagnosticList; one renderer prints them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tally/support/source_file.h"

namespace tally {

enum class Severity { kError, kWarning, kNote };

// A byte range [begin, end) in one source file. An empty range points at `begin`.
struct SourceRange {
  const SourceFile* file = nullptr;
  uint32_t begin = 0;
  uint32_t end = 0;
};

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string code;     // stable id, e.g. "E-unknown-name"; catalogued in docs/language.md
  SourceRange range;
  std::string message;
  std::string hint;     // optional: how to fix it
  std::vector<std::pair<SourceRange, std::string>> notes;  // e.g. "first defined here"
};

class DiagnosticList {
 public:
  Diagnostic& Error(std::string code, SourceRange range, std::string message, std::string hint = {});
  Diagnostic& Warning(std::string code, SourceRange range, std::string message, std::string hint = {});
  void Add(Diagnostic d) { items_.push_back(std::move(d)); }
  void Append(const DiagnosticList& other);
  // Diagnostics point into source files by raw pointer; the list keeps those files alive.
  void Retain(SourceFilePtr file) { retained_.push_back(std::move(file)); }

  bool HasErrors() const;
  size_t ErrorCount() const;
  size_t WarningCount() const;
  const std::vector<Diagnostic>& items() const { return items_; }
  bool empty() const { return items_.empty(); }
  // Orders by file, then position, keeping insertion order for ties: output is deterministic.
  void SortByLocation();

 private:
  std::vector<Diagnostic> items_;
  std::vector<SourceFilePtr> retained_;
};

// "file:line:col: error: message", the source line, a caret under the range, then hint
// and notes. `color` adds ANSI colours (only when writing to a terminal).
std::string Render(const Diagnostic& d, bool color = false);
std::string Render(const DiagnosticList& list, bool color = false);

}  // namespace tally
