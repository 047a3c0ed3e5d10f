// CsvReader for InputFormat::kWhitespace: whitespace-aligned text such as CDNOW_master.txt
// (" 00001 19970101  1   11.77\r\n"). A field is a run of bytes other than space, tab, CR
// and LF; runs of spaces and tabs separate fields, and blanks at either end of a line are
// ignored. A line with no field (empty or blanks only) is skipped, like a blank CSV line.
// There is no quoting: a quote is kept as text but makes its record an error, since a file
// with quotes is almost certainly not whitespace-aligned (`"New York"` would be two fields).
// Line ends, line numbers, the BOM and the record length limit are those of the CSV path.
#include <cstring>

#include "tally/runtime/csv_reader.h"

namespace tally::runtime {

namespace {
bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsLineEnd(char c) { return c == '\n' || c == '\r'; }
}  // namespace

Result<bool> CsvReader::ReadBlankSeparated(CsvRecord& record) {
  // kFieldStart: between fields; kUnquoted: inside a field; kSkipLine: over the length limit.
  StartRecord(record);

  bool done = false;
  while (!done) {
    if (pos_ == end_) {
      auto more = Fill();
      if (!more.ok()) return more.error();
      if (!*more) {
        if (!started_) return false;  // trailing blanks are no record
        if (state_ == State::kUnquoted) EndField();
        break;
      }
      continue;
    }
    if (skip_lf_) {
      skip_lf_ = false;
      if (*pos_ == '\n') {
        ++pos_;
        continue;
      }
    }
    if (state_ == State::kSkipLine) {
      const char* p = pos_;
      while (p < end_ && !IsLineEnd(*p)) ++p;
      pos_ = p;
      if (p == end_) continue;
      TakeLineEnd();
      done = true;
      continue;
    }
    const char c = *pos_;
    if (IsBlank(c)) {
      if (state_ == State::kUnquoted) {
        EndField();
        state_ = State::kFieldStart;
      }
      ++pos_;
    } else if (IsLineEnd(c)) {
      TakeLineEnd();
      if (state_ == State::kUnquoted) EndField();
      state_ = State::kFieldStart;
      if (!started_) {
        record.line = line_;  // an empty or blank line: skipped, not a record
        continue;
      }
      done = true;
    } else {
      started_ = true;
      state_ = State::kUnquoted;
      const char* p = pos_;
      while (p < end_ && !IsBlank(*p) && !IsLineEnd(*p)) ++p;
      if (std::memchr(pos_, '"', static_cast<size_t>(p - pos_)) != nullptr) {
        SetError(static_cast<int32_t>(field_ends_.size()),
                 "a quote in a whitespace-separated field (this format has no quoting)");
      }
      pos_ = Append(pos_, p);  // may switch to kSkipLine
    }
  }

  FinishRecord(record);
  return true;
}

}  // namespace tally::runtime
