// Every bundled definition (metrics/**/*.tally) through both back ends, bit for bit: scores
// on random inputs in every region variant; metrics through the row kernel, the shared
// group-by, and the finalize kernel.
#include <gtest/gtest.h>

#include <random>

#include "kernel_check.h"
#include "string_calls.h"
#include "tally/compiler/compiler.h"
#include "tally/runtime/group_by.h"

namespace tally::codegen::testing {
namespace {

constexpr double kOne = 1.0;

const Library& Bundled() {
  static const Library* library = [] {
    auto files = CollectSources({std::string(TALLY_SOURCE_DIR) + "/metrics"});
    if (!files.ok()) {
      ADD_FAILURE() << files.error().message;
      return static_cast<Library*>(nullptr);
    }
    CompileResult r = Compile(*files);
    if (!r.library) {
      ADD_FAILURE() << "the bundled definitions do not compile";
      return static_cast<Library*>(nullptr);
    }
    return new Library(*r.library);
  }();
  return *library;
}

// The texts the random string codes name: the constants, then three more (codes past the
// constants, as a run's input strings have).
std::vector<std::string> StringSeed(const ir::Program& p) {
  std::vector<std::string> strings = p.string_constants;
  for (int extra = 0; extra < 3; ++extra) strings.push_back("runtime-" + std::to_string(extra));
  return strings;
}

// Plausible values (small counts, ratings, scores) with a share of extremes and nulls.
std::vector<Column> RandomInputs(const ir::Program& p, int64_t rows, std::mt19937_64& rng) {
  auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  std::vector<Column> cols;
  // A score's window values are read like inputs after them (kernel_abi.h): random too.
  std::vector<ir::Column> columns = p.inputs;
  for (const ir::WindowValue& w : p.window_values) columns.push_back({w.text, w.type, w.nullable});
  for (const ir::Column& in : columns) {
    Column c;
    c.type = in.type;
    for (int64_t r = 0; r < rows; ++r) {
      bool valid = !(in.nullable && pick(0, 9) == 0);
      switch (in.type) {
        case Type::kInt: {
          int64_t v = pick(0, 19) == 0 ? (pick(0, 1) ? INT64_MAX : INT64_MIN) : pick(-3, 120);
          c.Push<int64_t>(v, valid);
          break;
        }
        case Type::kFloat: {
          double v = pick(0, 29) == 0 ? (pick(0, 1) ? 1e308 : -0.0)
                                      : static_cast<double>(pick(-200000, 2000000)) / 8.0;
          c.Push<double>(v, valid);
          break;
        }
        case Type::kBool: c.Push<uint8_t>(static_cast<uint8_t>(pick(0, 1)), valid); break;
        case Type::kDate: c.Push<int64_t>(pick(9000, 12000), valid); break;  // days in 1994..2002
        case Type::kString:
          c.Push<int32_t>(static_cast<int32_t>(pick(0, static_cast<int64_t>(p.string_constants.size()) + 2)), valid);
          break;
      }
    }
    c.has_valid = in.nullable;
    cols.push_back(std::move(c));
  }
  return cols;
}

TEST(CodegenLibrary, EveryBundledScoreMatchesTheInterpreter) {
  const Library& lib = Bundled();
  std::mt19937_64 rng(7);
  int scores = 0;
  for (const std::string& name : lib.Names()) {
    const ir::Program* p = lib.Find(name);
    if (p->kind != ir::Program::Kind::kScore) continue;
    ++scores;
    auto kernel = CompileKernel(*p, NoCache());
    ASSERT_TRUE(kernel.ok()) << name << ": " << kernel.error().message;
    const int64_t rows = 3000;
    std::vector<Column> inputs = RandomInputs(*p, rows, rng);
    std::vector<uint16_t> variants;
    for (int64_t r = 0; r < rows; ++r) variants.push_back(static_cast<uint16_t>(r % p->variants.size()));
    // Computed strings (cx.segment): each run its own dictionary, strings compared by text.
    strings::VectorStore canon;
    const std::vector<std::string> seed = StringSeed(*p);
    RunResult k = RunCanonical((*kernel)->score(), *p, inputs, rows, &variants, false, &canon, seed);
    RunResult i = RunCanonical(
        [&](int64_t n, const TallyColumnView* in, const uint16_t* v, TallyColumnView* out, uint32_t* st) {
          interp::RunScore(*p, n, in, v, out, st);
        },
        *p, inputs, rows, &variants, false, &canon, seed);
    ExpectSameBytes(k, i, name);
    std::shared_ptr<const Kernel> reloaded = CompileAndReload(*p);
    ASSERT_TRUE(reloaded) << name;
    ExpectSameBytes(RunCanonical(reloaded->score(), *p, inputs, rows, &variants, false, &canon, seed), i,
                    name + " (from the cache)");
    int64_t scored = 0;
    for (uint32_t s : i.status) scored += s == 0;
    EXPECT_GT(scored, rows / 10) << name << ": too few rows scored to mean anything";
  }
  EXPECT_GE(scores, 4);
}

TEST(CodegenLibrary, EveryBundledMetricMatchesTheInterpreterThroughTheGroupBy) {
  const Library& lib = Bundled();
  std::mt19937_64 rng(11);
  int metrics = 0, finalized = 0;
  for (const std::string& name : lib.Names()) {
    const ir::Program* p = lib.Find(name);
    if (p->kind != ir::Program::Kind::kMetric) continue;
    ++metrics;
    auto kernel = CompileKernel(*p, NoCache());
    ASSERT_TRUE(kernel.ok()) << name << ": " << kernel.error().message;
    const int64_t rows = 2000;
    std::vector<Column> inputs = RandomInputs(*p, rows, rng);
    if (metrics % 2 == 0) {  // every other metric without huge floats, so its sums stay finite
      for (Column& c : inputs) {
        if (c.type != Type::kFloat) continue;
        for (int64_t r = 0; r < rows; ++r) {
          if (c.At<double>(r) == 1e308) std::memcpy(c.bytes.data() + r * 8, &kOne, 8);
        }
      }
    }
    // Canonical string codes only for a metric that computes strings: the group-by below
    // reads these codes against `strings`.
    strings::VectorStore canon;
    strings::VectorStore* canon_or_none = ir::UsesStringCalls(p->row_code) ? &canon : nullptr;
    const std::vector<std::string> seed = StringSeed(*p);
    RunResult k = RunCanonical((*kernel)->metric_row(), *p, inputs, rows, nullptr, true, canon_or_none, seed);
    RunResult i = RunCanonical(
        [&](int64_t n, const TallyColumnView* in, const uint16_t* v, TallyColumnView* out, uint32_t* st) {
          interp::RunMetricRows(*p, n, in, v, out, st);
        },
        *p, inputs, rows, nullptr, true, canon_or_none, seed);
    ExpectSameBytes(k, i, name + " rows");
    std::shared_ptr<const Kernel> reloaded = CompileAndReload(*p);
    ASSERT_TRUE(reloaded) << name;
    ExpectSameBytes(RunCanonical(reloaded->metric_row(), *p, inputs, rows, nullptr, true, canon_or_none, seed), i,
                    name + " rows (from the cache)");
    // (No bundled metric computes strings; one that did would need `strings` below to be
    // the canonical texts and its finalize kernel a helper.)
    if (canon_or_none != nullptr) continue;

    // One group-by over the (identical) row results, then both finalize kernels.
    runtime::GroupAggregator agg(*p);
    std::vector<TallyColumnView> keys, args;
    for (uint32_t key : p->group_keys) keys.push_back(inputs[key].View());
    for (Column& c : i.outputs) args.push_back(c.View());
    tally::Status added = agg.AddBatch(rows, keys.data(), args.data(), i.status.data());
    if (!added.ok()) continue;  // a sum overflowed: a run error, nothing to finalize
    std::vector<std::string> strings = p->string_constants;
    for (int extra = 0; extra < 3; ++extra) strings.push_back("runtime-" + std::to_string(extra));
    auto groups = agg.Finish(strings);
    if (!groups.ok()) continue;  // e.g. a float sum overflowed on the extreme inputs: a run error
    ++finalized;
    std::vector<TallyColumnView> agg_views, key_views;
    for (runtime::OwnedColumn& c : groups->aggregates) agg_views.push_back(c.View());
    for (runtime::OwnedColumn& c : groups->keys) key_views.push_back(c.View());
    const int64_t n = groups->count;
    ASSERT_GT(n, 0) << name;
    auto finalize = [&](auto fn) {
      RunResult r;
      for (const ir::Output& o : p->outputs) r.outputs.push_back(Column::Empty(o.type, n));
      r.status.assign(static_cast<size_t>(n), 0xDEADBEEF);
      std::vector<TallyColumnView> out;
      for (Column& c : r.outputs) out.push_back(c.View());
      fn(n, agg_views.data(), key_views.data(), out.data(), r.status.data());
      return r;
    };
    RunResult kf = finalize((*kernel)->metric_finalize());
    RunResult jf = finalize([&](int64_t g, const TallyColumnView* a, const TallyColumnView* kk, TallyColumnView* o,
                                uint32_t* st) { interp::RunMetricFinalize(*p, g, a, kk, o, st); });
    ExpectSameBytes(kf, jf, name + " finalize");
    ExpectSameBytes(finalize(reloaded->metric_finalize()), jf, name + " finalize (from the cache)");
  }
  EXPECT_GE(metrics, 3);
  EXPECT_GE(finalized, 2) << "too few metrics reached the finalize kernel";
}

// The null literal in every position the checker allows, lowered and folded: the program
// verifies (no E-internal), and kernel and interpreter agree on every output byte. Output
// 0 (`not null`) is null on every row.
TEST(CodegenLibrary, NullLiteralsEverywhereCompileAndBothEnginesAgree) {
  auto source = std::make_shared<const SourceFile>("nulls.tally", R"(score t.nulls {
  version 1.0.0
  owner cx
  input a : int?
  input x : float?
  input p : bool?
  output o1 : bool? = not null
  output o2 : bool? = null and true
  output o3 : bool? = null == 1
  output o4 : int? = abs(null) + sign(null)
  output o5 : int? = coalesce(null, a, 1)
  output o6 : bool = is_null(null)
  output o7 : int? = round(null) + min(null, a) + null % 2
  output o8 : float? = sqrt(null) + null / 2 + -null + pow(null, x) + x % null
  output o9 : bool? = p or null
  output o10 : int? = if p then null else null
  output o11 : bool? = a in [null, 2] and not (p and null)
  output o12 : float? = clamp(null, 1, 2)
})");
  CompileResult compiled = Compile({source});
  ASSERT_TRUE(compiled.library) << Render(compiled.diagnostics);
  const ir::Program& p = *compiled.library->Find("t.nulls");
  std::mt19937_64 rng(7);
  std::vector<Want> nulls(200, Null());
  CheckScore(p, RandomInputs(p, 200, rng), nulls);
}

}  // namespace
}  // namespace tally::codegen::testing
