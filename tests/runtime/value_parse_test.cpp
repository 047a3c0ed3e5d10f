#include "tally/runtime/value_parse.h"

#include <gtest/gtest.h>

namespace tally::runtime {
namespace {

TEST(ValueParse, Int) {
  int64_t v = 0;
  std::string why;
  EXPECT_TRUE(ParseInt("42", v, why));
  EXPECT_EQ(v, 42);
  EXPECT_TRUE(ParseInt(" -7\t", v, why));
  EXPECT_EQ(v, -7);
  EXPECT_TRUE(ParseInt("00017", v, why));  // CDNOW-style zero padding
  EXPECT_EQ(v, 17);
  EXPECT_TRUE(ParseInt("-9223372036854775808", v, why));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_TRUE(ParseInt("9223372036854775807", v, why));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_FALSE(ParseInt("9223372036854775808", v, why));
  EXPECT_EQ(why, "integer out of range: \"9223372036854775808\"");
  for (const char* bad : {"1.0", "+1", "1e3", "12abc", "0x10", "--1", "1 2"}) {
    EXPECT_FALSE(ParseInt(bad, v, why)) << bad;
    EXPECT_EQ(why, std::string("not an integer: \"") + bad + "\"");
  }
}

TEST(ValueParse, Float) {
  double v = 0;
  std::string why;
  EXPECT_TRUE(ParseFloat("29.85", v, why));
  EXPECT_EQ(v, 29.85);
  EXPECT_TRUE(ParseFloat(" 20 ", v, why));
  EXPECT_EQ(v, 20.0);
  EXPECT_TRUE(ParseFloat("-1.5e3", v, why));
  EXPECT_EQ(v, -1500.0);
  EXPECT_TRUE(ParseFloat("1e-400", v, why));  // underflows to zero: a finite, correctly rounded value
  EXPECT_EQ(v, 0.0);
  EXPECT_TRUE(ParseFloat("1.7976931348623157e308", v, why));
  EXPECT_EQ(v, 1.7976931348623157e308);
  for (const char* bad : {"inf", "-inf", "nan", "NaN", "infinity", "1e400", "-1e999"}) {
    EXPECT_FALSE(ParseFloat(bad, v, why)) << bad;
    EXPECT_EQ(why, std::string("not a finite number: \"") + bad + "\"");
  }
  for (const char* bad : {"abc", "1.2.3", "1e", "12,5", "$5", "1 000"}) {
    EXPECT_FALSE(ParseFloat(bad, v, why)) << bad;
    EXPECT_EQ(why, std::string("not a number: \"") + bad + "\"");
  }
}

TEST(ValueParse, Bool) {
  uint8_t v = 9;
  std::string why;
  for (const char* t : {"true", "TRUE", "True", "1", " true "}) {
    EXPECT_TRUE(ParseBool(t, v, why)) << t;
    EXPECT_EQ(v, 1) << t;
  }
  for (const char* f : {"false", "FALSE", "False", "0"}) {
    EXPECT_TRUE(ParseBool(f, v, why)) << f;
    EXPECT_EQ(v, 0) << f;
  }
  for (const char* bad : {"yes", "No", "2", "t", ""}) EXPECT_FALSE(ParseBool(bad, v, why)) << bad;
}

TEST(ValueParse, LongTextIsShortenedInMessages) {
  int64_t v = 0;
  std::string why;
  EXPECT_FALSE(ParseInt(std::string(100, 'x'), v, why));
  EXPECT_EQ(why, "not an integer: \"" + std::string(40, 'x') + "...\"");
}

}  // namespace
}  // namespace tally::runtime
