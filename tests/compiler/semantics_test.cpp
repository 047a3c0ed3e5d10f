// The documented meaning of every operator and function, each checked against a value
// worked out by hand (docs/language.md states the same rules).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "harness.h"

namespace tally::testing {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

// One score with inputs a, b (int?), x, y (float?), s (string?), p (bool?) and one output.
std::string Def(const std::string& output) {
  return "score t.s {\n  version 1.0.0\n  owner cx\n"
         "  input a : int?\n  input b : int?\n  input x : float?\n  input y : float?\n"
         "  input s : string?\n  input p : bool?\n  input q : bool?\n" +
         output + "\n}\n";
}

Cell Out(const std::string& output, const std::map<std::string, Cell>& row) {
  RowResult r = ScoreOne(Def("  output o : " + output), row);
  EXPECT_EQ(r.status, 0u) << r.reason;
  return r.outputs["o"];
}

std::string Rejected(const std::string& output, const std::map<std::string, Cell>& row) {
  RowResult r = ScoreOne(Def("  output o : " + output), row);
  EXPECT_NE(r.status, 0u);
  return r.reason;
}

const Cell kNull{};

TEST(Semantics, IntDivisionIsTrueDivision) {
  EXPECT_EQ(Out("float? = a / b", {{"a", int64_t{7}}, {"b", int64_t{2}}}), Cell(3.5));
}

TEST(Semantics, DivisionByZeroIsNull) {
  EXPECT_EQ(Out("float? = a / b", {{"a", int64_t{7}}, {"b", int64_t{0}}}), kNull);
  EXPECT_EQ(Out("float? = x / y", {{"x", 0.0}, {"y", 0.0}}), kNull);
  EXPECT_EQ(Out("float? = x / y", {{"x", 1.0}, {"y", -0.0}}), kNull);
}

TEST(Semantics, NullPropagatesThroughArithmetic) {
  EXPECT_EQ(Out("int? = a + b", {{"a", int64_t{1}}}), kNull);
  EXPECT_EQ(Out("float? = x * 2", {}), kNull);
}

TEST(Semantics, IntegerOverflowRejectsTheRow) {
  EXPECT_EQ(Rejected("int? = a + b", {{"a", kMax}, {"b", int64_t{1}}}), "integer overflow in `a + b`");
  EXPECT_EQ(Rejected("int? = a * b", {{"a", kMax / 2 + 1}, {"b", int64_t{2}}}), "integer overflow in `a * b`");
  EXPECT_EQ(Rejected("int? = a - b", {{"a", kMin}, {"b", int64_t{1}}}), "integer overflow in `a - b`");
  EXPECT_EQ(Rejected("int? = -a", {{"a", kMin}}), "integer overflow in `-a`");
  EXPECT_EQ(Rejected("int? = abs(a)", {{"a", kMin}}), "integer overflow in `abs(a)`");
  EXPECT_EQ(Out("int? = a + b", {{"a", kMax - 1}, {"b", int64_t{1}}}), Cell(kMax));
}

TEST(Semantics, FloatOverflowRejectsTheRow) {
  EXPECT_EQ(Rejected("float? = x * y", {{"x", 1e308}, {"y", 10.0}}), "float overflow in `x * y`");
  EXPECT_EQ(Rejected("float? = x / y", {{"x", 1e308}, {"y", 1e-10}}), "float overflow in `x / y`");
}

TEST(Semantics, TrapInUnchosenBranchDoesNotReject) {
  // The overflow sits in the `else` branch, which this row does not take.
  EXPECT_EQ(Out("int? = if p then 1 else a * b", {{"p", true}, {"a", kMax}, {"b", int64_t{2}}}), Cell(int64_t{1}));
  EXPECT_EQ(Rejected("int? = if p then 1 else a * b", {{"p", false}, {"a", kMax}, {"b", int64_t{2}}}),
            "integer overflow in `a * b`");
}

TEST(Semantics, Modulo) {
  EXPECT_EQ(Out("int? = a % b", {{"a", int64_t{7}}, {"b", int64_t{3}}}), Cell(int64_t{1}));
  EXPECT_EQ(Out("int? = a % b", {{"a", int64_t{-7}}, {"b", int64_t{3}}}), Cell(int64_t{-1}));
  EXPECT_EQ(Out("int? = a % b", {{"a", kMin}, {"b", int64_t{-1}}}), Cell(int64_t{0}));
  EXPECT_EQ(Out("int? = a % b", {{"a", int64_t{5}}, {"b", int64_t{0}}}), kNull);
  EXPECT_EQ(Out("float? = x % y", {{"x", 7.5}, {"y", 2.0}}), Cell(1.5));
}

TEST(Semantics, KleeneLogic) {
  EXPECT_EQ(Out("bool? = p and q", {{"q", false}}), Cell(false));
  EXPECT_EQ(Out("bool? = p and q", {{"q", true}}), kNull);
  EXPECT_EQ(Out("bool? = p or q", {{"q", true}}), Cell(true));
  EXPECT_EQ(Out("bool? = p or q", {{"q", false}}), kNull);
  EXPECT_EQ(Out("bool? = not p", {}), kNull);
  EXPECT_EQ(Out("bool? = p and q", {{"p", true}, {"q", true}}), Cell(true));
}

TEST(Semantics, ComparisonWithNullIsNull) {
  EXPECT_EQ(Out("bool? = a > 3", {}), kNull);
  EXPECT_EQ(Out("bool? = s == \"x\"", {}), kNull);
  EXPECT_EQ(Out("bool? = a > x", {{"a", int64_t{3}}, {"x", 2.5}}), Cell(true));
}

TEST(Semantics, IfWithNullConditionTakesElse) {
  EXPECT_EQ(Out("int = if a > 3 then 1 else 2", {}), Cell(int64_t{2}));
  EXPECT_EQ(Out("int = if a > 3 then 1 else 2", {{"a", int64_t{4}}}), Cell(int64_t{1}));
}

TEST(Semantics, CoalesceAndIsNull) {
  EXPECT_EQ(Out("int = coalesce(a, b, 9)", {{"b", int64_t{2}}}), Cell(int64_t{2}));
  EXPECT_EQ(Out("int? = coalesce(a, b)", {}), kNull);
  EXPECT_EQ(Out("bool = is_null(a)", {}), Cell(true));
  EXPECT_EQ(Out("bool = is_null(a)", {{"a", int64_t{0}}}), Cell(false));
  EXPECT_EQ(Out("float = coalesce(x, a, 0)", {{"a", int64_t{3}}}), Cell(3.0));
}

TEST(Semantics, RoundHalfAwayFromZero) {
  EXPECT_EQ(Out("float? = round(x)", {{"x", 2.5}}), Cell(3.0));
  EXPECT_EQ(Out("float? = round(x)", {{"x", -2.5}}), Cell(-3.0));
  EXPECT_EQ(Out("float? = round(x, 2)", {{"x", 0.125}}), Cell(0.13));    // 0.125 is exact in binary
  EXPECT_EQ(Out("float? = round(x, 2)", {{"x", -0.125}}), Cell(-0.13));
  EXPECT_EQ(Out("float? = round(x, 1)", {{"x", 1e300}}), Cell(1e300));   // already integral
  EXPECT_EQ(Out("int? = round(a, 2)", {{"a", int64_t{7}}}), Cell(int64_t{7}));
}

TEST(Semantics, NegativeZeroIsWrittenAsZero) {
  Cell c = Out("float? = round(x)", {{"x", -0.4}});
  ASSERT_TRUE(std::holds_alternative<double>(c));
  EXPECT_EQ(std::get<double>(c), 0.0);
  EXPECT_FALSE(std::signbit(std::get<double>(c)));
}

TEST(Semantics, DomainErrorsAreNull) {
  EXPECT_EQ(Out("float? = sqrt(x)", {{"x", -1.0}}), kNull);
  EXPECT_EQ(Out("float? = sqrt(x)", {{"x", 9.0}}), Cell(3.0));
  EXPECT_EQ(Out("float? = ln(x)", {{"x", 0.0}}), kNull);
  EXPECT_EQ(Out("float? = exp(x)", {{"x", 1000.0}}), kNull);
  EXPECT_EQ(Out("float? = pow(x, y)", {{"x", -8.0}, {"y", 1.0 / 3.0}}), kNull);
  EXPECT_EQ(Out("float? = pow(x, y)", {{"x", 2.0}, {"y", 10.0}}), Cell(1024.0));
}

TEST(Semantics, Functions) {
  EXPECT_EQ(Out("float? = sigmoid(x)", {{"x", 0.0}}), Cell(0.5));
  EXPECT_EQ(Out("float? = min(a, x)", {{"a", int64_t{3}}, {"x", 2.5}}), Cell(2.5));
  EXPECT_EQ(Out("int? = max(a, b)", {{"a", int64_t{3}}, {"b", int64_t{-4}}}), Cell(int64_t{3}));
  EXPECT_EQ(Out("int? = clamp(a, 0, 10)", {{"a", int64_t{15}}}), Cell(int64_t{10}));
  EXPECT_EQ(Out("int? = clamp(a, 0, 10)", {{"a", int64_t{-15}}}), Cell(int64_t{0}));
  EXPECT_EQ(Out("float? = floor(x)", {{"x", -2.5}}), Cell(-3.0));
  EXPECT_EQ(Out("float? = ceil(x)", {{"x", -2.5}}), Cell(-2.0));
  EXPECT_EQ(Out("int? = abs(a)", {{"a", int64_t{-4}}}), Cell(int64_t{4}));
}

TEST(Semantics, NotNullIsNull) {
  EXPECT_EQ(Out("bool? = not null", {}), kNull);
  EXPECT_EQ(Out("bool? = not (p and null)", {{"p", false}}), Cell(true));
}

TEST(Semantics, SignKeepsTheTypeAndIsStrict) {
  EXPECT_EQ(Out("int? = sign(a)", {{"a", int64_t{42}}}), Cell(int64_t{1}));
  EXPECT_EQ(Out("int? = sign(a)", {{"a", int64_t{-7}}}), Cell(int64_t{-1}));
  EXPECT_EQ(Out("int? = sign(a)", {{"a", int64_t{0}}}), Cell(int64_t{0}));
  EXPECT_EQ(Out("int? = sign(a)", {{"a", kMin}}), Cell(int64_t{-1}));  // no overflow: no negation
  EXPECT_EQ(Out("int? = sign(a)", {}), kNull);
  EXPECT_EQ(Out("float? = sign(x)", {{"x", 0.25}}), Cell(1.0));
  EXPECT_EQ(Out("float? = sign(x)", {{"x", -1e300}}), Cell(-1.0));
  EXPECT_EQ(Out("float? = sign(x)", {{"x", -0.0}}), Cell(0.0));
  EXPECT_EQ(Out("float? = sign(x)", {}), kNull);
  // int widens where a float is needed: 3 * sign(-2) = -3, then to float.
  EXPECT_EQ(Out("float? = 3 * sign(a) + x", {{"a", int64_t{-2}}, {"x", 0.5}}), Cell(-2.5));
}

TEST(Semantics, InLists) {
  EXPECT_EQ(Out("bool? = s in [\"a\", \"b\"]", {{"s", std::string("b")}}), Cell(true));
  EXPECT_EQ(Out("bool? = s not in [\"a\", \"b\"]", {{"s", std::string("c")}}), Cell(true));
  EXPECT_EQ(Out("bool? = s in [\"a\", \"b\"]", {}), kNull);
  EXPECT_EQ(Out("bool? = a in [1, 2.5]", {{"a", int64_t{1}}}), Cell(true));
}

TEST(Semantics, RequireRejectsOnlyWhenFalse) {
  std::string def = "score t.r {\n version 1.0.0\n owner cx\n input n : int?\n require n >= 0\n output o : int? = n\n}\n";
  EXPECT_EQ(ScoreOne(def, {{"n", int64_t{-1}}}).reason, "require n >= 0");
  EXPECT_EQ(ScoreOne(def, {{"n", int64_t{1}}}).status, 0u);
  EXPECT_EQ(ScoreOne(def, {}).status, 0u);  // null passes
}

TEST(Semantics, FirstFailingRequireIsTheReason) {
  std::string def = "score t.r {\n version 1.0.0\n owner cx\n input n : int\n"
                    " require n > 0\n require n > 10\n output o : int = n\n}\n";
  EXPECT_EQ(ScoreOne(def, {{"n", int64_t{-1}}}).reason, "require n > 0");
  EXPECT_EQ(ScoreOne(def, {{"n", int64_t{5}}}).reason, "require n > 10");
}

TEST(Semantics, RegionalOverrideSelectsByRegion) {
  std::string def =
      "score t.h {\n version 1.0.0\n owner cx\n input region : string\n input v : int\n"
      " param limit = 40 regional\n output hit : bool = v < limit\n}\n"
      "override t.h for region \"emea\" {\n limit = 35\n}\n";
  Compiled c = CompileText(def);
  ASSERT_TRUE(c.library) << c.Rendered();
  EXPECT_EQ(ScoreRow(*c.library, "t.h", {{"region", std::string("emea")}, {"v", int64_t{37}}}).outputs["hit"], Cell(false));
  EXPECT_EQ(ScoreRow(*c.library, "t.h", {{"region", std::string("amer")}, {"v", int64_t{37}}}).outputs["hit"], Cell(true));
}

TEST(Semantics, LanguageExampleHealthScore) {
  // LANGUAGE.md's example row: engagement = clamp(30/30, 0, 2)/2 = 0.5, support = 1,
  // sentiment = (50+100)/200 = 0.75; 100*(0.5*0.5 + 0.3*1 + 0.2*0.75) = 70 -> green.
  auto sources = CollectSources({std::string(TALLY_SOURCE_DIR) + "/tests/examples"});
  ASSERT_TRUE(sources.ok());
  CompileResult r = Compile(*sources);
  ASSERT_TRUE(r.library) << Render(r.diagnostics);
  RowResult row = ScoreRow(*r.library, "customer.health",
                           {{"account_id", std::string("a1")}, {"logins_30d", int64_t{30}},
                            {"logins_prev_30d", int64_t{30}}, {"open_tickets", int64_t{0}},
                            {"nps", 50.0}, {"arr", 60000.0}, {"region", std::string("amer")}});
  EXPECT_EQ(row.outputs["score"], Cell(70.0));
  EXPECT_EQ(row.outputs["tier"], Cell(std::string("green")));
  EXPECT_EQ(row.outputs["at_risk"], Cell(false));
  // Null nps falls back to 0.5 sentiment: 100*(0.25 + 0.3 + 0.1) = 65 -> amber.
  row = ScoreRow(*r.library, "customer.health",
                 {{"account_id", std::string("a2")}, {"logins_30d", int64_t{30}}, {"logins_prev_30d", int64_t{30}},
                  {"open_tickets", int64_t{0}}, {"arr", 60000.0}, {"region", std::string("amer")}});
  EXPECT_EQ(row.outputs["score"], Cell(65.0));
  EXPECT_EQ(row.outputs["tier"], Cell(std::string("amber")));
  EXPECT_EQ(ScoreRow(*r.library, "customer.health",
                     {{"account_id", std::string("a3")}, {"logins_30d", int64_t{1}}, {"logins_prev_30d", int64_t{1}},
                      {"open_tickets", int64_t{-1}}, {"arr", 1.0}, {"region", std::string("x")}})
                .reason,
            "require open_tickets >= 0");
}

}  // namespace
}  // namespace tally::testing

