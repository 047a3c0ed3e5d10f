#include "tally/runtime/kernels.h"

namespace tally::runtime {

KernelSet CompiledKernels(TallyScoreKernelFn score, TallyMetricRowKernelFn metric_rows,
                          TallyMetricFinalizeKernelFn metric_finalize,
                          std::shared_ptr<const void> keep_alive, std::string engine) {
  KernelSet k;
  k.engine = std::move(engine);
  // Each function holds `keep_alive`, so the code stays loaded while any copy is in use.
  if (score) {
    k.score = [score, keep_alive](int64_t rows, const TallyColumnView* in, const uint16_t* v,
                                  TallyColumnView* out, uint32_t* status) {
      score(rows, in, v, out, status);
    };
  }
  if (metric_rows) {
    k.metric_rows = [metric_rows, keep_alive](int64_t rows, const TallyColumnView* in,
                                              const uint16_t* v, TallyColumnView* args,
                                              uint32_t* status) {
      metric_rows(rows, in, v, args, status);
    };
  }
  if (metric_finalize) {
    k.metric_finalize = [metric_finalize, keep_alive](int64_t groups, const TallyColumnView* a,
                                                      const TallyColumnView* keys,
                                                      TallyColumnView* out, uint32_t* status) {
      metric_finalize(groups, a, keys, out, status);
    };
  }
  return k;
}

}  // namespace tally::runtime
