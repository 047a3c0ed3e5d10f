#include "tally/support/source_file.h"

#include <algorithm>

#include "tally/support/atomic_file.h"

namespace tally {

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (uint32_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

Result<std::shared_ptr<const SourceFile>> SourceFile::Load(const std::string& path) {
  auto text = ReadFile(path);
  if (!text) return text.error();
  return std::make_shared<const SourceFile>(path, std::move(*text));
}

SourceFile::Position SourceFile::PositionOf(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  uint32_t line_index = static_cast<uint32_t>(it - line_starts_.begin()) - 1;
  uint32_t column = 1;
  // Count code points, not bytes: continuation bytes (10xxxxxx) do not start a column.
  for (uint32_t i = line_starts_[line_index]; i < offset; ++i) {
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
  }
  return {line_index + 1, column};
}

SourceLocation SourceFile::LocationOf(uint32_t offset) const {
  Position p = PositionOf(offset);
  return {path_, p.line, p.column};
}

std::string SourceLocation::ToString() const {
  if (file.empty()) return "";
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string_view SourceFile::Line(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  uint32_t begin = line_starts_[line - 1];
  uint32_t end = line < line_starts_.size() ? line_starts_[line] - 1 : static_cast<uint32_t>(text_.size());
  if (end > begin && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(begin, end - begin);
}

}  // namespace tally
