// The one path from definitions to a scored file: compile -> Runtime -> ScoreKernel (from a
// KernelFactory, or the reference interpreter) -> ScoreFile. `tally score`, `tally demo` and
// `tally trace` (its recompute) all score through it, so they cannot drift apart.
//
//   DiagnosticList diagnostics;
//   auto summary = tally::ScoreSource(files, "customer.health@1", cli::JitKernelFactory(),
//                                     options, diagnostics);
#pragma once

#include <string_view>
#include <vector>

#include "tally/compiler/compiler.h"
#include "tally/runtime/run_summary.h"
#include "tally/runtime/runtime.h"
#include "tally/runtime/score_file.h"
#include "tally/support/diagnostic.h"
#include "tally/support/result.h"

namespace tally {

// Scores `options`' files with `name_at_major` ("name" or "name@MAJOR") of `library`, its
// kernel built by `factory` (empty: the reference interpreter). ScoreKernel::ScoreFile
// fills in the program, the kernels and the lineage facts the definition knows.
Result<runtime::RunSummary> ScoreDefinition(const Library& library, std::string_view name_at_major,
                                            const KernelFactory& factory,
                                            runtime::ScoreOptions options);

// Compiles `files`, then ScoreDefinition. Every diagnostic of the compilation (warnings
// too) is left in `diagnostics` for the caller to render; when there are errors nothing is
// scored and the error says so.
Result<runtime::RunSummary> ScoreSource(const std::vector<SourceFilePtr>& files,
                                        std::string_view name_at_major, const KernelFactory& factory,
                                        runtime::ScoreOptions options, DiagnosticList& diagnostics);

}  // namespace tally
