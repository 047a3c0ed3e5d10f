#include "tally/runtime/batch_builder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <random>
#include <set>

#include "test_util.h"

namespace tally::runtime {
namespace {

using testing::Col;
using testing::ProgramWithInputs;

// Reads a whole CSV into batches of `batch_rows`.
std::vector<InputBatch> BuildAll(const ir::Program& program, std::unique_ptr<CsvReader> reader,
                                 int64_t batch_rows, std::vector<ColumnMapping> map = {},
                                 DictionaryScope scope = DictionaryScope::kPerBatch) {
  auto header = reader->ReadHeader();
  EXPECT_TRUE(header.ok());
  auto binding = BindColumns(program, *header, map, "in.csv");
  EXPECT_TRUE(binding.ok()) << (binding.ok() ? "" : binding.error().message);
  BatchBuilder builder(program, *binding, batch_rows, scope);
  std::vector<InputBatch> out;
  CsvRecord r;
  while (*reader->Next(r)) {
    builder.Add(r);
    if (builder.full()) out.push_back(builder.Take());
  }
  if (builder.records() > 0) out.push_back(builder.Take());
  return out;
}

TEST(Binding, MissingColumnsAreAllReportedBeforeAnyWork) {
  auto p = ProgramWithInputs({Col("a", ir::Type::kInt), Col("b", ir::Type::kFloat, true),
                              Col("c", ir::Type::kString)});
  auto b = BindColumns(p, {"a", "x", "y"}, {}, "in.csv");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().message,
            "in.csv has no column \"b\" for input b : float?; bind another column with --map "
            "b=COLUMN (columns: a, x, y)\n"
            "in.csv has no column \"c\" for input c : string; bind another column with --map "
            "c=COLUMN (columns: a, x, y)");
}

TEST(Binding, MapBindsAnyColumnIncludingTheEmptyName) {
  auto p = ProgramWithInputs({Col("id", ir::Type::kInt), Col("rating", ir::Type::kInt)});
  auto m1 = ParseColumnMapping("id=");
  auto m2 = ParseColumnMapping("rating=loy3");
  ASSERT_TRUE(m1.ok() && m2.ok());
  auto b = BindColumns(p, {"", "sat1", "loy3"}, {*m1, *m2}, "in.csv");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->column_of_input, (std::vector<size_t>{0, 2}));
  EXPECT_FALSE(ParseColumnMapping("=x").ok());
  EXPECT_FALSE(ParseColumnMapping("nox").ok());
  auto unknown = BindColumns(p, {"id", "rating"}, {ColumnMapping{"nope", "id"}}, "in.csv");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message,
            "--map nope=id: test.program has no input 'nope' (inputs: id, rating)");
  auto dup = BindColumns(p, {"id", "rating", "id"}, {}, "in.csv");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().message, "in.csv has 2 columns named \"id\", so input id : int is ambiguous");
}

