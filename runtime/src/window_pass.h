// Window aggregates (ir.h kWindow; docs/runtime.md, "Window aggregates"). A score that uses
// `AGG(...) over all` or `over KEYS` is run in two passes over its input:
//
//   first pass   every batch of the input goes through each window program's row kernel into
//                its order-preserving GroupAggregator (the metric path): one group per
//                partition, and only the aggregates' state is held (docs/runtime.md says what
//                each aggregate holds);
//   second pass  the score's run as always, but before the score kernel each batch goes
//                through the window row kernels again, to find each row's partition by its
//                keys' values, and the partition's results become the columns kWindow reads.
//
// Both passes read the same records with the same builder rules, so a row rejected while
// reading is rejected in both, and a row a window program rejects (a require that uses no
// window, a trap in an aggregate's argument) is in no population and is rejected in the
// second pass with that reason. Results are read-only once the first pass is done, so every
// scoring thread shares them; the output does not depend on thread count or batch size.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tally/compiler/ir.h"
#include "tally/runtime/column.h"
#include "tally/runtime/group_by.h"
#include "tally/runtime/kernels.h"
#include "tally/runtime/string_calls.h"
#include "tally/runtime/string_dictionary.h"
#include "tally/support/result.h"

namespace tally::runtime {

// What the first pass found: per window program, its partitions' aggregates and a lookup from
// a partition's key values to it.
class WindowPopulations {
 public:
  struct Window;
  // Per scoring thread: the window row kernels' outputs for one batch.
  struct Scratch {
    std::vector<std::vector<OwnedColumn>> args;  // per window: its aggregate argument slots
    std::vector<std::vector<TallyColumnView>> arg_views;
    std::vector<uint32_t> status;                // per row, of the window being run
    std::vector<int64_t> group;                  // per row, of the window being run
    std::vector<int32_t> code_group;             // a single string key: group per dictionary code
    std::string key;                             // a row's key, serialised
    std::vector<TallyColumnView> inputs;         // a window kernel's input views
  };

  WindowPopulations(const ir::Program& score, const KernelSet& kernels, std::vector<Window> windows);
  ~WindowPopulations();

  // For one batch of the second pass (`inputs`: the score's input views, `strings`: the
  // batch's dictionary): fills `values` (one column per program.window_values) and `status`
  // per row, 0 when every window accepts the row, else a code for Reject().
  // `calls`: the batch's string helper (string_calls.h), for window programs that compute
  // strings (into the same dictionary).
  Status Fill(int64_t rows, const TallyColumnView* inputs, const uint16_t* variants,
              const StringDictionary& strings, const KernelStrings& calls, Scratch& scratch,
              std::vector<OwnedColumn>& values, std::vector<uint32_t>& status) const;
  // The reject of a row whose Fill status is `status` (> 0).
  RejectRecord Reject(uint32_t status, int64_t row, int64_t line) const;

 private:
  const ir::Program& score_;
  const KernelSet& kernels_;
  std::vector<Window> windows_;
};

// The first pass: every batch of the input, in order, then Finish.
class WindowPass {
 public:
  WindowPass(const ir::Program& score, const KernelSet& kernels);
  ~WindowPass();
  // The rows of one batch of the score's inputs into every window's groups; computed strings
  // go into `dictionary`, the run's (the batches' codes are its). Fails (a run error naming
  // the window) when an integer sum overflows.
  Status Add(int64_t rows, const TallyColumnView* inputs, const uint16_t* variants, StringDictionary* dictionary);
  // After the last batch; `strings[code]` is the text of each code the batches used.
  Result<std::shared_ptr<const WindowPopulations>> Finish(const std::vector<std::string>& strings);

 private:
  const ir::Program& score_;
  const KernelSet& kernels_;
  std::vector<std::unique_ptr<GroupAggregator>> groups_;
  std::vector<OwnedColumn> args_;
  std::vector<TallyColumnView> arg_views_;
  std::vector<TallyColumnView> key_views_;
  std::vector<uint32_t> status_;
  std::vector<TallyColumnView> inputs_;
  KernelStrings strings_;  // the whole run's, as a metric's
  StringDictionary* dictionary_ = nullptr;
};

// The first pass of ScoreFile for a score with window aggregates: reads `options.input_path`
// (whose layout is decided) once, with its own reader, through every window program.
struct ScoreOptions;
struct InputLayout;
Result<std::shared_ptr<const WindowPopulations>> RunFirstPass(const ScoreOptions& options, const InputLayout& layout);

}  // namespace tally::runtime
