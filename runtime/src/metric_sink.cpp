#include "batch_sink.h"
#include "tally/runtime/csv_writer.h"
#include "tally/runtime/group_by.h"
#include "tally/runtime/string_calls.h"

namespace tally::runtime {

namespace {

// A metric: per batch, the row kernel's aggregate arguments go into the order-preserving
// GroupAggregator; at the end, groups -> finalize kernel -> one output row per group.
class MetricSink : public BatchSink {
 public:
  MetricSink(const ir::Program& program, const KernelSet& kernels,
             std::shared_ptr<StringDictionary> strings)
      : program_(program), kernels_(kernels), strings_(std::move(strings)), groups_(program) {
    // Computed strings go into the run-wide dictionary, so a computed group key groups by
    // its text like an input key (execution.cpp keeps such a run on one thread).
    calls_.Reset(strings_.get());
  }

  Result<int64_t> Consume(InputBatch& batch, std::string&,
                          std::vector<RejectRecord>& rejects) override {
    const int64_t n = batch.rows;
    const size_t rows = static_cast<size_t>(n);
    inputs_.clear();
    for (ColumnData& c : batch.columns) inputs_.push_back(c.View());
    calls_.AppendIfUsed(program_.row_code, inputs_);
    // Two slots per aggregate (kernel_abi.h); unused slots still get a column, so no kernel
    // ever sees a null pointer for a slot it might touch.
    ResetAggregateArgs(program_, rows, args_);
    arg_views_.clear();
    for (ColumnData& c : args_) arg_views_.push_back(c.View());
    key_views_.clear();
    for (uint32_t k : program_.group_keys) key_views_.push_back(inputs_[k]);
    status_.assign(rows, 0);
    if (n > 0) {
      kernels_.metric_rows(n, inputs_.data(),
                           batch.variants.empty() ? nullptr : batch.variants.data(),
                           arg_views_.data(), status_.data());
      Status added = groups_.AddBatch(n, key_views_.data(), arg_views_.data(), status_.data());
      if (!added.ok()) return Error{added.message()};
    }
    size_t next_reject = 0;
    int64_t aggregated = 0;
    for (size_t r = 0; r < rows; ++r) {
      TakeParseRejectsBefore(batch, next_reject, batch.row_numbers[r], rejects);
      if (status_[r] != 0) {
        rejects.push_back(
            KernelReject(program_, status_[r], batch.row_numbers[r], batch.line_numbers[r]));
      } else {
        ++aggregated;
      }
    }
    TakeParseRejectsBefore(batch, next_reject, INT64_MAX, rejects);
    return aggregated;
  }

  Result<int64_t> Finish(std::string& out) override {
    const std::vector<std::string> strings = strings_->ToVector();
    auto groups = groups_.Finish(strings);
    if (!groups.ok()) return groups.error();
    const int64_t n = groups->count;
    const size_t count = static_cast<size_t>(n);
    std::vector<TallyColumnView> aggregates, keys, outputs;
    for (OwnedColumn& c : groups->aggregates) aggregates.push_back(c.View());
    for (OwnedColumn& c : groups->keys) keys.push_back(c.View());
    calls_.AppendIfUsed(program_.post_code, keys);
    std::vector<ColumnData> output_data(program_.outputs.size());
    for (size_t o = 0; o < output_data.size(); ++o) {
      output_data[o].Reset(program_.outputs[o].type, count);
      outputs.push_back(output_data[o].View());
    }
    std::vector<uint32_t> status(count, 0);
    if (n > 0) {
      kernels_.metric_finalize(n, aggregates.data(), keys.data(), outputs.data(), status.data());
    }
    for (size_t g = 0; g < count; ++g) {
      if (status[g] != 0) {
        RejectRecord why = KernelReject(program_, status[g], 0, 0);
        return Error{"metric " + program_.name + ": group " + std::to_string(g + 1) + ": " +
                     why.reason + (why.location.empty() ? "" : " (" + why.location.ToString() + ")")};
      }
      bool first = true;
      for (const GroupKeyColumn& key : key_columns_) {
        if (!first) out += ',';
        first = false;
        TallyColumnView view = key.computed ? aggregates[key.index] : keys[key.index];
        if (!AppendValue(out, key.type, view, static_cast<int64_t>(g), *strings_)) {
          return Error{"metric " + program_.name + ": a group key cannot be written"};
        }
      }
      for (size_t o = 0; o < outputs.size(); ++o) {
        if (!first) out += ',';
        first = false;
        if (!AppendValue(out, program_.outputs[o].type, outputs[o], static_cast<int64_t>(g),
                         *strings_)) {
          return Error{"internal error: metric " + program_.name + ": output " +
                       program_.outputs[o].name + " of group " + std::to_string(g + 1) +
                       " is not finite or not a known string; nothing was written"};
        }
      }
      out += '\n';
    }
    return n;
  }

 private:
  const ir::Program& program_;
  const KernelSet& kernels_;
  std::shared_ptr<StringDictionary> strings_;
  KernelStrings calls_;
  GroupAggregator groups_;
  std::vector<GroupKeyColumn> key_columns_ = GroupKeyColumns(program_);
  std::vector<TallyColumnView> inputs_;
  std::vector<ColumnData> args_;
  std::vector<TallyColumnView> arg_views_;
  std::vector<TallyColumnView> key_views_;
  std::vector<uint32_t> status_;
};

}  // namespace

std::unique_ptr<BatchSink> MakeMetricSink(const ir::Program& program, const KernelSet& kernels,
                                          std::shared_ptr<StringDictionary> strings) {
  return std::make_unique<MetricSink>(program, kernels, std::move(strings));
}

}  // namespace tally::runtime