TEST(BatchBuilder, TypedColumnsNullsRejectsAndBatches) {
  auto p = ProgramWithInputs({Col("k", ir::Type::kString), Col("n", ir::Type::kInt),
                              Col("x", ir::Type::kFloat, true), Col("f", ir::Type::kBool),
                              Col("s", ir::Type::kString, true)});
  p.string_constants = {"green", "amber"};
  // Instructions read k and s, so their strings are deduplicated against the constants.
  for (uint32_t input : {0u, 4u}) {
    ir::Instruction read;
    read.op = ir::Op::kInput;
    read.type = ir::Type::kString;
    read.index = input;
    p.row_code.push_back(read);
  }
  const std::string csv =
      "k,n,x,f,s\n"
      "amber,1,1.5,true,\n"     // row 1: s null (unquoted empty)
      "a2,2, ,0,\"\"\n"         // row 2: x null (blank), s is the empty string
      "a3,x,1,1,q\n"            // row 3: reject n
      "a4,4,2,maybe,q\n"        // row 4: reject f
      ",5,3,1,q\n"              // row 5: reject k (missing, not nullable)
      "a6,6,inf,1,q\n"          // row 6: reject x
      "a7,7,,false,green\n"     // row 7: fine
      "a8,8\n";                 // row 8: field count
  auto batches = BuildAll(p, CsvReader::FromString(csv), 4);
  // A batch closes after 4 records: rows 1-2 with the rejects 3-4, then row 7 with 5, 6, 8.
  ASSERT_EQ(batches.size(), 2u);
  const InputBatch& b0 = batches[0];
  EXPECT_EQ(b0.rows, 2);
  EXPECT_EQ(b0.records, 4);
  EXPECT_EQ(b0.dictionary->Get(b0.columns[0].codes[0]), "amber");
  EXPECT_EQ(b0.columns[0].codes[0], 1);  // seeded: constant "amber" keeps code 1
  EXPECT_EQ(b0.columns[1].ints[1], 2);
  EXPECT_EQ(b0.columns[2].valid[0], 1);
  EXPECT_EQ(b0.columns[2].floats[0], 1.5);
  EXPECT_EQ(b0.columns[2].valid[1], 0);
  EXPECT_EQ(b0.columns[3].bools[0], 1);
  EXPECT_EQ(b0.columns[3].bools[1], 0);
  EXPECT_EQ(b0.columns[4].valid[0], 0);
  EXPECT_EQ(b0.columns[4].valid[1], 1);
  EXPECT_EQ(b0.dictionary->Get(b0.columns[4].codes[1]), "");
  ASSERT_EQ(b0.rejects.size(), 2u);
  EXPECT_EQ(b0.rejects[0].row, 3);
  EXPECT_EQ(b0.rejects[0].column, "n");
  EXPECT_EQ(b0.rejects[0].reason, "not an integer: \"x\"");
  EXPECT_EQ(b0.rejects[1].column, "f");
  EXPECT_EQ(b0.rejects[1].reason, "not a bool (true, false, 1 or 0): \"maybe\"");

  const InputBatch& b1 = batches[1];
  EXPECT_EQ(b1.rows, 1);
  EXPECT_EQ(b1.records, 4);
  EXPECT_EQ(b1.row_numbers, (std::vector<int64_t>{7}));
  EXPECT_EQ(b1.line_numbers, (std::vector<int64_t>{8}));
  EXPECT_EQ(b1.columns[4].codes[0], 0);  // "green" is constant 0
  ASSERT_EQ(b1.rejects.size(), 3u);
  EXPECT_EQ(b1.rejects[0].row, 5);
  EXPECT_EQ(b1.rejects[0].column, "k");
  EXPECT_EQ(b1.rejects[0].reason, "missing value for non-nullable input k");
  EXPECT_EQ(b1.rejects[1].reason, "not a finite number: \"inf\"");
  EXPECT_EQ(b1.rejects[2].row, 8);
  EXPECT_EQ(b1.rejects[2].line, 9);
  EXPECT_EQ(b1.rejects[2].column, "");
  EXPECT_EQ(b1.rejects[2].reason, "expected 5 fields, found 2");
}

// A string input that no instruction reads (a key only copied out) is stored without
// deduplication: equal texts may get different codes, but each code reads back its text.
TEST(BatchBuilder, UnreadStringInputsAreNotDeduplicated) {
  auto p = ProgramWithInputs({Col("id", ir::Type::kString), Col("v", ir::Type::kInt)});
  p.string_constants = {"x"};
  auto batches = BuildAll(p, CsvReader::FromString("id,v\nx,1\nx,2\ny,3\n"), 100);
  ASSERT_EQ(batches.size(), 1u);
  const InputBatch& b = batches[0];
  EXPECT_EQ(b.columns[0].codes, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(b.dictionary->Get(1), "x");
  EXPECT_EQ(b.dictionary->Get(3), "y");
  // A metric groups by code, so there every string is deduplicated.
  auto metric = BuildAll(p, CsvReader::FromString("id,v\nx,1\nx,2\ny,3\n"), 100, {},
                         DictionaryScope::kPerRun);
  EXPECT_EQ(metric[0].columns[0].codes, (std::vector<int32_t>{0, 0, 1}));
}

TEST(BatchBuilder, RegionSelectsTheVariant) {
  auto p = ProgramWithInputs({Col("region", ir::Type::kString, true), Col("v", ir::Type::kInt)});
  p.variants = {"", "emea", "apac"};
  p.region_input = 0;
  auto batches =
      BuildAll(p, CsvReader::FromString("region,v\nemea,1\namer,2\napac,3\n,4\nEMEA,5\n"), 100);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].variants,
            (std::vector<uint16_t>{1, 0, 2, 0, 0}));  // exact match: "EMEA" is not "emea"
}

