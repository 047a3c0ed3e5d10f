#include "tally/runtime/batch_builder.h"

#include <algorithm>
#include <cmath>
#include <mutex>

#include <fast_float/fast_float.h>

#include "csv_scan.h"
#include "tally/runtime/value_parse.h"
#include "tally/support/civil_date.h"

namespace tally::runtime {

namespace {

// A batch starts this small and doubles as records arrive (up to batch_rows).
constexpr size_t kInitialRows = 1024;

// Plain decimal integers of up to 18 digits, which cannot overflow. Anything else (blanks,
// longer numbers, junk) is left to ParseInt, which has the final word and the messages.
inline bool FastInt(const char* b, const char* e, int64_t& out) {
  const bool negative = b != e && *b == '-';
  const char* p = b + (negative ? 1 : 0);
  const size_t n = static_cast<size_t>(e - p);
  if (n == 0 || n > 18) return false;
  uint64_t v = 0;
  for (; p != e; ++p) {
    const unsigned d = static_cast<unsigned char>(*p) - unsigned{'0'};
    if (d > 9) return false;
    v = v * 10 + d;
  }
  out = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return true;
}

// [-]digits[.digits] with at most 15 digits in all, as most CSV numbers are: the mantissa
// and 10^decimals are exact doubles and IEEE division rounds correctly, so the quotient is
// the correctly rounded value, the one fast_float gives (Clinger's fast path). Otherwise the
// same fast_float call as ParseFloat, without trimming (a field with blanks fails here and
// goes to ParseFloat).
inline bool FastFloat(const char* b, const char* e, double& out) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const bool negative = b != e && *b == '-';
  const char* p = b + (negative ? 1 : 0);
  uint64_t m = 0;
  int digits = 0;
  int decimals = 0;
  for (; p != e && static_cast<unsigned>(*p - '0') <= 9; ++p, ++digits) m = m * 10 + static_cast<unsigned>(*p - '0');
  if (p != e && *p == '.') {
    const char* first = ++p;
    for (; p != e && static_cast<unsigned>(*p - '0') <= 9; ++p, ++digits) m = m * 10 + static_cast<unsigned>(*p - '0');
    decimals = static_cast<int>(p - first);
  }
  if (p == e && digits > 0 && digits <= 15) {
    const double v = static_cast<double>(m) / kPow10[decimals];
    out = negative ? -v : v;
    return true;
  }
  auto [ptr, ec] = fast_float::from_chars(b, e, out);
  return ec == std::errc() && ptr == e && b != e && std::isfinite(out);
}

void ClearValue(ColumnData& c, size_t r) {
  c.valid[r] = 0;
  // Zero, as a fresh batch had it: a kernel may compute on a null lane before masking it.
  switch (c.type) {
    case ir::Type::kBool: c.bools[r] = 0; break;
    case ir::Type::kInt:
    case ir::Type::kDate: c.ints[r] = 0; break;
    case ir::Type::kFloat: c.floats[r] = 0.0; break;
    case ir::Type::kString: c.codes[r] = 0; break;
  }
}

}  // namespace

struct BatchBuilder::DictionaryPool {
  std::mutex mu;
  std::vector<std::unique_ptr<StringDictionary>> free;
};

std::shared_ptr<StringDictionary> BatchBuilder::AcquireDictionary() {
  std::unique_ptr<StringDictionary> d;
  {
    std::lock_guard<std::mutex> lock(pool_->mu);
    if (!pool_->free.empty()) {
      d = std::move(pool_->free.back());
      pool_->free.pop_back();
    }
  }
  if (d) d->Reset(program_.string_constants);
  else d = std::make_unique<StringDictionary>(program_.string_constants);
  // The last owner (the kernel thread, usually) hands it back; the pool outlives the builder
  // if batches do.
  std::shared_ptr<DictionaryPool> pool = pool_;
  return std::shared_ptr<StringDictionary>(d.release(), [pool](StringDictionary* p) {
    std::lock_guard<std::mutex> lock(pool->mu);
    pool->free.emplace_back(p);
  });
}

