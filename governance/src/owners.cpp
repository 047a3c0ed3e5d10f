// Definition owners against the policy's councils, read from the compiler's outline so that
// the diagnostic points at the `owner` line.
#include "tally/compiler/outline.h"
#include "tally/governance/policy.h"

namespace tally::governance {

DiagnosticList CheckOwners(const Policy& policy, const std::string& policy_path, const std::vector<SourceFilePtr>& files) {
  DiagnosticList out;
  for (const auto& file : files) {
    out.Retain(file);
    for (const auto& d : OutlineFile(file).definitions) {
      if (d.owner.empty() || policy.FindCouncil(d.owner) != nullptr) continue;
      out.Error("E-unknown-council", d.owner_range,
                "`" + d.name + "` is owned by `" + d.owner + "`, which is not a council of " + policy_path,
                "the councils are listed under `councils:` in the policy");
    }
  }
  return out;
}

}  // namespace tally::governance