// telco-churn: TotalCharges holds 11 single-space fields, exactly the rows with tenure 0
// (SOURCE.md). Blank = null in a nullable float column; SOURCE.md's sum of the non-blank
// values is 16,056,168.70 and of MonthlyCharges 456,116.60.
TEST(BatchBuilder, TelcoTotalChargesBlankIsNull) {
  auto p = ProgramWithInputs({Col("id", ir::Type::kString), Col("tenure", ir::Type::kInt),
                              Col("total", ir::Type::kFloat, true),
                              Col("MonthlyCharges", ir::Type::kFloat)});
  auto reader = CsvReader::Open(testing::SharedData("telco-churn/Telco-Customer-Churn.csv"));
  ASSERT_TRUE(reader.ok());
  auto batches = BuildAll(p, std::move(*reader), 1000,
                          {ColumnMapping{"id", "customerID"}, ColumnMapping{"total", "TotalCharges"}});
  int64_t rows = 0, nulls = 0, null_with_tenure0 = 0, rejects = 0;
  double total = 0, monthly = 0;
  std::set<std::string> null_ids;
  for (const InputBatch& b : batches) {
    rows += b.rows;
    rejects += static_cast<int64_t>(b.rejects.size());
    for (int64_t r = 0; r < b.rows; ++r) {
      size_t i = static_cast<size_t>(r);
      monthly += b.columns[3].floats[i];
      if (b.columns[2].valid[i]) {
        total += b.columns[2].floats[i];
      } else {
        ++nulls;
        null_ids.insert(std::string(b.dictionary->Get(b.columns[0].codes[i])));
        if (b.columns[1].ints[i] == 0) ++null_with_tenure0;
      }
    }
  }
  EXPECT_EQ(rows, 7043);
  EXPECT_EQ(rejects, 0);
  EXPECT_EQ(nulls, 11);
  EXPECT_EQ(null_with_tenure0, 11);
  EXPECT_EQ(null_ids, (std::set<std::string>{"4472-LVYGI", "3115-CZMZD", "5709-LVOEQ",
                                             "4367-NUYAO", "1371-DWPAZ", "7644-OMVMY",
                                             "3213-VVOLG", "2520-SGTTA", "2923-ARZLG",
                                             "4075-WKNIU", "2775-SEFEE"}));
  EXPECT_NEAR(total, 16056168.70, 1e-3);
  EXPECT_NEAR(monthly, 456116.60, 1e-4);
}

// The same column as a non-nullable float: the 11 blank rows are rejects, "missing value".
TEST(BatchBuilder, TelcoTotalChargesBlankIsMissingWhenNotNullable) {
  auto p = ProgramWithInputs({Col("TotalCharges", ir::Type::kFloat)});
  auto reader = CsvReader::Open(testing::SharedData("telco-churn/Telco-Customer-Churn.csv"));
  ASSERT_TRUE(reader.ok());
  auto batches = BuildAll(p, std::move(*reader), 65536);
  int64_t rows = 0;
  std::vector<RejectRecord> rejects;
  for (const InputBatch& b : batches) {
    rows += b.rows;
    rejects.insert(rejects.end(), b.rejects.begin(), b.rejects.end());
  }
  EXPECT_EQ(rows, 7032);
  ASSERT_EQ(rejects.size(), 11u);
  for (const RejectRecord& r : rejects) {
    EXPECT_EQ(r.column, "TotalCharges");
    EXPECT_EQ(r.reason, "missing value for non-nullable input TotalCharges");
    EXPECT_EQ(r.line, r.row + 1);  // no quoted line breaks in this file
  }
  // The first blank TotalCharges is customer 4472-LVYGI, data row 489 (line 490) of the file.
  EXPECT_EQ(rejects[0].row, 489);
}

