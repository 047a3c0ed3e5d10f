// The scoring pipeline with small hand-written kernels (the interpreter and JIT kernels are
// tested through it elsewhere): output and rejects bytes, counts, failure modes, lineage.
#include "tally/runtime/score_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "tally/runtime/lineage_locate.h"
#include "tally/support/atomic_file.h"
#include "test_util.h"

namespace tally::runtime {
namespace {

using testing::Col;
using testing::ReadAll;
using testing::TempDir;
using testing::WriteAll;

// inputs: id string (key), a int, x float?, region string?
// outputs: y float? = 2a + x, tier string = a > 10 ? "big" : "small", flag bool = a > limit,
// where limit is 5 globally and 1 in variant 1 ("emea").
// requires a >= 0 (reason 1); x > 1e300 traps (reason 2).
ir::Program TestProgram() {
  ir::Program p = testing::ProgramWithInputs(
      {Col("id", ir::Type::kString), Col("a", ir::Type::kInt), Col("x", ir::Type::kFloat, true),
       Col("region", ir::Type::kString, true)});
  p.name = "test.score";
  p.version = "2.1.0";
  p.key_inputs = {0};
  p.string_constants = {"big", "small"};
  p.variants = {"", "emea"};
  p.region_input = 3;
  ir::Param limit;
  limit.name = "limit";
  limit.type = ir::Type::kInt;
  limit.regional = true;
  limit.int_values = {5, 1};
  ir::Param weight;
  weight.name = "weight";
  weight.type = ir::Type::kFloat;
  weight.float_values = {0.5, 0.5};
  p.params = {limit, weight};
  p.reasons = {ir::Reason{ir::Reason::Kind::kRequire, "require a >= 0", {"t.tally", 9, 3}},
               ir::Reason{ir::Reason::Kind::kTrap, "float overflow in 2 * a + x", {"t.tally", 11, 3}}};
  p.outputs = {ir::Output{"y", ir::Type::kFloat, true, 0},
               ir::Output{"tier", ir::Type::kString, false, 0},
               ir::Output{"flag", ir::Type::kBool, false, 0}};
  return p;
}

void TestKernel(int64_t rows, const TallyColumnView* in, const uint16_t* variants,
                TallyColumnView* out, uint32_t* status) {
  auto* a = static_cast<const int64_t*>(in[1].values);
  auto* x = static_cast<const double*>(in[2].values);
  auto* y = static_cast<double*>(out[0].values);
  auto* tier = static_cast<int32_t*>(out[1].values);
  auto* flag = static_cast<uint8_t*>(out[2].values);
  for (int64_t r = 0; r < rows; ++r) {
    status[r] = 0;
    if (a[r] < 0) {
      status[r] = 1;
      continue;
    }
    bool x_valid = in[2].valid == nullptr || in[2].valid[r];
    if (x_valid && x[r] > 1e300) {
      status[r] = 2;
      continue;
    }
    out[0].valid[r] = x_valid;
    y[r] = x_valid ? 2.0 * static_cast<double>(a[r]) + x[r] : 0.0;
    out[1].valid[r] = 1;
    tier[r] = a[r] > 10 ? 0 : 1;
    out[2].valid[r] = 1;
    int64_t limit = (variants != nullptr && variants[r] == 1) ? 1 : 5;
    flag[r] = a[r] > limit;
  }
}

ScoreOptions Options(const ir::Program& p, const TempDir& dir) {
  ScoreOptions o;
  o.program = &p;
  o.kernels = CompiledKernels(&TestKernel, nullptr, nullptr, nullptr, "test");
  o.input_path = dir.File("in.csv");
  o.output_path = dir.File("out.csv");
  o.rejects_path = dir.File("rejects.csv");
  o.progress = ProgressMode::kNever;
  return o;
}

const char* kInput =
    "\xEF\xBB\xBFid,a,x,region,unused\r\n"
    "c1,1,0.5,emea,u\r\n"          // row 1: y 2.5, small, flag (1 > emea limit 1) false
    "c2,12,,amer,u\r\n"            // row 2: y null, big, flag true
    "c3,-1,1,,u\r\n"               // row 3: require fails
    "c4,2,1e301,,u\r\n"            // row 4: trap
    "c5,3.5,1,,u\r\n"              // row 5: a not an int
    "\"c,6\",3,0.1,emea,u\r\n"     // row 6: y 6.1, small, flag true (3 > 1)
    "c7,4,\"2\",,u,extra\r\n"      // row 7: field count
    "\"c8\",0,-0.0,,\"multi\r\nline\"\r\n";  // row 8 (lines 9-10): y 0 (not -0), small, false

const char* kExpectedOutput =
    "id,y,tier,flag\n"
    "c1,2.5,small,false\n"
    "c2,,big,true\n"
    "\"c,6\",6.1,small,true\n"
    "c8,0,small,false\n";

const char* kExpectedRejects =
    "row,line,column,reason,rule,location\n"
    "3,4,,require failed,require a >= 0,t.tally:9:3\n"
    "4,5,,float overflow in 2 * a + x,,t.tally:11:3\n"
    "5,6,a,\"not an integer: \"\"3.5\"\"\",,\n"
    "7,8,,\"expected 5 fields, found 6\",,\n";

TEST(ScoreFile, OutputRejectsAndCounts) {
  TempDir dir;
  ir::Program p = TestProgram();
  ScoreOptions o = Options(p, dir);
  WriteAll(o.input_path, kInput);
  auto s = ScoreFile(o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(ReadAll(o.output_path), kExpectedOutput);
  EXPECT_EQ(ReadAll(o.rejects_path), kExpectedRejects);
  EXPECT_EQ(s->rows_read, 8);
  EXPECT_EQ(s->rows_scored, 4);
  EXPECT_EQ(s->rows_rejected, 4);
  EXPECT_EQ(s->output_rows, 4);
  ASSERT_EQ(s->first_rejects.size(), 4u);
  EXPECT_EQ(s->first_rejects[2].column, "a");
  // sha256 of kInput and kExpectedOutput, computed with python3 hashlib.
  EXPECT_EQ(s->input_sha256, "400acda957253540ff2a1fef578a8ab961fd887bb6ca45a6f122d912c9c49ed6");
  EXPECT_EQ(s->output_sha256, "56b2433add280091bd80092edbe4681c24cd2abeea844aa6954431d1d74781de");
  EXPECT_EQ(s->input_bytes, static_cast<int64_t>(std::string(kInput).size()));
  EXPECT_EQ(s->output_bytes, static_cast<int64_t>(std::string(kExpectedOutput).size()));
  // No temporary file is left behind.
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
  EXPECT_EQ(files, 3u);
}

// A larger input with rejects sprinkled in: every thread count and batch size writes the same
// bytes, and rows read = scored + rejected.
TEST(ScoreFile, ByteIdenticalAcrossThreadsAndBatchSizes) {
  TempDir dir;
  ir::Program p = TestProgram();
  std::string input = "id,a,x,region\n";
  int64_t expected_rejects = 0;
  for (int i = 0; i < 5000; ++i) {
    input += "k" + std::to_string(i) + ",";
    if (i % 97 == 0) {
      input += "-" + std::to_string(i) + ",1,\n";  // require fails (and 0 is fine: a = -0)
      if (i != 0) ++expected_rejects;
    } else if (i % 89 == 0) {
      input += "oops,1,\n";
      ++expected_rejects;
    } else {
      input += std::to_string(i % 23) + "," + (i % 5 == 0 ? "" : std::to_string(i) + ".25") + "," +
               (i % 3 == 0 ? "emea" : "") + "\n";
    }
  }
  ScoreOptions o = Options(p, dir);
  WriteAll(o.input_path, input);
  auto reference = ScoreFile(o);
  ASSERT_TRUE(reference.ok()) << reference.error().message;
  EXPECT_EQ(reference->rows_read, 5000);
  EXPECT_EQ(reference->rows_rejected, expected_rejects);
  EXPECT_EQ(reference->rows_scored, 5000 - expected_rejects);
  const std::string out_ref = ReadAll(o.output_path);
  const std::string rej_ref = ReadAll(o.rejects_path);
  for (int threads : {1, 2}) {
    for (int64_t batch : {1, 2, 7, 64, 1000, 65536}) {
      for (size_t chunk : {size_t{5}, size_t{4096}}) {
        ScoreOptions v = o;
        v.threads = threads;
        v.batch_rows = batch;
        v.csv.chunk_bytes = chunk;
        v.output_path = dir.File("out2.csv");
        v.rejects_path = dir.File("rej2.csv");
        auto s = ScoreFile(v);
        ASSERT_TRUE(s.ok()) << s.error().message;
        EXPECT_EQ(ReadAll(v.output_path), out_ref) << threads << " " << batch << " " << chunk;
        EXPECT_EQ(ReadAll(v.rejects_path), rej_ref) << threads << " " << batch << " " << chunk;
        EXPECT_EQ(s->output_sha256, reference->output_sha256);
        EXPECT_EQ(s->input_sha256, reference->input_sha256);
        EXPECT_EQ(s->rows_read, s->rows_scored + s->rows_rejected);
      }
    }
  }
}

// The span path (a score on 2+ threads) against one thread: a BOM, CRLF and lone CR line
// ends, quoted keys with line breaks, commas and "" inside, blank lines, parse and kernel
// rejects and an overlong record, cut into spans at every few bytes so that span edges fall
// on all of them. Output, rejects, counts and hashes must be the single thread's.
TEST(ScoreFile, SpansGiveTheSingleThreadResult) {
  TempDir dir;
  ir::Program p = TestProgram();
  std::mt19937_64 rng(20261125);
  std::string input = "\xEF\xBB\xBFid,a,x,region\r\n";
  for (int i = 0; i < 600; ++i) {
    const char* eol = i % 7 == 0 ? "\r" : (i % 3 == 0 ? "\n" : "\r\n");
    switch (rng() % 10) {
      case 0: input += "\"k" + std::to_string(i) + "\r\nnext \"\"q\"\", x\","; break;
      case 1: input += "\"k" + std::to_string(i) + "\","; break;
      case 2: input += "\r\n"; [[fallthrough]];  // a blank line first
      default: input += "k" + std::to_string(i) + ","; break;
    }
    switch (rng() % 12) {
      case 0: input += "-3,1,"; break;          // require fails
      case 1: input += "x7,1,"; break;          // not an int
      case 2: input += "2,1e301,"; break;       // kernel trap
      case 3: input += "1,2,emea,extra"; input += eol; continue;  // field count
      case 4: input += "4,\"" + std::string(90, 'z') + "\","; break;  // long, not a float
      default: input += std::to_string(rng() % 30) + "," + std::to_string(rng() % 1000) + ".5,"; break;
    }
    input += (rng() % 3 == 0 ? "emea" : "amer");
    input += eol;
  }
  input += "last,1,2,emea";  // no line end at the end
  ScoreOptions o = Options(p, dir);
  WriteAll(o.input_path, input);
  for (size_t max_record : {size_t{8} << 20, size_t{100}}) {
    ScoreOptions ref = o;
    ref.threads = 1;
    ref.csv.max_record_bytes = max_record;
    auto reference = ScoreFile(ref);
    ASSERT_TRUE(reference.ok()) << reference.error().message;
    const std::string out_ref = ReadAll(ref.output_path);
    const std::string rej_ref = ReadAll(ref.rejects_path);
    EXPECT_GT(reference->rows_rejected, 60);
    EXPECT_GT(reference->rows_scored, 300);
    if (max_record == 100) {
      // The long quoted key with its 90 z's is skipped as overlong only with the small limit.
      EXPECT_NE(rej_ref.find("record longer than 100 bytes"), std::string::npos);
    }
    for (int threads : {2, 3}) {
      for (size_t chunk : {size_t{1}, size_t{13}, size_t{64}, size_t{1000}, size_t{1} << 20}) {
        for (int64_t batch : {int64_t{3}, int64_t{65536}}) {
          ScoreOptions v = ref;
          v.threads = threads;
          v.csv.chunk_bytes = chunk;
          v.batch_rows = batch;
          v.output_path = dir.File("out2.csv");
          v.rejects_path = dir.File("rej2.csv");
          auto s = ScoreFile(v);
          const std::string where = std::to_string(threads) + " threads, chunk " +
                                    std::to_string(chunk) + ", batch " + std::to_string(batch) +
                                    ", max " + std::to_string(max_record);
          ASSERT_TRUE(s.ok()) << s.error().message << " " << where;
          EXPECT_EQ(ReadAll(v.output_path), out_ref) << where;
          EXPECT_EQ(ReadAll(v.rejects_path), rej_ref) << where;
          EXPECT_EQ(s->input_sha256, reference->input_sha256) << where;
          EXPECT_EQ(s->output_sha256, reference->output_sha256) << where;
          EXPECT_EQ(s->rows_read, reference->rows_read) << where;
          EXPECT_EQ(s->rows_scored, reference->rows_scored) << where;
          EXPECT_EQ(s->rows_rejected, reference->rows_rejected) << where;
          EXPECT_EQ(s->input_bytes, static_cast<int64_t>(input.size())) << where;
        }
      }
    }
  }
}

TEST(ScoreFile, TooManyRejectsFailsAndPublishesNoOutput) {
  TempDir dir;
  ir::Program p = TestProgram();
  // The run stops at the reject that passes the limit (row 5, the third), whatever the
  // batches, chunks and threads.
  for (int threads : {1, 2, 3}) {
    for (int64_t batch : {1, 2, 1000}) {
      for (size_t chunk : {size_t{5}, size_t{4096}}) {
    ScoreOptions o = Options(p, dir);
    o.threads = threads;
    o.batch_rows = batch;
    o.csv.chunk_bytes = chunk;
    o.max_rejects = 2;
    WriteAll(o.input_path, kInput);
    std::filesystem::remove(o.output_path);
    std::filesystem::remove(o.rejects_path);
    auto s = ScoreFile(o);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message,
              "3 rows rejected by row 5, more than the maximum of 2 (--max-rejects); the first: "
              "row 3 (line 4): require failed: require a >= 0");
    EXPECT_FALSE(std::filesystem::exists(o.output_path));
    // The rejects that stopped the run are kept to explain it.
    EXPECT_EQ(ReadAll(o.rejects_path),
              "row,line,column,reason,rule,location\n"
              "3,4,,require failed,require a >= 0,t.tally:9:3\n"
              "4,5,,float overflow in 2 * a + x,,t.tally:11:3\n"
              "5,6,a,\"not an integer: \"\"3.5\"\"\",,\n");
      }
    }
  }
  // Exactly at the limit is fine.
  ScoreOptions o = Options(p, dir);
  o.max_rejects = 4;
  auto s = ScoreFile(o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->rows_rejected, 4);
}

TEST(ScoreFile, MissingColumnFailsBeforeAnyOutput) {
  TempDir dir;
  ir::Program p = TestProgram();
  ScoreOptions o = Options(p, dir);
  WriteAll(o.input_path, "id,a,region\nc1,1,emea\n");
  auto s = ScoreFile(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            o.input_path + " has no column \"x\" for input x : float?; bind another column with "
                           "--map x=COLUMN (columns: id, a, region)");
  EXPECT_FALSE(std::filesystem::exists(o.output_path));
  EXPECT_FALSE(std::filesystem::exists(o.rejects_path));
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
  EXPECT_EQ(files, 1u);

  // Bound with --map instead, it scores.
  WriteAll(o.input_path, "id,a,amount,region\nc1,1,0.25,\n");
  o.mappings = {ColumnMapping{"x", "amount"}};
  auto mapped = ScoreFile(o);
  ASSERT_TRUE(mapped.ok()) << mapped.error().message;
  EXPECT_EQ(ReadAll(o.output_path), "id,y,tier,flag\nc1,2.25,small,false\n");
}

TEST(ScoreFile, HeaderOnlyAndEmptyInputs) {
  TempDir dir;
  ir::Program p = TestProgram();
  ScoreOptions o = Options(p, dir);
  WriteAll(o.input_path, "id,a,x,region");  // no newline, no rows
  auto s = ScoreFile(o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->rows_read, 0);
  EXPECT_EQ(ReadAll(o.output_path), "id,y,tier,flag\n");
  EXPECT_EQ(ReadAll(o.rejects_path), "row,line,column,reason,rule,location\n");
  WriteAll(o.input_path, "");
  auto empty = ScoreFile(o);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message, o.input_path + ": the input is empty: no header line");
}

TEST(ScoreFile, RefusesToOverwriteItsInput) {
  TempDir dir;
  ir::Program p = TestProgram();
  ScoreOptions o = Options(p, dir);
  WriteAll(o.input_path, kInput);
  o.output_path = o.input_path;
  EXPECT_FALSE(ScoreFile(o).ok());
  o.output_path = dir.File("./in.csv");
  auto respelled = ScoreFile(o);
  ASSERT_FALSE(respelled.ok());
  EXPECT_EQ(respelled.error().message, o.input_path + ": refusing to overwrite the input");
  EXPECT_EQ(ReadAll(o.input_path), kInput);
}

TEST(ScoreFile, LineageRecord) {
  TempDir dir;
  ir::Program p = TestProgram();
  ScoreOptions o = Options(p, dir);
  WriteAll(o.input_path, kInput);
  LineageFacts facts;
  facts.content_sha256 = "abc123";
  facts.commit = "0123456789abcdef0123456789abcdef01234567";
  facts.approvers = {"alice", "bob"};
  facts.tally_version = "0.1.0";
  facts.expires_after_seconds = 90 * 86400;
  o.lineage = facts;
  auto s = ScoreFile(o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->lineage_path, o.output_path + ".lineage.json");
  auto j = nlohmann::json::parse(ReadAll(s->lineage_path));
  EXPECT_EQ(j["definition"], "test.score");
  EXPECT_EQ(j["version"], "2.1.0");
  EXPECT_EQ(j["content_sha256"], "abc123");
  EXPECT_EQ(j["commit"], "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(j["approvers"], nlohmann::json::array({"alice", "bob"}));
  EXPECT_EQ(j["params"]["limit"], 5);
  EXPECT_EQ(j["params"]["weight"], 0.5);
  EXPECT_EQ(j["regional_overrides"]["emea"], nlohmann::json({{"limit", 1}}));
  EXPECT_EQ(j["input"]["sha256"], s->input_sha256);
  EXPECT_EQ(j["output"]["sha256"], s->output_sha256);
  EXPECT_EQ(j["output"]["rows"], 4);
  EXPECT_EQ(j["rows_read"], 8);
  EXPECT_EQ(j["rows_scored"], 4);
  EXPECT_EQ(j["rows_rejected"], 4);
  EXPECT_EQ(j["engine"], "test");
  EXPECT_TRUE(j["llvm_version"].is_null());
  EXPECT_EQ(j["run_at"], s->started_at);
  EXPECT_EQ(j["expires_after_seconds"], 7776000);
  EXPECT_EQ(j["valid_until"], FormatUtc(s->started_at_unix + 7776000));
  // The date arithmetic itself, by hand: 2026-01-01T00:00:00Z is 1767225600; +90 days.
  EXPECT_EQ(FormatUtc(1767225600), "2026-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtc(1767225600 + 7776000), "2026-04-01T00:00:00Z");
  auto summary = nlohmann::json::parse(s->ToJson());
  EXPECT_EQ(summary["rows_read"], 8);
  EXPECT_EQ(summary["first_rejects"][0]["rule"], "require a >= 0");
}

// Publish last: a run that fails writing its lineage record, after every row is scored and
// written, leaves the old output as it was and no new file of any kind.
TEST(ScoreFile, FailingAtTheLineageRecordPublishesNothing) {
  for (int threads : {1, 2}) {
    TempDir dir;
    ir::Program p = TestProgram();
    ScoreOptions o = Options(p, dir);
    o.threads = threads;
    o.lineage = LineageFacts{};
    WriteAll(o.input_path, kInput);
    WriteAll(o.output_path, "old output\n");
    // rename() cannot replace a directory: the record's step is the one that fails.
    std::filesystem::create_directory(LineagePath(o.output_path));
    auto s = ScoreFile(o);
    ASSERT_FALSE(s.ok()) << threads;
    EXPECT_EQ(s.error().message, LineagePath(o.output_path) + ": is a directory");
    EXPECT_EQ(ReadAll(o.output_path), "old output\n");
    EXPECT_FALSE(std::filesystem::exists(o.rejects_path));
    EXPECT_TRUE(std::filesystem::is_empty(LineagePath(o.output_path)));
    std::vector<std::string> left;
    for (auto& e : std::filesystem::directory_iterator(dir.path())) left.push_back(e.path().filename());
    std::sort(left.begin(), left.end());
    EXPECT_EQ(left, (std::vector<std::string>{"in.csv", "out.csv", "out.csv.lineage.json"}));
  }
}

// The same for the rejects file: found to be a directory before any row is read.
TEST(ScoreFile, RejectsPathThatIsADirectoryFailsBeforeAnyOutput) {
  TempDir dir;
  ir::Program p = TestProgram();
  ScoreOptions o = Options(p, dir);
  WriteAll(o.input_path, kInput);
  std::filesystem::create_directory(o.rejects_path);
  auto s = ScoreFile(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, o.rejects_path + ": is a directory");
  EXPECT_FALSE(std::filesystem::exists(o.output_path));
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
  EXPECT_EQ(files, 2u);  // the input and the folder
}

// An input path that is not UTF-8 used to make the record's JSON throw after the output was
// published. Now the run succeeds and the record is JSON, with U+FFFD for the bad byte.
TEST(ScoreFile, InputPathThatIsNotUtf8) {
  TempDir dir;
  ir::Program p = TestProgram();
  ScoreOptions o = Options(p, dir);
  o.input_path = dir.File("in\xff.csv");
  o.lineage = LineageFacts{};
  WriteAll(o.input_path, kInput);
  auto s = ScoreFile(o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(ReadAll(o.output_path), kExpectedOutput);
  auto j = nlohmann::json::parse(ReadAll(s->lineage_path));
  EXPECT_EQ(j["input"]["path"], dir.File("in\xEF\xBF\xBD.csv"));
  auto record = ReadLineageRecord(s->lineage_path);
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(record->input.sha256, s->input_sha256);
  auto summary = nlohmann::json::parse(s->ToJson());
  EXPECT_EQ(summary["input"], dir.File("in\xEF\xBF\xBD.csv"));
}

// What ScoreFile writes, ReadLineageRecord reads: the record of a real run, field by field.
TEST(ScoreFile, LineageRecordReadsBack) {
  TempDir dir;
  ir::Program p = TestProgram();
  ScoreOptions o = Options(p, dir);
  WriteAll(o.input_path, kInput);
  LineageFacts facts;
  facts.commit = "0123456789abcdef0123456789abcdef01234567";
  facts.approvers = {"alice"};
  facts.mappings = {ColumnMapping{"x", "x"}};
  o.lineage = facts;
  auto s = ScoreFile(o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto r = ReadLineageRecord(s->lineage_path);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->definition, "test.score");
  EXPECT_EQ(r->kind, "score");
  EXPECT_EQ(r->commit, facts.commit);
  EXPECT_EQ(r->approvers, facts.approvers);
  EXPECT_EQ(r->column_mappings.size(), 1u);
  EXPECT_EQ(r->output.path, o.output_path);
  EXPECT_EQ(r->output.sha256, s->output_sha256);
  EXPECT_EQ(r->output.bytes, static_cast<int64_t>(std::string(kExpectedOutput).size()));
  EXPECT_EQ(r->input.bytes, static_cast<int64_t>(std::string(kInput).size()));
  EXPECT_EQ(r->rejects_path, o.rejects_path);
  EXPECT_EQ(r->rows_read, 8);
  EXPECT_EQ(r->rows_rejected, 4);
  ASSERT_EQ(r->params.size(), 2u);
  EXPECT_EQ(r->params[0], (std::pair<std::string, LineageValue>{"limit", int64_t{5}}));
  EXPECT_EQ(r->params[1], (std::pair<std::string, LineageValue>{"weight", 0.5}));
  ASSERT_EQ(r->regional_overrides.size(), 1u);
  EXPECT_EQ(r->regional_overrides[0].first, "emea");
  EXPECT_EQ(r->run_at, s->started_at);
  EXPECT_TRUE(r->llvm_version.empty());
  EXPECT_EQ(LineageJson(*r), ReadAll(s->lineage_path));
}

// A real file end to end: telco-churn with a pass-through kernel. Figures from SOURCE.md:
// 7,043 rows, 11 blank TotalCharges, sum of the others 16,056,168.70, of MonthlyCharges
// 456,116.60.
void TelcoKernel(int64_t rows, const TallyColumnView* in, const uint16_t*, TallyColumnView* out,
                 uint32_t* status) {
  for (int64_t r = 0; r < rows; ++r) {
    status[r] = 0;
    out[0].valid[r] = in[1].valid == nullptr || in[1].valid[r];
    static_cast<double*>(out[0].values)[r] = static_cast<const double*>(in[1].values)[r];
    out[1].valid[r] = 1;
    static_cast<double*>(out[1].values)[r] = 2 * static_cast<const double*>(in[2].values)[r];
  }
}

TEST(ScoreFile, TelcoChurnBlankTotalChargesAreNull) {
  TempDir dir;
  ir::Program p = testing::ProgramWithInputs({Col("customerID", ir::Type::kString),
                                              Col("TotalCharges", ir::Type::kFloat, true),
                                              Col("MonthlyCharges", ir::Type::kFloat)});
  p.key_inputs = {0};
  p.outputs = {ir::Output{"total", ir::Type::kFloat, true, 0},
               ir::Output{"double_monthly", ir::Type::kFloat, false, 0}};
  ScoreOptions o;
  o.program = &p;
  o.kernels = CompiledKernels(&TelcoKernel, nullptr, nullptr, nullptr);
  o.input_path = testing::SharedData("telco-churn/Telco-Customer-Churn.csv");
  o.output_path = dir.File("telco.csv");
  o.batch_rows = 1000;
  o.progress = ProgressMode::kNever;
  auto s = ScoreFile(o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->rows_read, 7043);
  EXPECT_EQ(s->rows_scored, 7043);
  EXPECT_EQ(s->input_sha256, "16320c9c1ec72448db59aa0a26a0b95401046bef5d02fd3aeb906448e3055e91");
  std::istringstream lines(ReadAll(o.output_path));
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "customerID,total,double_monthly");
  int64_t rows = 0, blanks = 0;
  double total = 0, monthly2 = 0;
  while (std::getline(lines, line)) {
    ++rows;
    size_t c1 = line.find(',');
    size_t c2 = line.find(',', c1 + 1);
    std::string t = line.substr(c1 + 1, c2 - c1 - 1);
    if (t.empty()) ++blanks;
    else total += std::stod(t);
    monthly2 += std::stod(line.substr(c2 + 1));
  }
  EXPECT_EQ(rows, 7043);
  EXPECT_EQ(blanks, 11);
  EXPECT_NEAR(total, 16056168.70, 1e-3);
  EXPECT_NEAR(monthly2, 2 * 456116.60, 1e-3);
}

}  // namespace
}  // namespace tally::runtime

namespace tally::runtime {
namespace {

// Issue 9: a string field that is not valid UTF-8 or holds a NUL byte is rejected, naming
// the column, on the plain fast path (unquoted fields), the general path (quoted fields) and
// on every thread count, batch size and chunk size alike.
TEST(ScoreFile, StringInputsMustBeValidUtf8) {
  TempDir dir;
  ir::Program p = TestProgram();
  std::string input = "id,a,x,region\n";
  input += "ok1,1,,\n";                        // row 1
  input += "c\xC3\x28,2,,\n";                  // row 2: truncated sequence C3 28
  input += std::string("c3,3,,re\0x\n", 11);   // row 3: NUL in a nullable string
  input += "\"q\xFF\",4,,\n";                  // row 4: quoted, so the general path
  input += "c5,5,,\xE2\x82\n";                 // row 5: sequence cut by the field's end
  input += "abcdefghi\xFFj,6,,\n";             // row 6: past the first eight bytes
  input += "d\xC3\xA9,7,,\xE2\x82\xAC\n";      // row 7: valid two- and three-byte sequences
  const std::string expected_rejects =
      "row,line,column,reason,rule,location\n"
      "2,3,id,not valid UTF-8 at byte 2,,\n"
      "3,4,region,NUL byte at byte 3,,\n"
      "4,5,id,not valid UTF-8 at byte 2,,\n"
      "5,6,region,not valid UTF-8 at byte 1,,\n"
      "6,7,id,not valid UTF-8 at byte 10,,\n";
  const std::string expected_output = "id,y,tier,flag\nok1,,small,false\nd\xC3\xA9,,small,true\n";
  ScoreOptions o = Options(p, dir);
  WriteAll(o.input_path, input);
  for (int threads : {1, 2}) {
    for (int64_t batch : {1, 3, 1000}) {
      for (size_t chunk : {size_t{5}, size_t{4096}}) {
        ScoreOptions v = o;
        v.threads = threads;
        v.batch_rows = batch;
        v.csv.chunk_bytes = chunk;
        auto s = ScoreFile(v);
        ASSERT_TRUE(s.ok()) << s.error().message;
        EXPECT_EQ(ReadAll(v.rejects_path), expected_rejects) << threads << " " << batch << " " << chunk;
        EXPECT_EQ(ReadAll(v.output_path), expected_output) << threads << " " << batch << " " << chunk;
        EXPECT_EQ(s->rows_rejected, 5);
      }
    }
  }
}

// Issue 9: a run that rejects every row fails loudly (keeping the rejects that explain it)
// unless asked for; a run with no rows at all is not such a run.
TEST(ScoreFile, EveryRowRejectedFailsUnlessAllowed) {
  TempDir dir;
  ir::Program p = TestProgram();
  ScoreOptions o = Options(p, dir);
  WriteAll(o.input_path, "id,a,x,region\nc1,-1,,\nc2,yes,,\n");
  for (int threads : {1, 2}) {
    o.threads = threads;
    std::filesystem::remove(o.output_path);
    auto s = ScoreFile(o);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message,
              "every one of the 2 rows was rejected; first reason: row 1 (line 2): require failed: "
              "require a >= 0 (--allow-all-rejected accepts such a run)");
    EXPECT_FALSE(std::filesystem::exists(o.output_path));
    EXPECT_EQ(ReadAll(o.rejects_path),
              "row,line,column,reason,rule,location\n"
              "1,2,,require failed,require a >= 0,t.tally:9:3\n"
              "2,3,a,\"not an integer: \"\"yes\"\"\",,\n");
  }
  o.allow_all_rejected = true;
  auto allowed = ScoreFile(o);
  ASSERT_TRUE(allowed.ok()) << allowed.error().message;
  EXPECT_EQ(ReadAll(o.output_path), "id,y,tier,flag\n");
}

// Issue 9: a FIFO (like a device) is written in place: renaming a temporary file over it
// would replace the node. It gets no lineage record; one nobody reads fails at once.
TEST(ScoreFile, FifoOutputIsWrittenInPlace) {
  TempDir dir;
  ir::Program p = TestProgram();
  ScoreOptions o = Options(p, dir);
  WriteAll(o.input_path, kInput);
  o.output_path = dir.File("pipe");
  o.lineage = LineageFacts{};
  ASSERT_EQ(::mkfifo(o.output_path.c_str(), 0600), 0);
  EXPECT_FALSE(ScoreFile(o).ok());  // no reader: fails, does not hang
  std::string read;
  std::thread reader([&] { read = ReadAll(o.output_path); });
  // The reader may open the FIFO after ScoreFile tries; retry until it is there.
  Result<RunSummary> s = Error{"not run"};
  for (int attempt = 0; attempt < 500; ++attempt) {
    s = ScoreFile(o);
    if (s.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  reader.join();
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(read, kExpectedOutput);
  struct stat st {};
  ASSERT_EQ(::stat(o.output_path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_TRUE(s->lineage_path.empty());
  EXPECT_FALSE(std::filesystem::exists(LineagePath(o.output_path)));
}

// What a kill -9 between the output's rename and the record's leaves (docs/scoring.md): the
// new output, the previous run's OUT.csv.lineage.json, and the new record staged under
// OUT.csv.lineage.<sha256 prefix>.json. A reader is led to the staged record, which matches;
// a record swapped by hand with no staged one is found as it is, for trace to refuse.
TEST(ScoreFile, ReaderFindsTheRecordStagedForTheOutput) {
  TempDir dir;
  ir::Program p = TestProgram();
  ScoreOptions o = Options(p, dir);
  o.lineage = LineageFacts{};
  WriteAll(o.input_path, kInput);
  ASSERT_TRUE(ScoreFile(o).ok());
  const std::string main = o.output_path + ".lineage.json";
  const std::string old_record = ReadAll(main);
  WriteAll(o.input_path, std::string(kInput) + "c9,7,1,,u\r\n");
  auto second = ScoreFile(o);
  ASSERT_TRUE(second.ok()) << second.error().message;
  // Exactly the files a finished run leaves: nothing staged, no temporaries.
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
  EXPECT_EQ(files, 4u);  // input, output, rejects, record
  const auto sha = FileSha256Hex(o.output_path);
  ASSERT_TRUE(sha.ok());
  auto located = LocateLineageRecord(o.output_path);
  ASSERT_TRUE(located.ok()) << located.error().message;
  EXPECT_EQ(*located, main);

  // The killed publish: the new record back at its staged name, the old one in its place.
  const std::string staged = o.output_path + ".lineage." + sha->substr(0, 16) + ".json";
  std::filesystem::rename(main, staged);
  WriteAll(main, old_record);
  located = LocateLineageRecord(o.output_path);
  ASSERT_TRUE(located.ok()) << located.error().message;
  EXPECT_EQ(*located, staged);
  auto record = ReadLineageRecord(*located);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->output.sha256, *sha);

  // No staged record: the mismatched main record is what the reader gets.
  std::filesystem::remove(staged);
  located = LocateLineageRecord(o.output_path);
  ASSERT_TRUE(located.ok());
  EXPECT_EQ(*located, main);
  EXPECT_NE(ReadLineageRecord(main)->output.sha256, *sha);
  std::filesystem::remove(main);
  EXPECT_EQ(LocateLineageRecord(o.output_path).code(), ErrorCode::kNotFound);
}

// The next run to the same output clears what killed runs left: staged records and
// temporaries whose writer is gone, but not a live writer's temporary.
TEST(ScoreFile, NextRunRemovesWhatKilledRunsLeft) {
  TempDir dir;
  ir::Program p = TestProgram();
  ScoreOptions o = Options(p, dir);
  o.lineage = LineageFacts{};
  WriteAll(o.input_path, kInput);
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  const std::string dead = std::to_string(child);
  const std::vector<std::string> orphans = {
      o.output_path + ".tmp." + dead + ".1", o.rejects_path + ".tmp." + dead + ".2",
      o.output_path + ".lineage.json.tmp." + dead + ".3", o.output_path + ".lineage.0123456789abcdef.json"};
  const std::string live = o.output_path + ".tmp." + std::to_string(::getppid()) + ".4";
  for (const auto& f : orphans) WriteAll(f, "partial");
  WriteAll(live, "partial");
  auto s = ScoreFile(o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  for (const auto& f : orphans) EXPECT_FALSE(std::filesystem::exists(f)) << f;
  EXPECT_TRUE(std::filesystem::exists(live));
  EXPECT_EQ(ReadAll(o.output_path), kExpectedOutput);
}

// A record path that is a link to a device is written in place, like a device output: there
// is no file to stage under the output's hash (once an "internal error").
TEST(ScoreFile, RecordLinkedToADeviceIsWrittenInPlace) {
  TempDir dir;
  ir::Program p = TestProgram();
  ScoreOptions o = Options(p, dir);
  o.lineage = LineageFacts{};
  WriteAll(o.input_path, kInput);
  std::filesystem::create_symlink("/dev/null", o.output_path + ".lineage.json");
  auto s = ScoreFile(o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(ReadAll(o.output_path), kExpectedOutput);
  EXPECT_TRUE(std::filesystem::is_symlink(o.output_path + ".lineage.json"));
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
  EXPECT_EQ(files, 4u);  // input, output, rejects, the link
}

}  // namespace
}  // namespace tally::runtime
