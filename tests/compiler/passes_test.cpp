// The IR passes (passes.h): each simplification on a small definition, with the program text
// and the scored values worked out by hand, and the rules that keep them exact: a trap on
// constants stays, different trap ids stay apart, dead code goes.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "harness.h"
#include "program_builder.h"
#include "tally/compiler/interpreter.h"
#include "tally/compiler/passes.h"

namespace tally::ir {
namespace {

using testing::Cell;

std::string Def(const std::string& body) {
  return "score t.s {\n  version 1.0.0\n  owner cx\n  input a : int?\n  input b : int?\n" + body + "\n}\n";
}

// The row code of the one score in `body`, as --dump-ir prints it.
std::string RowCode(const std::string& body) {
  auto compiled = testing::CompileText(Def(body));
  EXPECT_TRUE(compiled.library) << compiled.Rendered();
  if (!compiled.library) return "";
  std::string text = compiled.library->Find("t.s")->ToString();
  size_t begin = text.find("row:\n");
  size_t end = text.find("\noutput");
  return text.substr(begin + 5, end - begin - 5);
}

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(Passes, PipelineRunsTheNamedPassesInOrder) {
  std::vector<std::string> names;
  for (const Pass& p : StandardPipeline()) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"eliminate-common-subexpressions", "fold-constants",
                                             "eliminate-common-subexpressions", "remove-dead-code"}));
}

TEST(Passes, ConstantArithmeticFoldsToOneConstant) {
  EXPECT_EQ(RowCode("  output o : int = 2 + 3 * 4"), "  %0 = const 14 : int");
  // int widening of a literal folds too: 100 * 0.5 is the float 50.
  EXPECT_EQ(RowCode("  output o : float = 100 * 0.5"), "  %0 = const 50 : float");
}

TEST(Passes, AnOpThatTrapsOnConstantsIsKeptAndStillRejects) {
  // Under a branch, so that it is a warning (W-constant-trap) and the definition compiles.
  std::string body = "  output o : int? = if a > 0 then 9223372036854775807 + 1 else a";
  EXPECT_EQ(RowCode(body),
            "  %0 = input 0 : int?\n  %1 = const 0 : int\n  %2 = gt %0, %1 : bool?\n"
            "  %3 = const 9223372036854775807 : int\n  %4 = const 1 : int\n"
            "  %5 = add %3, %4 : int trap=0 may_error\n  %6 = select %2, %5, %0 : int? may_error");
  testing::RowResult r = testing::ScoreOne(Def(body), {{"a", int64_t{1}}});
  EXPECT_EQ(r.reason, "integer overflow in `9223372036854775807 + 1`");
  testing::RowResult other_branch = testing::ScoreOne(Def(body), {{"a", int64_t{-1}}});
  EXPECT_EQ(other_branch.status, 0u);
  EXPECT_EQ(other_branch.outputs["o"], Cell(int64_t{-1}));
}

TEST(Passes, DivisionByAComputedZeroFoldsToNull) {
  std::string body = "  output o : float? = 1 / (1 - 1)";
  EXPECT_EQ(RowCode(body), "  %0 = const null : float?");
  testing::RowResult r = testing::ScoreOne(Def(body), {});
  EXPECT_EQ(r.status, 0u);
  EXPECT_EQ(r.outputs["o"], Cell{});
}

TEST(Passes, CommonSubexpressionsMergeButTrapsAtTwoPlacesStayApart) {
  // `a > 1` twice is one comparison; `a + 1` twice is two adds, one trap id each.
  std::string code = RowCode("  output o : bool? = a > 1 and a > 1\n  output p : int? = (a + 1) * (a + 1)");
  EXPECT_EQ(Count(code, "= input 0"), 1) << code;
  EXPECT_EQ(Count(code, "= gt "), 1) << code;
  EXPECT_EQ(Count(code, "= add "), 2) << code;
  testing::RowResult r = testing::ScoreOne(Def("  output p : int? = (a + 1) * (a + 1)"),
                                           {{"a", std::numeric_limits<int64_t>::max()}});
  EXPECT_EQ(r.reason, "integer overflow in `a + 1`");
}

TEST(Passes, DeadCodeIsRemovedAndAConstantConditionChoosesItsBranch) {
  // `if true` needs neither its condition nor `d`, so `b * 2` is dead.
  EXPECT_EQ(RowCode("  let d = b * 2\n  output o : int? = if true then a else d"), "  %0 = input 0 : int?");
}

TEST(Passes, IntRoundFloorCeilAreTheIdentity) {
  EXPECT_EQ(RowCode("  output o : int? = round(floor(ceil(a)))"), "  %0 = input 0 : int?");
}

TEST(Passes, CoalesceOfANonNullConstantFirstIsThatConstant) {
  EXPECT_EQ(RowCode("  output o : int = coalesce(7, a)"), "  %0 = const 7 : int");
}

TEST(Passes, AStrictOpWithANullOperandIsNull) {
  EXPECT_EQ(RowCode("  output o : int? = a % null + b"), "  %0 = const null : int?");
  // Not when an operand may carry an error: a + 1 can overflow, and its trap must reject.
  EXPECT_EQ(Count(RowCode("  output o : int? = (a + 1) * null"), "= mul "), 1);
}

TEST(Passes, SelectOfTwoEqualBranchesIsThatBranch) {
  EXPECT_EQ(RowCode("  output o : int? = if a > 0 then b else b"), "  %0 = input 1 : int?");
}

TEST(Passes, LibmCallsAreNotFolded) {
  EXPECT_EQ(Count(RowCode("  output o : float = sigmoid(0)"), "sigmoid"), 1);
}

TEST(Passes, FoldingAgreesWithTheInterpreterOnSignOfNegativeZero) {
  Instruction sign;
  sign.op = Op::kSign;
  sign.type = Type::kFloat;
  sign.args = {0};
  Instruction minus_zero;
  minus_zero.op = Op::kConstant;
  minus_zero.type = Type::kFloat;
  minus_zero.imm_float = -0.0;
  auto folded = interp::EvaluateOnConstants(sign, {minus_zero});
  ASSERT_TRUE(folded);
  EXPECT_EQ(folded->imm_float, 0.0);
  EXPECT_FALSE(std::signbit(folded->imm_float));  // +0.0, as docs/language.md says
}

TEST(Passes, OptimizeRefusesAMalformedProgramAndNamesTheStep) {
  codegen::testing::ProgramBuilder b;
  ValueId x = b.Input("x", Type::kInt);
  b.Output("r", b.Apply(Op::kAdd, Type::kInt, {x, x}));
  Program p = b.program();
  p.row_code[1].may_error = false;
  Status s = Optimize(p);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("(after lowering)"), std::string::npos) << s.message();
  EXPECT_EQ(s.code(), ErrorCode::kInternal);
}

}  // namespace
}  // namespace tally::ir
