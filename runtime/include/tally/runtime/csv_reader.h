// Streaming RFC 4180 reader: bytes in fixed-size chunks -> one record at a time.
//
// Memory is bounded by the chunk size plus the longest record (capped by max_record_bytes),
// whatever the file size. Accepted: LF, CRLF and lone CR line ends, a UTF-8 BOM at the start,
// quoted fields with "" escapes and embedded line breaks, an empty header name. Fully blank
// lines are skipped. Malformed input never stops the reader: the record comes back with an
// `error` (row, physical line, field, reason) and reading continues with the next record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tally/support/result.h"

namespace tally::runtime {

// How fields are split. kCsv: RFC 4180 around `delimiter`. kWhitespace: fields are runs of
// bytes other than space and tab, separated by runs of them; blanks at either end of a line
// are ignored, a line of blanks is skipped like an empty one, and there is no quoting (a
// quote is an error of its record). Line ends are LF, CRLF or a lone CR in both.
enum class InputFormat : uint8_t { kCsv, kWhitespace };

struct CsvOptions {
  char delimiter = ',';  // kCsv only
  size_t chunk_bytes = size_t{1} << 20;
  // A longer record is rejected and skipped up to the next line end, so an unterminated
  // quote near the start of a huge file costs neither unbounded memory nor the whole file.
  size_t max_record_bytes = size_t{8} << 20;
  InputFormat format = InputFormat::kCsv;  // last, so positional initializers keep their meaning
};

struct CsvError {
  int32_t field = -1;  // 0-based field index, -1 when it concerns the whole record
  std::string reason;
};

// One record. Views point into the reader's buffer: valid until the next call to Next().
struct CsvRecord {
  int64_t row = 0;   // 1-based data row (the header is row 0)
  int64_t line = 0;  // 1-based physical line where the record starts
  std::vector<std::string_view> fields;
  std::vector<uint8_t> quoted;  // quoted[i]: field i was written in quotes ("" vs empty)
  std::optional<CsvError> error;
};

// Raw input bytes, shared so another thread (the sha256 hasher) can read them at no copy.
using Chunk = std::shared_ptr<const std::string>;

// Whole records as raw bytes, cut from the input for parsing elsewhere (CsvReader::ForSpan):
// `bytes` starts where a record (or a blank line) starts and ends just after a line end, or
// at the end of the input. Records and lines are exactly those the reader itself would see.
struct RecordSpan {
  Chunk owner;             // keeps `bytes` alive
  std::string_view bytes;  // inside *owner
  int64_t first_line = 0;  // the physical line `bytes` starts on
  int64_t end_offset = 0;  // input bytes up to the end of `bytes` (BOM included), for progress
};

enum class SpanStatus {
  kSpan,        // `span` holds the next records
  kEnd,         // no more input
  kSequential,  // a record may be longer than max_record_bytes, whose skip to the line end
                // can move record boundaries: read the rest with Next(), after telling the
                // reader how many records the spans held (SetRowsBefore)
};

class CsvReader {
 public:
  // Opens a file (not read until the first record is asked for).
  static Result<std::unique_ptr<CsvReader>> Open(const std::string& path, CsvOptions options = {});
  // Reads from memory (tests, the C API).
  static std::unique_ptr<CsvReader> FromString(std::string text, CsvOptions options = {});
  ~CsvReader();

  // Reads the records of `span` (from another reader's NextSpan) from memory, at no copy:
  // lines start at span.first_line, rows at rows_before + 1, every record is checked
  // against `header_fields` and there is no BOM to strip.
  static std::unique_ptr<CsvReader> ForSpan(const RecordSpan& span, size_t header_fields,
                                            CsvOptions options = {}, int64_t rows_before = 0);

  // Called with every block of raw bytes in file order (BOM included), before it is parsed:
  // `bytes` lies inside `owner`, which may be kept to read them later.
  using ChunkObserver = std::function<void(std::string_view bytes, const Chunk& owner)>;
  void SetChunkObserver(ChunkObserver observer);

  // The first record. Fails on an empty input or a malformed header. Afterwards, every data
  // record with a different field count is flagged as an error.
  Result<std::vector<std::string>> ReadHeader();
  // Instead of (or after) ReadHeader, for a file whose columns are named elsewhere: every
  // data record must have `fields` fields.
  void SetHeaderFields(size_t fields) { header_fields_ = fields; }

