// The lineage record's writer and reader side by side: what is written reads back the same,
// and a record that is not one fails with the file and the field named.
#include "tally/runtime/lineage.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace tally::runtime {
namespace {

using testing::TempDir;
using testing::WriteAll;

LineageRecord Sample() {
  LineageRecord r;
  r.definition = "customer.health";
  r.kind = "score";
  r.version = "2.0.0";
  r.content_sha256 = std::string(64, 'a');
  r.definition_file = "metrics/customer/health.tally";
  r.owner = "cx";
  r.commit = "0123456789abcdef0123456789abcdef01234567";
  r.approvers = {"alice", "bob"};
  r.freeze = "2026-Q4-close";
  r.params = {{"weight", 0.5}, {"at_risk_below", 40.0}, {"limit", int64_t{5}},
              {"strict", true}, {"label", std::string("gold")}, {"gone", std::monostate{}}};
  r.regional_overrides = {{"emea", {{"at_risk_below", 45.0}}}, {"na", {}}};
  r.column_mappings = {{"nps", "NPS score"}, {"region", ""}};
  r.input = {"in.csv", std::string(64, 'b'), 1234};
  r.output = {"out.csv", std::string(64, 'c'), 567};
  r.output_rows = 9;
  r.rejects_path = "rejects.csv";
  r.rows_read = 10;
  r.rows_scored = 9;
  r.rows_rejected = 1;
  r.engine = "jit";
  r.kernel_object_sha256 = std::string(64, 'd');
  r.tally_version = "0.1.0";
  r.llvm_version = "19.1.7";
  r.target_triple = "x86_64-pc-linux-gnu";
  r.target_cpu = "x86-64-v3";
  r.target_features = "+avx2";
  r.run_at = "2026-03-01T12:00:00Z";
  r.expires_after_seconds = 7776000;
  r.valid_until = "2026-05-30T12:00:00Z";
  return r;
}

TEST(LineageRecord, ReadsBackWhatWasWritten) {
  LineageRecord written = Sample();
  auto read = ParseLineageRecord(LineageJson(written), "x.lineage.json");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(*read, written);

  // The nulls: no owner, file, freeze, LLVM, expiry, rejects file.
  LineageRecord bare = Sample();
  bare.definition_file = bare.owner = bare.freeze = bare.rejects_path = "";
  bare.llvm_version = bare.target_triple = bare.target_cpu = bare.target_features = "";
  bare.kernel_object_sha256 = "";
  bare.expires_after_seconds.reset();
  bare.valid_until = "";
  bare.params.clear();
  bare.regional_overrides.clear();
  bare.column_mappings.clear();
  bare.approvers.clear();
  std::string text = LineageJson(bare);
  auto j = nlohmann::json::parse(text);
  EXPECT_TRUE(j["owner"].is_null());
  EXPECT_TRUE(j["kernel_object_sha256"].is_null());
  EXPECT_TRUE(j["expires_after_seconds"].is_null());
  EXPECT_TRUE(j["rejects"]["path"].is_null());
  auto again = ParseLineageRecord(text, "x.lineage.json");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, bare);
}

TEST(LineageRecord, KeysInTheDocumentedOrder) {
  auto j = nlohmann::ordered_json::parse(LineageJson(Sample()));
  std::vector<std::string> keys;
  for (const auto& [key, value] : j.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "format", "definition", "kind", "version", "content_sha256", "definition_file",
                      "owner", "commit", "approvers", "freeze", "params", "regional_overrides",
                      "column_mappings", "input", "output", "rejects", "rows_read", "rows_scored",
                      "rows_rejected", "engine", "kernel_object_sha256", "tally_version", "llvm_version", "target_triple",
                      "target_cpu", "target_features", "run_at", "expires_after_seconds",
                      "valid_until", "signature"}));
  EXPECT_EQ(j["format"], "tally-lineage/1");
}

