#include "execution.h"

#include "tally/compiler/string_functions.h"

namespace tally::runtime {

std::unique_ptr<Execution> ChooseExecution(const ScoreOptions& options) {
  const bool metric = options.program->kind == ir::Program::Kind::kMetric;
  if (options.threads <= 1) return std::make_unique<OneThreadRun>(options);
  // A metric's reader interns into the run-wide dictionary on its own thread; a kernel with
  // computed strings interns into it too, so such a run reads and scores on one thread.
  if (metric && ir::UsesStringCalls(options.program->row_code)) return std::make_unique<OneThreadRun>(options);
  if (metric) return std::make_unique<ReaderThreadRun>(options);
  return std::make_unique<SpanRun>(options);
}

Status ScoreBatch(BatchBuilder& builder, BatchSink& sink, InputBatch& batch, Scored& out) {
  ASSIGN_OR_RETURN(int64_t scored, sink.Consume(batch, out.text, out.rejects));
  out.records += batch.records;
  out.scored += scored;
  builder.Recycle(std::move(batch));
  return Status::Ok();
}

namespace {

// A metric groups rows of many batches by string code, so its dictionary spans the run; a
// score's dictionary is per batch, which bounds memory whatever the keys.
DictionaryScope ScopeFor(const ir::Program& program) {
  return program.kind == ir::Program::Kind::kMetric ? DictionaryScope::kPerRun
                                                    : DictionaryScope::kPerBatch;
}

}  // namespace

OrderedScorer::OrderedScorer(const ScoreOptions& o, const Binding& binding)
    : builder_(*o.program, binding, o.batch_rows, ScopeFor(*o.program)),
      sink_(o.program->kind == ir::Program::Kind::kMetric
                ? MakeMetricSink(*o.program, o.kernels, builder_.dictionary())
                : MakeScoreSink(*o.program, o.kernels, o.window_populations.get())) {}

Result<bool> OrderedScorer::Read(CsvReader& reader, InputBatch& batch) {
  if (input_done_) return false;
  ASSIGN_OR_RETURN(bool full, builder_.ReadFrom(reader));
  if (!full) {
    input_done_ = true;
    if (builder_.records() == 0) return false;
  }
  batch = builder_.Take(reader.bytes_read());
  return true;
}

Status OrderedScorer::Score(InputBatch& batch, ScoreWriter& writer) {
  Scored r;
  r.text.reserve(last_text_bytes_ + last_text_bytes_ / 8);  // avoids regrowing and copying
  r.bytes_read = batch.bytes_read;
  RETURN_IF_ERROR(ScoreBatch(builder_, *sink_, batch, r));
  last_text_bytes_ = r.text.size();
  return writer.Write(r, 0);
}

Status OrderedScorer::Finish(ScoreWriter& writer) {
  std::string tail;
  ASSIGN_OR_RETURN(int64_t rows, sink_->Finish(tail));
  return writer.WriteTail(std::move(tail), rows);
}

}  // namespace tally::runtime
