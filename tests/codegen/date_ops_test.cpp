// The date ops and float_to_int of ir.h, interpreter and JIT compared byte for byte, with
// expected values from Python's datetime (proleptic Gregorian; date.isoweekday(); days as
// (date - date(1970, 1, 1)).days), written out here:
//   day      ISO          year q  m  d  dow  trunc_month trunc_quarter trunc_year
//   -719162  0001-01-01   1    1  1  1  1    -719162     -719162       -719162
//   2932896  9999-12-31   9999 4  12 31 5    2932866     2932805       2932532
//   11016    2000-02-29   2000 1  2  29 2    10988       10957         10957
//   -25509   1900-02-28   1900 1  2  28 3    -25536      -25567        -25567
//   0        1970-01-01   1970 1  1  1  4    0           0             0
//   -1       1969-12-31   1969 4  12 31 3    -31         -92           -365
//   10407    1998-06-30   1998 2  6  30 2    10378       10317         10227
//   -135080  1600-03-01   1600 1  3  1  3    -135080     -135140       -135140
#include <gtest/gtest.h>

#include <limits>

#include "kernel_check.h"
#include "tally/support/civil_date.h"

namespace tally::codegen::testing {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
const std::nullopt_t null = std::nullopt;

const std::vector<std::optional<int64_t>> kDays = {-719162, 2932896, 11016, -25509, 0, -1, 10407, -135080, null};

ir::Program Unary(Op op, Type in, Type out) {
  ProgramBuilder b;
  ValueId x = b.Input("a", in);
  b.Output("r", b.Apply(op, out, {x}));
  return b.program();
}

ir::Program Binary(Op op, Type in0, Type in1, Type out) {
  ProgramBuilder b;
  ValueId x = b.Input("a", in0);
  ValueId y = b.Input("b", in1);
  b.Output("r", b.Apply(op, out, {x, y}));
  return b.program();
}

TEST(CodegenDateOps, CivilFields) {
  CheckScore(Unary(Op::kYear, Type::kDate, Type::kInt), {Dates(kDays)},
             {I(1), I(9999), I(2000), I(1900), I(1970), I(1969), I(1998), I(1600), Null()});
  CheckScore(Unary(Op::kQuarter, Type::kDate, Type::kInt), {Dates(kDays)},
             {I(1), I(4), I(1), I(1), I(1), I(4), I(2), I(1), Null()});
  CheckScore(Unary(Op::kMonth, Type::kDate, Type::kInt), {Dates(kDays)},
             {I(1), I(12), I(2), I(2), I(1), I(12), I(6), I(3), Null()});
  CheckScore(Unary(Op::kDay, Type::kDate, Type::kInt), {Dates(kDays)},
             {I(1), I(31), I(29), I(28), I(1), I(31), I(30), I(1), Null()});
  CheckScore(Unary(Op::kDayOfWeek, Type::kDate, Type::kInt), {Dates(kDays)},
             {I(1), I(5), I(2), I(3), I(4), I(3), I(2), I(3), Null()});
}

TEST(CodegenDateOps, Truncation) {
  CheckScore(Unary(Op::kTruncMonth, Type::kDate, Type::kDate), {Dates(kDays)},
             {I(-719162), I(2932866), I(10988), I(-25536), I(0), I(-31), I(10378), I(-135080), Null()});
  CheckScore(Unary(Op::kTruncQuarter, Type::kDate, Type::kDate), {Dates(kDays)},
             {I(-719162), I(2932805), I(10957), I(-25567), I(0), I(-92), I(10317), I(-135140), Null()});
  CheckScore(Unary(Op::kTruncYear, Type::kDate, Type::kDate), {Dates(kDays)},
             {I(-719162), I(2932532), I(10957), I(-25567), I(0), I(-365), I(10227), I(-135140), Null()});
}

TEST(CodegenDateOps, DaysBetweenIsTheSecondMinusTheFirst) {
  // 1998-06-30 - 1997-01-01 = 545 days; the whole range is 3,652,058 days.
  CheckScore(Binary(Op::kDaysBetween, Type::kDate, Type::kDate, Type::kInt),
             {Dates({9862, -719162, 2932896, 11016, null}), Dates({10407, 2932896, -719162, 11016, 0})},
             {I(545), I(3652058), I(-3652058), I(0), Null()});
}

TEST(CodegenDateOps, AddDaysTrapsOutsideTheRange) {
  // 1900-02-28 + 1 = 1900-03-01 (-25508: 1900 is not a leap year); 2000-02-28 + 1 =
  // 2000-02-29 (11016); 9999-12-31 + 1 and 0001-01-01 - 1 leave the range; so do the
  // int64 extremes (without wrapping around into it).
  CheckScore(Binary(Op::kAddDays, Type::kDate, Type::kInt, Type::kDate),
             {Dates({-25509, 11015, 2932896, -719162, 2932896, 0, 10, null, 5}),
              Ints({1, 1, 1, -1, -3652058, kMax, kMin, 1, null})},
             {I(-25508), I(11016), Status(1), Status(1), I(-719162), Status(1), Status(1), Null(), Null()});
}

TEST(CodegenDateOps, DatesCompareAsDays) {
  CheckScore(Binary(Op::kLt, Type::kDate, Type::kDate, Type::kBool), {Dates({1, 2, 3, null}), Dates({2, 2, 2, 2})},
             {B(true), B(false), B(false), Null()});
  CheckScore(Binary(Op::kEq, Type::kDate, Type::kDate, Type::kBool), {Dates({1, 2, -719162}), Dates({2, 2, -719162})},
             {B(false), B(true), B(true)});
}

TEST(CodegenDateOps, FloatToIntTruncatesTowardZeroAndTrapsOutsideInt64) {
  // 2^63 = 9223372036854775808.0 is just outside; -2^63 is INT64_MIN exactly; the largest
  // double below 2^63 is 2^63 - 1024.
  CheckScore(Unary(Op::kFloatToInt, Type::kFloat, Type::kInt),
             {Floats({2.9, -2.9, 0.5, -0.5, -0.0, 1e15 + 0.5, 9223372036854775808.0, -9223372036854775808.0,
                      9223372036854774784.0, 1e308, -1e308, null})},
             {I(2), I(-2), I(0), I(0), I(0), I(1000000000000000), Status(1), I(kMin), I(9223372036854774784LL),
              Status(1), Status(1), Null()});
}

TEST(CodegenDateOps, ManyRowsAcrossChunksAgree) {
  // Every 97th day of the range through both engines: the vector loop and the tail.
  std::vector<std::optional<int64_t>> days;
  std::vector<Want> years;
  for (int64_t d = dates::kMinDay; d <= dates::kMaxDay; d += 97 * 37) {
    days.push_back(d);
    years.push_back(I(dates::CivilFromDays(d).year));
  }
  CheckScore(Unary(Op::kYear, Type::kDate, Type::kInt), {Dates(days)}, years);
}

}  // namespace
}  // namespace tally::codegen::testing
