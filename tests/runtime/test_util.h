// Helpers shared by the runtime tests: hand-built programs and temporary files.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tally/compiler/ir.h"

namespace tally::runtime::testing {

inline ir::Column Col(std::string name, ir::Type type, bool nullable = false) {
  return ir::Column{std::move(name), type, nullable};
}

inline ir::Program ProgramWithInputs(std::vector<ir::Column> inputs) {
  ir::Program p;
  p.name = "test.program";
  p.version = "1.0.0";
  p.inputs = std::move(inputs);
  p.variants = {""};
  return p;
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteAll(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// A fresh directory under the build tree's temp area, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("tally-runtime-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string SharedData(const std::string& relative) {
  return std::string(TALLY_SHARED_DATA_DIR) + "/" + relative;
}

}  // namespace tally::runtime::testing