// ReadFrom's plain-record path (fields parsed straight from the reader's buffer) against the
// general path (Next + Add, record by record), on random CSV full of what the plain path must
// hand over: quotes with embedded line breaks, CRLF and lone CR (also split across chunks),
// blank lines, wrong field counts, stray quotes, blanks around values, unparsable and
// overflowing numbers, missing values, overlong records. Every batch must be the same: rows,
// values, validity, string codes and texts, variants, row and line numbers, rejects.
std::string RandomField(std::mt19937_64& rng, int kind) {
  auto pick = [&](std::initializer_list<const char*> xs) {
    auto it = xs.begin();
    std::advance(it, static_cast<long>(rng() % xs.size()));
    return std::string(*it);
  };
  auto digits = [&](int n) {
    std::string d;
    for (int i = 0; i < n; ++i) d += static_cast<char>('0' + rng() % 10);
    return d;
  };
  const unsigned roll = static_cast<unsigned>(rng() % 100);
  switch (kind) {
    case 0:  // int
      if (roll < 70) return (rng() % 4 == 0 ? "-" : "") + digits(1 + static_cast<int>(rng() % 8));
      if (roll < 80) return (rng() % 2 ? "-" : "") + digits(17 + static_cast<int>(rng() % 4));
      return pick({"", " ", " 12", "7 ", "\t-3", "+1", "1.0", "x", "-", "9223372036854775807",
                   "-9223372036854775808", "9223372036854775808", "00017", "\"42\"", "\"\""});
    case 1:  // float
      if (roll < 50) return std::to_string(static_cast<int>(rng() % 2000) - 1000) + "." + digits(2);
      if (roll < 70) {  // up to 18 digits around the point: both sides of the 15-digit fast path
        std::string t = (rng() % 3 == 0 ? "-" : "") + digits(static_cast<int>(rng() % 10));
        if (rng() % 4) t += "." + digits(static_cast<int>(rng() % 9));
        return t;
      }
      return pick({"", " ", "1e3", "-1.5e-3", ".5", "5.", "inf", "nan", "1e999", "1e-400",
                   " 2.5 ", "1,5", "\"3.25\"", "\"1,5\"", "abc", "0x10"});
    case 2:  // bool
      return pick({"true", "false", "TRUE", "False", "1", "0", "", " ", "yes", " true ", "\"0\""});
    case 3:  // string
      if (roll < 60) return "k" + digits(1 + static_cast<int>(rng() % 6));
      return pick({"", "\"\"", "\" \"", "\"a,b\"", "\"two\nlines\"", "\"cr\r\nlf\"", "\"say \"\"hi\"\"\"",
                   "emea", "apac", "EMEA", "bad\"quote", "\"closed\"junk", " spaced "});
    default:  // region
      return pick({"emea", "apac", "na", "", "emea", "\"emea\""});
  }
}

// With another `delimiter`, the same fields (so a quoted "a,b" and an unquoted 1,5 are one
// field there too) around it instead of commas.
std::string RandomCsv(std::mt19937_64& rng, int records, char delimiter = ',') {
  std::string csv = rng() % 3 == 0 ? "\xEF\xBB\xBF" : "";
  csv += std::string("s,n,f,b,r,unused\n");
  if (delimiter != ',') std::replace(csv.begin(), csv.end(), ',', delimiter);
  for (int i = 0; i < records; ++i) {
    const unsigned roll = static_cast<unsigned>(rng() % 100);
    if (roll < 2) {
      csv += rng() % 2 ? "\n" : "\r\n";  // a blank line
      continue;
    }
    int fields = 6;
    if (roll < 5) fields = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < fields; ++f) {
      if (f) csv += delimiter;
      const int kind = f == 0 ? 3 : f == 1 ? 0 : f == 2 ? 1 : f == 3 ? 2 : f == 4 ? 4 : 3;
      csv += RandomField(rng, kind);
    }
    const unsigned end = static_cast<unsigned>(rng() % 10);
    csv += end < 7 ? "\n" : end < 9 ? "\r\n" : "\r";
  }
  if (rng() % 2) {
    std::string last = "last,1,2.5,true,emea,x";  // no final line end
    std::replace(last.begin(), last.end(), ',', delimiter);
    csv += last;
  }
  return csv;
}

std::vector<InputBatch> BuildPlain(const ir::Program& program, std::unique_ptr<CsvReader> reader,
                                   int64_t batch_rows, DictionaryScope scope, int64_t* plain) {
  auto header = reader->ReadHeader();
  EXPECT_TRUE(header.ok());
  auto binding = BindColumns(program, *header, {}, "in.csv");
  EXPECT_TRUE(binding.ok());
  BatchBuilder builder(program, *binding, batch_rows, scope);
  std::vector<InputBatch> out;
  for (;;) {
    auto full = builder.ReadFrom(*reader);
    EXPECT_TRUE(full.ok());
    if (!full.ok() || !*full) break;
    out.push_back(builder.Take());
  }
  if (builder.records() > 0) out.push_back(builder.Take());
  *plain += builder.plain_records();
  return out;
}

