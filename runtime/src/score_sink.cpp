#include "batch_sink.h"
#include "tally/runtime/csv_writer.h"

namespace tally::runtime {

RejectRecord KernelReject(const ir::Program& program, uint32_t status, int64_t row, int64_t line) {
  RejectRecord r;
  r.row = row;
  r.line = line;
  size_t index = status - 1;
  if (index >= program.reasons.size()) {
    r.reason = "rejected by the kernel with unknown status " + std::to_string(status);
    return r;
  }
  const ir::Reason& why = program.reasons[index];
  if (why.kind == ir::Reason::Kind::kRequire) {
    r.reason = "require failed";
    r.rule = why.message;
  } else {
    r.reason = why.message;
  }
  r.location = why.location;
  return r;
}

void TakeParseRejectsBefore(InputBatch& batch, size_t& next, int64_t row,
                            std::vector<RejectRecord>& rejects) {
  while (next < batch.rejects.size() && batch.rejects[next].row < row) {
    rejects.push_back(std::move(batch.rejects[next++]));
  }
}

namespace {

class ScoreSink : public BatchSink {
 public:
  ScoreSink(const ir::Program& program, const KernelSet& kernels)
      : program_(program), kernels_(kernels) {}

  std::vector<std::string> OutputColumns() const override {
    std::vector<std::string> names;
    for (uint32_t k : program_.key_inputs) names.push_back(program_.inputs[k].name);
    for (const ir::Output& o : program_.outputs) names.push_back(o.name);
    return names;
  }

  Result<int64_t> Consume(InputBatch& batch, std::string& out,
                          std::vector<RejectRecord>& rejects) override {
    const int64_t n = batch.rows;
    const size_t rows = static_cast<size_t>(n);
    inputs_.clear();
    for (ColumnData& c : batch.columns) inputs_.push_back(c.View());
    outputs_.resize(program_.outputs.size());
    output_views_.clear();
    for (size_t i = 0; i < outputs_.size(); ++i) {
      outputs_[i].Reset(program_.outputs[i].type, rows);
      output_views_.push_back(outputs_[i].View());
    }
    status_.assign(rows, 0);
    if (n > 0) {
      kernels_.score(n, inputs_.data(), batch.variants.empty() ? nullptr : batch.variants.data(),
                     output_views_.data(), status_.data());
    }

    const StringDictionary& strings = *batch.dictionary;
    size_t next_reject = 0;
    int64_t scored = 0;
    for (size_t r = 0; r < rows; ++r) {
      const int64_t row = batch.row_numbers[r];
      TakeParseRejectsBefore(batch, next_reject, row, rejects);
      if (status_[r] != 0) {
        rejects.push_back(KernelReject(program_, status_[r], row, batch.line_numbers[r]));
        continue;
      }
      ++scored;
      bool first = true;
      for (uint32_t k : program_.key_inputs) {
        if (!first) out += ',';
        first = false;
        if (!AppendValue(out, program_.inputs[k].type, inputs_[k], static_cast<int64_t>(r), strings)) {
          return Error{"row " + std::to_string(row) + ": key " + program_.inputs[k].name +
                       " cannot be written"};
        }
      }
      for (size_t o = 0; o < outputs_.size(); ++o) {
        if (!first) out += ',';
        first = false;
        if (!AppendValue(out, program_.outputs[o].type, output_views_[o], static_cast<int64_t>(r),
                         strings)) {
          // A kernel bug, never the user's input: refuse to write a number we cannot vouch for.
          return Error{"internal error: row " + std::to_string(row) + ": output " +
                       program_.outputs[o].name +
                       " is not finite or not a known string; nothing was written"};
        }
      }
      out += '\n';
    }
    TakeParseRejectsBefore(batch, next_reject, INT64_MAX, rejects);
    return scored;
  }

  Result<int64_t> Finish(std::string&) override { return int64_t{0}; }

 private:
  const ir::Program& program_;
  const KernelSet& kernels_;
  std::vector<TallyColumnView> inputs_;
  std::vector<ColumnData> outputs_;
  std::vector<TallyColumnView> output_views_;
  std::vector<uint32_t> status_;
};

}  // namespace

std::unique_ptr<BatchSink> MakeScoreSink(const ir::Program& program, const KernelSet& kernels) {
  return std::make_unique<ScoreSink>(program, kernels);
}

}  // namespace tally::runtime
