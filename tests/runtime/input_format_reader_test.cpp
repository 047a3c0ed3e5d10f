// Inputs as they come, at the reader: the whitespace-aligned format (CDNOW_master.txt's), other
// CSV delimiters with RFC 4180 quoting, files without a header line (input_layout.h), and
// standard input. Every expectation is written out by hand from the input text.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <random>
#include <unistd.h>

#include "tally/runtime/csv_reader.h"
#include "tally/runtime/input_layout.h"
#include "test_util.h"

namespace tally::runtime {
namespace {

struct Rec {
  int64_t row;
  int64_t line;
  std::vector<std::string> fields;
  std::string error;
  bool operator==(const Rec&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Rec& r) {
  os << "{row " << r.row << ", line " << r.line << ", [";
  for (const auto& f : r.fields) os << "<" << f << ">";
  return os << "], '" << r.error << "'}";
}

std::vector<Rec> Records(CsvReader& reader) {
  std::vector<Rec> out;
  CsvRecord r;
  for (;;) {
    auto got = reader.Next(r);
    EXPECT_TRUE(got.ok());
    if (!got.ok() || !*got) break;
    out.push_back({r.row, r.line, std::vector<std::string>(r.fields.begin(), r.fields.end()),
                   r.error ? r.error->reason : ""});
  }
  return out;
}

CsvOptions Whitespace(size_t chunk = size_t{1} << 20, size_t max_record = size_t{8} << 20) {
  CsvOptions o;
  o.format = InputFormat::kWhitespace;
  o.chunk_bytes = chunk;
  o.max_record_bytes = max_record;
  return o;
}

// The first lines of CDNOW_master.txt, byte for byte (SOURCE.md: leading space, CRLF).
const std::string kCdnowHead =
    " customer_id  date number_of_cds  dollar_value\r\n"
    " 00001 19970101  1   11.77\r\n"
    " 00002 19970112  1   12.00\r\n"
    " 00002 19970112  5   77.00\r\n";

TEST(WhitespaceFormat, SplitsAtRunsOfBlanksIgnoringBothEnds) {
  auto reader = CsvReader::FromString(kCdnowHead, Whitespace());
  auto header = reader->ReadHeader();
  ASSERT_TRUE(header.ok()) << header.error().message;
  EXPECT_EQ(*header, (std::vector<std::string>{"customer_id", "date", "number_of_cds", "dollar_value"}));
  EXPECT_EQ(Records(*reader), (std::vector<Rec>{{1, 2, {"00001", "19970101", "1", "11.77"}, ""},
                                                 {2, 3, {"00002", "19970112", "1", "12.00"}, ""},
                                                 {3, 4, {"00002", "19970112", "5", "77.00"}, ""}}));
}

TEST(WhitespaceFormat, TabsBlankLinesLoneCrAndNoFinalLineEnd) {
  // Line 2 holds blanks only and line 4 nothing: both skipped, not rows. Line 5 ends in a lone
  // CR, which ends a line as in CSV; line 6 has no line end at all.
  const std::string text = "a b c\n \t \nx\t\ty  z\n\n  p q r\rlast  one   two";
  auto reader = CsvReader::FromString(text, Whitespace());
  ASSERT_TRUE(reader->ReadHeader().ok());
  EXPECT_EQ(Records(*reader), (std::vector<Rec>{{1, 3, {"x", "y", "z"}, ""},
                                                 {2, 5, {"p", "q", "r"}, ""},
                                                 {3, 6, {"last", "one", "two"}, ""}}));
}

TEST(WhitespaceFormat, WrongFieldCountAndQuotesAreRejects) {
  const std::string text = "a b c\n1 2\n1 2 3 4\n\"x y\" 2 3\n1 2 say\"hi\"\n7 8 9\n";
  auto reader = CsvReader::FromString(text, Whitespace());
  ASSERT_TRUE(reader->ReadHeader().ok());
  const std::string quote = "a quote in a whitespace-separated field (this format has no quoting)";
  EXPECT_EQ(Records(*reader),
            (std::vector<Rec>{{1, 2, {"1", "2"}, "expected 3 fields, found 2"},
                              {2, 3, {"1", "2", "3", "4"}, "expected 3 fields, found 4"},
                              // The quote is text and the blank inside it still splits.
                              {3, 4, {"\"x", "y\"", "2", "3"}, quote},
                              {4, 5, {"1", "2", "say\"hi\""}, quote},
                              {5, 6, {"7", "8", "9"}, ""}}));
  // The quote's field is the one named.
  auto again = CsvReader::FromString("a b c\n1 2 say\"hi\"\n", Whitespace());
  ASSERT_TRUE(again->ReadHeader().ok());
  CsvRecord r;
  ASSERT_TRUE(*again->Next(r));
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->field, 2);
}

TEST(WhitespaceFormat, EmptyFileAndHeaderOnlyFile) {
  auto empty = CsvReader::FromString("", Whitespace());
  auto h = empty->ReadHeader();
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().message, "the input is empty: no header line");
  // Blanks and line ends only are empty too.
  EXPECT_FALSE(CsvReader::FromString(" \r\n\t\n", Whitespace())->ReadHeader().ok());
  auto header_only = CsvReader::FromString(" a  b \r\n", Whitespace());
  ASSERT_TRUE(header_only->ReadHeader().ok());
  EXPECT_TRUE(Records(*header_only).empty());
}

TEST(WhitespaceFormat, OverlongRecordIsSkippedToItsLineEnd) {
  auto reader = CsvReader::FromString("a b\n1 " + std::string(50, 'x') + " z\n2 3\n", Whitespace(1 << 20, 20));
  ASSERT_TRUE(reader->ReadHeader().ok());
  auto got = Records(*reader);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].error, "record longer than 20 bytes (an unterminated quote?); skipped to the end of its line");
  EXPECT_EQ(got[1], (Rec{2, 3, {"2", "3"}, ""}));
}