void ExpectSameBatches(const std::vector<InputBatch>& want, const std::vector<InputBatch>& got,
                       const std::string& what) {
  ASSERT_EQ(want.size(), got.size()) << what;
  for (size_t i = 0; i < want.size(); ++i) {
    const InputBatch& a = want[i];
    const InputBatch& b = got[i];
    const std::string where = what + " batch " + std::to_string(i);
    ASSERT_EQ(a.rows, b.rows) << where;
    EXPECT_EQ(a.records, b.records) << where;
    EXPECT_EQ(a.row_numbers, b.row_numbers) << where;
    EXPECT_EQ(a.line_numbers, b.line_numbers) << where;
    EXPECT_EQ(a.variants, b.variants) << where;
    ASSERT_EQ(a.rejects.size(), b.rejects.size()) << where;
    for (size_t r = 0; r < a.rejects.size(); ++r) {
      EXPECT_EQ(a.rejects[r].row, b.rejects[r].row) << where;
      EXPECT_EQ(a.rejects[r].line, b.rejects[r].line) << where;
      EXPECT_EQ(a.rejects[r].column, b.rejects[r].column) << where;
      EXPECT_EQ(a.rejects[r].reason, b.rejects[r].reason) << where;
    }
    ASSERT_EQ(a.columns.size(), b.columns.size());
    for (size_t c = 0; c < a.columns.size(); ++c) {
      EXPECT_EQ(a.columns[c].valid, b.columns[c].valid) << where << " column " << c;
      EXPECT_EQ(a.columns[c].ints, b.columns[c].ints) << where << " column " << c;
      EXPECT_EQ(a.columns[c].bools, b.columns[c].bools) << where << " column " << c;
      EXPECT_EQ(a.columns[c].codes, b.columns[c].codes) << where << " column " << c;
      ASSERT_EQ(a.columns[c].floats.size(), b.columns[c].floats.size());
      for (size_t r = 0; r < a.columns[c].floats.size(); ++r) {
        EXPECT_EQ(std::bit_cast<uint64_t>(a.columns[c].floats[r]),
                  std::bit_cast<uint64_t>(b.columns[c].floats[r]))
            << where << " column " << c << " row " << r;
      }
      for (size_t r = 0; r < a.columns[c].codes.size(); ++r) {
        if (!a.columns[c].valid[r]) continue;
        EXPECT_EQ(a.dictionary->Get(a.columns[c].codes[r]), b.dictionary->Get(b.columns[c].codes[r]))
            << where << " column " << c << " row " << r;
      }
    }
  }
}

TEST(BatchBuilder, PlainRecordPathEqualsTheGeneralPath) {
  auto p = ProgramWithInputs({Col("s", ir::Type::kString), Col("n", ir::Type::kInt),
                              Col("f", ir::Type::kFloat, true), Col("b", ir::Type::kBool, true),
                              Col("r", ir::Type::kString, true)});
  p.variants = {"", "emea", "apac"};
  p.region_input = 4;
  p.string_constants = {"emea", "k1"};
  std::mt19937_64 rng(20261124);
  int64_t plain_records = 0;
  int64_t rows = 0;
  for (int round = 0; round < 6; ++round) {
    const std::string csv = RandomCsv(rng, 2000);
    for (size_t chunk : {size_t{64}, size_t{100}, size_t{257}, size_t{4096}, size_t{1} << 20}) {
      for (int64_t batch : {int64_t{3}, int64_t{1000}, int64_t{65536}}) {
        for (DictionaryScope scope : {DictionaryScope::kPerBatch, DictionaryScope::kPerRun}) {
          CsvOptions options;
          options.chunk_bytes = chunk;
          options.max_record_bytes = round % 3 == 2 ? 30 : size_t{8} << 20;
          const std::string what = "round " + std::to_string(round) + " chunk " +
                                   std::to_string(chunk) + " batch " + std::to_string(batch);
          auto want = BuildAll(p, CsvReader::FromString(csv, options), batch, {}, scope);
          auto got = BuildPlain(p, CsvReader::FromString(csv, options), batch, scope,
                                &plain_records);
          ExpectSameBatches(want, got, what);
          if (HasFatalFailure()) return;
          for (const InputBatch& b : got) rows += b.rows;
        }
      }
    }
  }
  // Most good rows went the plain way (the rest: quotes, chunk ends, bad values).
  EXPECT_GT(plain_records, rows / 8) << rows;
}

