// OneThreadRun (execution.h): reading and scoring alternate on the calling thread.
#include "execution.h"

namespace tally::runtime {

Status OneThreadRun::Run(CsvReader& reader, const Binding& binding, ScoreWriter& writer) {
  OrderedScorer scorer(options_, binding);
  InputBatch batch;
  for (;;) {
    ASSIGN_OR_RETURN(bool got, scorer.Read(reader, batch));
    if (!got) break;
    RETURN_IF_ERROR(scorer.Score(batch, writer));
  }
  return scorer.Finish(writer);
}

}  // namespace tally::runtime
