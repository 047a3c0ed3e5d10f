// A definition file's text with a line index, so a byte offset becomes line:column.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tally/support/result.h"

namespace tally {

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