// The same oracle for other delimiters (`--delimiter`): the plain path's scanner looks for the
// delimiter given, and RFC 4180 quoting still applies around it. A tab also sits next to
// values with blanks around them ("\t-3"), which the general path trims.
TEST(BatchBuilder, PlainRecordPathEqualsTheGeneralPathForOtherDelimiters) {
  auto p = ProgramWithInputs({Col("s", ir::Type::kString), Col("n", ir::Type::kInt),
                              Col("f", ir::Type::kFloat, true), Col("b", ir::Type::kBool, true),
                              Col("r", ir::Type::kString, true)});
  p.variants = {"", "emea", "apac"};
  p.region_input = 4;
  p.string_constants = {"emea", "k1"};
  std::mt19937_64 rng(20261204);
  int64_t plain_records = 0;
  int64_t rows = 0;
  for (char delimiter : {';', '\t', '|', ' '}) {
    for (int round = 0; round < 2; ++round) {
      const std::string csv = RandomCsv(rng, 2000, delimiter);
      for (size_t chunk : {size_t{64}, size_t{257}, size_t{1} << 20}) {
        for (int64_t batch : {int64_t{3}, int64_t{65536}}) {
          for (DictionaryScope scope : {DictionaryScope::kPerBatch, DictionaryScope::kPerRun}) {
            CsvOptions options;
            options.delimiter = delimiter;
            options.chunk_bytes = chunk;
            options.max_record_bytes = round == 1 ? 30 : size_t{8} << 20;
            const std::string what = std::string("delimiter '") + delimiter + "' round " + std::to_string(round) +
                                     " chunk " + std::to_string(chunk) + " batch " + std::to_string(batch);
            auto want = BuildAll(p, CsvReader::FromString(csv, options), batch, {}, scope);
            auto got = BuildPlain(p, CsvReader::FromString(csv, options), batch, scope, &plain_records);
            ExpectSameBatches(want, got, what);
            if (HasFatalFailure()) return;
            for (const InputBatch& b : got) rows += b.rows;
          }
        }
      }
    }
  }
  EXPECT_GT(plain_records, rows / 8) << rows;
}

TEST(StringDictionary, ConstantsKeepTheirCodes) {
  StringDictionary d({"a", "b", "a"});
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.Get(2), "a");
  EXPECT_EQ(d.Intern("b"), 1);
  EXPECT_EQ(d.Intern("c"), 3);
  EXPECT_EQ(d.Find("zz"), -1);
  EXPECT_EQ(d.ToVector(), (std::vector<std::string>{"a", "b", "a", "c"}));
}

TEST(StringDictionary, ManyAndLongStringsKeepStableViews) {
  StringDictionary d({"k"});
  const std::string big(100000, 'z');
  std::string_view first = d.Get(d.Intern("s0"));
  const char* big_ptr = d.Get(d.Intern(big)).data();
  for (int i = 0; i < 100000; ++i) {
    ASSERT_EQ(d.Intern("s" + std::to_string(i)), i == 0 ? 1 : i + 2) << i;
  }
  EXPECT_EQ(d.size(), 100002u);
  EXPECT_EQ(d.Intern(big), 2);
  EXPECT_EQ(d.Find("s99999"), 100001);
  EXPECT_EQ(d.Find("s100000"), -1);
  EXPECT_EQ(d.Intern(""), 100002);
  EXPECT_EQ(d.Get(100002), "");
  // Views taken early still point at the same text after the table and blocks grew.
  EXPECT_EQ(first, "s0");
  EXPECT_EQ(d.Get(2).data(), big_ptr);
  EXPECT_EQ(d.Get(2), big);
  EXPECT_EQ(d.Get(5).data()[d.Get(5).size()], '\0');
}

}  // namespace
}  // namespace tally::runtime
