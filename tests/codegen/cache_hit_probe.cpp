// A separate process for plugin_test.cpp: compiles the fixture program with the kernel cache
// in argv[1] and prints what a user's process would see:
//   from_cache=<0|1> backend_loaded=<0|1> llvm_mapped=<0|1> score=<value for a = b = 30>
// llvm_mapped reads /proc/self/maps, independently of the code under test.
#include <cstdio>
#include <fstream>
#include <string>

#include "backend.h"
#include "cache_fixtures.h"

int main(int argc, char** argv) {
  using namespace tally::codegen;
  using namespace tally::codegen::testing;
  if (argc != 2) return 2;
  KernelOptions options;
  options.cache_dir = argv[1];
  auto kernel = CompileKernel(Health(0.5), options);
  if (!kernel.ok()) {
    std::fprintf(stderr, "%s\n", kernel.error().message.c_str());
    return 1;
  }
  std::vector<Column> in = {Ints({30}), Ints({30})};
  RunResult r = RunColumns((*kernel)->score(), Health(0.5), in, 1, nullptr, false);
  std::ifstream maps("/proc/self/maps");
  std::string line;
  bool llvm = false;
  while (std::getline(maps, line)) llvm = llvm || line.find("libLLVM") != std::string::npos;
  std::printf("from_cache=%d backend_loaded=%d llvm_mapped=%d score=%g\n", (*kernel)->info().from_cache ? 1 : 0,
              BackendLoaded() ? 1 : 0, llvm ? 1 : 0, r.outputs[0].At<double>(0));
  return 0;
}
