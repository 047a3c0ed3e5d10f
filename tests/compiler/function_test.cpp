// User-defined functions through the compiler's front door: values by hand through the
// interpreter, the outline governance reads, a function's own program, and the content hash
// of a definition that calls one.
#include <gtest/gtest.h>

#include <memory>

#include "harness.h"
#include "tally/compiler/ir_compare.h"
#include "tally/compiler/outline.h"

namespace tally {
namespace {

using testing::CompileText;
using testing::ScoreRow;

std::string Library(const std::string& body) {
  return "function lib.f(a : float, b : int?) : float {\n  version 1.2.0\n  owner cx\n  = " + body +
         "\n}\nfunction lib.g(x : float) : float {\n  version 1.0.0\n  owner ops\n  = lib.f(x, 2) * 2\n}\n"
         "score s.t {\n  version 1.0.0\n  owner cx\n  input a : float\n  input b : int?\n"
         "  output direct : float = lib.f(a, b)\n  output nested : float = lib.g(a)\n}\n";
}

TEST(FunctionTest, CallsComputeTheBodyOnTheArguments) {
  auto c = CompileText(Library("a + coalesce(b, 10)"));
  ASSERT_TRUE(c.library) << c.Rendered();
  // a = 1.5, b = 3: direct 1.5 + 3 = 4.5; nested (1.5 + 2) * 2 = 7.
  auto r = ScoreRow(*c.library, "s.t", {{"a", 1.5}, {"b", int64_t{3}}});
  ASSERT_EQ(r.status, 0u) << r.reason;
  EXPECT_EQ(std::get<double>(r.outputs["direct"]), 4.5);
  EXPECT_EQ(std::get<double>(r.outputs["nested"]), 7.0);
  // b null: 1.5 + 10 = 11.5.
  r = ScoreRow(*c.library, "s.t", {{"a", 1.5}});
  EXPECT_EQ(std::get<double>(r.outputs["direct"]), 11.5);
}

TEST(FunctionTest, TheOutlineShowsOwnerVersionSignatureAndCalls) {
  FileOutline o = OutlineFile(std::make_shared<const SourceFile>("metrics/t.tally", Library("a + coalesce(b, 10)")));
  ASSERT_EQ(o.functions.size(), 2u);
  const DefinitionOutline& f = o.functions[0];
  EXPECT_EQ(f.kind, "function");
  EXPECT_EQ(f.name, "lib.f");
  EXPECT_EQ(f.owner, "cx");
  EXPECT_EQ(f.version, "1.2.0");
  ASSERT_EQ(f.inputs.size(), 2u);
  EXPECT_EQ(f.inputs[1].type, "int?");
  ASSERT_EQ(f.outputs.size(), 1u);
  EXPECT_EQ(f.outputs[0].type, "float");
  EXPECT_EQ(f.calls, std::vector<std::string>{"coalesce"});
  EXPECT_EQ(o.functions[1].owner, "ops");
  EXPECT_EQ(o.functions[1].calls, std::vector<std::string>{"lib.f"});
  ASSERT_EQ(o.definitions.size(), 1u);
  EXPECT_EQ(o.definitions[0].calls, (std::vector<std::string>{"lib.f", "lib.g"}));
  ASSERT_FALSE(f.members.empty());
  EXPECT_EQ(f.members.back().kind, "body");
  EXPECT_EQ(f.members.back().text, "= a + coalesce(b, 10)");
}

TEST(FunctionTest, AFunctionChangeChangesItsCallersHashAndItsOwnProgram) {
  auto a = CompileText(Library("a + coalesce(b, 10)"));
  auto b = CompileText(Library("coalesce(b, 10) + a"));  // the same (+ commutes exactly)
  auto c = CompileText(Library("a - coalesce(b, 10)"));
  ASSERT_TRUE(a.library && b.library && c.library);
  EXPECT_EQ(a.library->Info("s.t")->functions, (std::vector<std::string>{"lib.f", "lib.g"}));
  EXPECT_NE(a.library->Info("s.t")->content_sha256, b.library->Info("s.t")->content_sha256);
  ASSERT_NE(a.library->FindFunction("lib.f"), nullptr);
  EXPECT_EQ(a.library->FindFunction("s.t"), nullptr);
  EXPECT_TRUE(ir::CompareComputations(*a.library->FindFunction("lib.f"), *b.library->FindFunction("lib.f")).empty());
  EXPECT_FALSE(ir::CompareComputations(*a.library->FindFunction("lib.f"), *c.library->FindFunction("lib.f")).empty());
  // Callers: inlined, so the same comparison holds for them.
  EXPECT_TRUE(ir::CompareComputations(*a.library->Find("s.t"), *b.library->Find("s.t")).empty());
  EXPECT_FALSE(ir::CompareComputations(*a.library->Find("s.t"), *c.library->Find("s.t")).empty());
}

TEST(FunctionTest, FunctionIsStillAName) {
  auto c = CompileText("score s.n {\n  version 1.0.0\n  owner cx\n  input function : int\n"
                       "  let x = function + 1\n  output y : int = x\n}\n");
  EXPECT_TRUE(c.library) << c.Rendered();
  auto r = ScoreRow(*c.library, "s.n", {{"function", int64_t{41}}});
  EXPECT_EQ(std::get<int64_t>(r.outputs["y"]), 42);
}

}  // namespace
}  // namespace tally
