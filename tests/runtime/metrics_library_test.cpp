// The bundled library and the LANGUAGE.md examples check cleanly and pass their own tests.
#include <gtest/gtest.h>

#include "harness.h"

namespace tally::testing {
namespace {

void ExpectChecksAndPasses(const std::string& folder, size_t min_definitions) {
  auto sources = CollectSources({std::string(TALLY_SOURCE_DIR) + "/" + folder});
  ASSERT_TRUE(sources.ok()) << sources.error().message;
  CompileResult r = Compile(*sources);
  ASSERT_TRUE(r.library) << Render(r.diagnostics);
  EXPECT_EQ(r.diagnostics.ErrorCount(), 0u);
  EXPECT_GE(r.library->Names().size(), min_definitions);
  size_t tests = 0;
  for (const auto& outcome : r.library->RunTests()) {
    ++tests;
    std::string failures;
    for (const auto& f : outcome.failures) failures += f + "\n";
    EXPECT_TRUE(outcome.passed) << outcome.location << " " << outcome.test_name << "\n" << failures;
  }
  EXPECT_GT(tests, 0u);
}

TEST(MetricsLibrary, BundledLibraryChecksAndPasses) { ExpectChecksAndPasses("metrics", 7); }
TEST(MetricsLibrary, LanguageExamplesCheckAndPass) { ExpectChecksAndPasses("tests/examples", 2); }

}  // namespace
}  // namespace tally::testing
