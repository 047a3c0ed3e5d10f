// What the kernel cache tests share: a scratch directory, a small health-like program with
// a known score, and file helpers.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "kernel_check.h"

namespace tally::codegen::testing {

// A fresh, empty directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("tally-cache-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
    // Private whatever the umask: the cache refuses a directory its group can write.
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

inline ir::Program Health(double weight) {
  // score = round(100 * (w * clamp(a / max(b, 1), 0, 2) / 2 + 0.3), 1)
  ProgramBuilder b;
  ValueId a = b.Input("a", Type::kInt, false);
  ValueId bb = b.Input("b", Type::kInt, false);
  ValueId w = b.Param("w", Type::kFloat, {}, {weight});
  ValueId ratio = b.Apply(Op::kDiv, Type::kFloat,
                          {b.Apply(Op::kIntToFloat, Type::kFloat, {a}),
                           b.Apply(Op::kIntToFloat, Type::kFloat, {b.Apply(Op::kMax, Type::kInt, {bb, b.Int(1)})})});
  ValueId clamped = b.Apply(Op::kMin, Type::kFloat, {b.Apply(Op::kMax, Type::kFloat, {ratio, b.Float(0)}), b.Float(2)});
  ValueId engagement = b.Apply(Op::kDiv, Type::kFloat, {clamped, b.Float(2)});
  ValueId sum = b.Apply(Op::kAdd, Type::kFloat, {b.Apply(Op::kMul, Type::kFloat, {w, engagement}), b.Float(0.3)});
  b.Output("score", b.Apply(Op::kRound, Type::kFloat, {b.Apply(Op::kMul, Type::kFloat, {b.Float(100), sum})}, 1));
  return b.program();
}

inline KernelOptions CacheIn(const TempDir& dir) {
  KernelOptions o;
  o.cache_dir = dir.str();
  return o;
}

// Score of the Health program for a = 30, b = 30 (w = 0.5): 100 * (0.5 * 0.5 + 0.3) = 55.
inline void ExpectWorks(const Kernel& k) {
  std::vector<Column> in = {Ints({30, 0}), Ints({30, 0})};
  RunResult r = RunColumns(k.score(), Health(0.5), in, 2, nullptr, false);
  EXPECT_EQ(r.status[0], 0u);
  EXPECT_EQ(r.outputs[0].At<double>(0), 55.0);
  EXPECT_EQ(r.outputs[0].At<double>(1), 30.0);
}

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
inline void Spit(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

}  // namespace tally::codegen::testing
