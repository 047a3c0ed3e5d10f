// SpanRun (execution.h): a score on several threads, spans of whole records each.
#include "execution.h"
#include "span_pipeline.h"

namespace tally::runtime {

Status SpanRun::Run(CsvReader& reader, const Binding& binding, ScoreWriter& writer) {
  SpanPipeline::Hooks hooks;
  hooks.header_fields = reader.header_fields();
  hooks.make_builder = [&] {
    return std::make_unique<BatchBuilder>(*options_.program, binding, options_.batch_rows,
                                          DictionaryScope::kPerBatch);
  };
  hooks.make_sink = [&] {
    return MakeScoreSink(*options_.program, options_.kernels, options_.window_populations.get());
  };
  hooks.score_batch = ScoreBatch;
  hooks.write = [&](Scored& scored, int64_t row_base) { return writer.Write(scored, row_base); };
  SpanPipeline pipeline(reader, options_.csv, std::move(hooks));
  pipeline.Run(options_.threads);
  RETURN_IF_ERROR(pipeline.read_status());
  // A score has no rows that exist only at the end: nothing follows the last span.
  return pipeline.write_status();
}

}  // namespace tally::runtime
