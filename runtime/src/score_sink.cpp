#include <algorithm>
#include <cstring>

#include "batch_sink.h"
#include "window_pass.h"
#include "tally/runtime/csv_writer.h"
#include "tally/runtime/string_calls.h"
#include "tally/support/civil_date.h"

namespace tally::runtime {

namespace {

class ScoreSink : public BatchSink {
 public:
  ScoreSink(const ir::Program& program, const KernelSet& kernels, const WindowPopulations* windows)
      : program_(program), kernels_(kernels), windows_(windows) {}

  Result<int64_t> Consume(InputBatch& batch, std::string& out,
                          std::vector<RejectRecord>& rejects) override {
    const int64_t n = batch.rows;
    const size_t rows = static_cast<size_t>(n);
    inputs_.clear();
    for (ColumnData& c : batch.columns) inputs_.push_back(c.View());
    const uint16_t* variants = batch.variants.empty() ? nullptr : batch.variants.data();
    // Computed strings are interned into this batch's own dictionary (string_calls.h).
    strings_.Reset(batch.dictionary.get());
    // Window values follow the inputs (kernel_abi.h), from the first pass's partitions; the
    // window kernels may compute strings too, into the same dictionary.
    if (windows_ != nullptr) {
      RETURN_IF_ERROR(windows_->Fill(n, inputs_.data(), variants, *batch.dictionary, strings_, window_scratch_,
                                     window_values_, window_status_));
      for (ColumnData& c : window_values_) inputs_.push_back(c.View());
    }
    strings_.AppendIfUsed(program_.row_code, inputs_);
    outputs_.resize(program_.outputs.size());
    output_views_.clear();
    for (size_t i = 0; i < outputs_.size(); ++i) {
      outputs_[i].Reset(program_.outputs[i].type, rows);
      output_views_.push_back(outputs_[i].View());
    }
    status_.assign(rows, 0);
    if (n > 0) {
      kernels_.score(n, inputs_.data(), variants, output_views_.data(), status_.data());
    }

    // The rows are written straight into `out`, grown ahead: room for every column's number
    // or bool and its comma, plus each string's worst case (all quotes doubled).
    columns_.clear();
    for (uint32_t k : program_.key_inputs) {
      columns_.push_back(Column{program_.inputs[k].type, inputs_[k], &program_.inputs[k].name, true});
    }
    // Carried columns: string inputs holding each field's text as read.
    for (uint32_t c : program_.carried_inputs) {
      columns_.push_back(Column{program_.inputs[c].type, inputs_[c], &program_.inputs[c].name, true});
    }
    for (size_t o = 0; o < outputs_.size(); ++o) {
      columns_.push_back(Column{program_.outputs[o].type, output_views_[o], &program_.outputs[o].name, false});
    }
    const size_t row_room = columns_.size() * (kMaxNumberChars + 1) + 1;
    size_t pos = out.size();
    auto room = [&](size_t n) {
      if (pos + n > out.size()) {
        // The capacity first: growing past it copies all that the buffer holds (which may
        // be earlier batches of a span).
        const size_t want = pos + n + (size_t{1} << 16);
        out.resize(want <= out.capacity() ? out.capacity() : std::max(out.size() * 2, want));
      }
      return out.data() + pos;
    };
    const StringDictionary& strings = *batch.dictionary;
    size_t next_reject = 0;
    int64_t scored = 0;
    for (size_t r = 0; r < rows; ++r) {
      const int64_t row = batch.row_numbers[r];
      TakeParseRejectsBefore(batch, next_reject, row, rejects);
      if (windows_ != nullptr && window_status_[r] != 0) {
        rejects.push_back(windows_->Reject(window_status_[r], row, batch.line_numbers[r]));
        continue;
      }
      if (status_[r] != 0) {
        rejects.push_back(KernelReject(program_, status_[r], row, batch.line_numbers[r]));
        continue;
      }
      ++scored;
      char* p = room(row_room);
      for (size_t c = 0; c < columns_.size(); ++c) {
        const Column& col = columns_[c];
        if (c > 0) *p++ = ',';
        if (col.view.valid != nullptr && col.view.valid[r] == 0) continue;  // null: empty
        switch (col.type) {
          case ir::Type::kBool:
            if (static_cast<const uint8_t*>(col.view.values)[r]) {
              std::memcpy(p, "true", 4);
              p += 4;
            } else {
              std::memcpy(p, "false", 5);
              p += 5;
            }
            break;
          case ir::Type::kInt:
            p = WriteInt(p, static_cast<const int64_t*>(col.view.values)[r]);
            break;
          case ir::Type::kDate: {  // ISO YYYY-MM-DD: 10 characters, within a number's room
            const int64_t day = static_cast<const int64_t*>(col.view.values)[r];
            if (!dates::InRange(day)) return Unwritable(col, row);
            p = dates::WriteIso(p, day);
            break;
          }
          case ir::Type::kFloat: {
            char* end = WriteFloat(p, static_cast<const double*>(col.view.values)[r]);
            if (end == nullptr) return Unwritable(col, row);
            p = end;
            break;
          }
          case ir::Type::kString: {
            const int32_t code = static_cast<const int32_t*>(col.view.values)[r];
            if (code < 0 || static_cast<size_t>(code) >= strings.size()) return Unwritable(col, row);
            const std::string_view text = strings.Get(code);
            pos = static_cast<size_t>(p - out.data());
            p = WriteCsvText(room(2 * text.size() + row_room), text);
            break;
          }
        }
      }
      *p++ = '\n';
      pos = static_cast<size_t>(p - out.data());
    }
    out.resize(pos);
    TakeParseRejectsBefore(batch, next_reject, INT64_MAX, rejects);
    return scored;
  }

  Result<int64_t> Finish(std::string&) override { return int64_t{0}; }

 private:
  struct Column {
    ir::Type type;
    TallyColumnView view;
    const std::string* name;
    bool key;
  };

  static Error Unwritable(const Column& col, int64_t row) {
    if (col.key) {
      return Error{"row " + std::to_string(row) + ": key " + *col.name + " cannot be written"};
    }
    // A kernel bug, never the user's input: refuse to write a number we cannot vouch for.
    return Error{"internal error: row " + std::to_string(row) + ": output " + *col.name +
                 " is not finite or not a known string; nothing was written"};
  }

  const ir::Program& program_;
  const KernelSet& kernels_;
  const WindowPopulations* windows_;  // a score with window aggregates: its first pass
  WindowPopulations::Scratch window_scratch_;
  std::vector<ColumnData> window_values_;
  std::vector<uint32_t> window_status_;
  KernelStrings strings_;
  std::vector<TallyColumnView> inputs_;
  std::vector<ColumnData> outputs_;
  std::vector<TallyColumnView> output_views_;
  std::vector<uint32_t> status_;
  std::vector<Column> columns_;
};

}  // namespace

std::unique_ptr<BatchSink> MakeScoreSink(const ir::Program& program, const KernelSet& kernels,
                                         const WindowPopulations* windows) {
  return std::make_unique<ScoreSink>(program, kernels, windows);
}

}  // namespace tally::runtime
