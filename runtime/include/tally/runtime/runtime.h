// The C++ library API: load a folder of definitions, pick a kernel by `name@major`, score
// batches in memory or whole files.
//
//   auto rt = tally::Runtime::Load("metrics");              // compiles every *.tally file
//   auto k  = rt->Kernel("customer.health@1");               // Result<tally::ScoreKernel>
//   k->ScoreBatch(rows, inputs, variants, outputs, status);  // kernel_abi.h columns
//
// Kernels come from the reference interpreter unless a KernelFactory (the JIT, from
// tally_codegen) is installed: the runtime itself never links LLVM.
// No function here lets an exception out: what a factory or kernel throws comes back as an
// InternalError.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tally/compiler/compiler.h"
#include "tally/runtime/kernels.h"
#include "tally/runtime/score_file.h"
#include "tally/runtime/string_dictionary.h"
#include "tally/support/result.h"

namespace tally {

// Builds kernels for a program; the program outlives them.
using KernelFactory = std::function<Result<runtime::KernelSet>(const ir::Program&)>;

// One definition, ready to run. Cheap to copy; keeps its Library alive. Thread-safe for
// concurrent ScoreBatch calls when its kernels are (interpreter and JIT kernels are).
class ScoreKernel {
 public:
  const ir::Program& program() const { return *program_; }
  const DefinitionInfo& info() const { return *info_; }
  const runtime::KernelSet& kernels() const { return kernels_; }

  // A dictionary for string inputs, seeded so constant i has code i (string_dictionary.h).
  std::unique_ptr<runtime::StringDictionary> NewDictionary() const;
  // The variant for a row whose `region` input is `region` (0 = global values).
  uint16_t VariantOf(std::string_view region) const;

  // A score: one input view per program input (in order), one output view per output with
  // both arrays allocated for `rows` rows; status[r] is 0 or a reason (ReasonText).
  // Fails for a metric or a score with window aggregates (use ScoreFile), or when no kernel
  // is available.
  Status ScoreBatch(int64_t rows, const TallyColumnView* inputs, const uint16_t* variants,
                    TallyColumnView* outputs, uint32_t* status) const;
  // The same for a definition that computes strings (lower, substr, concat, ...): `strings` is
  // the dictionary the input codes come from (NewDictionary), and computed output strings are
  // interned into it (string_calls.h). The overload above refuses such a definition.
  Status ScoreBatch(int64_t rows, const TallyColumnView* inputs, const uint16_t* variants,
                    TallyColumnView* outputs, uint32_t* status, runtime::StringDictionary* strings) const;
  // "require open_tickets >= 0 (metrics/customer/health.tally:20:3)" for a status > 0.
  std::string ReasonText(uint32_t status) const;

  // ScoreFile with this kernel; `options.program` and `options.kernels` are filled in, and
  // lineage facts known from the definition (content hash, owner, file, expires_after).
  Result<runtime::RunSummary> ScoreFile(runtime::ScoreOptions options) const;

 private:
  friend class Runtime;
  Result<runtime::RunSummary> ScoreFileWith(runtime::ScoreOptions options) const;
  std::shared_ptr<const Library> library_;
  const ir::Program* program_ = nullptr;
  const DefinitionInfo* info_ = nullptr;
  runtime::KernelSet kernels_;
};

class Runtime {
 public:
  // Compiles every *.tally file under `metrics_dir`. Fails with the rendered diagnostics
  // when any definition has errors.
  static Result<Runtime> Load(const std::string& metrics_dir);
  explicit Runtime(Library library);

  // Kernels built by `factory` instead of the interpreter (e.g. the JIT).
  void SetKernelFactory(KernelFactory factory) { factory_ = std::move(factory); }

  std::vector<std::string> Names() const { return library_->Names(); }
  const Library& library() const { return *library_; }

  // "customer.health" or "customer.health@1". With @MAJOR, fails unless the loaded version
  // has that major (older majors come from the governed history: the CLI's job).
  Result<ScoreKernel> Kernel(std::string_view name_at_major) const;

 private:
  Result<ScoreKernel> BuildKernel(std::string_view name_at_major) const;
  std::shared_ptr<const Library> library_;
  KernelFactory factory_;
};

}  // namespace tally
