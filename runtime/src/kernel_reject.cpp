// Rejects as the sinks report them: a kernel's status as its reason, and parse rejects in
// row order among them.
#include "batch_sink.h"

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

}  // namespace tally::runtime
