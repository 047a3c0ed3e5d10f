#include "tally/runtime/csv_reader.h"

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv_scan.h"

namespace tally::runtime {

// Where bytes come from: a file descriptor or a string held in memory.
struct CsvReader::Source {
  int fd = -1;
  std::string path;
  std::string text;
  size_t text_pos = 0;

  ~Source() {
    if (fd >= 0) ::close(fd);
  }

  // Fills `out` with up to `cap` bytes; 0 means end of input.
  Result<size_t> Read(char* out, size_t cap) {
    if (fd < 0) {
      size_t n = std::min(cap, text.size() - text_pos);
      std::memcpy(out, text.data() + text_pos, n);
      text_pos += n;
      return n;
    }
    size_t got = 0;
    // Loop until the chunk is full: a short first chunk would hide a BOM split across reads.
    while (got < cap) {
      ssize_t n = ::read(fd, out + got, cap - got);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Error{path + ": " + std::strerror(errno)};
      }
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    return got;
  }
};

Result<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path, CsvOptions options) {
  auto source = std::make_unique<Source>();
  source->path = path;
  // "-" is standard input (a pipe, usually): read through a descriptor of its own, so that
  // closing it leaves fd 0 alone.
  source->fd = path == "-" ? ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (source->fd < 0) return Error{path + ": " + std::strerror(errno)};
  struct stat st {};
  int64_t size = -1;
  if (::fstat(source->fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Error{path + ": is a directory"};
    if (S_ISREG(st.st_mode)) size = st.st_size;
  }
  std::unique_ptr<CsvReader> reader(new CsvReader(std::move(source), options));
  reader->size_hint_ = size;
  return reader;
}

std::unique_ptr<CsvReader> CsvReader::FromString(std::string text, CsvOptions options) {
  auto source = std::make_unique<Source>();
  source->text = std::move(text);
  int64_t size = static_cast<int64_t>(source->text.size());
  std::unique_ptr<CsvReader> reader(new CsvReader(std::move(source), options));
  reader->size_hint_ = size;
  return reader;
}

CsvReader::CsvReader(std::unique_ptr<Source> source, CsvOptions options)
    : source_(std::move(source)), options_(options) {
  if (options_.chunk_bytes == 0) options_.chunk_bytes = 1;
  if (options_.max_record_bytes == 0) options_.max_record_bytes = 1;
  for (char c : {options_.delimiter, '"', '\n', '\r'}) special_[static_cast<uint8_t>(c)] = 1;
  if (options_.format == InputFormat::kWhitespace) {
    // No delimiter: blanks separate fields (the delimiter's entry is irrelevant, TryFastRecord
    // is not used in this format).
    special_[static_cast<uint8_t>(options_.delimiter)] = 0;
    for (char c : {' ', '\t', '"', '\n', '\r'}) special_[static_cast<uint8_t>(c)] = 1;
  }
}

CsvReader::~CsvReader() = default;

std::unique_ptr<CsvReader> CsvReader::ForSpan(const RecordSpan& span, size_t header_fields,
                                              CsvOptions options, int64_t rows_before) {
  std::unique_ptr<CsvReader> reader(new CsvReader(std::make_unique<Source>(), options));
  reader->chunk_ = span.owner;
  reader->pos_ = span.bytes.data();
  reader->end_ = span.bytes.data() + span.bytes.size();
  reader->eof_ = true;  // the span is all there is: Fill() allocates nothing
  reader->first_chunk_ = false;
  reader->line_ = span.first_line;
  reader->header_fields_ = header_fields;
  reader->rows_ = rows_before;
  reader->size_hint_ = static_cast<int64_t>(span.bytes.size());
  return reader;
}

void CsvReader::SetChunkObserver(ChunkObserver observer) { observer_ = std::move(observer); }

Result<bool> CsvReader::Fill() {
  if (eof_) return false;
  auto chunk = std::make_shared<std::string>();
  // A small input gets a small buffer (one byte over what is left, to see the end at once).
  size_t cap = options_.chunk_bytes;
  if (size_hint_ >= bytes_read_) {
    cap = std::min(cap, static_cast<size_t>(size_hint_ - bytes_read_) + 1);
  }
  chunk->resize(std::max<size_t>(cap, 3));
  size_t got = 0;
  // The first chunk holds at least 3 bytes (unless the input is shorter), so a BOM is seen whole.
  do {
    auto n = source_->Read(chunk->data() + got, chunk->size() - got);
    if (!n.ok()) return n.error();
    if (*n == 0) break;
    got += *n;
  } while (first_chunk_ && got < 3);
  if (got == 0) {
    eof_ = true;
    return false;
  }
  chunk->resize(got);
  bytes_read_ += static_cast<int64_t>(got);
  chunk_ = std::move(chunk);
  if (observer_) observer_(std::string_view(*chunk_), chunk_);
  pos_ = chunk_->data();
  end_ = pos_ + chunk_->size();
  if (first_chunk_) {
    first_chunk_ = false;
    if (chunk_->size() >= 3 && std::memcmp(pos_, "\xEF\xBB\xBF", 3) == 0) pos_ += 3;
  }
  return true;
}

Result<bool> CsvReader::Extend() {
  if (eof_) return false;
  const size_t pending = pos_ == nullptr ? 0 : static_cast<size_t>(end_ - pos_);
  size_t cap = options_.chunk_bytes;
  if (size_hint_ >= bytes_read_) {
    cap = std::min(cap, static_cast<size_t>(size_hint_ - bytes_read_) + 1);
  }
  auto chunk = std::make_shared<std::string>();
  chunk->resize(pending + cap);
  if (pending > 0) std::memcpy(chunk->data(), pos_, pending);
  auto n = source_->Read(chunk->data() + pending, cap);
  if (!n.ok()) return n.error();
  // Source::Read fills the whole request unless the input ends.
  if (*n < cap) eof_ = true;
  if (*n == 0) return false;
  chunk->resize(pending + *n);
  bytes_read_ += static_cast<int64_t>(*n);
  chunk_ = std::move(chunk);
  pos_ = chunk_->data();
  end_ = pos_ + chunk_->size();
  if (observer_) observer_(std::string_view(pos_ + pending, *n), chunk_);
  return true;
}

namespace {

// Where the record starting at `begin` and every one after it end, as ReadRecord would see
// them (its states, minus the max_record_bytes skip, which NextSpan rules out): the end of
// the last record (or blank line) that ends at or before `limit`, or nullptr. [begin, end) is
// all the data there is so far; `at_eof`: nothing follows `end`.
const char* LastRecordEnd(const char* begin, const char* end, const char* limit, bool at_eof,
                          char delim, bool quoting) {
  // A line end outside quotes ends a record; a CR's LF belongs to it.
  auto after = [&](const char* q) -> const char* {
    if (*q == '\n') return q + 1;
    if (q + 1 < end) return q[1] == '\n' ? q + 2 : q + 1;
    return at_eof ? q + 1 : nullptr;  // the LF may still come
  };
  const char* stop = limit < end ? limit + 1 : end;  // the byte after `limit` tells CRLF
  if (!quoting || std::memchr(begin, '"', static_cast<size_t>(stop - begin)) == nullptr) {
    // No quote (or a format without quoting): every line end ends a record. The last one is at most a record back.
    for (const char* q = limit; q > begin;) {
      --q;
      if (*q != '\n' && *q != '\r') continue;
      const char* cut = after(q);
      if (cut != nullptr && cut <= limit) return cut;
    }
    return nullptr;
  }
  // Quotes: ReadRecord's field states, byte by byte (quoted stretches by memchr).
  enum class S : uint8_t { kFieldStart, kUnquoted, kQuoted, kQuotedQuote } state = S::kFieldStart;
  const char* best = nullptr;
  for (const char* q = begin; q < stop; ++q) {
    if (state == S::kQuoted) {
      q = static_cast<const char*>(std::memchr(q, '"', static_cast<size_t>(stop - q)));
      if (q == nullptr) break;
      state = S::kQuotedQuote;
      continue;
    }
    const char c = *q;
    if (c == '\n' || c == '\r') {
      const char* cut = after(q);
      if (cut == nullptr || cut > limit) break;
      best = cut;
      q = cut - 1;
      state = S::kFieldStart;
    } else if (c == delim) {
      state = S::kFieldStart;
    } else if (c == '"') {
      // Opens a field, or is the second of "" inside one; elsewhere it is a stray quote,
      // kept as text of an unquoted field.
      state = state == S::kUnquoted ? S::kUnquoted : S::kQuoted;
    } else {
      state = S::kUnquoted;  // includes text right after a closing quote
    }
  }
  return best;
}

// Physical lines in [b, e) as ReadRecord counts them: LF, CR, and CRLF as one.
int64_t CountLines(const char* b, const char* e) {
  int64_t n = CountByte(b, e, '\n');
  if (std::memchr(b, '\r', static_cast<size_t>(e - b)) != nullptr) {
    for (const char* q = b; q < e; ++q) {
      if (*q == '\r' && !(q + 1 < e && q[1] == '\n')) ++n;
    }
  }
  return n;
}

}  // namespace

Result<SpanStatus> CsvReader::NextSpan(RecordSpan& span) {
  const char delim = options_.delimiter;
  const bool quoting = options_.format == InputFormat::kCsv;
  if (quoting && (delim == '"' || delim == '\r' || delim == '\n')) {
    rows_ = 0;
    return SpanStatus::kSequential;
  }
  if (first_chunk_) {
    // No header was read (its columns are named elsewhere): the first chunk's BOM is skipped
    // here, as ReadHeader would have.
    auto first = Fill();
    if (!first.ok()) return first.error();
  }
  const size_t max = options_.max_record_bytes;
  for (;;) {
    if (skip_lf_ && pos_ != end_) {
      skip_lf_ = false;
      if (*pos_ == '\n') ++pos_;  // the LF of a CRLF split across chunks
    }
    const size_t pending = pos_ == nullptr ? 0 : static_cast<size_t>(end_ - pos_);
    if (pending > 0) {
      // At most max_record_bytes per span: then no record in it is longer, and none is
      // skipped to its line end, the one thing that moves boundaries off the quote states.
      const char* limit = pos_ + std::min(pending, max);
      const char* cut = LastRecordEnd(pos_, end_, limit, eof_, delim, quoting);
      if (cut == nullptr && eof_ && pending <= max) cut = end_;  // the last record
      if (cut != nullptr) {
        span.owner = chunk_;
        span.bytes = std::string_view(pos_, static_cast<size_t>(cut - pos_));
        span.first_line = line_;
        span.end_offset = bytes_read_ - static_cast<int64_t>(end_ - cut);
        line_ += CountLines(pos_, cut);
        pos_ = cut;
        return SpanStatus::kSpan;
      }
      if (pending > max) {
        rows_ = 0;
        return SpanStatus::kSequential;
      }
    }
    auto more = Extend();
    if (!more.ok()) return more.error();
    if (!*more && (pos_ == end_ || skip_lf_)) return SpanStatus::kEnd;
  }
}

void CsvReader::SetError(int32_t field, std::string reason) {
  // The first problem is the one reported: later ones are often its consequences.
  if (!error_) error_ = CsvError{field, std::move(reason)};
}

const char* CsvReader::Append(const char* begin, const char* end) {
  const size_t n = static_cast<size_t>(end - begin);
  const size_t room = options_.max_record_bytes > buffer_.size()
                          ? options_.max_record_bytes - buffer_.size()
                          : 0;
  if (n <= room) {
    buffer_.append(begin, n);
    return end;
  }
  // Too long: the skip to the line end starts after the first byte over the limit. That
  // position counts content bytes, so it does not depend on how the input was chunked.
  error_ = CsvError{-1, "record longer than " + std::to_string(options_.max_record_bytes) +
                            " bytes (an unterminated quote?); skipped to the end of its line"};
  state_ = State::kSkipLine;
  buffer_.clear();
  return begin + room + 1;
}

void CsvReader::EndField() {
  field_ends_.push_back(buffer_.size());
  quoted_.push_back(field_quoted_ ? 1 : 0);
  field_quoted_ = false;
}

namespace {
bool IsLineEnd(char c) { return c == '\n' || c == '\r'; }
}  // namespace

bool CsvReader::TryFastRecord(CsvRecord& record) {
  // The common case: a whole record of unquoted fields inside the current chunk. Fields are
  // views into the chunk, nothing is copied. Anything else (a quote, the chunk's end, a
  // pending CRLF half) leaves all state untouched for the general path.
  if (skip_lf_ && pos_ != end_) {
    skip_lf_ = false;
    if (*pos_ == '\n') ++pos_;  // the LF of a CRLF split across calls
  }
  if (skip_lf_ || pos_ == end_) return false;
  const char delim = options_.delimiter;
  const char* p = pos_;
  if (*p == '\n' || *p == '\r') return false;  // a blank line
  record.fields.clear();
  const char* field = p;
  const uint8_t* special = special_;
  for (;;) {
    while (p < end_ && !special[static_cast<uint8_t>(*p)]) ++p;
    if (p == end_ || *p == '"') return false;
    record.fields.emplace_back(field, static_cast<size_t>(p - field));
    if (*p == delim) {
      field = ++p;
      if (p < end_ && *p == '"') return false;
      continue;
    }
    break;  // a line end
  }
  if (static_cast<size_t>(p - pos_) > options_.max_record_bytes) return false;
  record.line = line_;
  ++line_;
  if (*p == '\r') {
    if (p + 1 < end_ && p[1] == '\n') ++p;
    else skip_lf_ = true;  // the LF, if any, is in the next chunk
  }
  pos_ = p + 1;
  record.quoted.assign(record.fields.size(), 0);
  record.error.reset();
  return true;
}

Result<bool> CsvReader::ReadRecord(CsvRecord& record) {
  if (options_.format == InputFormat::kWhitespace) return ReadBlankSeparated(record);
  if (TryFastRecord(record)) return true;
  StartRecord(record);
  const char delim = options_.delimiter;

  auto field_index = [&] { return static_cast<int32_t>(field_ends_.size()); };

  bool done = false;
  while (!done) {
    if (pos_ == end_) {
      auto more = Fill();
      if (!more.ok()) return more.error();
      if (!*more) {
        if (!started_) return false;
        if (state_ == State::kQuoted) {
          SetError(field_index(), "unterminated quoted field (the quote opened on line " +
                                      std::to_string(quote_line_) + ")");
        }
        if (state_ != State::kSkipLine) EndField();
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
    const char c = *pos_;
    switch (state_) {
      case State::kFieldStart:
        if (c == '"') {
          started_ = true;
          field_quoted_ = true;
          quote_line_ = line_;
          state_ = State::kQuoted;
          pending_cr_ = false;
          ++pos_;
        } else if (c == delim) {
          started_ = true;
          EndField();
          ++pos_;
        } else if (IsLineEnd(c)) {
          TakeLineEnd();
          if (!started_) {
            record.line = line_;  // a blank line: skipped, not a record
            continue;
          }
          EndField();
          done = true;
        } else {
          started_ = true;
          state_ = State::kUnquoted;
        }
        break;
      case State::kUnquoted: {
        const char* p = pos_;
        while (p < end_ && *p != delim && *p != '"' && !IsLineEnd(*p)) ++p;
        pending_cr_ = false;
        pos_ = Append(pos_, p);
        if (p == end_ || state_ == State::kSkipLine) break;
        if (*p == '"') {
          SetError(field_index(), "stray quote in an unquoted field");
          pos_ = Append(p, p + 1);
        } else if (*p == delim) {
          EndField();
          state_ = State::kFieldStart;
          ++pos_;
        } else {
          TakeLineEnd();
          EndField();
          done = true;
        }
        break;
      }
      case State::kQuoted: {
        const char* p = pos_;
        while (p < end_ && *p != '"') ++p;
        const char* stop = Append(pos_, p);  // p, unless the record just became too long
        // Line breaks inside quotes are data, but still physical lines for messages.
        for (const char* q = pos_; q < stop; ++q) {
          if (*q == '\n') {
            if (!pending_cr_) ++line_;
            pending_cr_ = false;
          } else if (*q == '\r') {
            ++line_;
            pending_cr_ = true;
          } else {
            pending_cr_ = false;
          }
        }
        pos_ = stop;
        if (p == end_ || state_ == State::kSkipLine) break;
        ++pos_;
        state_ = State::kQuotedQuote;
        break;
      }
      case State::kQuotedQuote:
        if (c == '"') {
          state_ = State::kQuoted;  // before Append, which may switch to kSkipLine
          pending_cr_ = false;
          pos_ = Append(pos_, pos_ + 1);
        } else if (c == delim) {
          EndField();
          state_ = State::kFieldStart;
          ++pos_;
        } else if (IsLineEnd(c)) {
          TakeLineEnd();
          EndField();
          done = true;
        } else {
          // Kept as text so the record's boundaries stay where the lines say they are.
          SetError(field_index(), "unexpected character after a closing quote");
          state_ = State::kUnquoted;
        }
        break;
      case State::kSkipLine: {
        if (pending_cr_) {
          // The limit fell inside a quoted CRLF whose CR was already counted as a line.
          pending_cr_ = false;
          if (c == '\n') {
            ++pos_;
            done = true;
            break;
          }
        }
        const char* p = pos_;
        while (p < end_ && !IsLineEnd(*p)) ++p;
        pos_ = p;
        if (p == end_) break;
        TakeLineEnd();
        done = true;
        break;
      }
    }
  }

  FinishRecord(record);
  return true;
}

void CsvReader::StartRecord(CsvRecord& record) {
  state_ = State::kFieldStart;
  started_ = false;
  field_quoted_ = false;
  buffer_.clear();
  field_ends_.clear();
  quoted_.clear();
  error_.reset();
  record.line = line_;
}

void CsvReader::TakeLineEnd() {
  if (*pos_ == '\r') skip_lf_ = true;
  ++pos_;
  ++line_;
}

void CsvReader::FinishRecord(CsvRecord& record) {
  record.fields.clear();
  record.quoted.clear();
  if (state_ != State::kSkipLine) {
    size_t begin = 0;
    for (size_t end : field_ends_) {
      record.fields.emplace_back(buffer_.data() + begin, end - begin);
      begin = end;
    }
    record.quoted = quoted_;  // the whitespace reader never quotes: all 0
  }
  record.error = std::move(error_);
  error_.reset();
}

Result<std::vector<std::string>> CsvReader::ReadHeader() {
  CsvRecord record;
  auto got = ReadRecord(record);
  if (!got.ok()) return got.error();
  if (!*got) return Error{"the input is empty: no header line"};
  if (record.error) {
    return Error{"line " + std::to_string(record.line) + " (header): " + record.error->reason};
  }
  header_fields_ = record.fields.size();
  return std::vector<std::string>(record.fields.begin(), record.fields.end());
}

std::string_view CsvReader::Buffered() {
  if (skip_lf_ && pos_ != end_) {
    skip_lf_ = false;
    if (*pos_ == '\n') ++pos_;  // the LF of a CRLF split across chunks
  }
  if (skip_lf_ || pos_ == end_) return {};
  return {pos_, static_cast<size_t>(end_ - pos_)};
}

void CsvReader::SkipPlain(const char* pos, int64_t records) {
  pos_ = pos;
  line_ += records;
  rows_ += records;
}

Result<bool> CsvReader::Next(CsvRecord& record) {
  auto got = ReadRecord(record);
  if (!got.ok() || !*got) return got;
  record.row = ++rows_;
  if (!record.error && header_fields_ != 0 && record.fields.size() != header_fields_) {
    record.error = CsvError{-1, "expected " + std::to_string(header_fields_) + " fields, found " +
                                    std::to_string(record.fields.size())};
  }
  return true;
}

}  // namespace tally::runtime