BatchBuilder::BatchBuilder(const ir::Program& program, Binding binding, int64_t batch_rows,
                           DictionaryScope scope)
    : program_(program),
      binding_(std::move(binding)),
      batch_rows_(batch_rows < 1 ? 1 : batch_rows),
      scope_(scope),
      has_variants_(program.variants.size() > 1 && program.region_input >= 0),
      opaque_(program.inputs.size(), 0),
      pool_(std::make_shared<DictionaryPool>()) {
  // Within one batch a code is only ever compared by instructions, so a string input that no
  // instruction reads (typically the key) needs no deduplication. Metrics group by code: never.
  // A score's window programs run on its batches too (ir.h kWindow), so their reads count; the
  // first pass of a score with windows runs only them, and keeps only what they read.
  auto unread_strings = [&](uint8_t store, bool score_reads) {
    for (size_t i = 0; i < program.inputs.size(); ++i) {
      if (program.inputs[i].type == ir::Type::kString) opaque_[i] = store;
    }
    auto read = [&](const ir::Program& p) {
      for (const ir::Instruction& ins : p.row_code) {
        if (ins.op == ir::Op::kInput && ins.index < opaque_.size()) opaque_[ins.index] = kIntern;
      }
      // A window's partition keys are read by the runtime, by value.
      for (uint32_t k : p.group_keys) {
        if (k < opaque_.size()) opaque_[k] = kIntern;
      }
    };
    if (score_reads) read(program);
    for (const ir::Program& w : program.windows) read(w);
  };
  if (scope_ == DictionaryScope::kPerBatch) unread_strings(kAppend, true);
  if (scope_ == DictionaryScope::kWindowPass) unread_strings(kDrop, false);
  has_opaque_ = std::find(opaque_.begin(), opaque_.end(), kAppend) != opaque_.end();
  if (scope_ != DictionaryScope::kPerBatch) {
    dictionary_ = std::make_shared<StringDictionary>(program_.string_constants);
  }
  plain_bounds_.resize(2 * binding_.header.size());
  for (int strings = 0; strings < 2; ++strings) {
    for (size_t i = 0; i < program.inputs.size(); ++i) {
      if ((program.inputs[i].type == ir::Type::kString) == (strings == 1)) {
        plain_order_.push_back(static_cast<uint32_t>(i));
      }
    }
  }
  Start();
}

void BatchBuilder::Recycle(InputBatch&& batch) {
  batch.dictionary.reset();  // back to its own pool now, not when the batch is reused
  batch.chunks.clear();
  std::lock_guard<std::mutex> lock(recycled_mu_);
  if (recycled_.size() < 4) recycled_.push_back(std::move(batch));
}

void BatchBuilder::Start() {
  InputBatch next;
  {
    std::lock_guard<std::mutex> lock(recycled_mu_);
    if (!recycled_.empty()) {
      next = std::move(recycled_.back());
      recycled_.pop_back();
    }
  }
  // A recycled batch keeps its vectors' memory (and, once full, their size: resizing it back
  // fills nothing); everything else starts afresh.
  next.rows = 0;
  next.records = 0;
  next.bytes_read = 0;
  next.rejects.clear();
  next.chunks.clear();
  next.columns.resize(program_.inputs.size());
  for (size_t i = 0; i < next.columns.size(); ++i) {
    if (next.columns[i].type != program_.inputs[i].type) next.columns[i].Reset(program_.inputs[i].type, 0);
  }
  if (!has_variants_) next.variants.clear();
  if (scope_ == DictionaryScope::kPerBatch) dictionary_ = AcquireDictionary();
  next.dictionary = dictionary_;
  batch_ = std::move(next);
  const size_t cap = static_cast<size_t>(batch_rows_);
  Resize(std::min(cap, std::max(kInitialRows, batch_.row_numbers.capacity())));
}

void BatchBuilder::Resize(size_t rows) {
  for (ColumnData& c : batch_.columns) {
    c.valid.resize(rows);
    switch (c.type) {
      case ir::Type::kBool: c.bools.resize(rows); break;
      case ir::Type::kInt:
      case ir::Type::kDate: c.ints.resize(rows); break;
      case ir::Type::kFloat: c.floats.resize(rows); break;
      case ir::Type::kString: c.codes.resize(rows); break;
    }
  }
  if (has_variants_) batch_.variants.resize(rows);
  batch_.row_numbers.resize(rows);
  batch_.line_numbers.resize(rows);
  room_ = rows;
}

void BatchBuilder::EnsureRoom() {
  const size_t need = static_cast<size_t>(batch_.rows) + 1;
  if (need <= room_) return;
  Resize(std::max(need, std::min(static_cast<size_t>(batch_rows_), 2 * room_)));
}

InputBatch BatchBuilder::Take(int64_t bytes_read) {
  // Every per-row vector ends up exactly `rows` long (shrinking never reallocates).
  Resize(static_cast<size_t>(batch_.rows));
  InputBatch out = std::move(batch_);
  out.bytes_read = bytes_read;
  Start();
  return out;
}

