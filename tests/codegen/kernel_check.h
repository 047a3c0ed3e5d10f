// Runs a hand-built program through the JIT kernel and the reference interpreter and checks
// both against values the test states (worked out by hand or by a plain formula).
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "program_builder.h"
#include "tally/codegen/kernel.h"
#include "tally/compiler/interpreter.h"

namespace tally::codegen::testing {

// What one output row should be: a value, null, or a rejected row with a status.
struct Want {
  enum Kind { kValue, kNull, kStatus } kind = kValue;
  int64_t i = 0;
  double f = 0;
  uint32_t status = 0;
};
inline Want I(int64_t v) { return {Want::kValue, v, 0, 0}; }
inline Want F(double v) { return {Want::kValue, 0, v, 0}; }
inline Want B(bool v) { return {Want::kValue, v ? 1 : 0, 0, 0}; }
inline Want Null() { return {Want::kNull, 0, 0, 0}; }
inline Want Status(uint32_t s) { return {Want::kStatus, 0, 0, s}; }

inline KernelOptions NoCache() {
  KernelOptions o;
  o.use_cache = false;
  return o;
}

// A kernel cache directory private to this test process, removed when it exits.
inline const std::string& ScratchCacheDir() {
  struct Dir {
    std::string path = (std::filesystem::temp_directory_path() /
                        ("tally-scratch-cache-" + std::to_string(::getpid()))).string();
    ~Dir() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static const Dir dir;
  return dir.path;
}

// The kernel a later process gets for `p`: compiled once into the scratch cache (by LLVM),
// then loaded back from it, which links the cached object with the built-in loader
// (object_loader.cpp), not LLVM's. Fails the test unless the second load is a cache hit.
inline std::shared_ptr<const Kernel> CompileAndReload(const ir::Program& p) {
  KernelOptions o;
  o.cache_dir = ScratchCacheDir();
  auto first = CompileKernel(p, o);
  if (!first.ok()) {
    ADD_FAILURE() << first.error().message;
    return nullptr;
  }
  auto again = CompileKernel(p, o);
  if (!again.ok()) {
    ADD_FAILURE() << again.error().message;
    return nullptr;
  }
  EXPECT_TRUE((*again)->info().from_cache) << "second compile was not a cache hit";
  EXPECT_EQ((*again)->info().linked_by, "tally") << "the built-in loader could not link it";
  EXPECT_EQ((*again)->info().cache_warning, "");
  return *again;
}

inline std::string Describe(const Column& c, int64_t r) {
  switch (c.type) {
    case Type::kBool: return std::to_string(c.At<uint8_t>(r));
    case Type::kInt: return std::to_string(c.At<int64_t>(r));
    case Type::kDate: return "day " + std::to_string(c.At<int64_t>(r));
    case Type::kFloat: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g (bits %016llx)", c.At<double>(r),
                    static_cast<unsigned long long>(c.At<uint64_t>(r)));
      return buf;
    }
    case Type::kString: return "code " + std::to_string(c.At<int32_t>(r));
  }
  return "?";
}

// Kernel and interpreter must agree on every status, validity byte and payload byte.
inline void ExpectSameBytes(const RunResult& kernel, const RunResult& interp, const std::string& what) {
  ASSERT_EQ(kernel.status.size(), interp.status.size());
  for (size_t r = 0; r < kernel.status.size(); ++r) {
    EXPECT_EQ(kernel.status[r], interp.status[r]) << what << " row " << r;
  }
  ASSERT_EQ(kernel.outputs.size(), interp.outputs.size());
  for (size_t o = 0; o < kernel.outputs.size(); ++o) {
    const Column& k = kernel.outputs[o];
    const Column& i = interp.outputs[o];
    for (int64_t r = 0; r < k.rows(); ++r) {
      if (kernel.status[r] != 0) continue;  // outputs of rejected rows are unspecified
      EXPECT_EQ(k.valid[r], i.valid[r]) << what << " output " << o << " row " << r;
      size_t w = Column::Width(k.type);
      EXPECT_EQ(0, std::memcmp(k.bytes.data() + r * w, i.bytes.data() + r * w, w))
          << what << " output " << o << " row " << r << ": kernel " << Describe(k, r) << ", interpreter "
          << Describe(i, r);
    }
  }
}

inline void ExpectWant(const RunResult& run, size_t output, const std::vector<Want>& want, const std::string& who) {
  const Column& c = run.outputs[output];
  ASSERT_EQ(static_cast<size_t>(c.rows()), want.size());
  for (size_t r = 0; r < want.size(); ++r) {
    const Want& w = want[r];
    std::string where = who + " row " + std::to_string(r);
    if (w.kind == Want::kStatus) {
      EXPECT_EQ(run.status[r], w.status) << where;
      continue;
    }
    EXPECT_EQ(run.status[r], 0u) << where;
    if (w.kind == Want::kNull) {
      EXPECT_EQ(c.valid[r], 0) << where << ": expected null, got " << Describe(c, r);
      continue;
    }
    EXPECT_EQ(c.valid[r], 1) << where << ": expected a value";
    switch (c.type) {
      case Type::kBool: EXPECT_EQ(c.At<uint8_t>(r), w.i) << where; break;
      case Type::kInt:
      case Type::kDate: EXPECT_EQ(c.At<int64_t>(r), w.i) << where; break;
      case Type::kString: EXPECT_EQ(c.At<int32_t>(r), w.i) << where; break;
      case Type::kFloat:
        EXPECT_EQ(c.At<uint64_t>(r), std::bit_cast<uint64_t>(w.f))
            << where << ": expected " << w.f << ", got " << Describe(c, r);
        break;
    }
  }
}

// Compiles `p` (a score), runs kernel and interpreter on `inputs`, checks output 0 against
// `want` in both, and the two against each other byte for byte.
inline void CheckScore(const ir::Program& p, std::vector<Column> inputs, const std::vector<Want>& want,
                       const std::vector<uint16_t>* variants = nullptr, size_t output = 0) {
  auto kernel = CompileKernel(p, NoCache());
  ASSERT_TRUE(kernel.ok()) << kernel.error().message;
  int64_t rows = static_cast<int64_t>(want.size());
  RunResult k = RunColumns((*kernel)->score(), p, inputs, rows, variants, false);
  RunResult i = RunColumns(
      [&](int64_t n, const TallyColumnView* in, const uint16_t* v, TallyColumnView* out, uint32_t* st) {
        interp::RunScore(p, n, in, v, out, st);
      },
      p, inputs, rows, variants, false);
  ExpectWant(k, output, want, "kernel");
  ExpectWant(i, output, want, "interpreter");
  ExpectSameBytes(k, i, "kernel vs interpreter");
}

}  // namespace tally::codegen::testing
