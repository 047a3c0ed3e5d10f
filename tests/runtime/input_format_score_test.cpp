// Inputs as they come, end to end through ScoreSource and the reference interpreter: a
// definition that says how its whitespace-aligned file is read, several keys, carried columns
// copied byte for byte, the lineage record's account of both, and paths with "-".
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tally/runtime/lineage.h"
#include "tally/runtime/score_source.h"
#include "test_util.h"

namespace tally {
namespace {

using runtime::testing::ReadAll;
using runtime::testing::TempDir;
using runtime::testing::WriteAll;

std::vector<SourceFilePtr> Source(const std::string& text) {
  return {std::make_shared<SourceFile>("metrics/t.tally", text)};
}

Result<runtime::RunSummary> Score(const std::string& definition, const std::string& name,
                                  runtime::ScoreOptions o) {
  o.progress = runtime::ProgressMode::kNever;
  DiagnosticList diagnostics;
  auto s = ScoreSource(Source(definition), name, KernelFactory{}, std::move(o), diagnostics);
  EXPECT_FALSE(diagnostics.HasErrors()) << Render(diagnostics);
  return s;
}

const char* kPurchases = R"(score cdnow.purchase {
  version 1.0.0
  owner cx
  format whitespace
  header skip
  columns customer, day, quantity, amount
  key customer, day
  input customer : string
  input day : int
  input quantity : int
  input amount : float
  output spend : float = amount * quantity
  output big : bool = amount >= 50.0
}
)";

// The first lines of CDNOW_master.txt as stored (leading space, CRLF, a header line), and two
// bad lines: a quote, and three fields.
const std::string kCdnow =
    " customer_id  date number_of_cds  dollar_value\r\n"
    " 00001 19970101  1   11.77\r\n"
    " 00002 19970112  1   12.00\r\n"
    " 00002 19970112  5   77.00\r\n"
    " 00003 \"19970102\"  2   20.76\r\n"
    " 00003 19970330  2\r\n";

TEST(InputsAsTheyCome, WhitespaceFileReadAsTheDefinitionSays) {
  TempDir dir;
  runtime::ScoreOptions o;
  o.input_path = dir.File("CDNOW_head.txt");
  o.output_path = dir.File("out.csv");
  o.rejects_path = dir.File("rejects.csv");
  o.lineage = runtime::LineageFacts{};
  WriteAll(o.input_path, kCdnow);
  // By hand: 11.77 * 1, 12.00 * 1, 77.00 * 5 = 385; big when the amount is at least 50.
  const std::string want =
      "customer,day,spend,big\n"
      "00001,19970101,11.77,false\n"
      "00002,19970112,12,false\n"
      "00002,19970112,385,true\n";
  for (int threads : {1, 2}) {
    for (int64_t batch : {int64_t{1}, int64_t{2}, int64_t{65536}}) {
      o.threads = threads;
      o.batch_rows = batch;
      auto s = Score(kPurchases, "cdnow.purchase", o);
      ASSERT_TRUE(s.ok()) << s.error().message;
      EXPECT_EQ(ReadAll(o.output_path), want) << threads << " threads, batch " << batch;
      EXPECT_EQ(s->rows_read, 5);
      EXPECT_EQ(s->rows_rejected, 2);
      EXPECT_EQ(ReadAll(o.rejects_path),
                "row,line,column,reason,rule,location\n"
                "4,5,day,a quote in a whitespace-separated field (this format has no quoting),,\n"
                "5,6,,\"expected 4 fields, found 3\",,\n");
    }
  }
  auto record = runtime::ReadLineageRecord(runtime::LineagePath(o.output_path));
  ASSERT_TRUE(record.ok()) << record.error().message;
  ASSERT_TRUE(record->input_layout.has_value());
  EXPECT_EQ(*record->input_layout, (runtime::InputLayout{runtime::InputFormat::kWhitespace, ',',
                                                         runtime::HeaderRule::kSkip,
                                                         {"customer", "day", "quantity", "amount"}}));
  ASSERT_TRUE(record->output_columns.has_value());
  EXPECT_EQ(record->output_columns->keys, (std::vector<std::string>{"customer", "day"}));
  EXPECT_TRUE(record->output_columns->carried.empty());
  EXPECT_EQ(record->output_columns->outputs, (std::vector<std::string>{"spend", "big"}));
  auto j = nlohmann::json::parse(ReadAll(runtime::LineagePath(o.output_path)));
  EXPECT_EQ(j["input_format"].dump(),
            R"({"columns":["customer","day","quantity","amount"],"delimiter":null,"format":"whitespace","header":"skip"})");
}

TEST(InputsAsTheyCome, TheCommandLineCannotChangeWhatTheDefinitionFixes) {
  TempDir dir;
  runtime::ScoreOptions o;
  o.input_path = dir.File("in.txt");
  o.output_path = dir.File("out.csv");
  WriteAll(o.input_path, kCdnow);
  o.input.format = runtime::InputFormat::kCsv;
  auto s = Score(kPurchases, "cdnow.purchase", o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "--format csv: cdnow.purchase fixes how its input is read (format whitespace); the command line may "
            "repeat it, not change it");
  EXPECT_FALSE(std::filesystem::exists(o.output_path));
  // Repeating it is fine.
  o.input.format = runtime::InputFormat::kWhitespace;
  o.input.header = runtime::HeaderRule::kSkip;
  EXPECT_TRUE(Score(kPurchases, "cdnow.purchase", o).ok());
}

