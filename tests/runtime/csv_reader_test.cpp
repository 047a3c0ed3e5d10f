#include "tally/runtime/csv_reader.h"

#include <gtest/gtest.h>

#include <random>

#include "test_util.h"

namespace tally::runtime {
namespace {

struct Rec {
  int64_t row;
  int64_t line;
  std::vector<std::string> fields;
  std::vector<uint8_t> quoted;
  int32_t error_field;
  std::string error;
};

std::vector<Rec> ReadAllRecords(CsvReader& reader) {
  std::vector<Rec> out;
  CsvRecord r;
  for (;;) {
    auto got = reader.Next(r);
    EXPECT_TRUE(got.ok());
    if (!got.ok() || !*got) break;
    out.push_back(Rec{r.row, r.line, std::vector<std::string>(r.fields.begin(), r.fields.end()),
                      r.quoted, r.error ? r.error->field : -2, r.error ? r.error->reason : ""});
  }
  return out;
}

std::vector<Rec> Parse(const std::string& text, std::vector<std::string>* header,
                       size_t chunk = 1 << 20, size_t max_record = 8 << 20) {
  CsvOptions options;
  options.chunk_bytes = chunk;
  options.max_record_bytes = max_record;
  auto reader = CsvReader::FromString(text, options);
  auto h = reader->ReadHeader();
  EXPECT_TRUE(h.ok()) << (h.ok() ? "" : h.error().message);
  if (h.ok() && header) *header = *h;
  return ReadAllRecords(*reader);
}

TEST(CsvReader, QuotingEmbeddedNewlinesAndEscapedQuotes) {
  std::vector<std::string> header;
  auto recs = Parse("id,text\n1,\"a,b\"\n2,\"line1\nline2\"\n3,\"say \"\"hi\"\"\"\n4,plain\n",
                    &header);
  ASSERT_EQ(header, (std::vector<std::string>{"id", "text"}));
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[0].fields[1], "a,b");
  EXPECT_EQ(recs[1].fields[1], "line1\nline2");
  EXPECT_EQ(recs[2].fields[1], "say \"hi\"");
  EXPECT_EQ(recs[3].fields[1], "plain");
  // Rows count records; lines count physical lines (record 2 spans lines 3-4).
  EXPECT_EQ(recs[0].row, 1);
  EXPECT_EQ(recs[0].line, 2);
  EXPECT_EQ(recs[1].line, 3);
  EXPECT_EQ(recs[2].row, 3);
  EXPECT_EQ(recs[2].line, 5);
  EXPECT_EQ(recs[3].line, 6);
  for (const Rec& r : recs) EXPECT_EQ(r.error_field, -2) << r.error;
}

TEST(CsvReader, CrlfBomAndLoneCr) {
  std::vector<std::string> header;
  auto recs = Parse("\xEF\xBB\xBFx,y\r\n1,2\r\n3,\"a\r\nb\"\r\n5,6\r7,8", &header);
  ASSERT_EQ(header, (std::vector<std::string>{"x", "y"}));
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[0].fields, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(recs[1].fields, (std::vector<std::string>{"3", "a\r\nb"}));
  EXPECT_EQ(recs[2].fields, (std::vector<std::string>{"5", "6"}));
  EXPECT_EQ(recs[3].fields, (std::vector<std::string>{"7", "8"}));
  EXPECT_EQ(recs[1].line, 3);
  EXPECT_EQ(recs[2].line, 5);
  EXPECT_EQ(recs[3].line, 6);
}

TEST(CsvReader, EveryChunkSizeGivesTheSameRecords) {
  const std::string text =
      "\xEF\xBB\xBF\"\",name\r\n\"1\",\"a \"\"q\"\" b\"\r\n\r\n\"2\",\"x\r\ny\"\n3,\n4,\"\"\n";
  std::vector<std::string> h0;
  auto expected = Parse(text, &h0);
  ASSERT_EQ(expected.size(), 4u);
  EXPECT_EQ(h0[0], "");
  EXPECT_EQ(expected[0].fields[1], "a \"q\" b");
  EXPECT_EQ(expected[1].line, 4);  // line 3 is blank
  EXPECT_EQ(expected[1].fields[1], "x\r\ny");
  EXPECT_EQ(expected[2].line, 6);
  for (size_t chunk = 1; chunk <= 9; ++chunk) {
    std::vector<std::string> h;
    auto got = Parse(text, &h, chunk);
    ASSERT_EQ(h, h0) << "chunk " << chunk;
    ASSERT_EQ(got.size(), expected.size()) << "chunk " << chunk;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].fields, expected[i].fields) << "chunk " << chunk << " record " << i;
      EXPECT_EQ(got[i].line, expected[i].line) << "chunk " << chunk << " record " << i;
      EXPECT_EQ(got[i].quoted, expected[i].quoted) << "chunk " << chunk << " record " << i;
    }
  }
}

