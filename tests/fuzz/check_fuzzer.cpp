// libFuzzer target for `tally check` and `tally test`: any bytes in, diagnostics out, and
// never a crash, a hang, an abort or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "tally/compiler/compiler.h"
#include "tally/runtime/test_runner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto source = std::make_shared<const tally::SourceFile>(
      "fuzz.tally", std::string(reinterpret_cast<const char*>(data), size));
  tally::CompileResult result = tally::Compile({source});
  std::string rendered = tally::Render(result.diagnostics);
  if (result.library) {
    for (const auto& name : result.library->Names()) rendered += result.library->Find(name)->ToString();
    auto outcomes = tally::runtime::RunTests(*result.library, {tally::runtime::InterpreterEngine()});
    if (outcomes) rendered += tally::runtime::RenderTestOutcomes(*outcomes, true);
  }
  return rendered.empty() ? 0 : 0;
}