const char* kCarry = R"(score crm.flag {
  version 1.0.0
  owner cx
  key id, site
  carry email, plan
  input id : int
  input site : string
  input n : int
  output twice : int = n * 2
}
)";

TEST(InputsAsTheyCome, KeysInOrderThenCarriedColumnsByteForByte) {
  TempDir dir;
  runtime::ScoreOptions o;
  o.input_path = dir.File("in.csv");
  o.output_path = dir.File("out.csv");
  o.rejects_path = dir.File("rejects.csv");
  o.lineage = runtime::LineageFacts{};
  // The carried fields: a comma inside quotes, "" (the empty string), an unquoted empty field
  // (missing), blanks kept, a leading zero kept (the int key reads 00017 as 17), and a byte
  // that is not UTF-8, which rejects its row naming the column.
  WriteAll(o.input_path,
           "email,id,n,plan,site,unused\n"
           "a@x.org,00017,1,\"Pro, annual\",eu,z\n"
           "\"\",2,2,,us,z\n"
           " spaced ,3,3,007,eu,z\n"
           "bad\xE9,4,4,p,eu,z\n");
  const std::string want =
      "id,site,email,plan,twice\n"
      "17,eu,a@x.org,\"Pro, annual\",2\n"
      "2,us,\"\",,4\n"
      "3,eu, spaced ,007,6\n";
  for (int threads : {1, 2}) {
    for (int64_t batch : {int64_t{1}, int64_t{3}, int64_t{65536}}) {
      o.threads = threads;
      o.batch_rows = batch;
      auto s = Score(kCarry, "crm.flag", o);
      ASSERT_TRUE(s.ok()) << s.error().message;
      EXPECT_EQ(ReadAll(o.output_path), want) << threads << " threads, batch " << batch;
      EXPECT_EQ(ReadAll(o.rejects_path),
                "row,line,column,reason,rule,location\n"
                "4,5,email,not valid UTF-8 at byte 4,,\n");
    }
  }
  auto record = runtime::ReadLineageRecord(runtime::LineagePath(o.output_path));
  ASSERT_TRUE(record.ok()) << record.error().message;
  ASSERT_TRUE(record->output_columns.has_value());
  EXPECT_EQ(record->output_columns->keys, (std::vector<std::string>{"id", "site"}));
  EXPECT_EQ(record->output_columns->carried, (std::vector<std::string>{"email", "plan"}));
  EXPECT_EQ(record->output_columns->outputs, (std::vector<std::string>{"twice"}));
  EXPECT_EQ(*record->input_layout, runtime::InputLayout{});  // CSV, commas, a header
}

TEST(InputsAsTheyCome, SemicolonsFromTheCommandLineWithColumnsAndNoHeader) {
  TempDir dir;
  runtime::ScoreOptions o;
  o.input_path = dir.File("in.csv");
  o.output_path = dir.File("out.csv");
  o.input.delimiter = ';';
  o.input.columns = std::vector<std::string>{"n", "id", "site", "email", "plan"};
  WriteAll(o.input_path, "5;1;eu;\"a;b\";x\n6;2;us;c;\n");
  auto s = Score(kCarry, "crm.flag", o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(ReadAll(o.output_path), "id,site,email,plan,twice\n1,eu,a;b,x,10\n2,us,c,,12\n");
}

TEST(InputsAsTheyCome, StandardStreamsInPaths) {
  runtime::ScoreOptions o;
  o.input_path = "-";
  o.output_path = "-";
  o.lineage = runtime::LineageFacts{};
  auto needs_record = runtime::CheckPaths(o);
  ASSERT_FALSE(needs_record.ok());
  EXPECT_NE(needs_record.message().find("name one with --lineage FILE"), std::string::npos);
  o.lineage_path = "rec.json";
  EXPECT_TRUE(runtime::CheckPaths(o).ok());  // "-" and "-" are two streams, not one file
  o.rejects_path = "-";
  EXPECT_FALSE(runtime::CheckPaths(o).ok());
  o.rejects_path.clear();
  o.output_path = "out.csv";
  auto beside = runtime::CheckPaths(o);
  ASSERT_FALSE(beside.ok());
  EXPECT_NE(beside.message().find("is for --output -"), std::string::npos) << beside.message();
}

TEST(InputsAsTheyCome, RecordsWithoutTheNewFieldsStillRead) {
  runtime::LineageRecord r;
  r.definition = "a.b";
  r.kind = "score";
  r.version = "1.0.0";
  r.commit = "ungoverned";
  const std::string old_text = runtime::LineageJson(r);
  ASSERT_EQ(old_text.find("input_format"), std::string::npos);
  auto old = runtime::ParseLineageRecord(old_text, "old.json");
  ASSERT_TRUE(old.ok()) << old.error().message;
  EXPECT_FALSE(old->input_layout.has_value());
  EXPECT_FALSE(old->output_columns.has_value());
  // And the new ones round-trip, a tab delimiter included.
  r.input_layout = runtime::InputLayout{runtime::InputFormat::kCsv, '\t', runtime::HeaderRule::kNone, {"a", "b"}};
  r.output_columns = runtime::LineageRecord::OutputColumns{{"a"}, {"b"}, {"c"}};
  auto back = runtime::ParseLineageRecord(runtime::LineageJson(r), "new.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, r);
  auto bad = runtime::ParseLineageRecord(
      runtime::LineageJson(r).replace(runtime::LineageJson(r).find("\"none\""), 6, "\"some\""), "bad.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "bad.json: not a lineage record: field \"input_format.header\" is \"some\", not names, none or skip");
}

}  // namespace
}  // namespace tally