void BatchBuilder::Reject(const CsvRecord& record, int32_t field, std::string reason) {
  RejectRecord r;
  r.row = record.row;
  r.line = record.line;
  if (field >= 0 && static_cast<size_t>(field) < binding_.header.size()) {
    r.column = binding_.header[static_cast<size_t>(field)];
  }
  r.reason = std::move(reason);
  batch_.rejects.push_back(std::move(r));
}

void BatchBuilder::Add(const CsvRecord& record) {
  ++batch_.records;
  if (record.error) {
    Reject(record, record.error->field, record.error->reason);
    return;
  }
  EnsureRoom();
  const size_t r = static_cast<size_t>(batch_.rows);
  for (size_t i = 0; i < program_.inputs.size(); ++i) {
    const ir::Column& in = program_.inputs[i];
    const size_t col = binding_.column_of_input[i];
    const std::string_view text = record.fields[col];
    ColumnData& data = batch_.columns[i];
    // An unquoted empty string field is missing; "" (quoted) is the empty string. For the
    // other types a blank field (spaces only, such as telco TotalCharges " ") is missing.
    const bool missing =
        in.type == ir::Type::kString ? (text.empty() && !record.quoted[col]) : IsBlank(text);
    if (missing) {
      if (!in.nullable) {
        Reject(record, static_cast<int32_t>(col), "missing value for non-nullable input " + in.name);
        return;
      }
      ClearValue(data, r);
      continue;
    }
    data.valid[r] = 1;
    bool ok = true;
    switch (in.type) {
      case ir::Type::kBool: ok = ParseBool(text, data.bools[r], reason_); break;
      case ir::Type::kInt: ok = ParseInt(text, data.ints[r], reason_); break;
      case ir::Type::kFloat: ok = ParseFloat(text, data.floats[r], reason_); break;
      case ir::Type::kDate: ok = ParseDate(text, in.date_format, data.ints[r], reason_); break;
      case ir::Type::kString:
        ok = CheckText(text, reason_);
        if (ok) {
          data.codes[r] = opaque_[i] == kIntern ? dictionary_->Intern(text)
                          : opaque_[i] == kAppend ? dictionary_->Append(text)
                                                  : 0;
        }
        break;
    }
    if (!ok) {
      Reject(record, static_cast<int32_t>(col), std::move(reason_));
      reason_.clear();
      return;
    }
  }
  if (has_variants_) {
    uint16_t variant = 0;
    const size_t region = static_cast<size_t>(program_.region_input);
    if (batch_.columns[region].valid[r]) {
      std::string_view text = record.fields[binding_.column_of_input[region]];
      for (size_t v = 1; v < program_.variants.size(); ++v) {
        if (program_.variants[v] == text) variant = static_cast<uint16_t>(v);
      }
    }
    batch_.variants[r] = variant;
  }
  batch_.row_numbers[r] = record.row;
  batch_.line_numbers[r] = record.line;
  ++batch_.rows;
}

Result<bool> BatchBuilder::ReadFrom(CsvReader& reader) {
  const char delim = reader.options().delimiter;
  // Whitespace-separated records always take the general path (CsvReader::ReadBlankSeparated).
  const bool plain = reader.options().format == InputFormat::kCsv &&
                     delim != '"' && delim != '\r' && delim != '\n' &&
                     !binding_.header.empty() && reader.header_fields() == binding_.header.size();
  while (!full()) {
    if (plain) {
      AddPlain(reader);
      if (full()) break;
    }
    auto got = reader.Next(record_);
    if (!got.ok()) return got.error();
    if (!*got) return false;
    Add(record_);
  }
  return true;
}