TEST(CsvReader, QuotedEmptyDiffersFromEmpty) {
  auto recs = Parse("a,b\n,\"\"\n", nullptr);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].fields, (std::vector<std::string>{"", ""}));
  EXPECT_EQ(recs[0].quoted, (std::vector<uint8_t>{0, 1}));
}

TEST(CsvReader, WrongFieldCountIsAnErrorAndReadingGoesOn) {
  auto recs = Parse("a,b\n1,2,3\n4\n5,6\n", nullptr);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].error_field, -1);
  EXPECT_EQ(recs[0].error, "expected 2 fields, found 3");
  EXPECT_EQ(recs[1].error, "expected 2 fields, found 1");
  EXPECT_EQ(recs[2].error_field, -2);
  EXPECT_EQ(recs[2].row, 3);
  EXPECT_EQ(recs[2].line, 4);
}

TEST(CsvReader, StrayQuotes) {
  auto recs = Parse("a,b\n1,x\"y\n\"ab\"c,2\n3,4\n", nullptr);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].error_field, 1);
  EXPECT_EQ(recs[0].error, "stray quote in an unquoted field");
  EXPECT_EQ(recs[1].error_field, 0);
  EXPECT_EQ(recs[1].error, "unexpected character after a closing quote");
  EXPECT_EQ(recs[2].error_field, -2);
  EXPECT_EQ(recs[2].fields, (std::vector<std::string>{"3", "4"}));
}

TEST(CsvReader, UnterminatedQuoteAtEndOfInput) {
  auto recs = Parse("a,b\n1,2\n3,\"open\n4,5\n", nullptr);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1].row, 2);
  EXPECT_EQ(recs[1].line, 3);
  EXPECT_EQ(recs[1].error_field, 1);
  EXPECT_EQ(recs[1].error, "unterminated quoted field (the quote opened on line 3)");
}

TEST(CsvReader, OverlongRecordIsSkippedToItsLineEnd) {
  // With a 16-byte cap the unterminated quote costs one record, not the rest of the file.
  auto recs = Parse("a,b\n1,\"this quote never closes and runs on\n2,3\n", nullptr, 4, 16);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].error_field, -1);
  EXPECT_NE(recs[0].error.find("record longer than 16 bytes"), std::string::npos);
  EXPECT_EQ(recs[1].fields, (std::vector<std::string>{"2", "3"}));
  EXPECT_EQ(recs[1].row, 2);
  EXPECT_EQ(recs[1].line, 3);
}

TEST(CsvReader, EmptyInputHasNoHeader) {
  auto reader = CsvReader::FromString("");
  EXPECT_FALSE(reader->ReadHeader().ok());
}

TEST(CsvReader, MissingFileIsAnError) {
  auto reader = CsvReader::Open("/nonexistent/tally/in.csv");
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.error().message.find("/nonexistent/tally/in.csv"), std::string::npos);
}

TEST(CsvReader, ChunkObserverSeesEveryByte) {
  std::string text = "\xEF\xBB\xBFh\n1\n2\n3\n";
  CsvOptions options;
  options.chunk_bytes = 3;
  auto reader = CsvReader::FromString(text, options);
  std::string seen;
  reader->SetChunkObserver([&](std::string_view b, const Chunk&) { seen += b; });
  ASSERT_TRUE(reader->ReadHeader().ok());
  CsvRecord r;
  while (*reader->Next(r)) {
  }
  EXPECT_EQ(seen, text);
  EXPECT_EQ(reader->bytes_read(), static_cast<int64_t>(text.size()));
}