// Random whitespace-aligned text: blanks and tabs of every length, CRLF / LF / lone CR, blank
// lines, quotes, a BOM, wrong field counts. Each chunk size and the spans read the same
// records as one big chunk.
std::string RandomAligned(std::mt19937_64& rng, int lines) {
  std::string t = rng() % 3 == 0 ? "\xEF\xBB\xBF" : "";
  t += " id  v  w\r\n";
  auto blanks = [&] {
    std::string b;
    for (int i = 0, n = 1 + static_cast<int>(rng() % 4); i < n; ++i) b += rng() % 4 ? ' ' : '\t';
    return b;
  };
  for (int i = 0; i < lines; ++i) {
    if (rng() % 20 == 0) t += rng() % 2 ? blanks() : "";
    else {
      if (rng() % 2) t += blanks();
      const int fields = rng() % 10 == 0 ? static_cast<int>(rng() % 5) : 3;
      for (int f = 0; f < fields; ++f) {
        if (f) t += blanks();
        t += rng() % 15 == 0 ? "q\"x" : std::to_string(rng() % 100000);
      }
      if (rng() % 3 == 0) t += blanks();
    }
    const unsigned end = static_cast<unsigned>(rng() % 10);
    t += end < 5 ? "\r\n" : end < 9 ? "\n" : "\r";
  }
  if (rng() % 2) t += "9 8 7";  // no final line end
  return t;
}

TEST(WhitespaceFormat, ChunkSizesAndSpansReadLikeOneReader) {
  std::mt19937_64 rng(20261204);
  for (int round = 0; round < 40; ++round) {
    const std::string text = RandomAligned(rng, 300);
    auto whole = CsvReader::FromString(text, Whitespace());
    ASSERT_TRUE(whole->ReadHeader().ok());
    const std::vector<Rec> want = Records(*whole);
    for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}, size_t{1000}}) {
      auto reader = CsvReader::FromString(text, Whitespace(chunk));
      ASSERT_TRUE(reader->ReadHeader().ok());
      ASSERT_EQ(Records(*reader), want) << "round " << round << " chunk " << chunk;
      // Spans: cut by one reader, each read by a reader of its own.
      auto cutter = CsvReader::FromString(text, Whitespace(chunk));
      ASSERT_TRUE(cutter->ReadHeader().ok());
      std::vector<Rec> spans;
      RecordSpan span;
      for (;;) {
        auto status = cutter->NextSpan(span);
        ASSERT_TRUE(status.ok());
        if (*status == SpanStatus::kEnd) break;
        ASSERT_EQ(*status, SpanStatus::kSpan);
        auto part = CsvReader::ForSpan(span, cutter->header_fields(), Whitespace(chunk),
                                       static_cast<int64_t>(spans.size()));
        for (Rec& r : Records(*part)) spans.push_back(std::move(r));
      }
      ASSERT_EQ(spans, want) << "round " << round << " chunk " << chunk << " (spans)";
    }
  }
}

