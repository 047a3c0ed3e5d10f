// The function registry (functions.h) against the op table and the reference: each entry
// lowers to an op whose result rule fits the entry's, and each is documented.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "functions.h"
#include "tally/compiler/ir_ops.h"

namespace tally {
namespace {

std::string LanguageReference() {
  std::ifstream in(std::string(TALLY_SOURCE_DIR) + "/docs/language.md");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Registry, EveryFunctionLowersToAnOpWhoseResultFits) {
  using R = FunctionSpec::Result;
  using OR = ir::OpInfo::Result;
  for (const FunctionSpec& f : AllFunctions()) {
    OR op_result = ir::InfoOf(f.op).result;
    switch (f.result) {
      case R::kSameNumeric: case R::kWidestNumeric: EXPECT_EQ(op_result, OR::kNumeric) << f.name; break;
      case R::kFloat: EXPECT_EQ(op_result, OR::kFloat) << f.name; break;
      case R::kBool: EXPECT_EQ(op_result, OR::kBool) << f.name; break;
      case R::kUnified: EXPECT_EQ(op_result, OR::kAny) << f.name; break;
      case R::kDatesToInt: case R::kToInt: EXPECT_EQ(op_result, OR::kInt) << f.name; break;
      case R::kDatesToDate: case R::kAddDays: EXPECT_EQ(op_result, OR::kDate) << f.name; break;
      case R::kToFloat: EXPECT_EQ(op_result, OR::kFloat) << f.name; break;
      case R::kStringFunction:
        EXPECT_TRUE(ir::IsStringCall(f.op)) << f.name;
        EXPECT_TRUE(op_result == OR::kString || op_result == OR::kInt || op_result == OR::kBool) << f.name;
        break;
    }
    EXPECT_EQ(FindFunction(f.name), &f);
  }
}

TEST(Registry, EveryFunctionAndAggregateIsInTheLanguageReference) {
  std::string doc = LanguageReference();
  ASSERT_FALSE(doc.empty());
  for (const FunctionSpec& f : AllFunctions())
    EXPECT_NE(doc.find(std::string("`") + f.name + "("), std::string::npos) << f.name << " is not in docs/language.md";
  for (const AggregateSpec& a : AllAggregates())
    EXPECT_NE(doc.find(std::string("`") + a.name + "("), std::string::npos) << a.name << " is not in docs/language.md";
}

TEST(Registry, NamesThatAreBothTakeTheAggregateWithFewerArguments) {
  // min(x) is the aggregate, min(a, b) the function: the rule the checker applies.
  for (const AggregateSpec& a : AllAggregates()) {
    if (const FunctionSpec* f = FindFunction(a.name)) EXPECT_GE(f->min_args, 2u) << a.name;
  }
}

}  // namespace
}  // namespace tally
