// The outline: the parser's (possibly partial) tree reduced to what governance reads.
#include "tally/compiler/outline.h"

#include <gtest/gtest.h>

#include <memory>

namespace tally {
namespace {

FileOutline Outline(const std::string& text) {
  return OutlineFile(std::make_shared<const SourceFile>("metrics/t.tally", text));
}

const char* kDefinition = R"(// a file comment with score x.y { inside
score customer .health {
  version 2.0.0-rc.1
  owner cx   // the "owner" comment
  description "see a // b and \"quoted\" }"
  key account_id
  input account_id : string
  input nps : float?
  param weight = 0.5
  param floor : float = 1 regional
  let half = weight * // the "half" // part
      2
  output score : float = half // trailing comment
  test "one // two" {
    given nps = 1
    expect score = 1
  }
}
override customer.health for region "emea // x" {
  floor = 2
}
)";

TEST(Outline, ReadsDefinitionsAsTheParserDoes) {
  FileOutline f = Outline(kDefinition);
  EXPECT_FALSE(f.diagnostics.HasErrors()) << Render(f.diagnostics);
  ASSERT_EQ(f.definitions.size(), 1u);
  const DefinitionOutline& d = f.definitions[0];
  EXPECT_EQ(d.name, "customer.health");
  EXPECT_EQ(d.kind, "score");
  EXPECT_EQ(d.version, "2.0.0-rc.1");
  EXPECT_EQ(d.owner, "cx");
  EXPECT_EQ(d.file, "metrics/t.tally");
  EXPECT_EQ(d.text.substr(0, 24), "score customer .health {");
  EXPECT_EQ(d.text.back(), '}');
  ASSERT_EQ(d.inputs.size(), 2u);
  EXPECT_EQ(d.inputs[1].name, "nps");
  EXPECT_EQ(d.inputs[1].type, "float?");
  EXPECT_TRUE(d.inputs[1].nullable);
  ASSERT_EQ(d.params.size(), 2u);
  EXPECT_FALSE(d.params[0].regional);
  EXPECT_EQ(d.params[1].type, "float");
  EXPECT_TRUE(d.params[1].regional);
  ASSERT_EQ(d.outputs.size(), 1u);
  EXPECT_EQ(d.outputs[0].type, "float");
  EXPECT_EQ(d.key, std::vector<std::string>{"account_id"});
  EXPECT_EQ(d.tests, std::vector<std::string>{"one // two"});

  // Members in order, each with its own text: strings keep `//`, `\"` and `}`; comments
  // between members are not part of any.
  std::vector<std::string> kinds, texts;
  for (const auto& m : d.members) {
    kinds.push_back(m.kind);
    texts.push_back(m.text);
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"version", "owner", "description", "key", "input", "input", "param", "param",
                                             "let", "output", "test"}));
  EXPECT_EQ(texts[1], "owner cx");
  EXPECT_EQ(texts[2], "description \"see a // b and \\\"quoted\\\" }\"");
  EXPECT_EQ(texts[8], "let half = weight * 2");
  EXPECT_EQ(d.members[8].name, "half");
  EXPECT_EQ(texts[9], "output score : float = half");
  EXPECT_EQ(texts[10], "test \"one // two\" {\ngiven nps = 1\nexpect score = 1\n}");
  EXPECT_EQ(d.members[10].name, "one // two");

  ASSERT_EQ(f.overrides.size(), 1u);
  EXPECT_EQ(f.overrides[0].target, "customer.health");
  EXPECT_EQ(f.overrides[0].region, "emea // x");
  ASSERT_EQ(f.overrides[0].items.size(), 1u);
  EXPECT_EQ(f.overrides[0].items[0].name, "floor");
  EXPECT_EQ(f.overrides[0].items[0].value, "2");
}

TEST(Outline, AFileThatDoesNotParseGivesWhatTheParserRecovered) {
  FileOutline f = Outline("score a.b {\n  version 1.0.0\n  owner cx\n  output x : float = \n  output y : int = 1\n}\n"
                          "metric c.d {\n  version 1.2.3\n  owner ops\n}\n");
  EXPECT_TRUE(f.diagnostics.HasErrors());
  ASSERT_EQ(f.definitions.size(), 2u);
  EXPECT_EQ(f.definitions[0].owner, "cx");
  EXPECT_EQ(f.definitions[1].name, "c.d");
  EXPECT_EQ(f.definitions[1].kind, "metric");
  EXPECT_EQ(f.definitions[1].version, "1.2.3");
}

TEST(Outline, InvalidUtf8GivesAnEmptyOutlineAndADiagnostic) {
  FileOutline f = Outline("score a.b {\n  description \"\xff\"\n}\n");
  EXPECT_TRUE(f.diagnostics.HasErrors());
  EXPECT_TRUE(f.definitions.empty());
}

}  // namespace
}  // namespace tally

namespace tally {
namespace {

// Each member of a 100,000-let chain is named (issue 9: the outline sits under review and
// merge, which must not crash or crawl on a CR holding such a file).
TEST(Outline, ALetChainOfAHundredThousandIsNamedMemberByMember) {
  std::string text = "score t.chain {\n version 1.0.0\n owner cx\n input a : int\n let v1 = a\n";
  for (int i = 2; i <= 100000; ++i) text += " let v" + std::to_string(i) + " = v" + std::to_string(i - 1) + " + 1\n";
  text += " output o : int = v100000\n}\n";
  FileOutline out = Outline(text);
  ASSERT_FALSE(out.diagnostics.HasErrors());
  ASSERT_EQ(out.definitions.size(), 1u);
  const auto& members = out.definitions[0].members;
  ASSERT_EQ(members.size(), 4u + 100000u);  // version, owner, input, the lets, output
  EXPECT_EQ(members[3].name, "v1");
  EXPECT_EQ(members[3].text, "let v1 = a");
  EXPECT_EQ(members[100002].name, "v100000");
  EXPECT_EQ(members.back().name, "o");
}

}  // namespace
}  // namespace tally