TEST(CsvDelimiter, SemicolonAndTabKeepRfc4180Quoting) {
  CsvOptions semi;
  semi.delimiter = ';';
  auto reader = CsvReader::FromString("a;b;c\r\n1;\"x;y\";\"say \"\"hi\"\"\"\n2;,;\n\"3\n4\";;z\n", semi);
  ASSERT_TRUE(reader->ReadHeader().ok());
  EXPECT_EQ(Records(*reader), (std::vector<Rec>{{1, 2, {"1", "x;y", "say \"hi\""}, ""},
                                                 {2, 3, {"2", ",", ""}, ""},
                                                 {3, 4, {"3\n4", "", "z"}, ""}}));
  CsvOptions tab;
  tab.delimiter = '\t';
  auto tabs = CsvReader::FromString("a\tb\n1 2\t\"t\tu\"\n3\t4\t5\n", tab);
  ASSERT_TRUE(tabs->ReadHeader().ok());
  EXPECT_EQ(Records(*tabs), (std::vector<Rec>{{1, 2, {"1 2", "t\tu"}, ""},
                                               {2, 3, {"3", "4", "5"}, "expected 2 fields, found 3"}}));
}

TEST(InputLayout, FlagsParse) {
  EXPECT_EQ(*ParseDelimiter(";"), ';');
  EXPECT_EQ(*ParseDelimiter("tab"), '\t');
  EXPECT_EQ(*ParseDelimiter("\\t"), '\t');
  EXPECT_EQ(*ParseDelimiter("\t"), '\t');
  EXPECT_EQ(*ParseDelimiter("|"), '|');
  for (const char* bad : {"", ";;", "\"", "a", "7", "\n", "\r", "\xC3\xA9", "\x01"}) {
    EXPECT_FALSE(ParseDelimiter(bad).ok()) << bad;
  }
  EXPECT_EQ(*ParseColumnList("a,b,c"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_FALSE(ParseColumnList("a,,c").ok());
  EXPECT_FALSE(ParseColumnList("a,b,a").ok());
  EXPECT_FALSE(ParseColumnList("").ok());
  EXPECT_EQ(ParseInputFormat("whitespace"), InputFormat::kWhitespace);
  EXPECT_FALSE(ParseInputFormat("tsv").has_value());
  EXPECT_EQ(ParseHeaderRule("skip"), HeaderRule::kSkip);
}

ir::Program WithLayout(std::string format, std::string delimiter, std::string header,
                       std::vector<std::string> columns) {
  ir::Program p = testing::ProgramWithInputs({testing::Col("a", ir::Type::kInt)});
  p.name = "t.fixed";
  p.layout = {std::move(format), std::move(delimiter), std::move(header), std::move(columns)};
  return p;
}

TEST(InputLayout, TheCommandLineCompletesTheDefinitionNeverChangesIt) {
  // Nothing fixed, nothing asked: CSV, commas, a header.
  auto plain = ResolveInputLayout(WithLayout("", "", "", {}), {}, ',', false);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, InputLayout{});
  // Columns alone mean no header line.
  InputSettings asked;
  asked.columns = std::vector<std::string>{"a", "b"};
  asked.delimiter = ';';
  auto listed = ResolveInputLayout(WithLayout("", "", "", {}), asked, ',', false);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, (InputLayout{InputFormat::kCsv, ';', HeaderRule::kNone, {"a", "b"}}));
  // The definition fixes it all; repeating it is fine.
  const ir::Program fixed = WithLayout("whitespace", "", "skip", {"a", "b"});
  InputSettings same;
  same.format = InputFormat::kWhitespace;
  same.header = HeaderRule::kSkip;
  same.columns = std::vector<std::string>{"a", "b"};
  auto repeated = ResolveInputLayout(fixed, same, ',', false);
  ASSERT_TRUE(repeated.ok()) << repeated.error().message;
  EXPECT_EQ(*repeated, (InputLayout{InputFormat::kWhitespace, ',', HeaderRule::kSkip, {"a", "b"}}));
  // Changing any of it is refused, naming the flag and what the definition says.
  InputSettings other;
  other.format = InputFormat::kCsv;
  other.header = HeaderRule::kNone;
  other.columns = std::vector<std::string>{"b", "a"};
  auto refused = ResolveInputLayout(fixed, other, ',', true);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message,
            "--format csv: t.fixed fixes how its input is read (format whitespace); the command line may repeat it, not change it\n"
            "--columns b,a: t.fixed fixes how its input is read (columns a, b); the command line may repeat it, not change it\n"
            "--map: t.fixed names its columns itself (`columns`), so its inputs read the columns of their names\n"
            "--header none: t.fixed fixes how its input is read (header skip); the command line may repeat it, not change it");
  InputSettings delimiter;
  delimiter.delimiter = ';';
  auto no_delimiter = ResolveInputLayout(fixed, delimiter, ',', false);
  ASSERT_FALSE(no_delimiter.ok());
  EXPECT_EQ(no_delimiter.error().message,
            "--delimiter: the whitespace format splits fields at runs of blanks and takes no delimiter");
  InputSettings skip_alone;
  skip_alone.header = HeaderRule::kSkip;
  EXPECT_FALSE(ResolveInputLayout(WithLayout("", "", "", {}), skip_alone, ',', false).ok());
}