void BatchBuilder::AddPlain(CsvReader& reader) {
  const std::string_view buffered = reader.Buffered();
  if (buffered.empty()) return;
  // Opaque strings (a key only copied through) stay in the chunk: the batch keeps it.
  if (has_opaque_ && (batch_.chunks.empty() || batch_.chunks.back() != reader.chunk())) {
    batch_.chunks.push_back(reader.chunk());
  }
  const CsvOptions& options = reader.options();
  const char delim = options.delimiter;
  const size_t fields = binding_.header.size();
  const char* const end = buffered.data() + buffered.size();
  SpecialScanner scan(buffered.data(), end, delim);
  const char** bounds = plain_bounds_.data();
  const char* p = buffered.data();
  int64_t row = reader.next_row();
  int64_t line = reader.next_line();
  int64_t taken = 0;
  while (batch_.records < batch_rows_) {
    // Split one record: field i is [bounds[2i], bounds[2i+1]). Anything unusual (a quote,
    // a blank line, a wrong field count, a CR whose LF may be in the next chunk, the last
    // bytes of the chunk) stops here, and the general path takes the record from `p`.
    const char* field = p;
    const char* next = nullptr;
    size_t f = 0;
    for (;;) {
      const char* q = scan.Next();
      if (q == nullptr || *q == '"' || f == fields) break;
      bounds[2 * f] = field;
      bounds[2 * f + 1] = q;
      ++f;
      if (*q == delim) {
        field = q + 1;
        continue;
      }
      if (q == p) break;  // a blank line: skipped by the general path, not a record
      if (static_cast<size_t>(q - p) > options.max_record_bytes) break;
      next = q + 1;
      if (*q == '\r') {
        if (next == end) next = nullptr;
        else if (*next == '\n') next = scan.Next() == next ? next + 1 : nullptr;
      }
      break;
    }
    if (next == nullptr || f != fields) break;
    EnsureRoom();
    if (!AddPlainRow(bounds, row, line)) break;
    ++batch_.records;
    ++row;
    ++line;
    ++taken;
    p = next;
  }
  if (taken > 0) reader.SkipPlain(p, taken);
  plain_records_ += taken;
}

bool BatchBuilder::AddPlainRow(const char* const* bounds, int64_t row, int64_t line) {
  const size_t r = static_cast<size_t>(batch_.rows);
  auto text_of = [&](size_t col) {
    return std::string_view(bounds[2 * col], static_cast<size_t>(bounds[2 * col + 1] - bounds[2 * col]));
  };
  // A missing non-nullable string, or one that is not valid text, is found before any
  // string is stored; the general path (Add) then rejects the row with its reason.
  for (uint32_t i : plain_order_) {
    const ir::Column& in = program_.inputs[i];
    if (in.type == ir::Type::kString) {
      const size_t col = binding_.column_of_input[i];
      if (!in.nullable && bounds[2 * col] == bounds[2 * col + 1]) return false;
      if (!CheckText(text_of(col), reason_)) {
        reason_.clear();
        return false;
      }
    }
  }
  for (uint32_t i : plain_order_) {
    const ir::Column& in = program_.inputs[i];
    const size_t col = binding_.column_of_input[i];
    const char* b = bounds[2 * col];
    const char* e = bounds[2 * col + 1];
    ColumnData& data = batch_.columns[i];
    bool ok = true;
    bool missing = false;
    switch (in.type) {
      case ir::Type::kInt:
        if (FastInt(b, e, data.ints[r])) break;
        missing = IsBlank(text_of(col));
        ok = missing || ParseInt(text_of(col), data.ints[r], reason_);
        break;
      case ir::Type::kFloat:
        if (FastFloat(b, e, data.floats[r])) break;
        missing = IsBlank(text_of(col));
        ok = missing || ParseFloat(text_of(col), data.floats[r], reason_);
        break;
      case ir::Type::kBool:
        missing = IsBlank(text_of(col));
        ok = missing || ParseBool(text_of(col), data.bools[r], reason_);
        break;
      case ir::Type::kDate:
        // Exactly the format, no blanks: the common case, with no message to build.
        if (auto day = dates::Parse(text_of(col), static_cast<dates::Format>(in.date_format))) {
          data.ints[r] = *day;
          break;
        }
        missing = IsBlank(text_of(col));
        ok = missing || ParseDate(text_of(col), in.date_format, data.ints[r], reason_);
        break;
      case ir::Type::kString:
        // Unquoted, so an empty field is missing (checked above when not nullable).
        missing = b == e;
        if (!missing) {
          data.codes[r] = opaque_[i] == kIntern ? dictionary_->Intern(text_of(col))
                          : opaque_[i] == kAppend ? dictionary_->AppendView(text_of(col))
                                                  : 0;
        }
        break;
    }
    if (!ok || (missing && !in.nullable)) {
      reason_.clear();
      return false;
    }
    if (missing) ClearValue(data, r);
    else data.valid[r] = 1;
  }
  if (has_variants_) {
    uint16_t variant = 0;
    const size_t region = static_cast<size_t>(program_.region_input);
    if (batch_.columns[region].valid[r]) {
      const std::string_view text = text_of(binding_.column_of_input[region]);
      for (size_t v = 1; v < program_.variants.size(); ++v) {
        if (program_.variants[v] == text) variant = static_cast<uint16_t>(v);
      }
    }
    batch_.variants[r] = variant;
  }
  batch_.row_numbers[r] = row;
  batch_.line_numbers[r] = line;
  ++batch_.rows;
  return true;
}

}  // namespace tally::runtime
