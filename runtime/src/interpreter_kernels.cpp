#include "tally/compiler/interpreter.h"
#include "tally/runtime/kernels.h"

namespace tally::runtime {

KernelSet InterpreterKernels(const ir::Program& program) {
  KernelSet k;
  k.engine = "interpreter";
  const ir::Program* p = &program;
  if (program.kind == ir::Program::Kind::kScore) {
    k.score = [p](int64_t rows, const TallyColumnView* in, const uint16_t* variants,
                  TallyColumnView* out, uint32_t* status) {
      interp::RunScore(*p, rows, in, variants, out, status);
    };
  } else {
    k.metric_rows = [p](int64_t rows, const TallyColumnView* in, const uint16_t* variants,
                        TallyColumnView* args, uint32_t* status) {
      interp::RunMetricRows(*p, rows, in, variants, args, status);
    };
    k.metric_finalize = [p](int64_t groups, const TallyColumnView* aggregates,
                            const TallyColumnView* keys, TallyColumnView* out, uint32_t* status) {
      interp::RunMetricFinalize(*p, groups, aggregates, keys, out, status);
    };
  }
  for (const ir::Program& window : program.windows) k.windows.push_back(InterpreterKernels(window));
  return k;
}

}  // namespace tally::runtime
