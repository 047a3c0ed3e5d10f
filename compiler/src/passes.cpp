// The pipeline of IR passes, run by name and verified after each (see passes.h).
#include "tally/compiler/passes.h"

#include "tally/compiler/ir_verify.h"

namespace tally::ir {

const std::vector<Pass>& StandardPipeline() {
  // CSE first makes equal operands one value (so `if c then b else b` folds), and again
  // after folding, which can turn different expressions into equal constants.
  static const std::vector<Pass> kPasses = {
      {"eliminate-common-subexpressions", EliminateCommonSubexpressions},
      {"fold-constants", FoldConstants},
      {"eliminate-common-subexpressions", EliminateCommonSubexpressions},
      {"remove-dead-code", RemoveDeadCode},
  };
  return kPasses;
}

Status Optimize(Program& program) {
  auto verified = [&](const char* after) -> Status {
    Status s = Verify(program);
    if (!s.ok()) return InternalError(s.message() + " (after " + after + ")");
    return Status::Ok();
  };
  RETURN_IF_ERROR(verified("lowering"));
  for (const Pass& pass : StandardPipeline()) {
    pass.run(program);
    for (Program& window : program.windows) pass.run(window);
    RETURN_IF_ERROR(verified(pass.name));
  }
  return Status::Ok();
}

}  // namespace tally::ir
