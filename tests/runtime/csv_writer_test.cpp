#include "tally/runtime/csv_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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

TEST(AtomicOutputFile, NothingAppearsUntilCommit) {
  testing::TempDir dir;
  std::string path = dir.File("out.csv");
  testing::WriteAll(path, "old\n");
  {
    auto f = AtomicOutputFile::Create(path);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Write("new\n").ok());
    EXPECT_EQ(testing::ReadAll(path), "old\n");
    // Destroyed without Commit: the old file stays and no temporary file is left.
  }
  EXPECT_EQ(testing::ReadAll(path), "old\n");
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
  EXPECT_EQ(files, 1u);
  auto f = AtomicOutputFile::Create(path);
  ASSERT_TRUE(f.ok());
  std::string seen;
  (*f)->SetChunkObserver([&](Chunk c) { seen += *c; });
  ASSERT_TRUE((*f)->Write("a,b\n").ok());
  ASSERT_TRUE((*f)->Write("1,2\n").ok());
  ASSERT_TRUE((*f)->Commit().ok());
  EXPECT_EQ(testing::ReadAll(path), "a,b\n1,2\n");
  EXPECT_EQ(seen, "a,b\n1,2\n");
}

}  // namespace
}  // namespace tally::runtime
