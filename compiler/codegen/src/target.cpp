#include "target.h"

#ifndef TALLY_LLVM_VERSION
#error "TALLY_LLVM_VERSION and TALLY_LLVM_TRIPLE must be defined by the build"
#endif

namespace tally::codegen {
namespace {

struct Baseline {
  const char* cpu;
  const char* features;  // as LLVM 19 lists them for `cpu`, sorted
};

#if defined(__x86_64__)
// The x86-64 micro-architecture levels (psABI). Checked against LLVM by
// CodegenPlugin.BaselineTableIsWhatLlvmSays in tests/codegen/plugin_test.cpp, so an LLVM upgrade
// that changes them fails a test.
constexpr Baseline kBaselines[] = {
    {"x86-64-v3",
     "+64bit,+64bit-mode,+allow-light-256-bit,+avx,+avx2,+bmi,+bmi2,+cmov,+crc32,+cx16,+cx8,+f16c,"
     "+false-deps-lzcnt-tzcnt,+false-deps-popcnt,+fast-15bytenop,+fast-scalar-fsqrt,+fast-shld-rotate,"
     "+fast-variable-crosslane-shuffle,+fast-variable-perlane-shuffle,+fma,+fxsr,+idivq-to-divl,+lzcnt,"
     "+macrofusion,+mmx,+movbe,+nopl,+popcnt,+sahf,+slow-3ops-lea,+sse,+sse2,+sse3,+sse4.1,+sse4.2,"
     "+ssse3,+vzeroupper,+x87,+xsave"},
    {"x86-64-v2",
     "+64bit,+64bit-mode,+cmov,+crc32,+cx16,+cx8,+false-deps-popcnt,+fast-15bytenop,+fast-scalar-fsqrt,"
     "+fast-shld-rotate,+fxsr,+idivq-to-divl,+macrofusion,+mmx,+nopl,+popcnt,+sahf,+slow-3ops-lea,"
     "+slow-unaligned-mem-32,+sse,+sse2,+sse3,+sse4.1,+sse4.2,+ssse3,+vzeroupper,+x87"},
    {"x86-64",
     "+64bit,+64bit-mode,+cmov,+cx8,+fxsr,+idivq-to-divl,+macrofusion,+mmx,+nopl,+slow-3ops-lea,"
     "+slow-incdec,+sse,+sse2,+vzeroupper,+x87"},
};

bool HostRuns(const Baseline& b) {
  const std::string cpu = b.cpu;
  if (cpu == "x86-64-v3") return __builtin_cpu_supports("x86-64-v3");
  if (cpu == "x86-64-v2") return __builtin_cpu_supports("x86-64-v2");
  return true;  // every x86-64 CPU
}
#else
// Other architectures: LLVM's generic CPU, no extra features.
constexpr Baseline kBaselines[] = {{"generic", ""}};
bool HostRuns(const Baseline&) { return true; }
#endif

TargetInfo InfoFor(const Baseline& b) {
  return TargetInfo{TALLY_LLVM_TRIPLE, b.cpu, b.features, TALLY_LLVM_VERSION};
}

}  // namespace

std::vector<std::string> KnownBaselines() {
  std::vector<std::string> names;
  for (const Baseline& b : kBaselines) names.push_back(b.cpu);
  return names;
}

Result<TargetInfo> ResolveTarget(const std::string& cpu) {
  for (const Baseline& b : kBaselines) {
    if (!cpu.empty() && cpu != b.cpu) continue;
    if (HostRuns(b)) return InfoFor(b);
    if (!cpu.empty()) return Error{"this machine cannot run code for CPU " + cpu};
  }
  std::string known;
  for (const Baseline& b : kBaselines) known += (known.empty() ? "" : ", ") + std::string(b.cpu);
  return Error{"unknown target CPU '" + cpu + "' (Tally builds kernels for " + known + ")"};
}

const TargetInfo& DefaultTarget() {
  static const TargetInfo info = [] {
    Result<TargetInfo> t = ResolveTarget("");
    return t.ok() ? *t : InfoFor(kBaselines[std::size(kBaselines) - 1]);
  }();
  return info;
}

}  // namespace tally::codegen