TEST(LineageRecord, InvalidUtf8IsWrittenAsReplacementCharacters) {
  LineageRecord r = Sample();
  r.input.path = "in\xff.csv";
  std::string text = LineageJson(r);
  auto j = nlohmann::json::parse(text);  // valid JSON, so it parses
  EXPECT_EQ(j["input"]["path"], "in\xEF\xBF\xBD.csv");
}

TEST(LineageRecord, ReaderNamesTheFileAndTheField) {
  const std::string src = "out.csv.lineage.json";
  auto fails_with = [&](const std::string& text) {
    auto r = ParseLineageRecord(text, src);
    return r.ok() ? std::string("ok") : r.error().message;
  };
  auto without = [](const std::string& a, const std::string& b = "") {
    auto j = nlohmann::ordered_json::parse(LineageJson(Sample()));
    if (b.empty()) j.erase(a); else j[a].erase(b);
    return j.dump();
  };
  EXPECT_EQ(fails_with(without("output", "sha256")),
            src + ": not a lineage record: field \"output.sha256\" is missing");
  EXPECT_EQ(fails_with(without("commit")), src + ": not a lineage record: field \"commit\" is missing");
  auto j = nlohmann::ordered_json::parse(LineageJson(Sample()));
  j["rows_read"] = "ten";
  EXPECT_EQ(fails_with(j.dump()), src + ": not a lineage record: field \"rows_read\" is not an integer");
  j = nlohmann::ordered_json::parse(LineageJson(Sample()));
  j["column_mappings"]["nps"] = 3;
  EXPECT_EQ(fails_with(j.dump()),
            src + ": not a lineage record: field \"column_mappings.nps\" is not a string");
  j = nlohmann::ordered_json::parse(LineageJson(Sample()));
  j["format"] = "tally-lineage/9";
  EXPECT_EQ(fails_with(j.dump()), src +
                                      ": not a lineage record: field \"format\" is \"tally-lineage/9\", "
                                      "expected \"tally-lineage/1\"");
  EXPECT_EQ(fails_with("[1, 2]"), src + ": not a lineage record: not a JSON object");
  EXPECT_EQ(fails_with("{\"format\": ").rfind(src + ": not a lineage record: not JSON: byte 12: ", 0), 0u);
  EXPECT_EQ(fails_with("{\"format\": \"\xff\"}").rfind(src + ": not a lineage record: not JSON: ", 0), 0u);
}

TEST(LineageRecord, ReadLineageRecordFromAFile) {
  TempDir dir;
  std::string path = dir.File("out.csv.lineage.json");
  auto missing = ReadLineageRecord(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, path + ": No such file or directory");
  WriteAll(path, LineageJson(Sample()));
  auto read = ReadLineageRecord(path);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(*read, Sample());
}

TEST(LineageRecord, SignatureReadsBackAndAnOlderRecordIsUnsigned) {
  LineageRecord r = Sample();
  r.signature = "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n";
  auto read = ParseLineageRecord(LineageJson(r), "x");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->signature, r.signature);
  auto j = nlohmann::ordered_json::parse(LineageJson(r));
  j.erase("signature");
  auto older = ParseLineageRecord(j.dump(), "x");
  ASSERT_TRUE(older.ok()) << older.error().message;
  EXPECT_EQ(older->signature, "");
  j["signature"] = 7;
  auto bad = ParseLineageRecord(j.dump(), "x");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "x: not a lineage record: field \"signature\" is not a string or null");
}

TEST(LineageRecord, AnOlderRecordWithoutTheObjectHashReads) {
  LineageRecord r = Sample();
  r.kernel_object_sha256 = std::string(64, 'a');
  auto j = nlohmann::ordered_json::parse(LineageJson(r));
  EXPECT_EQ(j["kernel_object_sha256"], std::string(64, 'a'));
  j.erase("kernel_object_sha256");
  auto older = ParseLineageRecord(j.dump(), "x");
  ASSERT_TRUE(older.ok()) << older.error().message;
  EXPECT_EQ(older->kernel_object_sha256, "");
  j["kernel_object_sha256"] = 7;
  auto bad = ParseLineageRecord(j.dump(), "x");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "x: not a lineage record: field \"kernel_object_sha256\" is not a string or null");
}