  // The next data record: true, or false at end of input. Fails only on an I/O error.
  Result<bool> Next(CsvRecord& record);

  // For a caller that splits plain records itself, straight from the buffer (BatchBuilder):
  // the unread bytes of the current chunk, starting at a record boundary. Empty when the
  // next record must come from Next() (the chunk is used up, or half a CRLF is pending).
  std::string_view Buffered();
  // The chunk Buffered() points into, for a caller that keeps views of it.
  const Chunk& chunk() const { return chunk_; }
  // Marks `records` plain records (single physical lines, no quotes, no blank lines, the
  // header's field count, none longer than max_record_bytes) as read, up to `pos` inside
  // Buffered(). Row and line numbers advance exactly as Next() would have.
  void SkipPlain(const char* pos, int64_t records);
  // After ReadHeader, instead of Next(): cuts the input into spans of whole records of about
  // chunk_bytes (never more than max_record_bytes), so that other threads can parse them
  // (ForSpan) while this one reads on. Only a cheap scan runs here: without a quote, the last
  // line end is the cut; with quotes, the reader's own quote/field state machine finds it.
  // Fails only on an I/O error. After kSequential, only Next() and Buffered() may be used.
  Result<SpanStatus> NextSpan(RecordSpan& span);
  // After kSequential: the records before the rest, so Next() numbers rows on from there.
  void SetRowsBefore(int64_t rows) { rows_ = rows; }

  // What Next() will give the next record: its row, and the line it starts on unless blank
  // lines come first.
  int64_t next_row() const { return rows_ + 1; }
  int64_t next_line() const { return line_; }
  size_t header_fields() const { return header_fields_; }
  const CsvOptions& options() const { return options_; }

  int64_t bytes_read() const { return bytes_read_; }
  // Total size when known (a regular file), for progress; -1 otherwise.
  int64_t size_hint() const { return size_hint_; }

 private:
  struct Source;
  CsvReader(std::unique_ptr<Source> source, CsvOptions options);
  Result<bool> Fill();
  // Reads up to chunk_bytes more after the unread bytes [pos_, end_), into one new chunk.
  Result<bool> Extend();
  Result<bool> ReadRecord(CsvRecord& record);
  // ReadRecord for InputFormat::kWhitespace (csv_reader_whitespace.cpp).
  Result<bool> ReadBlankSeparated(CsvRecord& record);
  // The general path's record state, shared by the CSV and the whitespace reader.
  void StartRecord(CsvRecord& record);
  void TakeLineEnd();                    // a line end at pos_: CR, LF or the CR of a CRLF
  void FinishRecord(CsvRecord& record);  // the gathered fields and error into `record`
  bool TryFastRecord(CsvRecord& record);
  void EndField();
  void SetError(int32_t field, std::string reason);
  const char* Append(const char* begin, const char* end);

  enum class State : uint8_t { kFieldStart, kUnquoted, kQuoted, kQuotedQuote, kSkipLine };

  std::unique_ptr<Source> source_;
  CsvOptions options_;
  uint8_t special_[256] = {};  // bytes that end an unquoted run: delimiter, quote, CR, LF
  ChunkObserver observer_;
  Chunk chunk_;
  const char* pos_ = nullptr;
  const char* end_ = nullptr;
  bool eof_ = false;
  bool first_chunk_ = true;
  bool skip_lf_ = false;     // a CR ended the last line; a following LF belongs to it
  bool pending_cr_ = false;  // inside quotes: the last byte was a CR (counted as a line)
  int64_t bytes_read_ = 0;
  int64_t size_hint_ = -1;
  int64_t line_ = 1;
  int64_t rows_ = 0;
  size_t header_fields_ = 0;

  // The record being assembled.
  State state_ = State::kFieldStart;
  bool started_ = false;
  bool field_quoted_ = false;
  int64_t quote_line_ = 0;
  std::string buffer_;
  std::vector<size_t> field_ends_;
  std::vector<uint8_t> quoted_;
  std::optional<CsvError> error_;
};

}  // namespace tally::runtime
