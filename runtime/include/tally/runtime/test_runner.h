// Runs the `test` blocks of a compiled Library on kernels: the reference interpreter, the JIT
// (a KernelFactory from tally_codegen, installed by the caller), or several engines at once.
//
//   auto outcomes = runtime::RunTests(library, {runtime::InterpreterEngine(), {"jit", jit}});
//   std::fputs(runtime::RenderTestOutcomes(*outcomes, verbose).c_str(), stdout);
//
// A score's test scores each `given` on its own, one row at a time; a metric's test takes its
// `given`s as the rows, groups them with the GroupAggregator of a real run, and each `expect`
// names a group (docs/language.md, "Testing definitions").
//
// With more than one engine every test block runs on each, and any disagreement with the first
// engine (a status, an aggregate argument or an output that is not the same bit for bit) is a
// failure that names both results, besides the expected-vs-actual checks of each engine.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "tally/compiler/compiler.h"
#include "tally/runtime/runtime.h"
#include "tally/support/result.h"
#include "tally/support/source_file.h"

namespace tally::runtime {

// An engine to run test blocks on. `name` ("interpreter", "jit") labels its results in
// failure messages; `factory` builds its kernels for each definition.
struct TestEngine {
  std::string name;
  KernelFactory factory;
};

// The reference interpreter (InterpreterKernels).
TestEngine InterpreterEngine();

// One test block's outcome.
struct TestOutcome {
  std::string definition;
  std::string test_name;
  SourceLocation location;  // of the test block
  bool passed = false;
  // One line per problem, each located at its step:
  //   `file:line:col: tier: expected "green", got "amber"`.
  // A line found by only some engines names them after the location (`file:line:col: jit:
  // ...`); a disagreement reads `the engines disagree on tier: interpreter "green", jit "amber"`.
  std::vector<std::string> failures;
};

// Which test blocks to run, by the path of the file that holds them; empty = all.
using TestFileFilter = std::function<bool(const std::string& file)>;

// Every test block of `library` (that `wanted` accepts), definitions sorted by name, tests in
// source order, each run on every engine in `engines` (the first is the one the others are
// compared with). Kernels are built only for definitions with a test to run; an engine whose
// factory fails for a definition fails that definition's tests with the factory's message.
// Fails (kBadInput) when `engines` is empty, and (kInternal) on an unexpected exception.
Result<std::vector<TestOutcome>> RunTests(const Library& library,
                                          const std::vector<TestEngine>& engines,
                                          const TestFileFilter& wanted = {});

// What `tally test` prints for `outcomes`: `FAIL file:line:col: definition "test"` and its
// failures indented (`PASS ...` lines too when `verbose`), then `N passed, M failed`.
std::string RenderTestOutcomes(const std::vector<TestOutcome>& outcomes, bool verbose);

}  // namespace tally::runtime
