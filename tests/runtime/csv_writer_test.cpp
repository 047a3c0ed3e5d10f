#include "tally/runtime/csv_writer.h"

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <random>

#include "tally/runtime/output_file.h"
#include "test_util.h"

namespace tally::runtime {
namespace {

std::string Float(double v) {
  std::string s;
  EXPECT_TRUE(AppendFloat(s, v));
  return s;
}

TEST(CsvWriter, ShortestRoundTripFloats) {
  EXPECT_EQ(Float(0.1), "0.1");
  EXPECT_EQ(Float(70.0), "70");
  EXPECT_EQ(Float(-0.0), "0");
  EXPECT_EQ(Float(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(Float(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(Float(1e21), "1e+21");
  EXPECT_EQ(Float(5e-324), "5e-324");
  EXPECT_EQ(Float(-2.5), "-2.5");
  std::string s;
  EXPECT_FALSE(AppendFloat(s, std::nan("")));
  EXPECT_FALSE(AppendFloat(s, std::numeric_limits<double>::infinity()));
  EXPECT_EQ(s, "");
}

// WriteFloat's fast path (values k / 10^s) against std::to_chars, the definition of the
// output text: millions of values of that shape, their neighbours, rounded random values as
// kernels produce them, random bit patterns, and the edges of the fast path's range.
std::string ToChars(double v) {
  if (v == 0.0) v = 0.0;
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  EXPECT_EQ(ec, std::errc());
  return std::string(buf, ptr);
}

std::string Written(double v) {
  char buf[kMaxNumberChars];
  char* end = WriteFloat(buf, v);
  if (end == nullptr) return "<null>";
  EXPECT_LE(static_cast<size_t>(end - buf), kMaxNumberChars);
  return std::string(buf, end);
}

TEST(CsvWriter, FloatTextIsToCharsShortestForEveryValue) {
  std::mt19937_64 rng(42);
  std::vector<double> edges = {0.0, -0.0, 1.0, -1.0, 0.5, 0.001, -0.001, 0.0009, 0.0005,
                               0.0015, 0.01, 0.1, 0.2, 0.3, 0.1 + 0.2, 1.0 / 3.0, 69.8, 39.8,
                               70.0, 99999.0, 99999.9, 99999.99, 99999.999, 99999.9999, 1e5,
                               -1e5, 100000.5, 10000.0, 20000.0, 1e4 + 0.5, 1e15, 1e16, 1e21,
                               1e22, 1e-7, 5e-324, 2.2250738585072014e-308,
                               std::numeric_limits<double>::max(), 9007199254740993.0,
                               123456.7, 12345.678, 1234.5678, 0.0625, 0.125, 1.5e-3};
  for (double e : std::vector<double>(edges)) {
    edges.push_back(std::nextafter(e, 1e300));
    edges.push_back(std::nextafter(e, -1e300));
    edges.push_back(-e);
  }
  for (double v : edges) ASSERT_EQ(Written(v), ToChars(v)) << std::hexfloat << v;

  static constexpr double kScale[] = {1.0, 10.0, 100.0, 1000.0, 10000.0};
  int64_t checked = 0;
  for (int i = 0; i < 1500000; ++i) {
    const int s = static_cast<int>(rng() % 5);
    // |k| spread over every magnitude up to just past the fast path's range.
    const int digits = 1 + static_cast<int>(rng() % 10);
    int64_t k = static_cast<int64_t>(rng() % static_cast<uint64_t>(std::pow(10.0, digits)));
    if (rng() % 2) k = -k;
    const double v = static_cast<double>(k) / kScale[s];
    ASSERT_EQ(Written(v), ToChars(v)) << k << " / " << kScale[s];
    const double up = std::nextafter(v, 1e300);
    ASSERT_EQ(Written(up), ToChars(up)) << std::hexfloat << up;
    // round(x, 1) as a kernel computes it.
    const double x = std::ldexp(static_cast<double>(rng() >> 11), -53) * 2e5 - 1e5;
    const double r = std::round(x * 10.0) / 10.0;
    ASSERT_EQ(Written(r), ToChars(r)) << std::hexfloat << r;
    ASSERT_EQ(Written(x), ToChars(x)) << std::hexfloat << x;
    // Any finite bit pattern.
    const double bits = std::bit_cast<double>(rng());
    if (std::isfinite(bits)) ASSERT_EQ(Written(bits), ToChars(bits)) << std::hexfloat << bits;
    checked += 5;
  }
  EXPECT_EQ(Written(std::nan("")), "<null>");
  EXPECT_EQ(Written(-std::numeric_limits<double>::infinity()), "<null>");
  EXPECT_GT(checked, 7000000);
}

TEST(CsvWriter, IntsAndTextAtARawPosition) {
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{7}, int64_t{1234567890123},
                    std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    char buf[kMaxNumberChars];
    EXPECT_EQ(std::string(buf, WriteInt(buf, v)), std::to_string(v));
  }
  char buf[64];
  EXPECT_EQ(std::string(buf, WriteCsvText(buf, "plain")), "plain");
  EXPECT_EQ(std::string(buf, WriteCsvText(buf, "")), "\"\"");
  EXPECT_EQ(std::string(buf, WriteCsvText(buf, "\"\"")), "\"\"\"\"\"\"");
  EXPECT_EQ(std::string(buf, WriteCsvText(buf, "a\rb")), "\"a\rb\"");
}

TEST(CsvWriter, TextQuoting) {
  std::string s;
  AppendCsvText(s, "plain");
  s += '|';
  AppendCsvText(s, "a,b");
  s += '|';
  AppendCsvText(s, "say \"hi\"");
  s += '|';
  AppendCsvText(s, "");
  s += '|';
  AppendCsvText(s, "two\nlines");
  EXPECT_EQ(s, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"\"|\"two\nlines\"");
  EXPECT_EQ(HeaderLine({"", "id", "a b"}), "\"\",id,a b\n");
}

TEST(CsvWriter, ValuesByType) {
  StringDictionary dict({"green"});
  int32_t codes[] = {0, 7};
  uint8_t bools[] = {1, 0};
  int64_t ints[] = {INT64_MIN, 3};
  uint8_t valid[] = {1, 0};
  std::string s;
  EXPECT_TRUE(AppendValue(s, ir::Type::kString, TallyColumnView{codes, nullptr}, 0, dict));
  EXPECT_TRUE(AppendValue(s, ir::Type::kBool, TallyColumnView{bools, nullptr}, 0, dict));
  EXPECT_TRUE(AppendValue(s, ir::Type::kBool, TallyColumnView{bools, nullptr}, 1, dict));
  EXPECT_TRUE(AppendValue(s, ir::Type::kInt, TallyColumnView{ints, valid}, 0, dict));
  EXPECT_TRUE(AppendValue(s, ir::Type::kInt, TallyColumnView{ints, valid}, 1, dict));  // null
  EXPECT_EQ(s, "greentruefalse-9223372036854775808");
  EXPECT_FALSE(AppendValue(s, ir::Type::kString, TallyColumnView{codes, nullptr}, 1, dict));
}

TEST(AtomicOutputFile, NothingAppearsUntilPublished) {
  testing::TempDir dir;
  std::string path = dir.File("out.csv");
  testing::WriteAll(path, "old\n");
  {
    auto f = AtomicOutputFile::Create(path);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Write("new\n").ok());
    EXPECT_EQ(testing::ReadAll(path), "old\n");
    // Destroyed unpublished: the old file stays and no temporary file is left.
  }
  EXPECT_EQ(testing::ReadAll(path), "old\n");
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
  EXPECT_EQ(files, 1u);
  auto f = AtomicOutputFile::Create(path);
  ASSERT_TRUE(f.ok());
  std::string seen;
  (*f)->SetChunkObserver([&](std::string_view b, const Chunk&) { seen += b; });
  ASSERT_TRUE((*f)->Write("a,b\n").ok());
  ASSERT_TRUE((*f)->Write("1,2\n").ok());
  std::string reused = "3,4\n";
  ASSERT_TRUE((*f)->WriteBytes(reused).ok());
  reused = "not written";
  ASSERT_TRUE((*f)->file().Publish().ok());
  EXPECT_EQ(testing::ReadAll(path), "a,b\n1,2\n3,4\n");
  EXPECT_EQ(seen, "a,b\n1,2\n3,4\n");
}

}  // namespace
}  // namespace tally::runtime
