// libFuzzer target for the RFC 4180 reader and the batch builder: any bytes in as a CSV file.
//
// Beyond "no crash", it checks what the two promise (csv_reader.h, batch_builder.h,
// docs/runtime.md), and traps when a promise is broken:
//   - every chunk size, and spans (NextSpan + ForSpan), read the same records as one big
//     chunk: rows 1, 2, 3, ..., strictly increasing start lines, same fields, quotes, errors;
//     the chunk observer sees every byte once, in order;
//   - every record read becomes a batch row or a reject, once, in input order, at the row and
//     line the reader gave it, and a record the reader flagged is never a row;
//   - the plain-record path (ReadFrom) builds exactly the batches of the general path
//     (Next + Add): rows, values, validity, string texts, variants, row and line numbers, rejects.
// The program is built from the header: each distinct column name is an input, its type
// cycling through string, int, float, bool and a region. Each input is read three ways, with
// the same invariants: CSV with commas, CSV with semicolons, and the whitespace format.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tally/runtime/batch_builder.h"
#include "tally/runtime/binding.h"
#include "tally/runtime/csv_reader.h"

#include "fuzz_check.h"

namespace tally::runtime {
namespace {

struct Rec {
  int64_t row;
  int64_t line;
  std::vector<std::string> fields;
  std::vector<uint8_t> quoted;
  int32_t error_field;
  std::string error;
  bool operator==(const Rec&) const = default;
};

void Collect(CsvReader& reader, std::vector<Rec>& out) {
  CsvRecord r;
  for (;;) {
    auto got = reader.Next(r);
    FUZZ_CHECK(got.ok());  // from memory there is no I/O error
    if (!*got) return;
    out.push_back(Rec{r.row, r.line, std::vector<std::string>(r.fields.begin(), r.fields.end()), r.quoted,
                      r.error ? r.error->field : -2, r.error ? r.error->reason : ""});
  }
}

CsvOptions Options(size_t chunk, size_t max_record, const CsvOptions& base) {
  CsvOptions options = base;
  options.chunk_bytes = chunk;
  options.max_record_bytes = max_record;
  return options;
}

// Header and records of `text` read with Next(), checking the numbering as it goes.
bool ReadRecords(const std::string& text, const CsvOptions& options, std::vector<std::string>& header,
                 std::vector<Rec>& records) {
  auto reader = CsvReader::FromString(text, options);
  std::string seen;
  reader->SetChunkObserver([&](std::string_view bytes, const Chunk&) { seen += bytes; });
  auto h = reader->ReadHeader();
  if (!h.ok()) return false;
  header = *h;
  Collect(*reader, records);
  FUZZ_CHECK(seen == text);
  FUZZ_CHECK(reader->bytes_read() == static_cast<int64_t>(text.size()));
  for (size_t i = 0; i < records.size(); ++i) {
    FUZZ_CHECK(records[i].row == static_cast<int64_t>(i + 1));
    FUZZ_CHECK(records[i].line >= 2);
    FUZZ_CHECK(i == 0 || records[i].line > records[i - 1].line);
    FUZZ_CHECK(records[i].fields.size() == records[i].quoted.size());
    // A record with the wrong field count must say so.
    if (records[i].fields.size() != header.size()) FUZZ_CHECK(!records[i].error.empty());
    // Whitespace format: a field is a non-empty run of bytes other than blanks and line ends,
    // never quoted.
    if (options.format == InputFormat::kWhitespace) {
      for (const std::string& f : records[i].fields) {
        FUZZ_CHECK(!f.empty() && f.find_first_of(" \t\r\n") == std::string::npos);
      }
      for (uint8_t q : records[i].quoted) FUZZ_CHECK(q == 0);
    }
  }
  return true;
}

// The same input cut into spans by NextSpan and read by ForSpan (Next() after kSequential).
std::vector<Rec> ReadSpans(const std::string& text, const CsvOptions& options) {
  auto reader = CsvReader::FromString(text, options);
  FUZZ_CHECK(reader->ReadHeader().ok());
  std::vector<Rec> got;
  RecordSpan span;
  int64_t last_end = 0;
  for (;;) {
    auto status = reader->NextSpan(span);
    FUZZ_CHECK(status.ok());
    if (*status == SpanStatus::kEnd) break;
    if (*status == SpanStatus::kSequential) {
      reader->SetRowsBefore(static_cast<int64_t>(got.size()));
      Collect(*reader, got);
      break;
    }
    FUZZ_CHECK(span.bytes.size() <= options.max_record_bytes);
    FUZZ_CHECK(span.end_offset > last_end && span.end_offset <= static_cast<int64_t>(text.size()));
    last_end = span.end_offset;
    auto part = CsvReader::ForSpan(span, reader->header_fields(), options, static_cast<int64_t>(got.size()));
    Collect(*part, got);
  }
  return got;
}

// One input per distinct header name; the type cycles so every parser is reached.
ir::Program ProgramFor(const std::vector<std::string>& header) {
  ir::Program p;
  p.name = "fuzz.program";
  p.version = "1.0.0";
  p.variants = {""};
  p.string_constants = {"emea", "k1"};
  std::map<std::string, int> count;
  for (const std::string& name : header) ++count[name];
  static constexpr ir::Type kTypes[] = {ir::Type::kString, ir::Type::kInt, ir::Type::kFloat, ir::Type::kBool,
                                        ir::Type::kString};
  for (const std::string& name : header) {
    if (count[name] != 1 || p.inputs.size() == 10) continue;
    const size_t i = p.inputs.size();
    p.inputs.push_back(ir::Column{name, kTypes[i % 5], i % 2 == 0 && i % 5 != 0});
    if (i == 4) {  // a region, with two variants
      p.region_input = 4;
      p.variants = {"", "emea", "apac"};
    }
  }
  // The first string input is read by an instruction (its texts are deduplicated); the others
  // are only copied out (stored without deduplication): both ways of storing strings.
  if (!p.inputs.empty()) {
    ir::Instruction read;
    read.op = ir::Op::kInput;
    read.type = ir::Type::kString;
    read.index = 0;
    p.row_code.push_back(read);
  }
  return p;
}

// Batches of `text` by the general path (Next + Add) or the plain-record path (ReadFrom).
std::vector<InputBatch> Build(const ir::Program& p, const Binding& binding, const std::string& text,
                              const CsvOptions& options, int64_t batch_rows, DictionaryScope scope, bool plain) {
  auto reader = CsvReader::FromString(text, options);
  FUZZ_CHECK(reader->ReadHeader().ok());
  BatchBuilder builder(p, binding, batch_rows, scope);
  std::vector<InputBatch> out;
  CsvRecord r;
  for (;;) {
    if (plain) {
      auto full = builder.ReadFrom(*reader);
      FUZZ_CHECK(full.ok());
      if (!*full) break;
    } else {
      auto more = reader->Next(r);
      FUZZ_CHECK(more.ok());
      if (!*more) break;
      builder.Add(r);
      if (!builder.full()) continue;
    }
    out.push_back(builder.Take());
  }
  if (builder.records() > 0) out.push_back(builder.Take());
  return out;
}

// Every record is a row or a reject, once, in order, at the reader's row and line.
void CheckReconciles(const std::vector<InputBatch>& batches, const std::vector<Rec>& records, int64_t batch_rows) {
  size_t next = 0;
  for (const InputBatch& b : batches) {
    FUZZ_CHECK(b.records == b.rows + static_cast<int64_t>(b.rejects.size()));
    FUZZ_CHECK(b.records <= batch_rows);
    FUZZ_CHECK(b.row_numbers.size() == static_cast<size_t>(b.rows));
    FUZZ_CHECK(b.line_numbers.size() == static_cast<size_t>(b.rows));
    size_t row = 0, reject = 0;
    while (row < b.row_numbers.size() || reject < b.rejects.size()) {
      FUZZ_CHECK(next < records.size());
      const Rec& want = records[next++];
      if (row < b.row_numbers.size() && b.row_numbers[row] == want.row) {
        FUZZ_CHECK(b.line_numbers[row] == want.line);
        FUZZ_CHECK(want.error.empty());
        ++row;
      } else {
        FUZZ_CHECK(reject < b.rejects.size() && b.rejects[reject].row == want.row);
        FUZZ_CHECK(b.rejects[reject].line == want.line);
        FUZZ_CHECK(!b.rejects[reject].reason.empty());
        if (!want.error.empty()) FUZZ_CHECK(b.rejects[reject].reason == want.error);
        ++reject;
      }
    }
  }
  FUZZ_CHECK(next == records.size());
}

void CheckSameBatches(const std::vector<InputBatch>& want, const std::vector<InputBatch>& got) {
  FUZZ_CHECK(want.size() == got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const InputBatch& a = want[i];
    const InputBatch& b = got[i];
    FUZZ_CHECK(a.rows == b.rows && a.records == b.records);
    FUZZ_CHECK(a.row_numbers == b.row_numbers && a.line_numbers == b.line_numbers);
    FUZZ_CHECK(a.variants == b.variants);
    FUZZ_CHECK(a.rejects.size() == b.rejects.size());
    for (size_t r = 0; r < a.rejects.size(); ++r) {
      FUZZ_CHECK(a.rejects[r].row == b.rejects[r].row && a.rejects[r].line == b.rejects[r].line);
      FUZZ_CHECK(a.rejects[r].column == b.rejects[r].column && a.rejects[r].reason == b.rejects[r].reason);
    }
    FUZZ_CHECK(a.columns.size() == b.columns.size());
    for (size_t c = 0; c < a.columns.size(); ++c) {
      const ColumnData& x = a.columns[c];
      const ColumnData& y = b.columns[c];
      FUZZ_CHECK(x.valid == y.valid && x.ints == y.ints && x.bools == y.bools);
      FUZZ_CHECK(x.floats.size() == y.floats.size() && x.codes.size() == y.codes.size());
      for (size_t r = 0; r < x.floats.size(); ++r)
        FUZZ_CHECK(std::bit_cast<uint64_t>(x.floats[r]) == std::bit_cast<uint64_t>(y.floats[r]));
      // Codes may differ (strings not deduplicated); the texts they stand for may not.
      for (int64_t r = 0; r < a.rows && !x.codes.empty(); ++r)
        if (x.valid[r]) FUZZ_CHECK(a.dictionary->Get(x.codes[r]) == b.dictionary->Get(y.codes[r]));
    }
  }
}

// Every invariant of the file comment, for one format and delimiter.
void CheckFormat(const std::string& text, const CsvOptions& format) {
  constexpr size_t kWhole = size_t{1} << 20;
  constexpr size_t kUnbounded = size_t{8} << 20;

  std::vector<std::string> header;
  std::vector<Rec> reference;
  if (!ReadRecords(text, Options(kWhole, kUnbounded, format), header, reference)) return;
  // A small max_record_bytes rejects and skips long records: its own reference.
  std::vector<std::string> short_header;
  std::vector<Rec> short_reference;
  // (Its header may differ: a long header is rejected. Then only the reader is compared.)
  const bool short_header_ok = ReadRecords(text, Options(kWhole, 40, format), short_header, short_reference);
  const bool short_same_header = short_header_ok && short_header == header;

  for (size_t chunk : {size_t{1}, size_t{7}, size_t{64}}) {
    std::vector<std::string> h;
    std::vector<Rec> got;
    FUZZ_CHECK(ReadRecords(text, Options(chunk, kUnbounded, format), h, got));
    FUZZ_CHECK(h == header && got == reference);
    FUZZ_CHECK(ReadSpans(text, Options(chunk, kUnbounded, format)) == reference);
    if (short_header_ok) {
      got.clear();
      FUZZ_CHECK(ReadRecords(text, Options(chunk, 40, format), h, got));
      FUZZ_CHECK(h == short_header && got == short_reference);
      FUZZ_CHECK(ReadSpans(text, Options(chunk, 40, format)) == short_reference);
    }
  }

  const tally::ir::Program program = ProgramFor(header);
  auto binding = BindColumns(program, header, {}, "fuzz.csv");
  FUZZ_CHECK(binding.ok());  // every input names a column that occurs once
  struct Setting {
    size_t chunk;
    size_t max_record;
    int64_t batch_rows;
    DictionaryScope scope;
  };
  for (const Setting& b : {Setting{kWhole, kUnbounded, 65536, DictionaryScope::kPerRun},
                           Setting{64, kUnbounded, 3, DictionaryScope::kPerBatch},
                           Setting{7, kUnbounded, 1000, DictionaryScope::kPerRun},
                           Setting{100, 40, 2, DictionaryScope::kPerBatch}}) {
    if (b.max_record != kUnbounded && !short_same_header) continue;
    const CsvOptions options = Options(b.chunk, b.max_record, format);
    auto general = Build(program, *binding, text, options, b.batch_rows, b.scope, false);
    CheckReconciles(general, b.max_record == kUnbounded ? reference : short_reference, b.batch_rows);
    CheckSameBatches(general, Build(program, *binding, text, options, b.batch_rows, b.scope, true));
  }
}

}  // namespace
}  // namespace tally::runtime

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tally::runtime;
  const std::string text(reinterpret_cast<const char*>(data), size);
  CsvOptions comma;
  CsvOptions semicolon;
  semicolon.delimiter = ';';
  CsvOptions whitespace;
  whitespace.format = InputFormat::kWhitespace;
  for (const CsvOptions& format : {comma, semicolon, whitespace}) CheckFormat(text, format);
  return 0;
}
