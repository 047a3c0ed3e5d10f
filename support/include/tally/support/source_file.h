// A definition file's text with a line index, so a byte offset becomes line:column.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tally/support/result.h"

namespace tally {

// Where something is in a definition file: what crosses library boundaries instead of a
// "file:line:col" string that someone would have to parse back.
struct SourceLocation {
  std::string file;     // path as given to the compiler; empty = no location
  uint32_t line = 0;    // 1-based
  uint32_t column = 0;  // 1-based, in code points
  bool empty() const { return file.empty(); }
  std::string ToString() const;  // "file:line:col", or "" when empty
  auto operator<=>(const SourceLocation&) const = default;
};

class SourceFile {
 public:
  // `text` is kept as given (a UTF-8 BOM is not stripped here; the parser skips it).
  SourceFile(std::string path, std::string text);

  static Result<std::shared_ptr<const SourceFile>> Load(const std::string& path);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }

  // 1-based line and column (columns count Unicode code points, tabs as one).
  struct Position {
    uint32_t line = 0;
    uint32_t column = 0;
  };
  Position PositionOf(uint32_t offset) const;
  SourceLocation LocationOf(uint32_t offset) const;
  // The text of 1-based line `line` without its line terminator.
  std::string_view Line(uint32_t line) const;
  uint32_t LineCount() const { return static_cast<uint32_t>(line_starts_.size()); }

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

using SourceFilePtr = std::shared_ptr<const SourceFile>;

}  // namespace tally
