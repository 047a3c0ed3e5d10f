// libFuzzer target for the kernel object loader (compiler/codegen/src/object_loader.h): any
// bytes in as a cached kernel's ELF object. The loader reads untrusted bytes from the disk
// cache, so it must refuse anything it cannot link with a reason, and never read or write out
// of bounds, crash or leak its mapping. The seeds are real objects from the JIT (a score, a
// metric, a score calling tally_rt_*); nothing loaded is ever run.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "object_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view object(reinterpret_cast<const char*>(data), size);
  static const std::vector<std::vector<std::string>> kSymbolSets = {
      {"tally_score"}, {"tally_metric_row", "tally_metric_finalize"}};
  // Load checks the object's key last, so every other check runs on any bytes.
  static const std::string kKey(64, '0');
  for (const auto& symbols : kSymbolSets) {
    auto loaded = tally::codegen::LoadedObject::Load(object, symbols, kKey);
    if (!loaded.ok()) {
      if (loaded.error().message.empty()) {
        std::fprintf(stderr, "object_loader_fuzzer: refused without a reason\n");
        std::abort();
      }
      continue;
    }
    const auto& addresses = (*loaded)->symbols();
    if (addresses.size() != symbols.size()) std::abort();
    for (void* address : addresses)
      if (address == nullptr) std::abort();
  }
  return 0;
}
