// Window aggregates (docs/language.md, "Window aggregates"; docs/runtime.md, "Window
// aggregates (two passes)"): a score over 3,000 seeded random rows, on both engines, every
// batch size and thread count, byte for byte, against values computed here from the rows
// with plain loops (no Tally code), and through standard input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "jit_engine.h"
#include "tally/runtime/runtime.h"
#include "test_util.h"

namespace tally {
namespace {

using runtime::testing::ReadAll;
using runtime::testing::TempDir;

constexpr const char* kScore = R"(score demo.window {
  version 1.0.0
  owner cx
  key id
  input id : int
  input segment : string
  input spend : float
  input visits : int?
  require spend >= 0
  let tier = if visits > 5 then "high" else "low"
  output share : float = coalesce(spend / sum(spend) over all, 0)
  output seg_avg : float = avg(spend) over segment
  output seg_p75 : float = quantile(spend, 0.75) over segment
  output tier_n : int = count() over (segment, tier)
  output visits_max : int? = max(visits) over tier
  output top : bool = spend >= quantile(spend, 0.9) over all
}
)";

struct Row {
  int64_t id;
  std::string segment;
  double spend;
  std::optional<int64_t> visits;
  bool parses = true;  // false: the spend field is not a number (a parse reject)
};

std::vector<Row> RandomRows(size_t n) {
  std::mt19937_64 rng(20261204);
  const char* segments[] = {"smb", "mid", "ent", "gov", "edu"};
  std::vector<Row> rows;
  for (size_t i = 0; i < n; ++i) {
    Row r;
    r.id = static_cast<int64_t>(i + 1);
    r.segment = segments[rng() % 5];
    r.spend = static_cast<double>(static_cast<int64_t>(rng() % 200000) - 5000) / 100.0;  // some < 0
    if (rng() % 4 != 0) r.visits = static_cast<int64_t>(rng() % 12);
    r.parses = rng() % 97 != 0;
    rows.push_back(r);
  }
  return rows;
}

std::string Csv(const std::vector<Row>& rows) {
  std::string out = "id,segment,spend,visits\n";
  char buf[64];
  for (const Row& r : rows) {
    std::snprintf(buf, sizeof buf, "%.2f", r.spend);
    out += std::to_string(r.id) + "," + r.segment + "," + (r.parses ? std::string(buf) : std::string("n/a")) + "," +
           (r.visits ? std::to_string(*r.visits) : std::string()) + "\n";
  }
  return out;
}

double Type7(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const double h = static_cast<double>(v.size() - 1) * p;
  const size_t i = static_cast<size_t>(std::floor(h));
  return i + 1 >= v.size() ? v[i] : v[i] + (h - static_cast<double>(i)) * (v[i + 1] - v[i]);
}

// The expected output, from the rows alone: the population is every row that parses with
// spend >= 0; sums and averages in input order.
std::map<int64_t, std::vector<std::string>> Expected(const std::vector<Row>& all) {
  std::vector<Row> rows;
  for (const Row& r : all) {
    // The CSV holds the spend with 2 decimals: read it back as the parser does.
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", r.spend);
    Row x = r;
    x.spend = std::strtod(buf, nullptr);
    if (x.parses && x.spend >= 0) rows.push_back(x);
  }
  auto tier = [](const Row& r) { return r.visits && *r.visits > 5 ? "high" : "low"; };
  double total = 0;
  std::map<std::string, double> seg_sum;
  std::map<std::string, int64_t> seg_n;
  std::map<std::string, std::vector<double>> seg_values;
  std::map<std::string, int64_t> tier_n;
  std::map<std::string, std::optional<int64_t>> visits_max;
  std::vector<double> spends;
  for (const Row& r : rows) {
    total += r.spend;
    seg_sum[r.segment] += r.spend;
    ++seg_n[r.segment];
    seg_values[r.segment].push_back(r.spend);
    ++tier_n[r.segment + "/" + tier(r)];
    auto& m = visits_max[tier(r)];
    if (r.visits && (!m || *r.visits > *m)) m = r.visits;
    spends.push_back(r.spend);
  }
  const double p90 = Type7(spends, 0.9);
  auto text = [](double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v + 0.0);
    return std::string(buf);
  };
  std::map<int64_t, std::vector<std::string>> out;
  for (const Row& r : rows) {
    const auto& m = visits_max[tier(r)];
    out[r.id] = {text(r.spend / total), text(seg_sum[r.segment] / static_cast<double>(seg_n[r.segment])),
                 text(Type7(seg_values[r.segment], 0.75)), std::to_string(tier_n[r.segment + "/" + tier(r)]),
                 m ? std::to_string(*m) : "", r.spend >= p90 ? "true" : "false"};
  }
  return out;
}

// The output rows by id, floats re-printed with 17 digits (the writer prints the shortest
// text that reads back as the same double, so reading it back must give these bits).
std::map<int64_t, std::vector<std::string>> Parse(const std::string& csv) {
  std::map<int64_t, std::vector<std::string>> out;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) f.push_back(cell);
    if (line.back() == ',') f.push_back("");
    for (size_t c : {1u, 2u, 3u}) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", std::strtod(f[c].c_str(), nullptr));
      f[c] = buf;
    }
    out[std::stoll(f[0])] = {f.begin() + 1, f.end()};
  }
  return out;
}

TEST(WindowAggregates, MatchPlainLoopsOnBothEnginesEveryBatchSizeAndThreadCount) {
  TempDir dir;
  const std::vector<Row> rows = RandomRows(3000);
  {
    std::ofstream(dir.File("window.tally")) << kScore;
    std::ofstream(dir.File("input.csv")) << Csv(rows);
  }
  const auto expected = Expected(rows);
  ASSERT_GT(expected.size(), 2500u);
  ASSERT_LT(expected.size(), 3000u);  // some rows are rejected, so the population is tested
  auto interpreted = Runtime::Load(dir.File("window.tally"));
  ASSERT_TRUE(interpreted.ok()) << interpreted.error().message;
  auto jitted = Runtime::Load(dir.File("window.tally"));
  ASSERT_TRUE(jitted.ok());
  jitted->SetKernelFactory(&runtime::testing::JitKernels);
  auto a = interpreted->Kernel("demo.window@1");
  auto b = jitted->Kernel("demo.window@1");
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  std::string first;
  int run = 0;
  for (int engine = 0; engine < 2; ++engine) {
    for (int64_t batch : {1, 7, 1000, 65536}) {
      for (int threads : {1, 2}) {
        runtime::ScoreOptions o;
        o.input_path = dir.File("input.csv");
        o.output_path = dir.File("out" + std::to_string(run) + ".csv");
        o.rejects_path = dir.File("rej" + std::to_string(run) + ".csv");
        o.batch_rows = batch;
        o.threads = threads;
        o.csv.chunk_bytes = batch == 7 ? 4096 : o.csv.chunk_bytes;  // many spans with 2 threads
        o.progress = runtime::ProgressMode::kNever;
        ++run;
        auto s = (engine == 0 ? *a : *b).ScoreFile(o);
        ASSERT_TRUE(s.ok()) << s.error().message;
        const std::string out = ReadAll(o.output_path);
        if (first.empty()) {
          first = out;
          EXPECT_EQ(Parse(out), expected);
        }
        EXPECT_EQ(out, first) << (engine == 0 ? "interpreter" : "jit") << " batch " << batch << " threads " << threads;
        EXPECT_EQ(s->rows_scored, static_cast<int64_t>(expected.size()));
        EXPECT_EQ(s->rows_scored + s->rows_rejected, 3000);
      }
    }
  }
}

}  // namespace
}  // namespace tally
