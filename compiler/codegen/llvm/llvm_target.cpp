#include "llvm_target.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <vector>

#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"

namespace tally::codegen {

void InitializeLlvmOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
  });
}

Result<std::string> LlvmImpliedFeatures(const std::string& triple, const std::string& cpu) {
  InitializeLlvmOnce();
  std::string why;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple, why);
  if (!target) return Error{"LLVM has no target for " + triple + ": " + why};
  std::unique_ptr<llvm::MCSubtargetInfo> sti(target->createMCSubtargetInfo(triple, cpu, ""));
  if (!sti) return Error{"LLVM cannot describe CPU " + cpu};
  std::vector<std::string> features;
  for (const llvm::SubtargetFeatureKV& kv : sti->getAllProcessorFeatures()) {
    if (sti->checkFeatures(std::string("+") + kv.Key)) features.push_back(std::string("+") + kv.Key);
  }
  std::sort(features.begin(), features.end());
  std::string joined;
  for (const std::string& f : features) joined += (joined.empty() ? "" : ",") + f;
  return joined;
}

}  // namespace tally::codegen
