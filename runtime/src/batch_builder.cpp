#include "tally/runtime/batch_builder.h"

#include <mutex>

#include "tally/runtime/value_parse.h"

namespace tally::runtime {

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
  if (scope_ == DictionaryScope::kPerBatch) {
    for (size_t i = 0; i < program.inputs.size(); ++i) {
      opaque_[i] = program.inputs[i].type == ir::Type::kString;
    }
    for (const ir::Instruction& ins : program.row_code) {
      if (ins.op == ir::Op::kInput && ins.index < opaque_.size()) opaque_[ins.index] = 0;
    }
  }
  if (scope_ == DictionaryScope::kPerRun) {
    dictionary_ = std::make_shared<StringDictionary>(program_.string_constants);
  }
  Start();
}

void BatchBuilder::Recycle(InputBatch&& batch) {
  batch.dictionary.reset();  // back to its own pool now, not when the batch is reused
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
  // A recycled batch keeps its vectors' memory; everything else starts afresh.
  next.rows = 0;
  next.records = 0;
  next.bytes_read = 0;
  next.rejects.clear();
  const size_t cap = static_cast<size_t>(batch_rows_);
  next.columns.resize(program_.inputs.size());
  for (size_t i = 0; i < next.columns.size(); ++i) next.columns[i].Reset(program_.inputs[i].type, cap);
  if (has_variants_) next.variants.assign(cap, 0);
  else next.variants.clear();
  next.row_numbers.assign(cap, 0);
  next.line_numbers.assign(cap, 0);
  if (scope_ == DictionaryScope::kPerBatch) dictionary_ = AcquireDictionary();
  next.dictionary = dictionary_;
  batch_ = std::move(next);
}

InputBatch BatchBuilder::Take(int64_t bytes_read) {
  InputBatch out = std::move(batch_);
  // Every per-row vector ends up exactly `rows` long (shrinking never reallocates).
  const size_t rows = static_cast<size_t>(out.rows);
  for (ColumnData& c : out.columns) {
    c.valid.resize(rows);
    c.bools.resize(c.bools.empty() ? 0 : rows);
    c.ints.resize(c.ints.empty() ? 0 : rows);
    c.floats.resize(c.floats.empty() ? 0 : rows);
    c.codes.resize(c.codes.empty() ? 0 : rows);
  }
  if (!out.variants.empty()) out.variants.resize(rows);
  out.row_numbers.resize(rows);
  out.line_numbers.resize(rows);
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
      data.valid[r] = 0;
      continue;
    }
    data.valid[r] = 1;
    bool ok = true;
    switch (in.type) {
      case ir::Type::kBool: ok = ParseBool(text, data.bools[r], reason_); break;
      case ir::Type::kInt: ok = ParseInt(text, data.ints[r], reason_); break;
      case ir::Type::kFloat: ok = ParseFloat(text, data.floats[r], reason_); break;
      case ir::Type::kString:
        data.codes[r] = opaque_[i] ? dictionary_->Append(text) : dictionary_->Intern(text);
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

}  // namespace tally::runtime