// The signer sees exactly the record written with a null signature, and a reader gets the
// same bytes back from the file whatever its layout.
TEST(LineageRecord, SignedRecordsSignTheirCanonicalBytes) {
  std::string seen;
  LineageSigner sign = [&](std::string_view canonical) -> Result<std::string> {
    seen = std::string(canonical);
    return std::string("SIG");
  };
  auto text = SignedLineageJson(Sample(), sign);
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(seen, LineageJson(Sample()));  // Sample() has no signature: null in its JSON
  auto read = ParseLineageRecord(*text, "x");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->signature, "SIG");
  EXPECT_EQ(LineageSigningBytes(*read), seen);
  auto compact = ParseLineageRecord(nlohmann::ordered_json::parse(*text).dump(), "x");
  ASSERT_TRUE(compact.ok()) << compact.error().message;
  EXPECT_EQ(LineageSigningBytes(*compact), seen);
  // No signer: unsigned; a signer that fails fails the write.
  auto plain = SignedLineageJson(Sample(), LineageSigner{});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, LineageJson(Sample()));
  auto failed = SignedLineageJson(Sample(), [](std::string_view) -> Result<std::string> { return Error{"no key"}; });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message, "no key");
}

TEST(LineageRecord, CompareNamesEveryFieldThatDiffers) {
  LineageRecord recorded = Sample();
  EXPECT_TRUE(CompareLineageRecords(recorded, Sample()).empty());
  recorded.approvers = {"mallory"};
  recorded.params[0].second = 0.9;
  recorded.regional_overrides.push_back({"apac", {{"at_risk_below", 30.0}}});
  recorded.output_rows = 99;
  recorded.engine = "interpreter";
  auto diffs = CompareLineageRecords(recorded, Sample());
  std::vector<std::string> lines;
  for (const auto& d : diffs) lines.push_back(d.field + ": " + d.recorded + " / " + d.derived);
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "approvers: [\"mallory\"] / [\"alice\",\"bob\"]",
                       "params.weight: 0.9 / 0.5",
                       "regional_overrides.apac: {\"at_risk_below\":30.0} / absent",
                       "output.rows: 99 / 9",
                       "engine: \"interpreter\" / \"jit\"",
                   }));
  // A field only the derived side has is named too.
  auto reverse = CompareLineageRecords(Sample(), recorded);
  ASSERT_EQ(reverse.size(), 5u);
  EXPECT_EQ(reverse[2].field, "regional_overrides.apac");
  EXPECT_EQ(reverse[2].recorded, "absent");
}

TEST(LineageRecord, ParseUtcIsFormatUtcsInverse) {
  // Independently: calendar.timegm((2026, 3, 1, 12, 0, 0)) and (2024, 2, 29, 23, 59, 59).
  EXPECT_EQ(ParseUtc("2026-03-01T12:00:00Z"), std::optional<int64_t>(1772366400));
  EXPECT_EQ(ParseUtc("2024-02-29T23:59:59Z"), std::optional<int64_t>(1709251199));
  for (const char* bad : {"", "2026-03-01 12:00:00Z", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z",
                          "2026-03-01T12:00:00", "2026-03-01T12:00:00+00:00", "+026-03-01T12:00:00Z"}) {
    EXPECT_EQ(ParseUtc(bad), std::nullopt) << bad;
  }
}

// 1e999 would be infinity, which the writer could not write back: refused by the reader.
TEST(LineageRecord, NonFiniteParamIsRefused) {
  std::string text = LineageJson(Sample());
  text.replace(text.find("\"weight\": 0.5"), 13, "\"weight\": 1e999");
  auto r = ParseLineageRecord(text, "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("x: not a lineage record: not JSON: ", 0), 0u) << r.error().message;
}

}  // namespace
}  // namespace tally::runtime
