// The bundled library and the LANGUAGE.md examples check cleanly and pass their own tests, on
// the interpreter and on the JIT, which agree bit for bit.
#include <gtest/gtest.h>

#include "jit_engine.h"
#include "tally/compiler/compiler.h"
#include "tally/runtime/test_runner.h"

namespace tally::runtime::testing {
namespace {

void ExpectChecksAndPasses(const std::string& folder, size_t min_definitions) {
  auto sources = CollectSources({std::string(TALLY_SOURCE_DIR) + "/" + folder});
  ASSERT_TRUE(sources.ok()) << sources.error().message;
  CompileResult r = Compile(*sources);
  ASSERT_TRUE(r.library) << Render(r.diagnostics);
  EXPECT_EQ(r.diagnostics.ErrorCount(), 0u);
  EXPECT_GE(r.library->Names().size(), min_definitions);
  auto outcomes = RunTests(*r.library, {InterpreterEngine(), JitEngine()});
  ASSERT_TRUE(outcomes.ok()) << outcomes.error().message;
  for (const auto& outcome : *outcomes) {
    std::string failures;
    for (const auto& f : outcome.failures) failures += f + "\n";
    EXPECT_TRUE(outcome.passed) << outcome.location.ToString() << " " << outcome.test_name << "\n" << failures;
  }
  EXPECT_GT(outcomes->size(), 0u);
}

TEST(MetricsLibrary, BundledLibraryChecksAndPasses) { ExpectChecksAndPasses("metrics", 8); }
TEST(MetricsLibrary, LanguageExamplesCheckAndPass) { ExpectChecksAndPasses("tests/examples", 2); }

}  // namespace
}  // namespace tally::runtime::testing
