// Dates and int()/float() through the checker and the interpreter, each value worked out
// with Python's datetime (proleptic Gregorian, date.isoweekday()) or by hand.
#include <gtest/gtest.h>

#include "harness.h"

namespace tally::testing {
namespace {

// A score with date inputs d, e (date?), an int? n, a float? x and one output.
std::string Def(const std::string& members) {
  return "score t.d {\n  version 1.0.0\n  owner cx\n"
         "  input d : date?\n  input e : date?\n  input n : int?\n  input x : float?\n" +
         members + "\n}\n";
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

Cell Day(const char* iso) { return Cell(std::string(iso)); }
Cell Int(int64_t v) { return Cell(v); }
const Cell kNull{};

TEST(Dates, LiteralsAndDaysBetween) {
  // date(1998, 6, 30) - date(1997, 1, 1) = 545 days.
  EXPECT_EQ(Out("int = days_between(date \"1997-01-01\", date \"1998-06-30\")", {}), Int(545));
  EXPECT_EQ(Out("int? = days_between(d, e)", {{"d", Day("1998-06-30")}, {"e", Day("1997-01-01")}}), Int(-545));
  EXPECT_EQ(Out("int? = days_between(d, e)", {{"d", Day("1998-06-30")}}), kNull);
  EXPECT_EQ(Out("date = date \"2000-02-29\"", {}), Day("2000-02-29"));
}

TEST(Dates, AddDaysAcrossLeapDaysAndTheRangeEdges) {
  EXPECT_EQ(Out("date? = add_days(d, 1)", {{"d", Day("1900-02-28")}}), Day("1900-03-01"));  // 1900: no leap day
  EXPECT_EQ(Out("date? = add_days(d, 1)", {{"d", Day("2000-02-28")}}), Day("2000-02-29"));
  EXPECT_EQ(Out("date? = add_days(d, n)", {{"d", Day("1998-06-30")}, {"n", Int(-545)}}), Day("1997-01-01"));
  EXPECT_EQ(Out("date? = add_days(d, n)", {{"d", Day("9999-12-31")}, {"n", Int(-3652058)}}), Day("0001-01-01"));
  EXPECT_EQ(Rejected("date? = add_days(d, 1)", {{"d", Day("9999-12-31")}}),
            "date outside 0001-01-01 .. 9999-12-31 in `add_days(d, 1)`");
  EXPECT_EQ(Rejected("date? = add_days(d, -1)", {{"d", Day("0001-01-01")}}),
            "date outside 0001-01-01 .. 9999-12-31 in `add_days(d, -1)`");
}

TEST(Dates, Fields) {
  // 1998-06-30 was a Tuesday; 2024-12-31 a Tuesday; 1970-01-01 a Thursday; 0001-01-01 a Monday.
  EXPECT_EQ(Out("int? = year(d)", {{"d", Day("1998-06-30")}}), Int(1998));
  EXPECT_EQ(Out("int? = quarter(d)", {{"d", Day("1998-06-30")}}), Int(2));
  EXPECT_EQ(Out("int? = quarter(d)", {{"d", Day("1998-07-01")}}), Int(3));
  EXPECT_EQ(Out("int? = month(d)", {{"d", Day("1998-06-30")}}), Int(6));
  EXPECT_EQ(Out("int? = day(d)", {{"d", Day("1998-06-30")}}), Int(30));
  EXPECT_EQ(Out("int? = day_of_week(d)", {{"d", Day("1998-06-30")}}), Int(2));
  EXPECT_EQ(Out("int? = day_of_week(d)", {{"d", Day("1970-01-01")}}), Int(4));
  EXPECT_EQ(Out("int? = day_of_week(d)", {{"d", Day("0001-01-01")}}), Int(1));
  EXPECT_EQ(Out("int? = day_of_week(d)", {{"d", Day("1998-07-05")}}), Int(7));  // a Sunday
}

TEST(Dates, Truncation) {
  EXPECT_EQ(Out("date? = trunc_month(d)", {{"d", Day("2000-02-29")}}), Day("2000-02-01"));
  EXPECT_EQ(Out("date? = trunc_quarter(d)", {{"d", Day("1998-06-30")}}), Day("1998-04-01"));
  EXPECT_EQ(Out("date? = trunc_quarter(d)", {{"d", Day("1998-12-31")}}), Day("1998-10-01"));
  EXPECT_EQ(Out("date? = trunc_year(d)", {{"d", Day("9999-12-31")}}), Day("9999-01-01"));
}

TEST(Dates, ComparisonsIfAndCoalesce) {
  EXPECT_EQ(Out("bool? = d < e", {{"d", Day("1997-12-31")}, {"e", Day("1998-01-01")}}), Cell(true));
  EXPECT_EQ(Out("bool? = d >= e", {{"d", Day("1997-12-31")}, {"e", Day("1998-01-01")}}), Cell(false));
  EXPECT_EQ(Out("bool? = d == date \"1997-12-31\"", {{"d", Day("1997-12-31")}}), Cell(true));
  EXPECT_EQ(Out("bool? = d != e", {{"d", Day("1997-12-31")}}), kNull);
  EXPECT_EQ(Out("date = coalesce(d, e, date \"1970-01-01\")", {{"e", Day("1998-01-01")}}), Day("1998-01-01"));
  EXPECT_EQ(Out("date? = if d > e then d else e", {{"d", Day("1997-12-31")}, {"e", Day("1998-01-01")}}),
            Day("1998-01-01"));
  EXPECT_EQ(Out("bool? = d in [date \"1997-01-01\", date \"1998-01-01\"]", {{"d", Day("1998-01-01")}}), Cell(true));
}

TEST(Dates, ParamsAreDates) {
  RowResult r = ScoreOne(Def("  param as_of : date = date \"1998-06-30\"\n  output o : int? = days_between(d, as_of)"),
                         {{"d", Day("1998-06-01")}});
  EXPECT_EQ(r.outputs["o"], Int(29));
}

TEST(Dates, DateIsStillAName) {
  // LANGUAGE.md lets a column be called `date`: the type word is no keyword.
  RowResult r = ScoreOne(
      "score t.n {\n  version 1.0.0\n  owner cx\n  input date : date\n  let day = date\n"
      "  output date_out : date = day\n  output y : int = year(date)\n}\n",
      {{"date", Day("1998-06-30")}});
  EXPECT_EQ(r.status, 0u) << r.reason;
  EXPECT_EQ(r.outputs["date_out"], Day("1998-06-30"));
  EXPECT_EQ(r.outputs["y"], Int(1998));
}

TEST(Conversions, IntTruncatesTowardZero) {
  EXPECT_EQ(Out("int? = int(x)", {{"x", 2.9}}), Int(2));
  EXPECT_EQ(Out("int? = int(x)", {{"x", -2.9}}), Int(-2));
  EXPECT_EQ(Out("int? = int(round(x))", {{"x", 2.5}}), Int(3));  // round() rounds half away from zero
  EXPECT_EQ(Out("int? = int(x)", {}), kNull);
  EXPECT_EQ(Out("int? = int(n)", {{"n", Int(-7)}}), Int(-7));
  // Days since 1970-01-01, as numpy's datetime64[D].astype(int).
  EXPECT_EQ(Out("int? = int(d)", {{"d", Day("1998-06-30")}}), Int(10407));
  EXPECT_EQ(Out("int? = int(d)", {{"d", Day("1969-12-31")}}), Int(-1));
  EXPECT_EQ(Rejected("int? = int(x)", {{"x", 1e19}}), "float outside the int range in `int(x)`");
  EXPECT_EQ(Rejected("int? = int(x)", {{"x", 9223372036854775808.0}}), "float outside the int range in `int(x)`");
}

TEST(Conversions, FloatOfAnInt) {
  EXPECT_EQ(Out("float? = float(n)", {{"n", Int(3)}}), Cell(3.0));
  // 2^53 + 1 rounds to the nearest even double, 2^53.
  EXPECT_EQ(Out("float? = float(n)", {{"n", Int(9007199254740993)}}), Cell(9007199254740992.0));
  EXPECT_EQ(Out("float? = float(x)", {{"x", 2.5}}), Cell(2.5));
  EXPECT_EQ(Out("float? = float(n)", {}), kNull);
}

TEST(Dates, ErrorsAreLocated) {
  auto errors = [](const std::string& members) { return CompileText(Def(members)).Rendered(); };
  EXPECT_NE(errors("  output o : date = date \"1997-02-31\"").find("is not a real date in YYYY-MM-DD form"), std::string::npos);
  EXPECT_NE(errors("  output o : date? = d + 1").find("cannot apply `+` to date? and int"), std::string::npos);
  EXPECT_NE(errors("  output o : float? = float(d)").find("float() converts an int or float, not date?"),
            std::string::npos);
  EXPECT_NE(errors("  input f : int format \"YYYYMMDD\"\n  output o : int = 1").find("`format` applies only to date inputs, not int"),
            std::string::npos);
  EXPECT_NE(errors("  input f : date format \"YYYY/MM/DD\"\n  output o : int = 1").find("unknown date format"),
            std::string::npos);
}

}  // namespace
}  // namespace tally::testing
