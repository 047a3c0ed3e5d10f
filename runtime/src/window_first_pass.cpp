// The first pass of a score with window aggregates over its input file (window_pass.h).
#include "tally/runtime/batch_builder.h"
#include "tally/runtime/binding.h"
#include "tally/runtime/csv_reader.h"
#include "tally/runtime/input_layout.h"
#include "tally/runtime/score_file.h"
#include "window_pass.h"

namespace tally::runtime {

Result<std::shared_ptr<const WindowPopulations>> RunFirstPass(const ScoreOptions& o, const InputLayout& layout) {
  ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader, CsvReader::Open(o.input_path, o.csv));
  auto header = ReadColumnNames(*reader, layout);
  if (!header.ok()) return Error{o.input_path + ": " + header.error().message, header.code()};
  ASSIGN_OR_RETURN(Binding binding, BindColumns(*o.program, std::move(*header), o.mappings, o.input_path));
  BatchBuilder builder(*o.program, std::move(binding), o.batch_rows, DictionaryScope::kWindowPass);
  WindowPass pass(*o.program, o.kernels);
  std::vector<TallyColumnView> inputs;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, builder.ReadFrom(*reader));
    if (!more && builder.records() == 0) break;
    InputBatch batch = builder.Take(reader->bytes_read());
    inputs.clear();
    for (ColumnData& c : batch.columns) inputs.push_back(c.View());
    RETURN_IF_ERROR(pass.Add(batch.rows, inputs.data(), batch.variants.empty() ? nullptr : batch.variants.data(),
                             builder.dictionary().get()));
    builder.Recycle(std::move(batch));
    if (!more) break;
  }
  return pass.Finish(builder.dictionary()->ToVector());
}

}  // namespace tally::runtime