TEST(InputLayout, ColumnNamesWithoutAHeaderLine) {
  const InputLayout none{InputFormat::kWhitespace, ',', HeaderRule::kNone, {"c", "d", "q", "v"}};
  // A BOM before the first data line is still skipped.
  auto reader = CsvReader::FromString("\xEF\xBB\xBF 00001 19970101  1   11.77\r\n 7 8 9\r\n", Whitespace());
  auto names = ReadColumnNames(*reader, none);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, none.columns);
  EXPECT_EQ(Records(*reader), (std::vector<Rec>{{1, 1, {"00001", "19970101", "1", "11.77"}, ""},
                                                 {2, 2, {"7", "8", "9"}, "expected 4 fields, found 3"}}));
  // Skip: the header line is read and dropped, row 1 is line 2.
  const InputLayout skip{InputFormat::kWhitespace, ',', HeaderRule::kSkip, {"c", "d", "q", "v"}};
  auto cdnow = CsvReader::FromString(kCdnowHead, Whitespace());
  ASSERT_TRUE(ReadColumnNames(*cdnow, skip).ok());
  auto got = Records(*cdnow);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], (Rec{1, 2, {"00001", "19970101", "1", "11.77"}, ""}));
  // No header line in an empty file is no rows; a header to skip in one is an error.
  auto empty = CsvReader::FromString("", Whitespace());
  ASSERT_TRUE(ReadColumnNames(*empty, none).ok());
  EXPECT_TRUE(Records(*empty).empty());
  EXPECT_FALSE(ReadColumnNames(*CsvReader::FromString("", Whitespace()), skip).ok());
  // Spans without a header read: the BOM is skipped there too.
  auto cutter = CsvReader::FromString("\xEF\xBB\xBF" "1 2 3 4\n", Whitespace());
  ASSERT_TRUE(ReadColumnNames(*cutter, none).ok());
  RecordSpan span;
  ASSERT_EQ(*cutter->NextSpan(span), SpanStatus::kSpan);
  EXPECT_EQ(span.bytes, "1 2 3 4\n");
  EXPECT_EQ(span.first_line, 1);
}

TEST(CsvReader, DashReadsStandardInput) {
  // Standard input replaced by a pipe holding a small CSV, then restored.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string text = "a,b\n1,2\n";
  ASSERT_EQ(::write(fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(fds[1]);
  const int saved = ::dup(STDIN_FILENO);
  ASSERT_EQ(::dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
  ::close(fds[0]);
  auto reader = CsvReader::Open("-");
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ((*reader)->size_hint(), -1);
  ASSERT_TRUE((*reader)->ReadHeader().ok());
  auto got = Records(**reader);
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  EXPECT_EQ(got, (std::vector<Rec>{{1, 2, {"1", "2"}, ""}}));
  EXPECT_EQ((*reader)->bytes_read(), 8);
}

}  // namespace
}  // namespace tally::runtime
