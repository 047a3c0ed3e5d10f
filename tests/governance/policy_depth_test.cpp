// A policy nested far deeper than any real one (100,000 '[' or '{', compact "- " sequences,
// indented maps) is refused before yaml-cpp recurses into it: one error naming the file, the
// line and the column where the nesting passes the limit, never a bare "bad file" or a crash.
#include <gtest/gtest.h>

#include <string>

#include "tally/governance/policy.h"

namespace tally::governance {
namespace {

// The first error line, checked against a position computed here from the text itself.
void ExpectDepthError(const std::string& text, const std::string& where) {
  auto p = ParsePolicy(text, "governance/policy.yaml");
  ASSERT_FALSE(p.ok());
  const std::string& m = p.error().message;
  EXPECT_EQ(m.rfind("governance/policy.yaml:" + where + ": error: nested deeper than 64 levels", 0), 0u) << m.substr(0, 300);
  EXPECT_EQ(m.find("bad file"), std::string::npos) << m.substr(0, 300);
}

TEST(PolicyDepth, HundredThousandFlowBrackets) {
  // Line 2: the top-level map is level 1, so the 64th '[' (column 10 + 63) is level 65.
  ExpectDepthError("version: 1\nfreezes: " + std::string(100000, '['), "2:" + std::to_string(10 + 63));
  ExpectDepthError("version: 1\ncouncils: " + std::string(100000, '{'), "2:" + std::to_string(11 + 63));
  // Brackets inside quotes and comments are text, not nesting.
  auto quoted = ParsePolicy("version: 1\ngate: \"" + std::string(1000, '[') + "\" # " + std::string(1000, '{') + "\n",
                            "governance/policy.yaml");
  ASSERT_FALSE(quoted.ok());
  EXPECT_EQ(quoted.error().message.find("nested deeper"), std::string::npos) << quoted.error().message.substr(0, 300);
}

TEST(PolicyDepth, CompactSequencesAndIndentedMaps) {
  std::string dashes;
  for (int i = 0; i < 100000; ++i) dashes += "- ";
  // "freezes:" opens level 1 on line 1; line 2 at indent 2 is level 2, its dashes 3, 4, ...:
  // the 63rd dash is level 65, at column 2 + 62 * 2 + 1.
  ExpectDepthError("freezes:\n  " + dashes, "2:" + std::to_string(2 + 62 * 2 + 1));
  std::string maps;
  for (int i = 0; i < 100; ++i) maps += std::string(i, ' ') + "k" + std::to_string(i) + ":\n";
  // Line 65 opens the 65th indentation level, at column 65.
  ExpectDepthError(maps, "65:65");
}

}  // namespace
}  // namespace tally::governance
