// The parser is an attack surface: hostile or broken files get a located diagnostic, never a
// crash, a hang or an abort (the ANTLR runtime itself has no recursion limit and aborts on
// invalid UTF-8, so these inputs must be caught before it sees them).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "harness.h"

namespace tally::testing {
namespace {

const std::string kValid =
    "score t.s {\n  version 1.0.0\n  owner cx\n  input a : int\n  output o : int = a + 1\n}\n";

TEST(Robustness, DeeplyNestedParenthesesAreRefused) {
  std::string expr(100000, '(');
  expr += "1";
  expr += std::string(100000, ')');
  Compiled c = CompileText("score t.s {\n version 1.0.0\n owner cx\n output o : int = " + expr + "\n}\n");
  EXPECT_TRUE(c.HasCode("E-too-deep")) << c.Rendered().substr(0, 500);
}

TEST(Robustness, DeepPrefixOperatorsAndIfsAreRefused) {
  std::string minus;
  for (int i = 0; i < 100000; ++i) minus += "- ";
  EXPECT_TRUE(CompileText("score t.s {\n version 1.0.0\n owner cx\n output o : int = " + minus + "1\n}\n").HasCode("E-too-deep"));
  std::string ifs;
  for (int i = 0; i < 100000; ++i) ifs += "if true then 1 else ";
  EXPECT_TRUE(CompileText("score t.s {\n version 1.0.0\n owner cx\n output o : int = " + ifs + "1\n}\n").HasCode("E-too-deep"));
}

TEST(Robustness, MillionTermExpressionIsRefused) {
  std::string expr = "a";
  expr.reserve(4000000);
  for (int i = 0; i < 1000000; ++i) expr += " + a";
  Compiled c = CompileText("score t.s {\n version 1.0.0\n owner cx\n input a : int\n output o : int = " + expr + "\n}\n");
  EXPECT_TRUE(c.HasCode("E-too-large")) << c.Rendered().substr(0, 500);
}

TEST(Robustness, ReasonablyLargeExpressionsWork) {
  std::string expr = "a";
  for (int i = 0; i < 900; ++i) expr += " + a";
  Compiled c = CompileText("score t.s {\n version 1.0.0\n owner cx\n input a : int\n output o : int = " + expr + "\n}\n");
  ASSERT_FALSE(c.diagnostics.HasErrors()) << c.Rendered();
  EXPECT_EQ(ScoreRow(*c.library, "t.s", {{"a", int64_t{2}}}).outputs["o"], Cell(int64_t{1802}));
}

// `let a1 = a`, `let a2 = a1 + 1`, ... : each let uses the previous one. Legitimate, and
// deep: every stage walks it without recursing once per let (issue 9: this overflowed the
// 8 MiB stack in lowering).
std::string LetChain(int lets, bool close_cycle = false) {
  std::string text = "score t.chain {\n version 1.0.0\n owner cx\n input a : int\n";
  text.reserve(static_cast<size_t>(lets) * 32);
  text += close_cycle ? " let v1 = v" + std::to_string(lets) + " + 1\n" : " let v1 = a\n";
  for (int i = 2; i <= lets; ++i) text += " let v" + std::to_string(i) + " = v" + std::to_string(i - 1) + " + 1\n";
  return text + " output o : int = v" + std::to_string(lets) + "\n}\n";
}

TEST(Robustness, LetChainsOfThirtyAndAHundredThousand) {
  for (int lets : {30000, 100000}) {
    Compiled c = CompileText(LetChain(lets));
    ASSERT_FALSE(c.diagnostics.HasErrors()) << c.Rendered().substr(0, 500);
    // v1 = a, and each further let adds 1.
    EXPECT_EQ(ScoreRow(*c.library, "t.chain", {{"a", int64_t{5}}}).outputs["o"], Cell(int64_t{5 + lets - 1}));
  }
}

TEST(Robustness, ALetChainClosedIntoACycleIsReported) {
  Compiled c = CompileText(LetChain(100000, /*close_cycle=*/true));
  EXPECT_TRUE(c.HasCode("E-cycle")) << c.Rendered().substr(0, 500);
}

TEST(Robustness, ALetChainWrittenBackwardsIsUseBeforeDefine) {
  // Each let names the one defined after it: every reference is used before it is defined.
  std::string text = "score t.back {\n version 1.0.0\n owner cx\n input a : int\n";
  const int lets = 30000;
  for (int i = 1; i < lets; ++i) text += " let v" + std::to_string(i) + " = v" + std::to_string(i + 1) + " + 1\n";
  text += " let v" + std::to_string(lets) + " = a\n output o : int = v1\n}\n";
  Compiled c = CompileText(text);
  EXPECT_TRUE(c.HasCode("E-use-before-define"));
  EXPECT_FALSE(c.HasCode("E-cycle"));
}

TEST(Robustness, ARingOfThirtyThousandForwardReferencesIsOneCycle) {
  // v1 = v2 + 1, ..., v30000 = v1 + a: 29,999 forward references, all in one cycle, which
  // is reported once (each was searched again before: quadratic).
  std::string text = "score t.ring {\n version 1.0.0\n owner cx\n input a : int\n";
  const int lets = 30000;
  for (int i = 1; i < lets; ++i) text += " let v" + std::to_string(i) + " = v" + std::to_string(i + 1) + " + 1\n";
  text += " let v" + std::to_string(lets) + " = v1 + a\n output o : int = v1\n}\n";
  Compiled c = CompileText(text);
  ASSERT_EQ(c.diagnostics.ErrorCount(), 1u) << c.Rendered().substr(0, 500);
  EXPECT_NE(c.Rendered().find("test.tally:5:11: error: definitions form a cycle: v1 -> v2 -> v3 -> "), std::string::npos)
      << c.Rendered().substr(0, 500);
}

// A file reached by several paths is read once, under its first path in sorted order, by
// one stat per file (issue 9: the CLI compared every pair, 44 s for 10,000 files).
TEST(Robustness, CollectSourcesReadsAFileReachedBySeveralPathsOnce) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("tally-collect-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const char* name : {"a.tally", "b.tally"}) std::ofstream(dir / name) << kValid;
  fs::create_hard_link(dir / "a.tally", dir / "c.tally");
  auto sources = CollectSources({dir.string(), (dir / "a.tally").string(), dir.string() + "/./b.tally"});
  ASSERT_TRUE(sources.ok()) << sources.error().message;
  std::vector<std::string> paths;
  for (const auto& f : *sources) paths.push_back(f->path());
  // Sorted: ".../tally-collect-N/./b.tally" < ".../a.tally" < ".../b.tally" < ".../c.tally".
  EXPECT_EQ(paths, (std::vector<std::string>{dir.string() + "/./b.tally", (dir / "a.tally").string()}));
  fs::remove_all(dir);
}

TEST(Robustness, InvalidUtf8IsLocated) {
  std::string text = kValid;
  text.insert(text.find("owner"), "\xC3\x28");  // 0xC3 must be followed by a continuation byte
  Compiled c = CompileText(text);
  ASSERT_TRUE(c.HasCode("E-invalid-utf8"));
  EXPECT_NE(c.Rendered().find("test.tally:3:3: error: invalid UTF-8 (byte 0xC3)"), std::string::npos) << c.Rendered();
  EXPECT_TRUE(CompileText(kValid + "// \xED\xA0\x80 surrogate\n").HasCode("E-invalid-utf8"));
  EXPECT_TRUE(CompileText(kValid + "// \xC0\xAF overlong\n").HasCode("E-invalid-utf8"));
  EXPECT_TRUE(CompileText(kValid + "// truncated \xE2\x82").HasCode("E-invalid-utf8"));
}

TEST(Robustness, NulByteIsLocated) {
  std::string text = kValid;
  text[text.find("input")] = '\0';
  Compiled c = CompileText(text);
  ASSERT_TRUE(c.HasCode("E-nul-byte"));
  EXPECT_NE(c.Rendered().find("test.tally:4:3:"), std::string::npos) << c.Rendered();
}

TEST(Robustness, BomAndCrlfJustWork) {
  std::string crlf;
  for (char ch : kValid) {
    if (ch == '\n') crlf += '\r';
    crlf += ch;
  }
  EXPECT_FALSE(CompileText("\xEF\xBB\xBF" + kValid).diagnostics.HasErrors());
  EXPECT_FALSE(CompileText(crlf).diagnostics.HasErrors());
  // Columns after a BOM and with CRLF still point at the right character.
  Compiled c = CompileText("\xEF\xBB\xBF" + std::string("score t.s {\r\n  version 1.0.0\r\n  owner cx\r\n  output o : int = zz\r\n}\r\n"));
  EXPECT_NE(c.Rendered().find("test.tally:4:20: error: unknown name `zz`"), std::string::npos) << c.Rendered();
}

TEST(Robustness, UnterminatedStringIsLocated) {
  Compiled c = CompileText("score t.s {\n version 1.0.0\n owner cx\n description \"never closed\n output o : int = 1\n}\n");
  ASSERT_TRUE(c.HasCode("E-unterminated-string")) << c.Rendered();
  EXPECT_NE(c.Rendered().find("test.tally:4:14:"), std::string::npos) << c.Rendered();
}

TEST(Robustness, HugeIntegerLiteral) {
  Compiled c = CompileText("score t.s {\n version 1.0.0\n owner cx\n output o : int = " + std::string(400, '9') + "\n}\n");
  EXPECT_TRUE(c.HasCode("E-int-literal-range")) << c.Rendered();
  // The smallest int can be written.
  Compiled min = CompileText("score t.s {\n version 1.0.0\n owner cx\n output o : int = -9223372036854775808\n}\n");
  ASSERT_FALSE(min.diagnostics.HasErrors()) << min.Rendered();
  EXPECT_EQ(ScoreRow(*min.library, "t.s", {}).outputs["o"], Cell(std::numeric_limits<int64_t>::min()));
}

TEST(Robustness, TenMegabyteFiles) {
  // Valid: ten megabytes of definitions and comments.
  std::string big;
  for (int i = 0; big.size() < 10u * 1024 * 1024; ++i) {
    big += "// padding line to make a large but valid file .........................................\n";
    if (i % 2000 == 0) big += "score t.s" + std::to_string(i) + " {\n version 1.0.0\n owner cx\n input a : int\n output o : int = a\n}\n";
  }
  Compiled ok = CompileText(big);
  EXPECT_FALSE(ok.diagnostics.HasErrors()) << ok.Rendered().substr(0, 500);
  // Garbage: reported, and never more than the error cap.
  std::string garbage;
  while (garbage.size() < 2u * 1024 * 1024) garbage += "} { ) ( = = score , , ";
  Compiled bad = CompileText(garbage);
  EXPECT_TRUE(bad.HasCode("E-syntax"));
  EXPECT_LE(bad.diagnostics.ErrorCount(), 51u);
  // Many recoverable errors: the cap stops the parser.
  std::string many = "score t.s {\n version 1.0.0\n owner cx\n";
  for (int i = 0; i < 500; ++i) many += " input 3x : int\n";
  many += "}\n";
  Compiled capped = CompileText(many);
  EXPECT_TRUE(capped.HasCode("E-too-many-errors")) << capped.Rendered().substr(0, 300);
  EXPECT_LE(capped.diagnostics.ErrorCount(), 51u);
  // Over the limit: refused without parsing.
  EXPECT_TRUE(CompileText(std::string(17u * 1024 * 1024, ' ')).HasCode("E-file-too-large"));
}

TEST(Robustness, EmptyAndCommentOnlyFiles) {
  EXPECT_FALSE(CompileText("").diagnostics.HasErrors());
  EXPECT_FALSE(CompileText("// nothing here\n").diagnostics.HasErrors());
}

}  // namespace
}  // namespace tally::testing
