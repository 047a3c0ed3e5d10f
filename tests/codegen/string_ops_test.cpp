// The string ops of ir.h (lower ... concat), interpreter and JIT: every rule against values
// written out by hand, both engines the same (string outputs by text, the rest byte for
// byte), and the helper's memo: one evaluation per distinct operand tuple.
#include <gtest/gtest.h>

#include <limits>

#include "kernel_check.h"
#include "string_calls.h"

namespace tally::codegen::testing {
namespace {

using Texts_ = std::vector<std::optional<std::string>>;
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
const std::nullopt_t null = std::nullopt;

// What one engine gave for output 0: texts (strings) or values, "null" for null; "status k"
// for a rejected row.
std::vector<std::string> Shown(const RunResult& r, const StringEngine& e, Type type) {
  std::vector<std::string> out;
  const Column& c = r.outputs[0];
  for (size_t i = 0; i < r.status.size(); ++i) {
    if (r.status[i] != 0) { out.push_back("status " + std::to_string(r.status[i])); continue; }
    if (!c.valid[i]) { out.push_back("null"); continue; }
    switch (type) {
      case Type::kString: out.push_back(e.Text(c.At<int32_t>(static_cast<int64_t>(i)))); break;
      case Type::kBool: out.push_back(c.At<uint8_t>(static_cast<int64_t>(i)) ? "true" : "false"); break;
      default: out.push_back(std::to_string(c.At<int64_t>(static_cast<int64_t>(i)))); break;
    }
  }
  return out;
}

// Runs `p` on both engines (in one batch and row by row), each with its own dictionary
// seeded with the constants, then the texts of `strings` (input 0), then `more` inputs as
// given, and checks output 0 against `want`.
void Check(const ir::Program& p, const Texts_& strings, std::vector<Column> more, Type type,
           const std::vector<std::string>& want) {
  auto kernel = CompileKernel(p, NoCache());
  ASSERT_TRUE(kernel.ok()) << kernel.error().message;
  const int64_t rows = static_cast<int64_t>(want.size());
  auto interp_fn = [&](int64_t n, const TallyColumnView* in, const uint16_t* v, TallyColumnView* out, uint32_t* st) {
    interp::RunScore(p, n, in, v, out, st);
  };
  for (int row_by_row = 0; row_by_row < 2; ++row_by_row) {
    StringEngine jit(p.string_constants), interp(p.string_constants);
    std::vector<Column> in_jit{Texts(jit.store, strings)}, in_interp{Texts(interp.store, strings)};
    for (const Column& c : more) {
      in_jit.push_back(c);
      in_interp.push_back(c);
    }
    auto score = (*kernel)->score();
    RunResult k = row_by_row ? RunRowByRow(jit.With(score, p.inputs.size()), p, in_jit, rows, nullptr, false)
                             : RunColumns(jit.With(score, p.inputs.size()), p, in_jit, rows, nullptr, false);
    RunResult i = row_by_row ? RunRowByRow(interp.With(interp_fn, p.inputs.size()), p, in_interp, rows, nullptr, false)
                             : RunColumns(interp.With(interp_fn, p.inputs.size()), p, in_interp, rows, nullptr, false);
    EXPECT_EQ(Shown(k, jit, type), want) << "kernel" << (row_by_row ? ", row by row" : "");
    EXPECT_EQ(Shown(i, interp, type), want) << "interpreter" << (row_by_row ? ", row by row" : "");
  }
}

ir::Program Unary(Op op, Type out) {
  ProgramBuilder b;
  ValueId s = b.Input("s", Type::kString);
  b.Output("r", b.Apply(op, out, {s}));
  return b.program();
}

ir::Program WithConstant(Op op, Type out, const std::string& constant) {
  ProgramBuilder b;
  ValueId s = b.Input("s", Type::kString);
  b.Output("r", b.Apply(op, out, {s, b.String(constant)}));
  return b.program();
}

// "Größe" is G r \xC3\xB6 \xC3\x9F e: 5 characters, 7 bytes. "日本" is 2 characters, 6 bytes.
const Texts_ kTexts = {"Gold", "GOLD", "  gold\t", "", "Größe", "日本", "aBc-XyZ 09", null};

TEST(CodegenStringOps, CaseMappingIsAsciiOnly) {
  Check(Unary(Op::kLower, Type::kString), kTexts, {}, Type::kString,
        {"gold", "gold", "  gold\t", "", "größe", "日本", "abc-xyz 09", "null"});
  Check(Unary(Op::kUpper, Type::kString), kTexts, {}, Type::kString,
        {"GOLD", "GOLD", "  GOLD\t", "", "GRößE", "日本", "ABC-XYZ 09", "null"});
}

TEST(CodegenStringOps, TrimRemovesAsciiWhitespaceAtBothEnds) {
  Check(Unary(Op::kTrim, Type::kString), {" \t\n\v\f\rx y\r\n ", "   ", "x", "", "\xC2\xA0" "a", null}, {},
        Type::kString, {"x y", "", "x", "", "\xC2\xA0" "a", "null"});  // U+00A0 is not ASCII whitespace
}

TEST(CodegenStringOps, LengthCountsCharacters) {
  Check(Unary(Op::kLength, Type::kInt), kTexts, {}, Type::kInt, {"4", "4", "7", "0", "5", "2", "10", "null"});
}

TEST(CodegenStringOps, PrefixSuffixAndContainment) {
  Check(WithConstant(Op::kStartsWith, Type::kBool, "Go"), kTexts, {}, Type::kBool,
        {"true", "false", "false", "false", "false", "false", "false", "null"});
  Check(WithConstant(Op::kEndsWith, Type::kBool, "ße"), kTexts, {}, Type::kBool,
        {"false", "false", "false", "false", "true", "false", "false", "null"});
  Check(WithConstant(Op::kContains, Type::kBool, "ö"), kTexts, {}, Type::kBool,
        {"false", "false", "false", "false", "true", "false", "false", "null"});
  // The empty string is a prefix, suffix and part of every string, the empty one included.
  Check(WithConstant(Op::kStartsWith, Type::kBool, ""), {"", "x", null}, {}, Type::kBool, {"true", "true", "null"});
  Check(WithConstant(Op::kEndsWith, Type::kBool, ""), {"", "x", null}, {}, Type::kBool, {"true", "true", "null"});
  Check(WithConstant(Op::kContains, Type::kBool, ""), {"", "x", null}, {}, Type::kBool, {"true", "true", "null"});
  Check(WithConstant(Op::kContains, Type::kBool, "old"), {"Gold", "ol", null}, {}, Type::kBool,
        {"true", "false", "null"});
}

ir::Program Substr() {
  ProgramBuilder b;
  ValueId s = b.Input("s", Type::kString);
  ValueId start = b.Input("start", Type::kInt);
  ValueId len = b.Input("len", Type::kInt);
  b.Output("r", b.Apply(Op::kSubstr, Type::kString, {s, start, len}));
  return b.program();
}

TEST(CodegenStringOps, SubstrEveryEdge) {
  // Characters at 1-based positions start .. start + len - 1 that exist.
  Texts_ s = {"hello", "hello", "hello", "hello", "hello", "hello", "hello", "hello", "hello",
              "hello", "Größe", "Größe", "日本", "", "hello", "hello", null, "hello", "hello"};
  std::vector<std::optional<int64_t>> start = {1, 2, 0, -1, 5, 6, 100, 3, 3, 1, 3, 2, 2, 1, kMin, kMax, 1, null, 2};
  std::vector<std::optional<int64_t>> len = {5, 3, 2, 3, 1, 1, 1, 0, -4, kMax, 2, 1, 5, 3, kMax, kMax, 1, 1, null};
  Check(Substr(), s, {Ints(start), Ints(len)}, Type::kString,
        {"hello", "ell", "h", "h", "o", "", "", "", "", "hello", "öß", "r", "本", "", "", "", "null", "null", "null"});
}

ir::Program Concat(int copies) {
  ProgramBuilder b;
  ValueId s = b.Input("s", Type::kString);
  ValueId t = b.Input("t", Type::kString);
  ValueId acc = b.Apply(Op::kConcat, Type::kString, {s, t});
  for (int i = 1; i < copies; ++i) acc = b.Apply(Op::kConcat, Type::kString, {acc, s});
  b.Output("r", acc);
  return b.program();
}

TEST(CodegenStringOps, ConcatJoinsBytes) {
  ir::Program p = Concat(1);
  auto kernel = CompileKernel(p, NoCache());
  ASSERT_TRUE(kernel.ok()) << kernel.error().message;
  const Texts_ a = {"", "", "ab", "", "Grö", null, "x"};
  const Texts_ b = {"", "cd", "", "ß", "ße", "y", null};
  const std::vector<std::string> want = {"", "cd", "ab", "ß", "Größe", "null", "null"};
  auto interp_fn = [&](int64_t n, const TallyColumnView* in, const uint16_t* v, TallyColumnView* out, uint32_t* st) {
    interp::RunScore(p, n, in, v, out, st);
  };
  StringEngine jit({}), interp({});
  std::vector<Column> in_jit{Texts(jit.store, a), Texts(jit.store, b)};
  std::vector<Column> in_interp{Texts(interp.store, a), Texts(interp.store, b)};
  RunResult k = RunColumns(jit.With((*kernel)->score(), 2), p, in_jit, 7, nullptr, false);
  RunResult i = RunColumns(interp.With(interp_fn, 2), p, in_interp, 7, nullptr, false);
  EXPECT_EQ(Shown(k, jit, Type::kString), want);
  EXPECT_EQ(Shown(i, interp, Type::kString), want);
}

TEST(CodegenStringOps, EqualityWithAConstantAfterLowerUpperTrim) {
  // lower(s) = "gold", upper(s) = "GOLD", trim(s) = "gold": the result is interned, so it has
  // the constant's code.
  for (Op op : {Op::kLower, Op::kUpper, Op::kTrim}) {
    ProgramBuilder b;
    ValueId s = b.Input("s", Type::kString);
    ValueId c = b.String(op == Op::kUpper ? "GOLD" : "gold");
    b.Output("r", b.Apply(Op::kEq, Type::kBool, {b.Apply(op, Type::kString, {s}), c}));
    std::vector<std::string> want = op == Op::kTrim ? std::vector<std::string>{"false", "false", "true", "null"}
                                                    : std::vector<std::string>{"true", "true", "false", "null"};
    Check(b.program(), {"GOLD", "gOlD", " gold ", null}, {}, Type::kBool, want);
  }
}

TEST(CodegenStringOps, TheHelperComputesEachDistinctCallOnce) {
  // 10,000 rows over 3 distinct texts: lower is computed 3 times, whatever the engine.
  ir::Program p = Unary(Op::kLower, Type::kString);
  auto kernel = CompileKernel(p, NoCache());
  ASSERT_TRUE(kernel.ok()) << kernel.error().message;
  Texts_ texts;
  for (int r = 0; r < 10000; ++r) texts.push_back(r % 3 == 0 ? "A" : r % 3 == 1 ? "B" : "c");
  StringEngine jit({});
  std::vector<Column> in{Texts(jit.store, texts)};
  RunResult k = RunColumns(jit.With((*kernel)->score(), 1), p, in, 10000, nullptr, false);
  EXPECT_EQ(jit.calls.evaluations(), 3);
  EXPECT_EQ(jit.Text(k.outputs[0].At<int32_t>(9999)), "a");
  // "c" is already lower case: its lower() is the same code.
  EXPECT_EQ(k.outputs[0].At<int32_t>(2), in[0].At<int32_t>(2));
}

TEST(CodegenStringOps, CodesOutsideTheDictionaryReadAsEmpty) {
  // A caller breaking the contract gets "" rather than a crash.
  strings::VectorStore store({"x"});
  strings::Calls calls(&store);
  EXPECT_EQ(store.Text(static_cast<int32_t>(calls.Call(static_cast<uint32_t>(Op::kUpper), 12345, 0, 0))), "");
  EXPECT_EQ(calls.Call(static_cast<uint32_t>(Op::kLength), -7, 0, 0), 0);
  EXPECT_EQ(calls.Call(static_cast<uint32_t>(Op::kLength), 0, 0, 0), 1);
}

}  // namespace
}  // namespace tally::codegen::testing
