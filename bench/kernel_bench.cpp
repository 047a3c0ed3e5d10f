// Kernel benchmarks (docs/performance.md): the LANGUAGE.md health score over 10M rows in
// memory, JIT kernel vs the same formula written by hand in C++; cold compile time per
// definition; cache-hit load time. Prints the ratios from the medians at the end.
//
//   ninja -C build tally_kernel_bench && build/bench/tally_kernel_bench \
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <unistd.h>

#include "hand_written_health.h"
#include "health_program.h"
#include "tally/codegen/kernel.h"
#include "tally/compiler/compiler.h"
#include "tally/compiler/interpreter.h"

namespace tally::bench {
namespace {

using codegen::testing::HealthScoreProgram;

constexpr int64_t kRows = 10'000'000;

// The in-memory batch: inputs in HealthScoreProgram's order, outputs as the ABI wants.
struct Batch {
  std::vector<int64_t> logins, prev, tickets;
  std::vector<double> nps, arr;
  std::vector<uint8_t> nps_valid;
  std::vector<double> score;
  std::vector<int32_t> tier;
  std::vector<uint8_t> at_risk, score_valid, tier_valid, at_risk_valid;
  std::vector<uint32_t> status;

  explicit Batch(int64_t rows) {
    std::mt19937_64 rng(42);
    auto n = static_cast<size_t>(rows);
    logins.resize(n); prev.resize(n); tickets.resize(n); nps.resize(n); arr.resize(n); nps_valid.resize(n);
    for (size_t i = 0; i < n; ++i) {
      logins[i] = static_cast<int64_t>(rng() % 60);
      prev[i] = static_cast<int64_t>(rng() % 60);
      tickets[i] = static_cast<int64_t>(rng() % 14) - 1;  // some negative: rejected rows
      nps[i] = static_cast<double>(static_cast<int64_t>(rng() % 201) - 100);
      nps_valid[i] = rng() % 10 != 0;
      arr[i] = static_cast<double>(rng() % 200000);
    }
    score.assign(n, 0); tier.assign(n, 0); at_risk.assign(n, 0); status.assign(n, 0);
    score_valid.assign(n, 0); tier_valid.assign(n, 0); at_risk_valid.assign(n, 0);
  }
  HealthColumns Hand() {
    return {static_cast<int64_t>(logins.size()), logins.data(), prev.data(), tickets.data(), nps.data(),
            nps_valid.data(), arr.data(), score.data(), tier.data(), at_risk.data(), status.data(),
            score_valid.data(), tier_valid.data(), at_risk_valid.data()};
  }
  void RunKernel(TallyScoreKernelFn fn) {
    // Non-nullable columns come without validity, as the runtime passes them.
    TallyColumnView in[] = {{logins.data(), nullptr}, {prev.data(), nullptr}, {tickets.data(), nullptr},
                            {nps.data(), nps_valid.data()}, {arr.data(), nullptr}};
    TallyColumnView out[] = {{score.data(), score_valid.data()}, {tier.data(), tier_valid.data()},
                             {at_risk.data(), at_risk_valid.data()}};
    fn(static_cast<int64_t>(logins.size()), in, nullptr, out, status.data());
  }
};

Batch& Data() {
  static Batch* batch = new Batch(kRows);
  return *batch;
}

std::shared_ptr<const codegen::Kernel> Compiled(int opt_level) {
  static std::map<int, std::shared_ptr<const codegen::Kernel>> kernels;
  auto& k = kernels[opt_level];
  if (!k) {
    codegen::KernelOptions o;
    o.use_cache = false;
    o.opt_level = opt_level;
    auto r = codegen::CompileKernel(HealthScoreProgram(), o);
    if (!r.ok()) {
      std::fprintf(stderr, "compile failed: %s\n", r.error().message.c_str());
      std::exit(1);
    }
    k = *r;
  }
  return k;
}

void SetRows(benchmark::State& state, int64_t rows) {
  state.SetItemsProcessed(state.iterations() * rows);
}

void BM_HandWritten(benchmark::State& state) {
  Batch& b = Data();
  for (auto _ : state) {
    HandWrittenHealth(b.Hand());
    benchmark::ClobberMemory();
  }
  SetRows(state, kRows);
}
BENCHMARK(BM_HandWritten)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_HandWrittenWithValidity(benchmark::State& state) {
  Batch& b = Data();
  for (auto _ : state) {
    HandWrittenHealthWithValidity(b.Hand());
    benchmark::ClobberMemory();
  }
  SetRows(state, kRows);
}
BENCHMARK(BM_HandWrittenWithValidity)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_JitKernel(benchmark::State& state) {
  auto kernel = Compiled(static_cast<int>(state.range(0)));
  Batch& b = Data();
  for (auto _ : state) {
    b.RunKernel(kernel->score());
    benchmark::ClobberMemory();
  }
  SetRows(state, kRows);
}
BENCHMARK(BM_JitKernel)->Arg(1)->Arg(2)->Arg(3)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Interpreter(benchmark::State& state) {
  // 1M rows: the interpreter is the oracle, not a contender.
  static Batch* small = new Batch(1'000'000);
  ir::Program p = HealthScoreProgram();
  TallyColumnView in[] = {{small->logins.data(), nullptr}, {small->prev.data(), nullptr},
                          {small->tickets.data(), nullptr}, {small->nps.data(), small->nps_valid.data()},
                          {small->arr.data(), nullptr}};
  TallyColumnView out[] = {{small->score.data(), small->score_valid.data()}, {small->tier.data(), small->tier_valid.data()},
                           {small->at_risk.data(), small->at_risk_valid.data()}};
  for (auto _ : state) {
    interp::RunScore(p, 1'000'000, in, nullptr, out, small->status.data());
    benchmark::ClobberMemory();
  }
  SetRows(state, 1'000'000);
}
BENCHMARK(BM_Interpreter)->Unit(benchmark::kMillisecond)->UseRealTime();

// Cold compile: generate IR, optimize, emit machine code, link (the JIT itself already up).
void BM_ColdCompile(benchmark::State& state) {
  Compiled(1);  // the process's first compile sets up LLVM; not per-definition cost
  codegen::KernelOptions o;
  o.use_cache = false;
  o.opt_level = static_cast<int>(state.range(0));
  for (auto _ : state) {
    auto k = codegen::CompileKernel(HealthScoreProgram(), o);
    benchmark::DoNotOptimize(k);
  }
}
BENCHMARK(BM_ColdCompile)->Arg(1)->Arg(2)->Arg(3)->Unit(benchmark::kMillisecond)->UseRealTime();

// Cold compile of every bundled definition (metrics/), per definition.
void BM_ColdCompileBundled(benchmark::State& state) {
  Compiled(1);
  static const std::vector<ir::Program>* programs = [] {
    auto* out = new std::vector<ir::Program>();
    auto files = CollectSources({std::string(TALLY_SOURCE_DIR) + "/metrics"});
    if (!files.ok()) return out;
    CompileResult r = Compile(*files);
    if (!r.library) return out;
    for (const std::string& name : r.library->Names()) out->push_back(*r.library->Find(name));
    return out;
  }();
  if (programs->empty()) {
    state.SkipWithError("the bundled definitions did not compile");
    return;
  }
  codegen::KernelOptions o;
  o.use_cache = false;
  for (auto _ : state) {
    for (const ir::Program& p : *programs) {
      auto k = codegen::CompileKernel(p, o);
      benchmark::DoNotOptimize(k);
    }
  }
  state.counters["definitions"] = static_cast<double>(programs->size());
  state.counters["ms_per_definition"] = benchmark::Counter(
      static_cast<double>(programs->size()) * static_cast<double>(state.iterations()) / 1e3,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ColdCompileBundled)->Unit(benchmark::kMillisecond)->UseRealTime();

// A cache hit: read and verify the entry, link the object with the built-in loader; no LLVM.
void BM_CacheHit(benchmark::State& state) {
  std::string dir = (std::filesystem::temp_directory_path() / ("tally-bench-cache-" + std::to_string(::getpid()))).string();
  codegen::KernelOptions o;
  o.cache_dir = dir;
  { auto warm = codegen::CompileKernel(HealthScoreProgram(), o); benchmark::DoNotOptimize(warm); }
  for (auto _ : state) {
    auto k = codegen::CompileKernel(HealthScoreProgram(), o);
    if (!k.ok() || !(*k)->info().from_cache || (*k)->info().linked_by != "tally") {
      state.SkipWithError("not a cache hit linked by the built-in loader");
    }
    benchmark::DoNotOptimize(k);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_CacheHit)->Unit(benchmark::kMillisecond)->UseRealTime();

// Collects median times so the ratios can be printed after the table.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
      medians_[r.run_name.str()] = r.GetAdjustedRealTime();
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void Summary() const {
    auto get = [&](const char* name) {
      auto it = medians_.find(name);
      return it == medians_.end() ? 0.0 : it->second;
    };
    double hand = get("BM_HandWritten/real_time");
    double hand_valid = get("BM_HandWrittenWithValidity/real_time");
    for (const char* k : {"BM_JitKernel/1/real_time", "BM_JitKernel/2/real_time", "BM_JitKernel/3/real_time"}) {
      double t = get(k);
      if (t > 0 && hand > 0) {
        std::printf("%s: %.1f M rows/s; speed vs hand-written %.2fx, vs hand-written with validity %.2fx\n", k,
                    kRows / t / 1e3, hand / t, hand_valid / t);
      }
    }
    if (hand > 0) std::printf("hand-written: %.1f M rows/s\n", kRows / hand / 1e3);
  }

 private:
  std::map<std::string, double> medians_;
};

// The kernel and the hand-written loop must compute the same scores, or the race means nothing.
bool SameResults() {
  Batch a(100'000), b(100'000);
  a.RunKernel(Compiled(1)->score());
  HandWrittenHealth(b.Hand());
  for (size_t i = 0; i < a.score.size(); ++i) {
    if (b.status[i] != 0) {
      if (a.status[i] == 0) return false;
      continue;
    }
    if (a.status[i] != 0 || std::memcmp(&a.score[i], &b.score[i], sizeof(double)) != 0 || a.tier[i] != b.tier[i] ||
        a.at_risk[i] != b.at_risk[i])
      return false;
  }
  return true;
}

// The headline ratio, measured robustly on a shared machine: the contenders run alternately
// (hand, kernel, hand, kernel, ...) so load changes hit both alike; medians of process CPU
// time and of wall time.
void PairedComparison(int rounds) {
  auto cpu_ms = [] {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  };
  auto wall_ms = [] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
  };
  Batch& b = Data();
  struct Contender { const char* name; std::function<void()> run; std::vector<double> cpu, wall; };
  std::vector<Contender> c;
  c.push_back({"hand-written", [&] { HandWrittenHealth(b.Hand()); }, {}, {}});
  c.push_back({"hand-written + validity", [&] { HandWrittenHealthWithValidity(b.Hand()); }, {}, {}});
  for (int level : {1, 2, 3}) {
    auto k = Compiled(level);
    c.push_back({level == 1 ? "kernel (level 1)" : level == 2 ? "kernel (O2)" : "kernel (O3)",
                 [&b, k] { b.RunKernel(k->score()); }, {}, {}});
  }
  for (int r = 0; r < rounds; ++r) {
    for (Contender& x : c) {
      double c0 = cpu_ms(), w0 = wall_ms();
      x.run();
      x.cpu.push_back(cpu_ms() - c0);
      x.wall.push_back(wall_ms() - w0);
    }
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  double hand_cpu = median(c[0].cpu), hand_wall = median(c[0].wall);
  std::printf("\npaired, %d alternating rounds of %lld rows (median ms; ratio = hand-written time / time):\n",
              rounds, static_cast<long long>(kRows));
  for (Contender& x : c) {
    double cpu = median(x.cpu), wall = median(x.wall);
    std::printf("  %-26s cpu %7.1f ms  wall %7.1f ms  %6.1f M rows/s  speed vs hand-written: cpu %.2fx, wall %.2fx\n",
                x.name, cpu, wall, kRows / cpu / 1e3, hand_cpu / cpu, hand_wall / wall);
  }
}

}  // namespace
}  // namespace tally::bench

int main(int argc, char** argv) {
  auto start = std::chrono::steady_clock::now();
  auto first = tally::bench::Compiled(1);
  double first_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const auto& t = first->info().target;
  std::printf("target: %s, cpu %s, LLVM %s\nfirst compile in the process (LLVM set-up included): %.1f ms\n",
              t.triple.c_str(), t.cpu.c_str(), t.llvm_version.c_str(), first_ms);
  if (!tally::bench::SameResults()) {
    std::fprintf(stderr, "the kernel and the hand-written loop disagree\n");
    return 1;
  }
  std::printf("kernel and hand-written loop agree bit for bit on 100,000 rows\n");
  benchmark::Initialize(&argc, argv);
  tally::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.Summary();
  tally::bench::PairedComparison(15);
  benchmark::Shutdown();
  return 0;
}