// Random bytes from CSV's special characters: whatever the chunk size (so whichever mix of
// the zero-copy and the general path runs), the reader sees the same records, rows and
// lines, ends, and never loses a line. The reference is the one-chunk read.
TEST(CsvReader, RandomInputIsReadTheSameWithAnyChunkSize) {
  std::mt19937 rng(20260301);
  const char alphabet[] = {'a', 'b', ',', ',', '"', '\n', '\r', ' '};
  for (int iteration = 0; iteration < 300; ++iteration) {
    std::string text = "h1,h2\n";
    size_t len = rng() % 120;
    for (size_t i = 0; i < len; ++i) text += alphabet[rng() % sizeof alphabet];
    std::vector<std::string> h0;
    auto expected = Parse(text, &h0, 1 << 20, 32);
    for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}}) {
      std::vector<std::string> h;
      auto got = Parse(text, &h, chunk, 32);
      ASSERT_EQ(got.size(), expected.size()) << "chunk " << chunk << " text " << text;
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].fields, expected[i].fields) << "chunk " << chunk << " record " << i;
        EXPECT_EQ(got[i].line, expected[i].line) << "chunk " << chunk << " record " << i;
        EXPECT_EQ(got[i].row, static_cast<int64_t>(i + 1));
        EXPECT_EQ(got[i].error, expected[i].error) << "chunk " << chunk << " record " << i;
      }
    }
  }
}

// Spans cut by NextSpan and read by ForSpan give exactly the records, rows, lines, fields and
// errors of one reader reading the whole input, whatever the chunk size: random bytes from
// CSV's special characters (quotes with line breaks, stray quotes, text after a closing
// quote, CRLF and lone CR split anywhere, blank lines, a BOM). With a small max_record_bytes
// the cut gives up (kSequential) and Next() reads the rest, numbering rows on from the spans.
TEST(CsvReader, SpansReadLikeOneReader) {
  std::mt19937 rng(20261125);
  const char alphabet[] = {'a', 'b', ',', ',', ',', '"', '\n', '\n', '\r', ' '};
  int sequential = 0;
  int spans_total = 0;
  for (int iteration = 0; iteration < 400; ++iteration) {
    std::string text = iteration % 3 == 0 ? "\xEF\xBB\xBFh1,h2\r\n" : "h1,h2\n";
    // Some long ones, so lines are counted over many 16-byte blocks in one span.
    size_t len = iteration % 40 == 0 ? 5000 + rng() % 20000 : rng() % 400;
    for (size_t i = 0; i < len; ++i) text += alphabet[rng() % sizeof alphabet];
    for (size_t max_record : {size_t{24}, size_t{1} << 20}) {
      std::vector<std::string> h0;
      const auto expected = Parse(text, &h0, 1 << 20, max_record);
      for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}, size_t{1} << 20}) {
        CsvOptions options;
        options.chunk_bytes = chunk;
        options.max_record_bytes = max_record;
        auto reader = CsvReader::FromString(text, options);
        std::string seen;
        reader->SetChunkObserver([&](std::string_view b, const Chunk&) { seen += b; });
        ASSERT_TRUE(reader->ReadHeader().ok());
        std::vector<Rec> got;
        RecordSpan span;
        for (;;) {
          auto status = reader->NextSpan(span);
          ASSERT_TRUE(status.ok());
          if (*status == SpanStatus::kEnd) break;
          if (*status == SpanStatus::kSequential) {
            ++sequential;
            reader->SetRowsBefore(static_cast<int64_t>(got.size()));
            for (Rec& r : ReadAllRecords(*reader)) got.push_back(std::move(r));
            break;
          }
          ++spans_total;
          EXPECT_LE(span.bytes.size(), max_record);
          auto part = CsvReader::ForSpan(span, h0.size(), options, static_cast<int64_t>(got.size()));
          for (Rec& r : ReadAllRecords(*part)) got.push_back(std::move(r));
        }
        EXPECT_EQ(seen, text);
        ASSERT_EQ(got.size(), expected.size()) << "chunk " << chunk << " max " << max_record;
        for (size_t i = 0; i < got.size(); ++i) {
          const std::string where = "chunk " + std::to_string(chunk) + " max " +
                                    std::to_string(max_record) + " record " + std::to_string(i);
          EXPECT_EQ(got[i].row, static_cast<int64_t>(i + 1)) << where;
          EXPECT_EQ(got[i].line, expected[i].line) << where;
          EXPECT_EQ(got[i].fields, expected[i].fields) << where;
          EXPECT_EQ(got[i].quoted, expected[i].quoted) << where;
          EXPECT_EQ(got[i].error_field, expected[i].error_field) << where;
          EXPECT_EQ(got[i].error, expected[i].error) << where;
        }
        if (::testing::Test::HasFailure()) return;
      }
    }
  }
  // Both ways were taken, many times.
  EXPECT_GT(sequential, 100);
  EXPECT_GT(spans_total, 1000);
}