namespace tally::testing {
namespace {

Cell Str(const char* s) { return std::string(s); }

TEST(Semantics, StringFunctions) {
  // Through the checker, lowering and the interpreter; values worked out by hand.
  EXPECT_EQ(Out("string? = lower(s)", {{"s", Str("GoLD Ö")}}), Str("gold Ö"));  // ASCII only
  EXPECT_EQ(Out("string? = upper(s)", {{"s", Str("größe")}}), Str("GRößE"));
  EXPECT_EQ(Out("string? = trim(s)", {{"s", Str("\t gold \r\n")}}), Str("gold"));
  EXPECT_EQ(Out("int? = length(s)", {{"s", Str("Größe")}}), Cell{int64_t{5}});  // characters, not 7 bytes
  EXPECT_EQ(Out("int? = length(s)", {{"s", Str("")}}), Cell{int64_t{0}});
  EXPECT_EQ(Out("bool? = starts_with(s, \"Bank\")", {{"s", Str("Bank transfer")}}), Cell{true});
  EXPECT_EQ(Out("bool? = ends_with(s, \"(automatic)\")", {{"s", Str("Credit card (automatic)")}}), Cell{true});
  EXPECT_EQ(Out("bool? = contains(s, \"card\")", {{"s", Str("Credit Card")}}), Cell{false});  // case-sensitive
  // substr: 1-based; the window [start, start + len) clipped to the string.
  EXPECT_EQ(Out("string? = substr(s, 2, 3)", {{"s", Str("hello")}}), Str("ell"));
  EXPECT_EQ(Out("string? = substr(s, 0, 2)", {{"s", Str("hello")}}), Str("h"));
  EXPECT_EQ(Out("string? = substr(s, 6, 1)", {{"s", Str("hello")}}), Str(""));
  EXPECT_EQ(Out("string? = substr(s, 2, -1)", {{"s", Str("hello")}}), Str(""));
  EXPECT_EQ(Out("string? = substr(s, 4, 9223372036854775807)", {{"s", Str("hello")}}), Str("lo"));
  EXPECT_EQ(Out("string? = substr(s, -9223372036854775807 - 1, 9223372036854775807)", {{"s", Str("hello")}}),
            Str(""));
  EXPECT_EQ(Out("string? = substr(s, 3)", {{"s", Str("Größe")}}), Str("öße"));
  EXPECT_EQ(Out("string? = concat(s, \"\", \"-\", s)", {{"s", Str("ab")}}), Str("ab-ab"));
  EXPECT_EQ(Out("string? = concat(s, s)", {{"s", Str("")}}), Str(""));
  // A computed string equals a constant; null in, null out.
  EXPECT_EQ(Out("bool? = lower(trim(s)) == \"gold\"", {{"s", Str(" GOLD ")}}), Cell{true});
  EXPECT_EQ(Out("bool? = lower(s) in [\"silver\", \"gold\"]", {{"s", Str("Gold")}}), Cell{true});
  EXPECT_EQ(Out("string? = lower(s)", {{"s", kNull}}), kNull);
  EXPECT_EQ(Out("int? = length(s)", {{"s", kNull}}), kNull);
  EXPECT_EQ(Out("string? = substr(s, a, 2)", {{"s", Str("x")}, {"a", kNull}}), kNull);
  EXPECT_EQ(Out("string? = concat(s, null)", {{"s", Str("x")}}), kNull);
}

}  // namespace
}  // namespace tally::testing
