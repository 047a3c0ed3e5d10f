// Prints what the JIT costs on very large kernels (docs/codegen.md, "Very large kernels"):
//   codegen_jit_size_probe [--ir] N...
// For each N, an N-let chain (let_chain.h) is compiled by the front end, then by the JIT with
// the cache off, and run on a few rows against the interpreter. Prints IR instructions, wall
// time of CompileKernel, the object's size and whether the results are bit-identical. With
// --ir, prints the kernel's unoptimized LLVM IR instead (for opt/llc -time-passes).
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

#include "kernel_check.h"
#include "let_chain.h"
#include "tally/compiler/interpreter.h"

int main(int argc, char** argv) {
  using namespace tally::codegen;
  using namespace tally::codegen::testing;
  bool ir_only = false;
  for (int arg = 1; arg < argc; ++arg) {
    if (std::strcmp(argv[arg], "--ir") == 0) {
      ir_only = true;
      continue;
    }
    const int lets = std::atoi(argv[arg]);
    auto t0 = std::chrono::steady_clock::now();
    std::optional<tally::ir::Program> p = LetChainProgram(lets);
    if (!p) {
      std::fprintf(stderr, "%d lets: does not compile\n", lets);
      return 1;
    }
    double front_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (ir_only) {
      auto ir = KernelIR(*p, /*optimized=*/false, NoCache());
      if (!ir.ok()) {
        std::fprintf(stderr, "%s\n", ir.error().message.c_str());
        return 1;
      }
      std::fputs(ir->c_str(), stdout);
      continue;
    }
    timespec cpu0{}, cpu1{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu0);
    auto kernel = CompileKernel(*p, NoCache());
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu1);
    const double cpu_ms = (cpu1.tv_sec - cpu0.tv_sec) * 1e3 + (cpu1.tv_nsec - cpu0.tv_nsec) / 1e6;
    if (!kernel.ok()) {
      std::printf("lets=%d ir_instructions=%zu front_end_ms=%.0f refused: %s\n", lets, p->row_code.size(), front_ms,
                  kernel.error().message.c_str());
      continue;
    }
    // 40 rows (so both the fast and the precise loop run): small values, the last that fits
    // (INT64_MAX - lets + 1), and ones that overflow, which only the precise loop reports.
    const int64_t max = std::numeric_limits<int64_t>::max();
    std::vector<std::optional<int64_t>> a;
    for (int r = 0; r < 40; ++r) a.push_back(r % 10 == 9 ? max - r : r % 10 == 8 ? max - lets + 1 : int64_t{r});
    std::vector<Column> in = {Ints(a)};
    RunResult k = RunColumns((*kernel)->score(), *p, in, 40, nullptr, false);
    RunResult i = RunColumns(
        [&](int64_t n, const TallyColumnView* cols, const uint16_t* v, TallyColumnView* out, uint32_t* st) {
          tally::interp::RunScore(*p, n, cols, v, out, st);
        },
        *p, in, 40, nullptr, false);
    bool same = k.status == i.status;
    for (int r = 0; r < 40 && same; ++r) same = k.status[r] != 0 || k.outputs[0].At<int64_t>(r) == i.outputs[0].At<int64_t>(r);
    std::printf("lets=%d ir_instructions=%zu front_end_ms=%.0f opt_level=%d compile_cpu_ms=%.0f compile_wall_ms=%.0f "
                "same_as_interpreter=%s\n",
                lets, p->row_code.size(), front_ms, (*kernel)->info().opt_level, cpu_ms, (*kernel)->info().compile_ms,
                same ? "yes" : "NO");
    std::fflush(stdout);
  }
  return 0;
}