// A span never ends between the CR and LF of a CRLF, nor inside quotes; lines count CRLF once.
TEST(CsvReader, SpansEndAfterWholeLineEnds) {
  const std::string text = "h\r\n1\r\n\"a\r\nb\"\r\n2\r3\n";
  CsvOptions options;
  options.max_record_bytes = 4;  // at most 4 bytes per span
  auto reader = CsvReader::FromString(text, options);
  ASSERT_TRUE(reader->ReadHeader().ok());
  RecordSpan span;
  std::vector<std::string> cuts;
  std::vector<int64_t> lines;
  for (;;) {
    auto status = reader->NextSpan(span);
    ASSERT_TRUE(status.ok());
    if (*status != SpanStatus::kSpan) {
      // The quoted record "a\r\nb" is 8 bytes with its CRLF: longer than a span may be.
      EXPECT_EQ(*status, SpanStatus::kSequential);
      break;
    }
    cuts.emplace_back(span.bytes);
    lines.push_back(span.first_line);
  }
  EXPECT_EQ(cuts, (std::vector<std::string>{"1\r\n"}));
  EXPECT_EQ(lines, (std::vector<int64_t>{2}));
  reader->SetRowsBefore(1);
  CsvRecord r;
  ASSERT_TRUE(*reader->Next(r));
  EXPECT_EQ(r.row, 2);
  EXPECT_EQ(r.line, 3);
  EXPECT_EQ(r.fields[0], "a\r\nb");

  // With room, the cuts fall after each whole record; the quoted CRLF is not a cut.
  options.max_record_bytes = 12;
  reader = CsvReader::FromString(text, options);
  ASSERT_TRUE(reader->ReadHeader().ok());
  cuts.clear();
  lines.clear();
  while (*reader->NextSpan(span) == SpanStatus::kSpan) {
    cuts.emplace_back(span.bytes);
    lines.push_back(span.first_line);
  }
  EXPECT_EQ(cuts, (std::vector<std::string>{"1\r\n\"a\r\nb\"\r\n", "2\r3\n"}));
  EXPECT_EQ(lines, (std::vector<int64_t>{2, 5}));
}

// The bank survey: an empty first header name, quoted headers and ids, LF. SOURCE.md gives
// 250 rows x 29 columns and a mean loy3 of 6.800 (so a sum of 1700).
TEST(CsvReader, BankSurveyFile) {
  auto reader = CsvReader::Open(testing::SharedData("bank-satisfaction-survey/satisfaction.csv"),
                                CsvOptions{',', 4096, 8 << 20});
  ASSERT_TRUE(reader.ok());
  auto header = (*reader)->ReadHeader();
  ASSERT_TRUE(header.ok());
  ASSERT_EQ(header->size(), 29u);
  EXPECT_EQ((*header)[0], "");
  size_t loy3 = 0;
  for (size_t i = 0; i < header->size(); ++i) {
    if ((*header)[i] == "loy3") loy3 = i;
  }
  ASSERT_NE(loy3, 0u);
  CsvRecord r;
  int64_t rows = 0;
  int64_t sum = 0;
  while (*(*reader)->Next(r)) {
    ASSERT_FALSE(r.error) << r.error->reason;
    ++rows;
    EXPECT_EQ(r.fields[0], std::to_string(rows));  // the quoted R row name
    sum += std::stoi(std::string(r.fields[loy3]));
  }
  EXPECT_EQ(rows, 250);
  EXPECT_EQ(sum, 1700);
}

}  // namespace
}  // namespace tally::runtime
