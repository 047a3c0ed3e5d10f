#include "target.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <vector>

#include "llvm/ADT/StringMap.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

namespace tally::codegen {
namespace {

void InitializeLlvmOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
  });
}

// Every feature `cpu` implies, as "+a,+b,..." sorted: what the lineage record shows.
Result<std::string> ImpliedFeatures(const llvm::Triple& triple, const std::string& cpu) {
  std::string why;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple.getTriple(), why);
  if (!target) return Error{"LLVM has no target for " + triple.getTriple() + ": " + why};
  std::unique_ptr<llvm::MCSubtargetInfo> sti(target->createMCSubtargetInfo(triple.getTriple(), cpu, ""));
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

// True when the host has every feature in `features` ("+a,+b").
bool HostHas(const std::string& features) {
  llvm::StringMap<bool, llvm::MallocAllocator> host = llvm::sys::getHostCPUFeatures();
  if (host.empty()) return false;
  size_t pos = 0;
  while (pos < features.size()) {
    size_t end = features.find(',', pos);
    if (end == std::string::npos) end = features.size();
    std::string name = features.substr(pos + 1, end - pos - 1);  // drop '+'
    auto it = host.find(name);
    // Features the host query does not report at all (LLVM-internal tuning flags such as
    // "slow-3ops-lea" or "fast-variable-perlane-shuffle") are not hardware capabilities.
    if (it != host.end() && !it->second) return false;
    pos = end + 1;
  }
  return true;
}

}  // namespace

Result<TargetInfo> ResolveTarget(const std::string& cpu) {
  InitializeLlvmOnce();
  llvm::Triple triple(llvm::sys::getProcessTriple());
  std::vector<std::string> candidates;
  if (!cpu.empty()) {
    candidates = {cpu};
  } else if (triple.getArch() == llvm::Triple::x86_64) {
    candidates = {"x86-64-v3", "x86-64-v2", "x86-64"};
  } else {
    candidates = {"generic"};
  }
  for (const std::string& name : candidates) {
    Result<std::string> features = ImpliedFeatures(triple, name);
    if (!features.ok()) return features.error();
    if (name == candidates.back() && cpu.empty()) {
      return TargetInfo{triple.getTriple(), name, *features, LLVM_VERSION_STRING};
    }
    if (HostHas(*features)) return TargetInfo{triple.getTriple(), name, *features, LLVM_VERSION_STRING};
  }
  return Error{"this machine cannot run code for CPU " + cpu};
}

const TargetInfo& DefaultTarget() {
  static const TargetInfo info = [] {
    Result<TargetInfo> t = ResolveTarget("");
    return t.ok() ? *t : TargetInfo{llvm::sys::getProcessTriple(), "generic", "", LLVM_VERSION_STRING};
  }();
  return info;
}

}  // namespace tally::codegen
