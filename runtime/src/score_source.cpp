#include "tally/runtime/score_source.h"

#include "guarded.h"

namespace tally {

using runtime::Guarded;

Result<runtime::RunSummary> ScoreDefinition(const Library& library, std::string_view name_at_major,
                                            const KernelFactory& factory,
                                            runtime::ScoreOptions options) {
  return Guarded([&]() -> Result<runtime::RunSummary> {
    Runtime rt(library);
    if (factory) rt.SetKernelFactory(factory);
    ASSIGN_OR_RETURN(ScoreKernel kernel, rt.Kernel(name_at_major));
    return kernel.ScoreFile(std::move(options));
  });
}

Result<runtime::RunSummary> ScoreSource(const std::vector<SourceFilePtr>& files,
                                        std::string_view name_at_major, const KernelFactory& factory,
                                        runtime::ScoreOptions options, DiagnosticList& diagnostics) {
  return Guarded([&]() -> Result<runtime::RunSummary> {
    CompileResult compiled = Compile(files);
    diagnostics = std::move(compiled.diagnostics);
    if (!compiled.library) return Error{"the definitions have errors; nothing was scored"};
    return ScoreDefinition(*compiled.library, name_at_major, factory, std::move(options));
  });
}

}  // namespace tally
